/**
 * The `prepare-config` init container's script (runs in the pod before Elasticsearch; bash and curl only).
 */
import { CONFIG_DIR, CONFIG_PREP_DIR, CONFIG_SOURCE_DIR, FILE_REALM_DIR, NODE_READER_DIR } from "./names";
import { type ElasticsearchPlan } from "./settings";

/**
 * The init container's script: a writable config dir from the image's, our elasticsearch.yml, links to the
 * users. Safe to re-run: init containers run again after a pod-sandbox restart, over the surviving emptyDir
 * (holding the previous run's links, which dangle here), so it empties the dir first and always ends the same.
 */
export function prepareConfigScript(plan: Pick<ElasticsearchPlan, "zoneSpread">): string {
  const lines = [
    "set -eu",
    "shopt -s dotglob nullglob",
    `rm -rf -- ${CONFIG_PREP_DIR}/*`,
    `cp -R ${CONFIG_DIR}/. ${CONFIG_PREP_DIR}/`,
    `cp ${CONFIG_SOURCE_DIR}/elasticsearch.yml ${CONFIG_PREP_DIR}/elasticsearch.yml`,
    // Links, not subPath mounts: a subPath never sees Secret updates, a linked directory mount does.
    `for f in users users_roles roles.yml; do ln -sf ${FILE_REALM_DIR}/$f ${CONFIG_PREP_DIR}/$f; done`,
  ];
  if (plan.zoneSpread) {
    lines.push(
      // Kubernetes < 1.35 cannot hand a node label to a pod through the downward API; ask the API server.
      `node=$(curl -sSf --cacert ${NODE_READER_DIR}/ca.crt -H "Authorization: Bearer $(cat ${NODE_READER_DIR}/token)" "https://kubernetes.default.svc/api/v1/nodes/$NODE_NAME")`,
      // kube-apiserver pretty-prints JSON for a curl User-Agent ("key": "value", one per line): allow any spacing.
      `zone="" re='"topology\\.kubernetes\\.io/zone"[[:space:]]*:[[:space:]]*"([^"]+)"'`,
      `if [[ $node =~ $re ]]; then zone=\${BASH_REMATCH[1]}; fi`,
      `if [ -z "$zone" ]; then echo "node $NODE_NAME has no topology.kubernetes.io/zone label" >&2; exit 1; fi`,
      `printf '\\nnode.attr.zone: "%s"\\n' "$zone" >> ${CONFIG_PREP_DIR}/elasticsearch.yml`,
    );
  }
  return lines.join("\n");
}
