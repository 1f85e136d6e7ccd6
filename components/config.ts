import { z } from "zod";
import ipaddr from "ipaddr.js";
import { isQuantity, parseQuantity, GiB } from "./quantity";
import { MAX_AZS, SMALLEST_VPC_PREFIX, planSubnets, SubnetPlanError } from "./subnet-plan";
import { DNS_LABEL, ENV_NAME, PACKAGE_NAME } from "./naming";
import { EBS_IOPS_LIMITS, GP3_THROUGHPUT_LIMITS, isLogRetentionDays, LOG_RETENTION_DAYS, ROLE_ARN } from "./aws-formats";
import { describeValue } from "./validate";

/**
 * The platform's configuration: the schema of every `eks-search-platform:*` key in `Pulumi.<stack>.yaml`,
 * its defaults, and `parsePlatformConfig`, which reports every problem at once as a {@link ConfigError}.
 */

// ---------------------------------------------------------------------------------------------------------
// Value formats
// ---------------------------------------------------------------------------------------------------------

const DNS_NAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;
// The distribution reference grammar: [registry[:port]/]path[:tag][@digest].
const IMAGE_REF =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const AZ_NAME = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;
const EKS_VERSION = /^1\.\d{2}$/;
const SEMVER = /^\d+\.\d+\.\d+$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

const dnsLabel = (max = 63) =>
  z.string().max(max).regex(DNS_LABEL, `must be a DNS label: lowercase letters, digits and '-', at most ${max} characters`);
const quantity = () => z.string().refine(isQuantity, "must be a Kubernetes quantity such as 500m, 2, 512Mi or 4Gi");
const imageRef = () => z.string().regex(IMAGE_REF, "must be an image reference such as registry.example.com/team/app:1.2.3 or repo@sha256:<64 hex>");
const port = () => z.number().int().min(1).max(65535);
const cidr = () => z.string().refine((v) => ipaddr.IPv4.isValidCIDR(v), "must be an IPv4 CIDR block such as 10.0.0.0/16");
const intOrPercent = () => z.union([z.number().int().min(0), z.string().regex(/^\d{1,3}%$/, "must be a count or a percentage such as 25%")]);
const stringMap = () => z.record(z.string(), z.string());
const retentionDays = () =>
  z.number().int().refine(isLogRetentionDays, `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`);

// ---------------------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------------------

export const NetworkConfigSchema = z
  .strictObject({
    cidrBlock: cidr().default("10.0.0.0/16").describe("IPv4 CIDR of the VPC; /16 to /22"),
    availabilityZones: z
      .array(z.string().regex(AZ_NAME, "must be an AZ name such as us-east-1a"))
      .optional()
      .describe("AZ names to use; replaces availabilityZoneCount"),
    availabilityZoneCount: z
      .number()
      .int()
      .optional()
      .describe("How many AZs to spread over (2 to 6), resolved from the region. Default: 3"),
    natGateways: z
      .enum(["none", "single", "perAz"])
      .default("single")
      .describe("NAT strategy: none, one shared (cost), or one per AZ (availability)"),
    flowLogs: z
      .strictObject({
        enabled: z.boolean().default(false).describe("Send VPC flow logs to CloudWatch Logs"),
        retentionDays: retentionDays().default(90).describe("Flow log retention in days"),
      })
      .default({ enabled: false, retentionDays: 90 })
      .describe("VPC flow logs"),
  })
  .default({ cidrBlock: "10.0.0.0/16", natGateways: "single", flowLogs: { enabled: false, retentionDays: 90 } })
  .describe("The VPC");

const TaintSchema = z.strictObject({
  key: z.string().regex(LABEL_KEY, "must be a Kubernetes label key").describe("Taint key"),
  value: z.string().max(63).optional().describe("Taint value"),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).describe("Taint effect"),
});

