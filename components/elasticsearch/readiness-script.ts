/**
 * The readiness probe script of an Elasticsearch node (runs in the pod; bash and curl only).
 */
import { PROBE_USERNAME } from "./users";
import { CONFIG_DIR, ES_HTTP_PORT, FILE_REALM_DIR, PROBE_PASSWORD_KEY } from "./names";
import { type ElasticsearchPlan } from "./settings";

/**
 * The readiness check (bash, run in the container). Until it has once seen the wanted health (green for a
 * cluster, yellow for a single node, which never allocates replicas) it asks `_cluster/health` with
 * `wait_for_status`; afterwards `GET /` suffices, as in Elastic's Helm chart. The marker is keyed by PID 1's
 * start time, so a restarted container gates on health again. It authenticates as the file-realm probe user,
 * never as elastic, and passes the password on stdin, not argv.
 */
export function readinessScript(plan: Pick<ElasticsearchPlan, "replicas" | "httpTls">): string {
  const status = plan.replicas === 1 ? "yellow" : "green";
  const scheme = plan.httpTls ? "https" : "http";
  const ca = plan.httpTls ? ` --cacert ${CONFIG_DIR}/certs/ca.crt` : "";
  return [
    "set -eu",
    // Field 22 of /proc/1/stat is PID 1's start time: bash builtins only, the image need not ship awk.
    "read -r -a pid1 < /proc/1/stat",
    `marker="/tmp/.es-health-${status}-\${pid1[21]}"`,
    `if [ -f "$marker" ]; then path="/"; else path="/_cluster/health?wait_for_status=${status}&timeout=1s"; fi`,
    `code=$(printf 'user = "${PROBE_USERNAME}:%s"\\n' "$(cat ${FILE_REALM_DIR}/${PROBE_PASSWORD_KEY})" | curl -s -K - -o /dev/null -w '%{http_code}' --max-time 4${ca} "${scheme}://127.0.0.1:${ES_HTTP_PORT}$path" || true)`,
    `if [ "$code" = 200 ]; then touch "$marker"; exit 0; fi`,
    `echo "readiness: GET $path returned $code" >&2`,
    "exit 1",
  ].join("\n");
}
