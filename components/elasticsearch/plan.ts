/** The Elasticsearch component's arguments checked (one ArgumentError listing every problem) and turned into its plan. */
import { DNS_LABEL } from "../shared/naming";
import { GiB, isQuantity, parseQuantity } from "../shared/quantity";
import { ArgumentChecker, argumentKeys } from "../shared/validate";
import type { ElasticsearchArgs } from "./args";
import { esHeapSize, jvmSize } from "./heap";
import { DEFAULT_ES_VERSION, elasticsearchImage, elasticsearchNames, isSupportedEsVersion, MAX_BASE_NAME, MAX_HEAP_BYTES, UNSUPPORTED_ES_VERSION } from "./names";
import { needsCertificates, type ElasticsearchPlan } from "./settings";
import { DEFAULT_CERT_EARLY_RENEWAL_HOURS, DEFAULT_CERT_VALIDITY_HOURS } from "./tls";
import { checkUsers } from "./users";

/** Every argument of {@link ElasticsearchArgs}: anything else is a typo and an error. */
const ARGUMENT_KEYS = argumentKeys<ElasticsearchArgs>({
  namespace: true, version: true, image: true, replicas: true, storageClassName: true, storageSize: true, cpu: true, memory: true,
  resources: true, heapSize: true, elasticPassword: true, elasticPasswordHash: true, tls: true, antiAffinity: true, zoneSpread: true, vmMaxMapCount: true,
  volumeClaimRetention: true, users: true, clusterBootstrapped: true, clusterDomain: true, certificateValidityHours: true,
  certificateEarlyRenewalHours: true, networkPolicy: true, certificates: true, serviceAccountAnnotations: true,
});