export const NodeGroupSpecSchema = z
  .strictObject({
    name: dnsLabel(40).describe("Node group name, unique in the cluster"),
    instanceTypes: z.array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, "must be an EC2 instance type such as m6i.large")).min(1, "must list at least one instance type").describe("EC2 instance types (several improve SPOT availability)"),
    capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND").describe("ON_DEMAND or SPOT"),
    minSize: z.number().int().min(0).describe("Minimum node count"),
    desiredSize: z.number().int().min(0).optional().describe("Initial node count. Default: minSize"),
    maxSize: z.number().int().min(1).describe("Maximum node count"),
    diskSizeGiB: z.number().int().min(20).max(16384).default(50).describe("Root volume size in GiB"),
    labels: z.record(z.string().regex(LABEL_KEY, "must be a Kubernetes label key"), z.string().max(63)).default({}).describe("Kubernetes labels on the nodes"),
    taints: z.array(TaintSchema).default([]).describe("Kubernetes taints on the nodes"),
  })
  .superRefine((group, ctx) => {
    const desired = group.desiredSize ?? group.minSize;
    if (group.minSize > desired) {
      ctx.addIssue({ code: "custom", path: ["minSize"], message: `must be ≤ desiredSize (${desired})` });
    }
    if (desired > group.maxSize) {
      ctx.addIssue({ code: "custom", path: [group.desiredSize === undefined ? "minSize" : "desiredSize"], message: `must be ≤ maxSize (${group.maxSize})` });
    }
  });

export const ClusterConfigSchema = z
  .strictObject({
    version: z.string().regex(EKS_VERSION, 'must be an EKS version of the form "1.NN" (quote it in YAML)').default("1.34").describe("Kubernetes version of the control plane"),
    endpoint: z
      .strictObject({
        publicAccess: z.boolean().default(true).describe("Serve the API on a public endpoint"),
        publicAccessCidrs: z.array(cidr()).default(["0.0.0.0/0"]).describe("CIDRs allowed to reach the public endpoint"),
        privateAccess: z.boolean().default(true).describe("Serve the API inside the VPC"),
      })
      .default({ publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], privateAccess: true })
      .describe("API server endpoint access"),
    adminRoleArns: z.array(z.string().regex(ROLE_ARN, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/admin")).default([]).describe("IAM roles given cluster-admin through access entries"),
    bootstrapCreatorAdmin: z.boolean().default(false).describe("Give the identity running `pulumi up` cluster-admin (EKS creator access entry)"),
    logTypes: z.array(z.enum(["api", "audit", "authenticator", "controllerManager", "scheduler"])).default([]).describe("Control-plane log types sent to CloudWatch"),
    logRetentionDays: retentionDays().default(90).describe("Control-plane log retention in days"),
    encryptSecrets: z.boolean().default(false).describe("Envelope-encrypt Kubernetes Secrets with a KMS key (rotation on)"),
    nodeGroups: z.array(NodeGroupSpecSchema).default([]).describe("Managed node groups (required for target aws)"),
    services: z
      .strictObject({
        metricsServer: z.boolean().default(true).describe("Install metrics-server (HPAs need it)"),
        loadBalancerController: z.boolean().default(true).describe("Install the AWS Load Balancer Controller (Ingress → ALB, Service → NLB)"),
        clusterAutoscaler: z.boolean().default(true).describe("Install Cluster Autoscaler for node groups with minSize < maxSize"),
      })
      .default({ metricsServer: true, loadBalancerController: true, clusterAutoscaler: true })
      .describe("Cluster services installed on the cluster"),
  })
  .default({
    version: "1.34",
    endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], privateAccess: true },
    adminRoleArns: [],
    bootstrapCreatorAdmin: false,
    logTypes: [],
    logRetentionDays: 90,
    encryptSecrets: false,
    nodeGroups: [],
    services: { metricsServer: true, loadBalancerController: true, clusterAutoscaler: true },
  })
  .describe("The EKS cluster")
  .superRefine((cluster, ctx) => {
    if (!cluster.endpoint.publicAccess && !cluster.endpoint.privateAccess) {
      ctx.addIssue({ code: "custom", path: ["endpoint", "publicAccess"], message: "at least one of publicAccess and privateAccess must be true" });
    }
    const seen = new Set<string>();
    cluster.nodeGroups.forEach((group, index) => {
      if (seen.has(group.name)) ctx.addIssue({ code: "custom", path: ["nodeGroups", index, "name"], message: "duplicate node group name" });
      seen.add(group.name);
    });
  });

const EBS_TYPES = ["gp3", "gp2", "io1", "io2"] as const;

