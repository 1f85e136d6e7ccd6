/**
 * Pure spec builders for the Elasticsearch component: names, heap, discovery, elasticsearch.yml, probes,
 * the pod spec and the Kubernetes objects around it. No resources are created here.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { contentHash, dnsLabel, PACKAGE_NAME, selectorLabels, standardLabels } from "./naming";
import { GiB, MiB, parseQuantity } from "./quantity";
import { PROBE_USERNAME } from "./elasticsearch-users";
import { dnsEgressRule, tcpEgressRule } from "./network-policy";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;
type StatefulSetSpec = k8s.types.input.apps.v1.StatefulSetSpec;
type ServiceSpec = k8s.types.input.core.v1.ServiceSpec;
type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type PodDisruptionBudgetSpec = k8s.types.input.policy.v1.PodDisruptionBudgetSpec;

export const DEFAULT_ES_VERSION = "8.19.7";
export const ES_HTTP_PORT = 9200;
export const ES_TRANSPORT_PORT = 9300;
/** The label key a client pod carries (value: the cluster's name) to pass the NetworkPolicy on 9200. */
export const CLIENT_LABEL_KEY = `${PACKAGE_NAME}/elasticsearch-client`;
/** The annotation carrying a hash of elasticsearch.yml: a config change rolls the pods, one at a time. */
export const CONFIG_HASH_ANNOTATION = `${PACKAGE_NAME}/config-hash`;
/** Longest base name: `<base>-<controller-revision hash>` must stay a 63-character label. */
export const MAX_BASE_NAME = 52;
/** The heap ceiling: below the compressed-oops threshold (Elasticsearch's own automatic sizing caps here too). */
export const MAX_HEAP_BYTES = 31 * GiB;

const ES_HOME = "/usr/share/elasticsearch";
const CONFIG_DIR = `${ES_HOME}/config`;
const FILE_REALM_DIR = "/mnt/elastic-internal/file-realm";
const CONFIG_SOURCE_DIR = "/mnt/elastic-internal/config-source";
const CONFIG_PREP_DIR = "/mnt/elastic-internal/config";
const NODE_READER_DIR = "/mnt/elastic-internal/node-reader";
/** The file in the file-realm Secret that holds the probe user's password. */
export const PROBE_PASSWORD_KEY = "probe-password";

export type AntiAffinity = "hard" | "soft";
export type VmMaxMapCount = "node" | "initContainer" | "disableMmap";
export type VolumeClaimRetention = "Retain" | "Delete";

/** Every Kubernetes name the component uses, derived from one base name. */
export interface ElasticsearchNames {
  base: string;
  statefulSet: string;
  headlessService: string;
  clientService: string;
  configMap: string;
  fileRealmSecret: string;
  credentialsSecret: string;
  caSecret: string;
  certificatesSecret: string;
  disruptionBudget: string;
  networkPolicy: string;
  serviceAccount: string;
  userSecret(username: string): string;
}

/** The names for a cluster whose base name is `dnsLabel(name)`. */
export function elasticsearchNames(name: string): ElasticsearchNames {
  const base = dnsLabel(name);
  return {
    base,
    statefulSet: base,
    headlessService: `${base}-headless`,
    clientService: base,
    configMap: `${base}-config`,
    fileRealmSecret: `${base}-file-realm`,
    credentialsSecret: `${base}-elastic-credentials`,
    caSecret: `${base}-ca`,
    certificatesSecret: `${base}-certs`,
    disruptionBudget: base,
    networkPolicy: base,
    serviceAccount: base,
    userSecret: (username) => dnsLabel(base, "user", username),
  };
}

/** The image for a version: `docker.elastic.co/elasticsearch/elasticsearch:<version>`, unless overridden. */
export function elasticsearchImage(version: string, image?: string): string {
  return image ?? `docker.elastic.co/elasticsearch/elasticsearch:${version}`;
}

/** A byte count as a JVM size flag value: whole gibibytes as `g`, otherwise mebibytes as `m`. */
export function jvmSize(bytes: number): string {
  return bytes % GiB === 0 ? `${bytes / GiB}g` : `${Math.floor(bytes / MiB)}m`;
}

/**
 * The JVM heap for a memory limit: 50% of it, capped at 31g (compressed object pointers), rounded down to
 * whole MiB. `2Gi` → `1g`, `4Gi` → `2g`, `8Gi` → `4g`, `96Gi` → `31g`.
 */
