# shellcheck shell=bash
# What ci/build-mariadb-image and ci/build-mysql-image share: building a
# database server image from Debian's own packages, for machines that cannot
# reach an image registry. Sourced, not run; the build script holds only what
# is its own (image name, suite, packages, server config) and calls, in order:
#
#   image_begin IMAGE        checks Docker; when IMAGE carries this build's
#                            label, says so, prints IMAGE and exits 0 (unless
#                            RMTR_IMAGE_REBUILD=1); checks for root and
#                            installs debootstrap with apt-get if missing
#   image_bootstrap SUITE    debootstrap --variant=minbase SUITE into $rootfs
#                            (its .debs fetched once into a tarball per suite)
#                            and apt's sources: SUITE main, plus -updates and
#                            -security unless SUITE is sid/unstable
#   image_install [-o APT_OPTION]... PACKAGE...
#                            apt-get install --no-install-recommends inside
#                            $rootfs (chroot, /proc mounted, the downloaded
#                            .debs kept in the cache, services never started)
#   image_strip              removes apt's lists and caches, docs, man pages,
#                            locales, logs and the datadir the packages made
#   image_mysql_dirs DIR...  makes DIRs inside $rootfs, owned by mysql
#   image_server_config FILE GROUP [LINE]...
#                            writes the server config FILE inside $rootfs:
#                            [GROUP] with bind-address 0.0.0.0, port 3306,
#                            user mysql and skip-name-resolve, then the LINEs
#   image_import SERVER      installs ci/lib/docker-entrypoint.sh, checks the
#                            tools rmtr's probe runs, and imports $rootfs
#                            (`tar | docker import`) as IMAGE with CMD SERVER,
#                            port 3306 and the label; prints IMAGE
#
# Environment: RMTR_IMAGE_CACHE (debootstrap tarballs and downloaded .debs,
# default $HOME/.cache/rmtr-images), RMTR_DEBIAN_MIRROR (default
# http://deb.debian.org/debian), RMTR_IMAGE_REBUILD=1 (rebuild even when up
# to date). The label org.rmtr.build-script-sha256 is the sha256 of the build
# script, this file, common.sh and the entrypoint together: a change to any of
# them rebuilds the image.

image_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$image_lib/common.sh"
image_cache=${RMTR_IMAGE_CACHE:-$HOME/.cache/rmtr-images}
image_mirror=${RMTR_DEBIAN_MIRROR:-http://deb.debian.org/debian}
image_label=org.rmtr.build-script-sha256
image_sha=$(cat "$0" "$image_lib"/{common.sh,debian-image.sh,docker-entrypoint.sh} | sha256sum | cut -d' ' -f1)
image_name=
image_work=
rootfs=

image_begin() {
  local current
  image_name=$1
  need_docker

  current=$(docker image inspect -f "{{ index .Config.Labels \"$image_label\" }}" "$image_name" 2>/dev/null || true)
  if [ "$current" = "$image_sha" ] && [ "${RMTR_IMAGE_REBUILD:-0}" != 1 ]; then
    say "$image_name is up to date (built by this script, sha256 $image_sha); nothing to do"
    echo "$image_name"
    exit 0
  fi

  [ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot and mount need it)"
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null; }
  fi
}

# Unmounts what image_install mounted and removes the scratch directory.
image_cleanup() {
  local m
  for m in "$rootfs/var/cache/apt/archives" "$rootfs/proc"; do
    mountpoint -q "$m" 2>/dev/null && umount "$m"
  done
  rm -rf "$image_work"
}

image_bootstrap() {
  local suite=$1 tarball name=${0##*/}
  mkdir -p "$image_cache/debs/partial"
  image_work=$(mktemp -d "${TMPDIR:-/tmp}/rmtr-${name#build-}.XXXXXX")
  rootfs=$image_work/rootfs
  trap image_cleanup EXIT

  # The base system: its .debs are fetched once into a tarball, then unpacked.
  tarball=$image_cache/debootstrap-$suite-minbase-$(dpkg --print-architecture).tgz
  if [ ! -s "$tarball" ]; then
    say "downloading the $suite base system into $tarball"
    debootstrap --variant=minbase --make-tarball="$tarball.part" "$suite" "$image_work/fetch" "$image_mirror" >&2
    mv "$tarball.part" "$tarball"
  fi
  say "bootstrapping $suite into $rootfs"
  debootstrap --variant=minbase --unpack-tarball="$tarball" "$suite" "$rootfs" "$image_mirror" >&2

  # A release takes its security and point-release updates; unstable has none.
  case $suite in
    sid | unstable)
      echo "deb $image_mirror $suite main" >"$rootfs/etc/apt/sources.list" ;;
    *)
      cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $image_mirror $suite main
deb $image_mirror $suite-updates main
deb ${image_mirror%/debian}/debian-security $suite-security main
EOF
      ;;
  esac
}

image_install() {
  local apt_options=()
  while [ "${1:-}" = -o ]; do
    apt_options+=(-o "$2")
    shift 2
  done
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod +x "$rootfs/usr/sbin/policy-rc.d"
  mount -t proc proc "$rootfs/proc"
  mount --bind "$image_cache/debs" "$rootfs/var/cache/apt/archives"
  say "installing $*"
  chroot "$rootfs" apt-get "${apt_options[@]}" update -q >&2
  chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${apt_options[@]}" install -y -q --no-install-recommends "$@" >&2
  umount "$rootfs/var/cache/apt/archives" "$rootfs/proc"
}

# What the image must not carry: apt state, the init blocker, and the datadir
# the package scripts made (the entrypoint initialises a fresh one).
image_strip() {
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs/usr/sbin/policy-rc.d" "$rootfs"/var/lib/mysql/* "$rootfs"/var/log/*.log \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
}

image_mysql_dirs() {
  local d
  for d; do mkdir -p "$rootfs$d"; done
  chroot "$rootfs" chown mysql:mysql "$@"
}

image_server_config() {
  local file=$1 group=$2
  shift 2
  {
    echo "# Written by rmtr's ci/${0##*/}: listen on every interface, run as"
    echo "# mysql, log to stderr, and do not resolve client host names."
    echo "[$group]"
    printf '%s\n' 'bind-address = 0.0.0.0' 'port = 3306' 'user = mysql' skip-name-resolve "$@"
  } >"$rootfs$file"
}

image_import() {
  local server=$1 tool previous
  install -m 755 "$image_lib/docker-entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"
  # rmtr's probe runs `sh` with these; the entrypoint needs awk too.
  for tool in sh id cp mkdir awk "$server"; do
    chroot "$rootfs" /bin/sh -c "command -v $tool" >/dev/null || die "the image lacks $tool"
  done

  previous=$(docker image inspect -f '{{.Id}}' "$image_name" 2>/dev/null || true)
  say "importing the root filesystem as $image_name"
  tar -C "$rootfs" -c . | docker import \
    --change "LABEL $image_label=$image_sha" \
    --change 'ENV LANG=C.UTF-8' \
    --change 'EXPOSE 3306' \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    --change "CMD [\"$server\"]" \
    - "$image_name" >/dev/null
  # The image this one replaces, left untagged, goes unless a container uses it.
  if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect -f '{{.Id}}' "$image_name")" ]; then
    docker rmi "$previous" >/dev/null 2>&1 || say "kept the previous image $previous (in use)"
  fi
  say "built $image_name ($(docker image inspect -f '{{.Size}}' "$image_name") bytes)"
  echo "$image_name"
}
