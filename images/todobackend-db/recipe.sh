# The todobackend stack's database tier (Pulumi.todobackend.yaml, tier db): Debian's MariaDB server, MySQL-
# compatible, run as a non-root uid with a read-only root filesystem. Its data lives on the tier's claim at
# /var/lib/mysql, the socket and pid file on the emptyDir /run/mysqld, temporary files in /tmp.
# entrypoint.sh creates the data directory on first start and applies MYSQL_DATABASE, MYSQL_USER,
# MYSQL_PASSWORD and MYSQL_ROOT_PASSWORD on every start (a rotated password takes effect on the next pod).
IMAGE=ghcr.io/example/todobackend-db:1.0.0
PACKAGES=(mariadb-server)
USER=999:999
WORKDIR=/var/lib/mysql
ENTRYPOINT=(/usr/local/bin/todobackend-db-entrypoint)
EXPOSE=(3306/tcp)
INPUTS=(images/todobackend-db/entrypoint.sh)

files() {
  mkdir -p "$1/usr/local/bin"
  install -m 0755 "$RECIPE_DIR/entrypoint.sh" "$1/usr/local/bin/todobackend-db-entrypoint"
}