export function esHeapSize(memoryLimit: string): string {
  const half = Math.floor(parseQuantity(memoryLimit) / 2 / MiB) * MiB;
  return jvmSize(Math.min(half, MAX_HEAP_BYTES));
}

/** `ES_JAVA_OPTS` for a heap size: Xms = Xmx, so the heap never resizes under load. */
export function javaOpts(heap: string): string {
  return `-Xms${heap} -Xmx${heap}`;
}

/** The resolved, validated plan every builder below works from. */
export interface ElasticsearchPlan {
  names: ElasticsearchNames;
  image: string;
  replicas: number;
  storageSize: string;
  storageClassName?: pulumi.Input<string>;
  cpu: string;
  memory: string;
  /** JVM heap, e.g. `2g`. */
  heap: string;
  /** HTTPS on 9200. */
  httpTls: boolean;
  antiAffinity: AntiAffinity;
  zoneSpread: boolean;
  vmMaxMapCount: VmMaxMapCount;
  volumeClaimRetention: VolumeClaimRetention;
  /** True once the cluster has formed: `cluster.initial_master_nodes` is then left out. */
  clusterBootstrapped: boolean;
}

/** Whether the nodes talk TLS on 9300: always with more than one node (Elasticsearch requires it). */
export function transportTls(plan: Pick<ElasticsearchPlan, "replicas">): boolean {
  return plan.replicas > 1;
}

/** Whether a CA and node certificate are needed at all. */
export function needsCertificates(plan: Pick<ElasticsearchPlan, "replicas" | "httpTls">): boolean {
  return plan.httpTls || transportTls(plan);
}

/**
 * Discovery settings. One node: `discovery.type: single-node`. Three or more: seed hosts from the headless
 * Service (it publishes not-ready pods, so nodes find each other before any is ready) and, until the cluster
 * has formed, every node's stable name as `cluster.initial_master_nodes`, so exactly one cluster bootstraps.
 */
export function discoverySettings(args: { replicas: number; statefulSetName: string; headlessServiceName: string; clusterBootstrapped?: boolean }): Record<string, unknown> {
  if (args.replicas === 1) return { "discovery.type": "single-node" };
  return {
    "discovery.seed_hosts": [args.headlessServiceName],
    ...(args.clusterBootstrapped ? {} : { "cluster.initial_master_nodes": Array.from({ length: args.replicas }, (_, i) => `${args.statefulSetName}-${i}`) }),
  };
}

/** elasticsearch.yml as settings. Paths to certificates are relative to the config directory. */
export function elasticsearchSettings(plan: ElasticsearchPlan): Record<string, unknown> {
  const { names } = plan;
  const tlsFiles = (layer: "transport" | "http") => ({
    [`xpack.security.${layer}.ssl.key`]: "certs/tls.key",
    [`xpack.security.${layer}.ssl.certificate`]: "certs/tls.crt",
    [`xpack.security.${layer}.ssl.certificate_authorities`]: ["certs/ca.crt"],
  });
  return {
    "cluster.name": names.base,
    "node.name": "${POD_NAME}",
    "network.host": "0.0.0.0",
    ...discoverySettings({ replicas: plan.replicas, statefulSetName: names.statefulSet, headlessServiceName: names.headlessService, clusterBootstrapped: plan.clusterBootstrapped }),
    "xpack.security.enabled": true,
    // Every user, elastic included, lives in the file realm (from a Secret), so a password change is a
    // file change Elasticsearch reloads: no bootstrap-only ELASTIC_PASSWORD, no API call to get right.
    "xpack.security.authc.reserved_realm.enabled": false,
    "xpack.security.transport.ssl.enabled": transportTls(plan),
    ...(transportTls(plan)
      ? {
          // One certificate for all nodes, trusted only through this cluster's own CA.
          "xpack.security.transport.ssl.verification_mode": "certificate",
          ...tlsFiles("transport"),
        }
      : {}),
    "xpack.security.http.ssl.enabled": plan.httpTls,
    ...(plan.httpTls ? tlsFiles("http") : {}),
    ...(plan.vmMaxMapCount === "disableMmap" ? { "node.store.allow_mmap": false } : {}),
    // node.attr.zone itself is appended per pod by the init container, from its node's zone label.
    ...(plan.zoneSpread ? { "cluster.routing.allocation.awareness.attributes": "zone" } : {}),
  };
}

