#!/bin/bash
# Entrypoint of rmtr's local MariaDB and MySQL images (ci/build-mariadb-image
# and ci/build-mysql-image copy it to /usr/local/bin/docker-entrypoint.sh),
# behaving like the official `mariadb` and `mysql` images where a test harness
# needs it. The server is mariadbd if the image has it, else mysqld.
# Arguments starting with `-` are server options. An empty datadir is
# initialised: root gets the root password (or none when an empty one is
# allowed) at localhost and at the root host (default '%'); the database, if
# set, is created. Then the server replaces this script, in the foreground,
# logging to stderr.
#
# MariaDB reads MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1,
# MARIADB_ROOT_HOST and MARIADB_DATABASE, else their MYSQL_* names; MySQL
# reads MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD=1, MYSQL_ROOT_HOST and
# MYSQL_DATABASE.
set -euo pipefail

note() { printf '%s [Note] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2; }
fail() { printf '%s [ERROR] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2; exit 1; }

# A string as an SQL literal body: backslashes and quotes doubled/escaped.
sql_escape() { local s=${1//\\/\\\\}; printf '%s' "${s//\'/\\\'}"; }

if command -v mariadbd >/dev/null 2>&1; then
  server=mariadbd client=mariadb admin=mariadb-admin
  root_password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
  allow_empty=${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}
  root_host=${MARIADB_ROOT_HOST:-${MYSQL_ROOT_HOST:-%}}
  database=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
  password_variables="MARIADB_ROOT_PASSWORD or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1"
  no_replica_start=--skip-slave-start
  proxy_source="''@'%'"
else
  server=mysqld client=mysql admin=mysqladmin
  root_password=${MYSQL_ROOT_PASSWORD:-}
  allow_empty=${MYSQL_ALLOW_EMPTY_PASSWORD:-}
  root_host=${MYSQL_ROOT_HOST:-%}
  database=${MYSQL_DATABASE:-}
  password_variables="MYSQL_ROOT_PASSWORD or MYSQL_ALLOW_EMPTY_PASSWORD=1"
  no_replica_start=--skip-replica-start
  proxy_source="''@''"
fi

if [ "${1:-}" = "" ] || [ "${1:0:1}" = '-' ]; then
  set -- "$server" "$@"
fi
if [ "$1" != "$server" ] && [ "$1" != mysqld ]; then
  exec "$@"
fi
for arg; do
  case $arg in -'?'|--help|--print-defaults|-V|--version) exec "$@" ;; esac
done

datadir=$("$@" --verbose --help --log-bin-index="$(mktemp -u)" 2>/dev/null | awk '$1 == "datadir" { print $2; exit }')
datadir=${datadir:-/var/lib/mysql/}
mkdir -p "$datadir" /run/mysqld
chown mysql:mysql "$datadir" /run/mysqld

if [ ! -d "$datadir/mysql" ]; then
  if [ -z "$root_password" ] && [ -z "$allow_empty" ]; then
    fail "the datadir is empty: set $password_variables"
  fi
  note "initialising $datadir"
  if [ "$server" = mariadbd ]; then
    mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db \
      --auth-root-authentication-method=normal --skip-name-resolve >/dev/null
  else
    # With the server's own options (page size, table name case and the like
    # are fixed here), but no binary log: the first one is the real server's.
    "$@" --initialize-insecure --user=mysql --datadir="$datadir" --skip-log-bin
  fi

  # A private server (no network, no binary log) sets the root accounts.
  socket=/run/mysqld/init.sock
  "$@" --skip-networking --skip-log-bin "$no_replica_start" --socket="$socket" &
  pid=$!
  for _ in $(seq 120); do
    "$admin" --socket="$socket" -uroot ping >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || fail "the initialising server exited"
    sleep 0.5
  done
  "$admin" --socket="$socket" -uroot ping >/dev/null 2>&1 \
    || fail "the initialising server did not answer within 60 s"
  pw=$(sql_escape "$root_password")
  host=$(sql_escape "$root_host")
  create_db=
  [ -z "$database" ] || create_db="CREATE DATABASE IF NOT EXISTS \`${database//\`/\`\`}\`;"
  # mariadb-install-db's password-less root accounts other than localhost
  # (mysqld --initialize-insecure makes none: the drops do nothing there).
  drop=
  for h in 127.0.0.1 ::1 "$HOSTNAME"; do
    [ "$h" = "$root_host" ] || drop+="DROP USER IF EXISTS 'root'@'$(sql_escape "$h")';"
  done
  # The session's last statement stops the server: no password on a command line.
  "$client" --socket="$socket" -uroot <<SQL
SET @@SESSION.SQL_LOG_BIN = 0;
$drop
ALTER USER 'root'@'localhost' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS 'root'@'$host' IDENTIFIED BY '$pw';
GRANT ALL ON *.* TO 'root'@'$host' WITH GRANT OPTION;
GRANT PROXY ON $proxy_source TO 'root'@'$host' WITH GRANT OPTION;
$create_db
SHUTDOWN;
SQL
  wait "$pid"
  note "datadir initialised; root@'$root_host' is set"
fi

exec "$@"