export const StorageConfigSchema = z
  .strictObject({
    type: z.enum(EBS_TYPES).default("gp3").describe("EBS volume type"),
    iops: z.number().int().optional().describe("Provisioned IOPS (gp3 3000–16000, io1 100–64000, io2 100–256000). Default: 3000 on gp3"),
    throughputMiBps: z.number().int().optional().describe("gp3 throughput in MiB/s (125–1000, at most IOPS/4). Default: 125 on gp3"),
    encrypted: z.boolean().default(true).describe("Encrypt volumes"),
    kmsKeyId: z.string().min(1).optional().describe("KMS key ARN for volume encryption. Default: the AWS-managed EBS key"),
    reclaimPolicy: z.enum(["Delete", "Retain"]).default("Delete").describe("What happens to a volume when its claim is deleted"),
    provisioner: z.string().min(1).optional().describe("A local provisioner such as rancher.io/local-path (target kubeconfig only). Default: ebs.csi.aws.com on aws, the cluster's default class on kubeconfig"),
  })
  .default({ type: "gp3", encrypted: true, reclaimPolicy: "Delete" })
  .describe("The StorageClass for Elasticsearch data")
  .superRefine((storage, ctx) => {
    const { type, iops, throughputMiBps } = storage;
    const range = EBS_IOPS_LIMITS[type];
    const [minThroughput, maxThroughput] = GP3_THROUGHPUT_LIMITS;
    if (iops !== undefined) {
      if (!range) ctx.addIssue({ code: "custom", path: ["iops"], message: `cannot be set for ${type} (gp2 IOPS scale with size)` });
      else if (iops < range[0] || iops > range[1]) ctx.addIssue({ code: "custom", path: ["iops"], message: `must be from ${range[0]} to ${range[1]} for ${type}` });
    } else if (type === "io1" || type === "io2") {
      ctx.addIssue({ code: "custom", path: ["iops"], message: `is required for ${type}` });
    }
    if (throughputMiBps !== undefined) {
      if (type !== "gp3") ctx.addIssue({ code: "custom", path: ["throughputMiBps"], message: "can only be set for gp3" });
      else if (throughputMiBps < minThroughput || throughputMiBps > maxThroughput) ctx.addIssue({ code: "custom", path: ["throughputMiBps"], message: `must be from ${minThroughput} to ${maxThroughput} MiB/s for gp3` });
      else if (throughputMiBps > (iops ?? 3000) / 4) ctx.addIssue({ code: "custom", path: ["throughputMiBps"], message: `must be at most IOPS/4 (${(iops ?? 3000) / 4} MiB/s at ${iops ?? 3000} IOPS)` });
    }
    if (storage.kmsKeyId !== undefined && !storage.encrypted) {
      ctx.addIssue({ code: "custom", path: ["kmsKeyId"], message: "requires encrypted: true" });
    }
  });

export const ElasticsearchConfigSchema = z
  .strictObject({
    version: z.string().regex(SEMVER, "must be a version such as 8.19.7").default("8.19.7").describe("Elasticsearch version"),
    image: imageRef().optional().describe("Image override. Default: docker.elastic.co/elasticsearch/elasticsearch:<version>"),
    replicas: z.number().int().default(1).describe("Node count: 1, or 3 and more (2 cannot keep a quorum through one loss)"),
    storageSize: quantity().default("20Gi").describe("Data volume size per node"),
    cpu: quantity().default("1").describe("CPU request and limit per node"),
    memory: quantity().default("4Gi").describe("Memory request and limit per node (≥ 2Gi); heap is half of it"),
    heapSize: quantity().optional().describe("Explicit JVM heap. Default: 50% of memory, at most 31g"),
    tls: z.boolean().default(false).describe("Serve HTTPS on 9200 (transport TLS is always on with 3+ nodes)"),
    antiAffinity: z.enum(["hard", "soft"]).default("hard").describe("Hostname anti-affinity between nodes"),
    zoneSpread: z.boolean().default(false).describe("Spread nodes evenly across zones and enable shard allocation awareness"),
    vmMaxMapCount: z.enum(["node", "initContainer", "disableMmap"]).optional().describe("Who meets vm.max_map_count. Default: node on aws (set by node bootstrap), disableMmap on kubeconfig"),
    volumeClaimRetention: z.enum(["Retain", "Delete"]).default("Retain").describe("Keep or delete data volumes when the StatefulSet is deleted or scaled down"),
  })
  .default({ version: "8.19.7", replicas: 1, storageSize: "20Gi", cpu: "1", memory: "4Gi", tls: false, antiAffinity: "hard", zoneSpread: false, volumeClaimRetention: "Retain" })
  .describe("The Elasticsearch cluster")
  .superRefine((es, ctx) => {
    if (es.replicas !== 1 && es.replicas < 3) {
      ctx.addIssue({ code: "custom", path: ["replicas"], message: "must be 1, or 3 and more: 2 nodes cannot keep a quorum through one loss" });
    }
    // Refinements still run when a sibling field failed its own check, so re-check before parsing.
    if (!isQuantity(es.memory)) return;
    const memory = parseQuantity(es.memory);
    if (memory < 2 * GiB) ctx.addIssue({ code: "custom", path: ["memory"], message: "must be at least 2Gi" });
    if (es.heapSize !== undefined && isQuantity(es.heapSize)) {
      const heap = parseQuantity(es.heapSize);
      if (heap > 31 * GiB) ctx.addIssue({ code: "custom", path: ["heapSize"], message: "must be at most 31Gi (compressed object pointers)" });
      if (heap > memory * 0.75) ctx.addIssue({ code: "custom", path: ["heapSize"], message: `must leave room for off-heap memory: at most 75% of memory (${es.memory})` });
    }
  });