/** The elasticsearch.yml text for the ConfigMap. */
export function elasticsearchYml(plan: ElasticsearchPlan): string {
  return stringify(elasticsearchSettings(plan));
}

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

/** The init container's script: a writable config dir from the image's, our elasticsearch.yml, links to the users. */
export function prepareConfigScript(plan: Pick<ElasticsearchPlan, "zoneSpread">): string {
  const lines = [
    "set -eu",
    `cp -R ${CONFIG_DIR}/. ${CONFIG_PREP_DIR}/`,
    `cp ${CONFIG_SOURCE_DIR}/elasticsearch.yml ${CONFIG_PREP_DIR}/elasticsearch.yml`,
    // Links, not subPath mounts: a subPath never sees Secret updates, a linked directory mount does.
    `for f in users users_roles roles.yml; do ln -sf ${FILE_REALM_DIR}/$f ${CONFIG_PREP_DIR}/$f; done`,
  ];
  if (plan.zoneSpread) {
    lines.push(
      // Kubernetes < 1.35 cannot hand a node label to a pod through the downward API; ask the API server.
      `node=$(curl -sSf --cacert ${NODE_READER_DIR}/ca.crt -H "Authorization: Bearer $(cat ${NODE_READER_DIR}/token)" "https://kubernetes.default.svc/api/v1/nodes/$NODE_NAME")`,
      `zone="" re='"topology\\.kubernetes\\.io/zone":"([^"]+)"'`,
      `if [[ $node =~ $re ]]; then zone=\${BASH_REMATCH[1]}; fi`,
      `if [ -z "$zone" ]; then echo "node $NODE_NAME has no topology.kubernetes.io/zone label" >&2; exit 1; fi`,
      `printf '\\nnode.attr.zone: "%s"\\n' "$zone" >> ${CONFIG_PREP_DIR}/elasticsearch.yml`,
    );
  }
  return lines.join("\n");
}

/**
 * Node-local disk (the data directory is on the PVC). The image's jvm.options rotate GC logs in logs/ up to
 * 32 × 64 MiB = 2 GiB, so logs gets 3Gi; /tmp holds JNA's native libraries and ES_TMPDIR; config is a copy of
 * the image's config dir. The main container's limit covers all three, so a runaway volume evicts only its pod.
 */
export const ES_EPHEMERAL_STORAGE = {
  request: "1Gi",
  limit: "4Gi",
  /** Each init container: a read-only root and short logs; what it copies lands in the pod's emptyDirs. */
  initRequest: "16Mi",
  initLimit: "128Mi",
  sizeLimits: { config: "64Mi", logs: "3Gi", tmp: "512Mi" },
} as const;

