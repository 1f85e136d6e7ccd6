#!/bin/bash
# The image's entrypoint (under tini), with the behaviour of the official image's that pods rely on:
#   - CMD "eswrapper" (or .../elasticsearch) starts Elasticsearch with the remaining arguments; any other
#     command is run as given (so `bash -c ...` works in init containers that keep the entrypoint);
#   - <NAME>_FILE variables are read from files (bin/elasticsearch-env-from-file);
#   - ELASTIC_PASSWORD becomes the keystore's bootstrap.password (a bootstrap-only setting: the platform
#     does not use it, its passwords live in the file realm);
#   - ES_LOG_STYLE=file switches from console logging to the distribution's file logging;
#   - settings passed as environment variables (cluster.name=..., ES_SETTING_CLUSTER_NAME=...) reach
#     Elasticsearch: bin/elasticsearch-env says ES_DISTRIBUTION_TYPE=docker, which turns that on.
set -e
umask 0002

if [[ $1 == eswrapper || $(basename -- "${1:-}") == elasticsearch ]]; then
  shift
else
  exec "$@"
fi

source /usr/share/elasticsearch/bin/elasticsearch-env-from-file

if [[ -n ${ELASTIC_PASSWORD:-} ]]; then
  [[ -f /usr/share/elasticsearch/config/elasticsearch.keystore ]] || elasticsearch-keystore create
  if ! elasticsearch-keystore list | grep -q '^bootstrap.password$'; then
    printf '%s' "$ELASTIC_PASSWORD" | elasticsearch-keystore add -x bootstrap.password
  fi
fi

case ${ES_LOG_STYLE:-console} in
  console) ;;
  file) cp -f /usr/share/elasticsearch/config/log4j2.file.properties /usr/share/elasticsearch/config/log4j2.properties ;;
  *) echo "ES_LOG_STYLE is '$ES_LOG_STYLE'; expected console or file" >&2; exit 1 ;;
esac

exec /usr/share/elasticsearch/bin/elasticsearch "$@"