const ProbeSchema = z
  .strictObject({
    path: z.string().startsWith("/").optional().describe("HTTP GET path; neither path nor command means a TCP check"),
    command: z.array(z.string()).min(1).optional().describe("exec command"),
    port: port().optional().describe("Port to probe. Default: the tier's port"),
    initialDelaySeconds: z.number().int().min(0).optional().describe("Seconds before the first probe"),
    periodSeconds: z.number().int().min(1).optional().describe("Seconds between probes"),
    timeoutSeconds: z.number().int().min(1).optional().describe("Seconds before a probe times out"),
    failureThreshold: z.number().int().min(1).optional().describe("Failures before the probe gives up"),
  })
  .refine((p) => !(p.path !== undefined && p.command !== undefined), { message: "set path or command, not both", path: ["command"] });

const ResourcesSchema = z.strictObject({
  requests: z
    .strictObject({
      cpu: quantity().optional().describe("CPU request"),
      memory: quantity().optional().describe("Memory request"),
      ephemeralStorage: quantity().optional().describe("Node-local disk reserved (writable layer, logs, emptyDirs). Default: 64Mi"),
    })
    .optional()
    .describe("Resource requests (scheduling)"),
  limits: z
    .strictObject({
      cpu: quantity().optional().describe("CPU limit (unset: no throttling)"),
      memory: quantity().optional().describe("Memory limit"),
      ephemeralStorage: quantity().optional().describe("Node-local disk above which the pod is evicted; also each emptyDir's sizeLimit. Default: 1Gi"),
    })
    .optional()
    .describe("Resource limits"),
});

export const TierExposeSchema = z
  .strictObject({
    type: z.enum(["none", "internal", "loadBalancer", "ingress"]).default("internal").describe("none, internal (ClusterIP), loadBalancer (NLB) or ingress (ALB)"),
    host: z.string().regex(DNS_NAME, "must be a DNS name such as api.example.com").optional().describe("Ingress host name"),
    path: z.string().startsWith("/").default("/").describe("Ingress path prefix"),
    ingressClassName: z.string().min(1).default("alb").describe("IngressClass for type ingress"),
    tlsSecretName: dnsLabel(253).optional().describe("TLS Secret for the Ingress host"),
    internalLoadBalancer: z.boolean().default(false).describe("Make the load balancer internal (private subnets)"),
    annotations: stringMap().default({}).describe("Extra annotations on the Service or Ingress"),
  })
  .superRefine((expose, ctx) => {
    if (expose.tlsSecretName !== undefined && expose.host === undefined) {
      ctx.addIssue({ code: "custom", path: ["host"], message: "is required when tlsSecretName is set" });
    }
    if (expose.type !== "ingress" && expose.host !== undefined) {
      ctx.addIssue({ code: "custom", path: ["host"], message: "only applies to expose type ingress" });
    }
  });

