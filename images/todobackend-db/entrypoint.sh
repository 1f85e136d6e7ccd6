#!/bin/sh
# MariaDB for a Kubernetes pod: non-root, read-only root filesystem, data on the claim at /var/lib/mysql.
# Safe to re-run (a restarted pod): the data directory is created only when empty, and the users and grants
# are (re)applied through --init-file on every start, so a changed password takes effect on restart.
set -eu
datadir=/var/lib/mysql
rundir=/run/mysqld
: "${MYSQL_DATABASE:?}" "${MYSQL_USER:?}" "${MYSQL_PASSWORD:?}" "${MYSQL_ROOT_PASSWORD:?}"

# SQL string literal: single quotes doubled, backslashes escaped.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }

if [ ! -d "$datadir/mysql" ]; then
  # --force: no host-name look-up (the pod's name need not resolve); its output goes to the pod's log.
  mariadb-install-db --datadir="$datadir" --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve --force
fi

init="$rundir/init.sql"
umask 077
cat >"$init" <<SQL
CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;
CREATE USER IF NOT EXISTS $(quote "$MYSQL_USER")@'%' IDENTIFIED BY $(quote "$MYSQL_PASSWORD");
ALTER USER $(quote "$MYSQL_USER")@'%' IDENTIFIED BY $(quote "$MYSQL_PASSWORD");
GRANT ALL PRIVILEGES ON \`$MYSQL_DATABASE\`.* TO $(quote "$MYSQL_USER")@'%';
ALTER USER 'root'@'localhost' IDENTIFIED BY $(quote "$MYSQL_ROOT_PASSWORD");
FLUSH PRIVILEGES;
SQL

exec mariadbd --datadir="$datadir" --socket="$rundir/mysqld.sock" --pid-file="$rundir/mysqld.pid" \
  --tmpdir=/tmp --bind-address=0.0.0.0 --port=3306 --skip-name-resolve --init-file="$init"
