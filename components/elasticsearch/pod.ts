/**
 * The pod and StatefulSet specs of an Elasticsearch node.
 */
import type * as k8s from "@pulumi/kubernetes";
import { contentHash, selectorLabels, standardLabels } from "../shared/naming";
import { javaOpts } from "./heap";
import { CONFIG_DIR, CONFIG_HASH_ANNOTATION, CONFIG_PREP_DIR, CONFIG_SOURCE_DIR, ES_HOME, ES_HTTP_PORT, ES_TRANSPORT_PORT, FILE_REALM_DIR, NODE_READER_DIR } from "./names";
import { prepareConfigScript } from "./prepare-config-script";
import { readinessScript } from "./readiness-script";
import { type ElasticsearchPlan, elasticsearchYml, needsCertificates } from "./settings";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;
type StatefulSetSpec = k8s.types.input.apps.v1.StatefulSetSpec;

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

/**
 * CPU and memory of each init container, requests = limits: Kubernetes counts init containers for the pod's
 * QoS class, so one without limits would make the whole pod Burstable. They cost no extra capacity: the pod
 * reserves the larger of any init container and the main container, and the main container is far larger.
 */
export const INIT_CONTAINER_RESOURCES = { cpu: "200m", memory: "256Mi" } as const;

const initResources = {
  requests: { ...INIT_CONTAINER_RESOURCES, "ephemeral-storage": ES_EPHEMERAL_STORAGE.initRequest },
  limits: { ...INIT_CONTAINER_RESOURCES, "ephemeral-storage": ES_EPHEMERAL_STORAGE.initLimit },
};

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
      resources: initResources,
    });
  }
  initContainers.push({
    name: "prepare-config",
    image: plan.image,
    command: ["bash", "-c", prepareConfigScript(plan)],
    env: plan.zoneSpread ? [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }] : undefined,
    securityContext: RESTRICTED_SECURITY_CONTEXT,
    resources: initResources,
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
      limits: { cpu: plan.cpuLimit, memory: plan.memoryLimit, "ephemeral-storage": ES_EPHEMERAL_STORAGE.limit },
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
    serviceAccountName: names.serviceAccount,
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
      ...(certificates ? [{ name: "certs", secret: { secretName: plan.certificatesSecretName ?? names.certificatesSecret, defaultMode: 0o440 } }] : []),
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