export const TierConfigSchema = z
  .strictObject({
    image: imageRef().describe("Container image (required)"),
    port: port().default(8080).describe("Main container and Service port"),
    ports: z.array(z.strictObject({ name: dnsLabel(15).describe("Port name, e.g. docs"), port: port().describe("Port number") })).default([]).describe("Extra named ports, e.g. docs on 8100"),
    replicas: z.number().int().min(0).default(1).describe("Pod count (the HPA owns it when autoscaling is set)"),
    command: z.array(z.string()).optional().describe("Container entrypoint override"),
    args: z.array(z.string()).optional().describe("Container arguments"),
    env: z.record(z.string().regex(ENV_NAME, "must be an environment variable name"), z.string()).default({}).describe("Plain environment variables"),
    secretEnv: z.array(z.string().regex(ENV_NAME, "must be an environment variable name")).default([]).describe("Keys of appSecrets.<tier> exposed as env vars via secretKeyRef"),
    secretFiles: z
      .strictObject({
        mountPath: z.string().startsWith("/").default("/tmp/secrets").describe("Directory for secret files"),
        keys: z.array(z.string().regex(/^[-._a-zA-Z0-9]+$/, "must be a Secret key")).min(1).describe("Keys of appSecrets.<tier> mounted as read-only files"),
      })
      .optional()
      .describe("Secrets mounted as files"),
    elasticsearch: z.boolean().default(false).describe("Connect to Elasticsearch with its own least-privilege user"),
    elasticsearchIndices: z.array(z.string().min(1)).optional().describe("Index patterns the tier's user may read and write. Default: <tier>-*"),
    expose: TierExposeSchema.default({ type: "internal", path: "/", ingressClassName: "alb", internalLoadBalancer: false, annotations: {} }).describe("How the tier is reached"),
    migrations: z
      .strictObject({
        command: z.array(z.string()).min(1).describe("Migration command"),
        image: imageRef().optional().describe("Image for the Job. Default: the tier's image"),
        backoffLimit: z.number().int().min(0).default(4).describe("Retries before the Job fails"),
      })
      .optional()
      .describe("A Job that runs once per image before the pods roll"),
    autoscaling: z
      .strictObject({
        minReplicas: z.number().int().min(1).describe("HPA minimum"),
        maxReplicas: z.number().int().min(1).describe("HPA maximum"),
        targetCpuUtilization: z.number().int().min(1).max(100).default(70).describe("Target average CPU %"),
      })
      .optional()
      .describe("HorizontalPodAutoscaler on CPU")
      .refine((a) => a === undefined || a.minReplicas <= a.maxReplicas, { message: "minReplicas must be ≤ maxReplicas", path: ["minReplicas"] }),
    disruptionBudget: z
      .strictObject({
        minAvailable: intOrPercent().optional().describe("Pods that must stay up (count or %)"),
        maxUnavailable: intOrPercent().optional().describe("Pods that may be down (count or %)"),
      })
      .refine((b) => (b.minAvailable === undefined) !== (b.maxUnavailable === undefined), { message: "set exactly one of minAvailable and maxUnavailable" })
      .optional()
      .describe("PodDisruptionBudget. Default: maxUnavailable 1 when replicas > 1"),
    probes: z
      .strictObject({
        readiness: ProbeSchema.optional().describe("When the pod receives traffic"),
        liveness: ProbeSchema.optional().describe("When the container is restarted"),
        startup: ProbeSchema.optional().describe("Holds off liveness until the app has started"),
      })
      .default({})
      .describe("Probes. Default: TCP readiness on the port, no liveness probe (set one only for a failure a restart cures)"),
    resources: ResourcesSchema.optional().describe("Requests and limits. Default: requests 100m/128Mi, limit 256Mi; disk 64Mi/1Gi even when set"),
    networkPolicy: z
      .strictObject({
        enabled: z.boolean().default(true).describe("NetworkPolicies for the tier's pods (ingress on its ports) and its migrations Job (no ingress)"),
        allowExternalEgress: z.boolean().default(true).describe("Egress anywhere; false: only the cluster DNS and pods of the namespace"),
      })
      .default({ enabled: true, allowExternalEgress: true })
      .describe("NetworkPolicy. Ingress from anywhere for load-balanced tiers, from the namespace otherwise"),
    strategy: z
      .strictObject({
        maxUnavailable: intOrPercent().default(0).describe("Pods that may be unavailable during a rollout"),
        maxSurge: intOrPercent().default("25%").describe("Extra pods allowed during a rollout"),
      })
      .default({ maxUnavailable: 0, maxSurge: "25%" })
      .describe("RollingUpdate: zero-downtime by default"),
    topologySpread: z.boolean().default(true).describe("Spread replicas across zones and hosts when replicas > 1"),
    initContainers: z
      .array(
        z.strictObject({
          name: dnsLabel(63).describe("Init container name"),
          image: imageRef().optional().describe("Image. Default: the tier's image"),
          command: z.array(z.string()).min(1).describe("Command to run to completion"),
        }),
      )
      .default([])
      .describe("Init containers (default image: the tier's); they share sharedVolumes"),
    sharedVolumes: z.record(dnsLabel(63), z.string().startsWith("/")).default({}).describe("emptyDir volumes (name → mount path) shared by all containers"),
    serviceAccountName: dnsLabel(253).optional().describe("An existing ServiceAccount. Default: a dedicated one per tier"),
    security: z
      .strictObject({
        runAsNonRoot: z.boolean().default(true).describe("Refuse to run as root"),
        runAsUser: z.number().int().min(0).optional().describe("UID to run as. Default: the image's user"),
        readOnlyRootFilesystem: z.boolean().default(true).describe("Read-only root filesystem (an emptyDir is mounted at /tmp)"),
        dropAllCapabilities: z.boolean().default(true).describe("Drop all Linux capabilities"),
        seccompRuntimeDefault: z.boolean().default(true).describe("Seccomp profile RuntimeDefault"),
        automountServiceAccountToken: z.boolean().default(false).describe("Mount the service-account token"),
      })
      .default({ runAsNonRoot: true, readOnlyRootFilesystem: true, dropAllCapabilities: true, seccompRuntimeDefault: true, automountServiceAccountToken: false })
      .describe("Secure pod defaults; each can be turned off here, visibly"),
  })
  .superRefine((tier, ctx) => {
    const portNumbers = [tier.port, ...tier.ports.map((p) => p.port)];
    if (new Set(portNumbers).size !== portNumbers.length) ctx.addIssue({ code: "custom", path: ["ports"], message: "ports must be distinct from each other and from port" });
    if (tier.elasticsearchIndices !== undefined && !tier.elasticsearch) ctx.addIssue({ code: "custom", path: ["elasticsearchIndices"], message: "requires elasticsearch: true" });
  });