const RESTRICTED_SECURITY_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** The pod spec of an Elasticsearch node. */
export function podSpecFor(plan: ElasticsearchPlan): PodSpec {
  const { names } = plan;
  const selector = selectorLabels("elasticsearch", names.base);
  const certificates = needsCertificates(plan);
  const initContainers: Container[] = [];
  if (plan.vmMaxMapCount === "initContainer") {
    // Opt-in only: a privileged container is refused by the restricted and baseline Pod Security levels.
    initContainers.push({
      name: "sysctl",
      image: plan.image,
      command: ["sh", "-c", 'if [ "$(sysctl -n vm.max_map_count)" -lt 262144 ]; then sysctl -w vm.max_map_count=262144; fi'],
      securityContext: { privileged: true, runAsUser: 0, runAsNonRoot: false },
      resources: {
        requests: { cpu: "10m", memory: "16Mi", "ephemeral-storage": ES_EPHEMERAL_STORAGE.initRequest },
        limits: { memory: "64Mi", "ephemeral-storage": ES_EPHEMERAL_STORAGE.initLimit },
      },
    });
  }
  initContainers.push({
    name: "prepare-config",
    image: plan.image,
    command: ["bash", "-c", prepareConfigScript(plan)],
    env: plan.zoneSpread ? [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }] : undefined,
    securityContext: RESTRICTED_SECURITY_CONTEXT,
    resources: {
      requests: { cpu: "50m", memory: "64Mi", "ephemeral-storage": ES_EPHEMERAL_STORAGE.initRequest },
      limits: { memory: "256Mi", "ephemeral-storage": ES_EPHEMERAL_STORAGE.initLimit },
    },
    volumeMounts: [
      { name: "config", mountPath: CONFIG_PREP_DIR },
      { name: "config-source", mountPath: CONFIG_SOURCE_DIR, readOnly: true },
      ...(plan.zoneSpread ? [{ name: "node-reader", mountPath: NODE_READER_DIR, readOnly: true }] : []),
    ],
  });

  const container: Container = {
    name: "elasticsearch",
    image: plan.image,
    ports: [
      { name: "http", containerPort: ES_HTTP_PORT, protocol: "TCP" },
      { name: "transport", containerPort: ES_TRANSPORT_PORT, protocol: "TCP" },
    ],
    env: [
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "ES_JAVA_OPTS", value: javaOpts(plan.heap) },
    ],
    resources: {
      requests: { cpu: plan.cpu, memory: plan.memory, "ephemeral-storage": ES_EPHEMERAL_STORAGE.request },
      limits: { cpu: plan.cpu, memory: plan.memory, "ephemeral-storage": ES_EPHEMERAL_STORAGE.limit },
    },
    securityContext: RESTRICTED_SECURITY_CONTEXT,
    // A cold start (JVM, plugins, shard recovery) can take minutes; liveness waits for it.
    startupProbe: { tcpSocket: { port: "http" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 },
    // Lenient on purpose: restarting a node in a long GC pause makes things worse (Elastic ships none).
    livenessProbe: { tcpSocket: { port: "transport" }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
    readinessProbe: { exec: { command: ["bash", "-c", readinessScript(plan)] }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    volumeMounts: [
      { name: "config", mountPath: CONFIG_DIR },
      { name: "data", mountPath: `${ES_HOME}/data` },
      { name: "logs", mountPath: `${ES_HOME}/logs` },
      { name: "tmp", mountPath: "/tmp" },
      { name: "file-realm", mountPath: FILE_REALM_DIR, readOnly: true },
      ...(certificates ? [{ name: "certs", mountPath: `${CONFIG_DIR}/certs`, readOnly: true }] : []),
    ],
  };

  const affinityTerm = { labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" };
  return {
    serviceAccountName: plan.zoneSpread ? names.serviceAccount : undefined,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 120,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    },
    affinity: {
      podAntiAffinity:
        plan.antiAffinity === "hard"
          ? { requiredDuringSchedulingIgnoredDuringExecution: [affinityTerm] }
          : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: affinityTerm }] },
    },
    topologySpreadConstraints: plan.zoneSpread
      ? [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: selector } }]
      : undefined,
    initContainers,
    containers: [container],
    volumes: [
      { name: "config", emptyDir: { sizeLimit: ES_EPHEMERAL_STORAGE.sizeLimits.config } },
      { name: "logs", emptyDir: { sizeLimit: ES_EPHEMERAL_STORAGE.sizeLimits.logs } },
      { name: "tmp", emptyDir: { sizeLimit: ES_EPHEMERAL_STORAGE.sizeLimits.tmp } },
      { name: "config-source", configMap: { name: names.configMap } },
      // Mounted as a directory so updates (password rotation) reach the pod; Elasticsearch reloads them.
      { name: "file-realm", secret: { secretName: names.fileRealmSecret, defaultMode: 0o440 } },
      ...(certificates ? [{ name: "certs", secret: { secretName: names.certificatesSecret, defaultMode: 0o440 } }] : []),
      ...(plan.zoneSpread
        ? [
            {
              name: "node-reader",
              projected: {
                sources: [
                  { serviceAccountToken: { path: "token", expirationSeconds: 600 } },
                  { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
                ],
              },
            },
          ]
        : []),
    ],
  };
}

/** The StatefulSet spec. `configHash` goes into a pod annotation, so a config change rolls the nodes. */
export function statefulSetSpecFor(plan: ElasticsearchPlan): StatefulSetSpec {
  const { names } = plan;
  return {
    serviceName: names.headlessService,
    replicas: plan.replicas,
    podManagementPolicy: "Parallel",
    // One node at a time, each waiting for readiness (cluster health): Elastic's rolling-restart procedure.
    updateStrategy: { type: "RollingUpdate" },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: plan.volumeClaimRetention, whenScaled: plan.volumeClaimRetention },
    selector: { matchLabels: selectorLabels("elasticsearch", names.base) },
    template: {
      metadata: {
        labels: standardLabels("elasticsearch", names.base, "search"),
        annotations: { [CONFIG_HASH_ANNOTATION]: contentHash(elasticsearchYml(plan)) },
      },
      spec: podSpecFor(plan),
    },
    volumeClaimTemplates: [
      {
        metadata: { name: "data", labels: selectorLabels("elasticsearch", names.base) },
        spec: {
          accessModes: ["ReadWriteOnce"],
          ...(plan.storageClassName !== undefined ? { storageClassName: plan.storageClassName } : {}),
          resources: { requests: { storage: plan.storageSize } },
        },
      },
    ],
  };
}