/** Requests and limits of one node: `resources` where set, else `cpu` / `memory`. */
function nodeResources(args: Pick<ElasticsearchArgs, "cpu" | "memory" | "resources">): { cpu: string; memory: string; cpuLimit: string; memoryLimit: string } {
  const cpu = args.cpu ?? "1";
  const memory = args.memory ?? "4Gi";
  const r = args.resources ?? {};
  return { cpu: r.requests?.cpu ?? cpu, memory: r.requests?.memory ?? memory, cpuLimit: r.limits?.cpu ?? cpu, memoryLimit: r.limits?.memory ?? memory };
}

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkArgs(name: string, args: ElasticsearchArgs): void {
  const check = new ArgumentChecker("Elasticsearch", name);
  check.knownKeys(args, ARGUMENT_KEYS, "");
  check.knownKeys(args.resources, ["requests", "limits"], "resources");
  check.knownKeys(args.resources?.requests, ["cpu", "memory"], "resources.requests");
  check.knownKeys(args.resources?.limits, ["cpu", "memory"], "resources.limits");
  check.knownKeys(args.networkPolicy, ["enabled", "ingress", "egress"], "networkPolicy");
  const base = elasticsearchNames(name).base;
  check.that(base.length > 0 && base.length <= MAX_BASE_NAME, "(name)", `must make a Kubernetes name of 1–${MAX_BASE_NAME} characters (StatefulSet pod and revision names add a suffix)`, name);
  if (typeof args.namespace === "string") check.that(DNS_LABEL.test(args.namespace) && args.namespace.length <= 63, "namespace", "must be a DNS label", args.namespace);
  else check.that(args.namespace !== undefined && args.namespace !== null, "namespace", "is required", args.namespace);
  if (args.version !== undefined && check.that(typeof args.version === "string" && /^\d+\.\d+\.\d+$/.test(args.version), "version", "must be a version such as 8.19.7", args.version)) {
    check.that(isSupportedEsVersion(args.version), "version", UNSUPPORTED_ES_VERSION, args.version);
  }
  if (args.image !== undefined) check.that(/^\S+$/.test(args.image), "image", "must be an image reference without spaces", args.image);
  const replicas = args.replicas ?? 1;
  check.that(Number.isInteger(replicas) && (replicas === 1 || replicas >= 3), "replicas", "must be 1, or 3 and more: 2 nodes cannot keep a quorum through one loss", args.replicas);
  for (const key of ["storageSize", "cpu", "memory", "heapSize"] as const) {
    const value = args[key];
    if (value !== undefined) check.that(typeof value === "string" && isQuantity(value) && parseQuantity(value) > 0, key, "must be a positive Kubernetes quantity such as 500m, 2 or 4Gi", value);
  }
  const quantities: [string, string | undefined][] = [
    ["resources.requests.cpu", args.resources?.requests?.cpu],
    ["resources.requests.memory", args.resources?.requests?.memory],
    ["resources.limits.cpu", args.resources?.limits?.cpu],
    ["resources.limits.memory", args.resources?.limits?.memory],
  ];
  for (const [path, value] of quantities) {
    if (value !== undefined) check.that(typeof value === "string" && isQuantity(value) && parseQuantity(value) > 0, path, "must be a positive Kubernetes quantity such as 500m, 2 or 4Gi", value);
  }
  const r = nodeResources(args);
  if ([r.cpu, r.cpuLimit, r.memory, r.memoryLimit].every(isQuantity)) {
    check.that(parseQuantity(r.cpu) <= parseQuantity(r.cpuLimit), "resources.requests.cpu", `must be ≤ the CPU limit (${r.cpuLimit})`, r.cpu);
    check.that(parseQuantity(r.memory) <= parseQuantity(r.memoryLimit), "resources.requests.memory", `must be ≤ the memory limit (${r.memoryLimit})`, r.memory);
  }
  const memory = r.memoryLimit;
  if (isQuantity(memory)) {
    check.that(parseQuantity(memory) >= 2 * GiB, args.resources?.limits?.memory !== undefined ? "resources.limits.memory" : "memory", "must be at least 2Gi", args.resources?.limits?.memory ?? args.memory);
    if (args.heapSize !== undefined && isQuantity(args.heapSize)) {
      const heap = parseQuantity(args.heapSize);
      check.that(heap <= MAX_HEAP_BYTES, "heapSize", "must be at most 31Gi (compressed object pointers)", args.heapSize);
      check.that(heap <= parseQuantity(memory) * 0.75, "heapSize", `must leave room for off-heap memory: at most 75% of memory (${memory})`, args.heapSize);
    }
  }
  if (args.antiAffinity !== undefined) check.that(args.antiAffinity === "hard" || args.antiAffinity === "soft", "antiAffinity", 'must be "hard" or "soft"', args.antiAffinity);
  if (args.vmMaxMapCount !== undefined) check.that(["node", "initContainer", "disableMmap"].includes(args.vmMaxMapCount), "vmMaxMapCount", 'must be "node", "initContainer" or "disableMmap"', args.vmMaxMapCount);
  if (args.volumeClaimRetention !== undefined) check.that(args.volumeClaimRetention === "Retain" || args.volumeClaimRetention === "Delete", "volumeClaimRetention", 'must be "Retain" or "Delete"', args.volumeClaimRetention);
  if (typeof args.elasticPassword === "string") check.that(args.elasticPassword.length > 0, "elasticPassword", "must not be empty (leave it out to have one generated)", "");
  if (args.networkPolicy?.enabled !== undefined) check.that(typeof args.networkPolicy.enabled === "boolean", "networkPolicy.enabled", "must be true or false", args.networkPolicy.enabled);
  for (const kind of ["ingress", "egress"] as const) {
    const rules = args.networkPolicy?.[kind];
    if (rules !== undefined) check.that(Array.isArray(rules), `networkPolicy.${kind}`, "must be a list of NetworkPolicy rules", rules);
  }
  if (args.clusterDomain !== undefined) check.that(DNS_NAME.test(args.clusterDomain), "clusterDomain", "must be a DNS name such as cluster.local", args.clusterDomain);
  const validity = args.certificateValidityHours ?? DEFAULT_CERT_VALIDITY_HOURS;
  const renewal = args.certificateEarlyRenewalHours ?? DEFAULT_CERT_EARLY_RENEWAL_HOURS;
  if (args.certificates === undefined) {
    check.that(Number.isInteger(validity) && validity >= 24, "certificateValidityHours", "must be a whole number of hours, at least 24", args.certificateValidityHours);
    check.that(Number.isInteger(renewal) && renewal >= 1 && renewal < validity, "certificateEarlyRenewalHours", `must be a whole number of hours, at least 1 and below certificateValidityHours (${validity})`, args.certificateEarlyRenewalHours);
  }
  if (args.certificates !== undefined) {
    check.knownKeys(args.certificates, ["secretName"], "certificates");
    const secretName = args.certificates?.secretName;
    check.that(typeof secretName === "string" && secretName.length <= 253 && DNS_NAME.test(secretName), "certificates.secretName", "must be the name of a Secret in the namespace (a DNS subdomain, at most 253 characters)", secretName);
    check.that(
      needsCertificates({ replicas: args.replicas ?? 1, httpTls: args.tls ?? false }),
      "certificates",
      "has no effect: certificates are used for HTTPS (tls: true) and for transport TLS (3 or more replicas); set one of them or leave certificates out",
      args.certificates,
    );
    for (const key of ["certificateValidityHours", "certificateEarlyRenewalHours"] as const) {
      check.that(args[key] === undefined, key, "applies to generated certificates only: the certificates you bring renew on your own schedule", args[key]);
    }
  }
  checkUsers(check, args.users);
  check.done();
}

/** The validated plan for `args`; throws an ArgumentError listing every problem. */
export function elasticsearchPlan(name: string, args: ElasticsearchArgs): ElasticsearchPlan {
  checkArgs(name, args);
  const resources = nodeResources(args);
  return {
    names: elasticsearchNames(name),
    image: elasticsearchImage(args.version ?? DEFAULT_ES_VERSION, args.image),
    replicas: args.replicas ?? 1,
    storageSize: args.storageSize ?? "20Gi",
    storageClassName: args.storageClassName,
    ...resources,
    heap: args.heapSize !== undefined ? jvmSize(Math.floor(parseQuantity(args.heapSize) / 2 ** 20) * 2 ** 20) : esHeapSize(resources.memoryLimit),
    httpTls: args.tls ?? false,
    antiAffinity: args.antiAffinity ?? "hard",
    zoneSpread: args.zoneSpread ?? false,
    vmMaxMapCount: args.vmMaxMapCount ?? "node",
    volumeClaimRetention: args.volumeClaimRetention ?? "Retain",
    clusterBootstrapped: args.clusterBootstrapped ?? false,
    ...(args.certificates ? { certificatesSecretName: args.certificates.secretName } : {}),
  };
}