export const AppsConfigSchema = z
  .strictObject({
    namespace: dnsLabel(63).default("search").describe("Namespace for Elasticsearch and the tiers"),
    tiers: z.record(dnsLabel(30), TierConfigSchema.describe("One tier: a Deployment, its Service and what it needs")).default({}).describe("Application tiers by name"),
  })
  .default({ namespace: "search", tiers: {} })
  .describe("Application tiers");

export const PlatformConfigSchema = z
  .strictObject({
    target: z.enum(["aws", "kubeconfig"]).default("aws").describe("aws builds everything; kubeconfig deploys into an existing cluster"),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}).describe("Tags added to every AWS resource"),
    protect: z.boolean().default(false).describe("Protect stateful resources from deletion and make the CI driver refuse destroy"),
    network: NetworkConfigSchema,
    cluster: ClusterConfigSchema,
    storage: StorageConfigSchema,
    elasticsearch: ElasticsearchConfigSchema,
    apps: AppsConfigSchema,
  })
  // Cross-section rules run even when other fields failed, so every problem is reported at once;
  // that is why they check types defensively.
  .superRefine(crossSectionRules, { when: () => true });

/** The validated configuration, with every default filled in. */
export type PlatformConfig = z.output<typeof PlatformConfigSchema>;
/** What a stack file may say: every key optional where a default exists. */
export type PlatformConfigInput = z.input<typeof PlatformConfigSchema>;
export type NetworkConfig = PlatformConfig["network"];
export type ClusterConfig = PlatformConfig["cluster"];
export type NodeGroupSpec = z.output<typeof NodeGroupSpecSchema>;
export type StorageConfig = PlatformConfig["storage"];
export type ElasticsearchConfig = PlatformConfig["elasticsearch"];
export type TierConfig = z.output<typeof TierConfigSchema>;
export type TierExpose = z.output<typeof TierExposeSchema>;