const HTTP_PORT = { name: "http", port: ES_HTTP_PORT, targetPort: "http", protocol: "TCP" };
const TRANSPORT_PORT = { name: "transport", port: ES_TRANSPORT_PORT, targetPort: "transport", protocol: "TCP" };

/** The headless Service: stable pod DNS names and discovery, including pods that are not ready yet. */
export function headlessServiceSpecFor(plan: Pick<ElasticsearchPlan, "names">): ServiceSpec {
  return {
    clusterIP: "None",
    publishNotReadyAddresses: true,
    selector: selectorLabels("elasticsearch", plan.names.base),
    ports: [HTTP_PORT, TRANSPORT_PORT],
  };
}

/** The client Service: 9200 on ready nodes only. */
export function clientServiceSpecFor(plan: Pick<ElasticsearchPlan, "names">): ServiceSpec {
  return { type: "ClusterIP", selector: selectorLabels("elasticsearch", plan.names.base), ports: [HTTP_PORT] };
}

/** The PodDisruptionBudget for three or more nodes (one node may be down); none for a single node. */
export function disruptionBudgetSpecFor(plan: Pick<ElasticsearchPlan, "names" | "replicas">): PodDisruptionBudgetSpec | undefined {
  if (plan.replicas < 3) return undefined;
  return { maxUnavailable: 1, selector: { matchLabels: selectorLabels("elasticsearch", plan.names.base) } };
}

/** The label a client pod needs to reach 9200. */
export function clientLabelFor(names: Pick<ElasticsearchNames, "base">): Record<string, string> {
  return { [CLIENT_LABEL_KEY]: names.base };
}

/**
 * Ingress to the nodes: 9200 from labelled clients and the nodes, 9300 between nodes only. Egress: the cluster
 * DNS, 9300 to the other nodes, and HTTPS anywhere: the zone look-up asks the API server (its endpoints are
 * outside the pod network) and snapshot repositories (S3, GCS, Azure) are HTTPS endpoints. With `zoneSpread`
 * also 6443: policies see the port after Service translation, and kubeadm-style API servers (kind, minikube)
 * listen there, where EKS's listen on 443.
 */
export function networkPolicySpecFor(plan: Pick<ElasticsearchPlan, "names" | "zoneSpread">): NetworkPolicySpec {
  const nodes = { podSelector: { matchLabels: selectorLabels("elasticsearch", plan.names.base) } };
  return {
    podSelector: nodes.podSelector,
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      { from: [{ podSelector: { matchLabels: clientLabelFor(plan.names) } }, nodes], ports: [{ port: ES_HTTP_PORT, protocol: "TCP" }] },
      { from: [nodes], ports: [{ port: ES_TRANSPORT_PORT, protocol: "TCP" }] },
    ],
    egress: [dnsEgressRule(), { to: [nodes], ports: [{ port: ES_TRANSPORT_PORT, protocol: "TCP" }] }, tcpEgressRule(443), ...(plan.zoneSpread ? [tcpEgressRule(6443)] : [])],
  };
}

/** DNS names the node certificate covers: both Services in every short form, and each pod by wildcard. */
export function certificateDnsNames(names: Pick<ElasticsearchNames, "clientService" | "headlessService">, namespace: string, clusterDomain: string): string[] {
  const forms = (host: string) => [host, `${host}.${namespace}`, `${host}.${namespace}.svc`, `${host}.${namespace}.svc.${clusterDomain}`];
  return [
    ...forms(names.clientService),
    ...forms(names.headlessService),
    ...forms(`*.${names.headlessService}`),
    "localhost",
  ];
}

/** The in-cluster URL of the client Service. */
export function elasticsearchUrl(names: Pick<ElasticsearchNames, "clientService">, namespace: string, clusterDomain: string, httpTls: boolean): string {
  return `${httpTls ? "https" : "http"}://${names.clientService}.${namespace}.svc.${clusterDomain}:${ES_HTTP_PORT}`;
}
