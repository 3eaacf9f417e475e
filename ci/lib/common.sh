# shellcheck shell=bash
# What every ci/ script's sourced library uses: messages prefixed with the
# script's name, and the check that Docker answers. Sourced, not run.

die() { echo "${0##*/}: $*" >&2; exit 1; }
say() { echo "${0##*/}: $*" >&2; }

# Fails unless the docker client is installed and its daemon answers.
need_docker() {
  local docker_err
  command -v docker >/dev/null 2>&1 || die "the docker client is not installed"
  if ! docker_err=$(docker info 2>&1 >/dev/null); then
    die "docker is unreachable (DOCKER_HOST=${DOCKER_HOST:-unset}): ${docker_err##*$'\n'}"
  fi
}