/** The non-secret top-level keys of the project's config namespace. */
export const CONFIG_KEYS = Object.keys(PlatformConfigSchema.shape) as (keyof PlatformConfig)[];
/** The secret keys, set with `pulumi config set --secret` (never in the stack file in plain text). */
export const SECRET_CONFIG_KEYS = ["elasticPassword", "appSecrets"] as const;

/** The default AZ count when neither availabilityZones nor availabilityZoneCount is set. */
export const DEFAULT_AZ_COUNT = 3;

type Ctx = z.RefinementCtx;

function crossSectionRules(raw: unknown, ctx: Ctx): void {
  const cfg = (raw ?? {}) as Record<string, unknown>;
  const obj = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const target = cfg.target ?? "aws";
  const network = obj(cfg.network);
  const cluster = obj(cfg.cluster);
  const storage = obj(cfg.storage);

  const zones = network.availabilityZones;
  const count = network.availabilityZoneCount;
  if (Array.isArray(zones) && count !== undefined) {
    ctx.addIssue({ code: "custom", path: ["network", "availabilityZoneCount"], message: "set either availabilityZones or availabilityZoneCount, not both" });
  }
  let azCount = DEFAULT_AZ_COUNT;
  if (Array.isArray(zones)) {
    azCount = zones.length;
    if (zones.length < 2 || zones.length > MAX_AZS) ctx.addIssue({ code: "custom", path: ["network", "availabilityZones"], message: `must list 2 to ${MAX_AZS} AZs` });
    if (new Set(zones).size !== zones.length) ctx.addIssue({ code: "custom", path: ["network", "availabilityZones"], message: "must not repeat an AZ" });
  } else if (typeof count === "number") {
    azCount = count;
    if (!Number.isInteger(count) || count < 2 || count > MAX_AZS) ctx.addIssue({ code: "custom", path: ["network", "availabilityZoneCount"], message: `must be an integer from 2 to ${MAX_AZS}` });
  }
  const cidrBlock = network.cidrBlock ?? "10.0.0.0/16";
  if (typeof cidrBlock === "string" && ipaddr.IPv4.isValidCIDR(cidrBlock)) {
    const prefix = Number(cidrBlock.split("/")[1]);
    if (prefix < 16) {
      ctx.addIssue({ code: "custom", path: ["network", "cidrBlock"], message: "AWS VPCs can be at most a /16" });
    } else if (prefix > SMALLEST_VPC_PREFIX) {
      ctx.addIssue({ code: "custom", path: ["network", "cidrBlock"], message: `is too small for ${azCount} AZs: the VPC must be a /${SMALLEST_VPC_PREFIX} or larger` });
    } else {
      try {
        planSubnets(cidrBlock, Math.min(Math.max(azCount, 1), MAX_AZS));
      } catch (error) {
        if (error instanceof SubnetPlanError) ctx.addIssue({ code: "custom", path: ["network", "cidrBlock"], message: error.message });
        else throw error;
      }
    }
  }

  if (target === "aws") {
    const groups = cluster.nodeGroups;
    if (!Array.isArray(groups) || groups.length === 0) {
      ctx.addIssue({ code: "custom", path: ["cluster", "nodeGroups"], message: "at least one node group is required when target is aws" });
    }
    const admins = cluster.adminRoleArns;
    if ((!Array.isArray(admins) || admins.length === 0) && cluster.bootstrapCreatorAdmin !== true) {
      ctx.addIssue({
        code: "custom",
        path: ["cluster", "adminRoleArns"],
        message: "nobody could administer the cluster (nor could Pulumi deploy into it): list admin roles or set bootstrapCreatorAdmin: true",
      });
    }
    if (storage.provisioner !== undefined) {
      ctx.addIssue({ code: "custom", path: ["storage", "provisioner"], message: "only applies to target kubeconfig (aws uses the EBS CSI driver)" });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

export interface ConfigIssue {
  /** Dotted path under the project namespace, e.g. `cluster.nodeGroups.0.minSize`. */
  path: string;
  /** What is wrong and what is allowed, followed by the value found: `must be ≥ 0 (got -1)`. */
  message: string;
}

/** Thrown by {@link parsePlatformConfig}: every problem in the configuration, one line each. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(issues.map((issue) => `${PACKAGE_NAME}:${issue.path}: ${issue.message}`).join("\n"));
    this.issues = issues;
  }
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  const unwrap = (s: z.ZodType): z.ZodType => {
    let inner = s;
    for (;;) {
      if (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
      else if (inner instanceof z.ZodPipe) inner = inner.in as z.ZodType;
      else return inner;
    }
  };
  for (const key of path) {
    if (!current) return [];
    const s = unwrap(current);
    if (s instanceof z.ZodObject) current = (s.shape as Record<string, z.ZodType>)[String(key)];
    else if (s instanceof z.ZodArray) current = s.element as z.ZodType;
    else if (s instanceof z.ZodRecord) current = s.valueType as z.ZodType;
    else return [];
  }
  const target = current ? unwrap(current) : undefined;
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `must be ${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      if (issue.origin === "array") return `must have at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === "string") return `must be at least ${String(issue.minimum)} characters`;
      return `must be ${issue.inclusive ? "≥" : ">"} ${String(issue.minimum)}`;
    case "too_big":
      if (issue.origin === "array") return `must have at most ${String(issue.maximum)} item(s)`;
      if (issue.origin === "string") return `must be at most ${String(issue.maximum)} characters`;
      return `must be ${issue.inclusive ? "≤" : "<"} ${String(issue.maximum)}`;
    case "invalid_union":
      return "has an invalid value";
    case "invalid_key":
      return `is not an allowed name: ${issue.issues.map((inner) => inner.message).join("; ")}`;
    default:
      return issue.message;
  }
}

/** Turns zod issues into one {@link ConfigIssue} per problem, with the offending value. */
function toConfigIssues(error: z.ZodError, raw: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(PlatformConfigSchema, issue.path);
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        issues.push({
          path: path.map(String).join("."),
          message: `unknown key${allowed.length ? ` (allowed: ${allowed.join(", ")})` : ""} (got ${describeValue(valueAt(raw, path))})`,
        });
      }
      continue;
    }
    const path = issue.path.map(String).join(".") || "(root)";
    issues.push({ path, message: `${issueMessage(issue)} (got ${describeValue(valueAt(raw, issue.path))})` });
  }
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Validates the project's non-secret config and fills in defaults.
 *
 * @param raw the config as a plain object, keys without the `eks-search-platform:` namespace and values
 *   already JSON-parsed: `{ target, tags, network, cluster, storage, elasticsearch, apps }`.
 * @throws ConfigError listing every problem at once; unknown keys are problems too.
 */
export function parsePlatformConfig(raw: unknown): PlatformConfig {
  const result = PlatformConfigSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(toConfigIssues(result.error, raw));
  const config = result.data;
  // Derived defaults that depend on other keys.
  if (config.network.availabilityZones === undefined && config.network.availabilityZoneCount === undefined) {
    config.network.availabilityZoneCount = DEFAULT_AZ_COUNT;
  }
  if (config.storage.type === "gp3" && config.storage.provisioner === undefined) {
    config.storage.iops ??= 3000;
    config.storage.throughputMiBps ??= 125;
  }
  config.elasticsearch.vmMaxMapCount ??= config.target === "aws" ? "node" : "disableMmap";
  for (const group of config.cluster.nodeGroups) group.desiredSize ??= group.minSize;
  return config;
}

/** The number of AZs a validated config spreads over. */
export function availabilityZoneCount(network: NetworkConfig): number {
  return network.availabilityZones?.length ?? network.availabilityZoneCount ?? DEFAULT_AZ_COUNT;
}

/**
 * The project's non-secret config from the running Pulumi program, in the shape
 * {@link parsePlatformConfig} takes: namespace stripped, object values JSON-parsed, secret keys left out.
 * Every other key in the namespace is passed through, so a typo is reported as an unknown key.
 */
export function readRawPlatformConfig(all: Record<string, string>): Record<string, unknown> {
  const prefix = `${PACKAGE_NAME}:`;
  const raw: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(all)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if ((SECRET_CONFIG_KEYS as readonly string[]).includes(key)) continue;
    raw[key] = parseConfigValue(value);
  }
  return raw;
}

function parseConfigValue(value: string): unknown {
  const trimmed = value.trim();
  // The engine passes every value as a string: booleans as "true"/"false" (as Config.getBoolean reads them).
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}
