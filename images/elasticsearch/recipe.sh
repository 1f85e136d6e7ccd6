# Elasticsearch, from the integ-test-zip distribution on Maven Central (scripts/es-dist), laid out like the
# official image: /usr/share/elasticsearch owned by uid/gid 1000, bash and curl on the PATH, tini as PID 1
# and an entrypoint with the official one's behaviour (docker-entrypoint.sh). The zip carries no JDK:
# Debian's OpenJDK 17 runs it (ES_JAVA_HOME). It lacks the rest-root module (GET / answers 405), which
# the rendered readiness probe calls once the cluster was healthy: a stand-in module answers GET / here
# (rest-root-stand-in/).
ES_VERSION=${ES_VERSION:-8.19.7}
IMAGE=docker.elastic.co/elasticsearch/elasticsearch:$ES_VERSION
PACKAGES=(openjdk-17-jre-headless tini)
USER=1000:1000
WORKDIR=/usr/share/elasticsearch
ENTRYPOINT=(/usr/bin/tini -- /usr/local/bin/docker-entrypoint.sh)
CMD=(eswrapper)
ENV=(
  PATH=/usr/share/elasticsearch/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  ELASTIC_CONTAINER=true
  ES_JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
)
EXPOSE=(9200/tcp 9300/tcp)
INPUTS=(images/elasticsearch scripts/es-dist)

cache_key_extra() { sha256sum "$("$REPO_ROOT/scripts/es-dist" zip "$ES_VERSION")" | cut -c1-64; }

files() {
  local root=$1 es_home
  es_home=$("$REPO_ROOT/scripts/es-dist" home "$ES_VERSION")
  local home="$root/usr/share/elasticsearch"
  mkdir -p "$home" "$root/usr/local/bin" "$root/etc"
  cp -a "$es_home/." "$home/"
  find "$home" \( -name '*.bat' -o -name '*.exe' \) -delete
  # The official image's build switches the distribution type; settings from env vars depend on it.
  sed -i 's/^ES_DISTRIBUTION_TYPE=zip$/ES_DISTRIBUTION_TYPE=docker/' "$home/bin/elasticsearch-env"
  grep -q '^ES_DISTRIBUTION_TYPE=docker$' "$home/bin/elasticsearch-env"
  printf 'cluster.name: "docker-cluster"\nnetwork.host: 0.0.0.0\n' >"$home/config/elasticsearch.yml"
  mv "$home/config/log4j2.properties" "$home/config/log4j2.file.properties"
  cp "$RECIPE_DIR/log4j2.properties" "$home/config/log4j2.properties"
  mkdir -p "$home/data" "$home/logs" "$home/plugins"

  # The stand-in for rest-root, compiled against this distribution's jars.
  local mod="$home/modules/rest-root-stand-in" classes; classes=$(mktemp -d)
  mkdir -p "$mod"
  javac --release 17 -proc:none -nowarn -d "$classes" -cp "$es_home/lib/*:$es_home/lib/*/*" "$RECIPE_DIR/rest-root-stand-in/RestRootStandIn.java"
  jar --create --file "$mod/rest-root-stand-in.jar" -C "$classes" .
  rm -rf "$classes"
  cat >"$mod/plugin-descriptor.properties" <<PROPS
description=Stands in for the rest-root module the integ-test-zip lacks (GET / and HEAD /)
version=$ES_VERSION
name=rest-root-stand-in
classname=org.example.esplatform.restroot.RestRootStandIn
java.version=17
elasticsearch.version=$ES_VERSION
PROPS
  chown -R 1000:1000 "$home"
  chmod -R g+rwX "$home"

  install -m 0755 "$RECIPE_DIR/docker-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
  # The elasticsearch user and group (uid/gid 1000), added to the base's files.
  cp "$BASE_ROOT/etc/passwd" "$BASE_ROOT/etc/group" "$root/etc/"
  echo 'elasticsearch:x:1000:1000::/usr/share/elasticsearch:/bin/bash' >>"$root/etc/passwd"
  echo 'elasticsearch:x:1000:' >>"$root/etc/group"
}
