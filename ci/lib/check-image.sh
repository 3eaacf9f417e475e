# shellcheck shell=bash
# What ci/check-mariadb-image and ci/check-mysql-image share: the smoke check
# of one server image. Sourced, not run; the check script calls
#
#   check_image IMAGE BUILD_SCRIPT ALLOW_EMPTY_VARIABLE CLIENT...
#
# which starts IMAGE detached as a replication master (--server-id=1
# --log-bin=master-bin) with ALLOW_EMPTY_VARIABLE=1 (an empty root password)
# on a random loopback port, waits at most 60 s until the first CLIENT found
# on the host can query it, prints the version, log_bin and server_id, and
# removes the container on exit, whatever happened. BUILD_SCRIPT is named when
# the image is missing.

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

check_container=

# Fails with the container's log: it stopped, or 60 s went by.
give_up() {
  docker logs "$check_container" >&2 || true
  die "$1"
}

check_image() {
  local image=$1 build=$2 allow_empty=$3 client='' c port start out query
  shift 3
  for c; do
    if command -v "$c" >/dev/null 2>&1; then client=$c; break; fi
  done
  [ -n "$client" ] || die "no client is installed (one of: $*)"
  need_docker
  docker image inspect "$image" >/dev/null 2>&1 || die "no image $image: run $build"

  check_container=$(docker run -d -e "$allow_empty=1" -p 127.0.0.1::3306 \
    "$image" --server-id=1 --log-bin=master-bin)
  trap 'docker rm -f "$check_container" >/dev/null' EXIT
  port=$(docker port "$check_container" 3306/tcp | head -n1)
  port=${port##*:}

  start=$SECONDS
  query='SELECT @@version, @@log_bin, @@server_id'
  until out=$("$client" --protocol=tcp -h127.0.0.1 -P"$port" -uroot -e "$query" 2>&1); do
    [ "$(docker inspect -f '{{.State.Running}}' "$check_container")" = true ] \
      || give_up "the container stopped: $out"
    [ $((SECONDS - start)) -lt 60 ] || give_up "no answer on 127.0.0.1:$port within 60 s: $out"
    sleep 1
  done
  echo "$out"
  say "$image answered on 127.0.0.1:$port after $((SECONDS - start)) s"
}
