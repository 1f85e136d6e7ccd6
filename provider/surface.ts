/**
 * The component package's Kubernetes surface: what Pulumi YAML, Python, Go and .NET programs see of Elasticsearch,
 * AppTier and StorageClass. `schema.json` is inferred from these declarations by @pulumi/pulumi's own
 * schema analyzer (`npm run schema:provider`; test/provider-schema.test.ts fails when it is stale).
 *
 * The analyzer takes interfaces, arrays, maps, primitives, `Input<T>` and enums in the `as const` form; it
 * refuses other unions and inline object types, which the TypeScript Args use. So each Args here is the
 * TypeScript one with those few fields redeclared (enums as `as const` objects, `number | string` as `number`,
 * which npm run schema:provider widens to `oneOf: [integer, string]`) or left out (see docs/other-languages.md for the list). The classes are
 * declarations only: the provider (provider.ts) constructs the real components from these arguments, so a
 * YAML stack has the same resources, names and URNs as a TypeScript one.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ElasticsearchUser } from "../components/elasticsearch/users";
import type {
  AutoscalingArgs,
  IngressRuleArgs,
  InitContainerArgs,
  MigrationsArgs,
  SecretKeyRefArgs,
  TierNetworkPolicyArgs,
  TierPortArgs,
  TierProbesArgs,
  TierResourcesArgs,
  TierSecurityArgs,
} from "../components/app-tier/args";
import type { AffinityArgs, TolerationArgs, TopologySpreadArgs } from "../components/app-tier/placement-args";
import type { NetworkPolicyEgressRuleArgs, NetworkPolicyIngressRuleArgs } from "./surface-network-policy";
import type { ElasticsearchClientArgs } from "./surface-elasticsearch-client";

/** Hostname anti-affinity between Elasticsearch nodes: required (`hard`) or preferred (`soft`). */
export const AntiAffinity = { hard: "hard", soft: "soft" } as const;
export type AntiAffinity = (typeof AntiAffinity)[keyof typeof AntiAffinity];

/** Who meets Elasticsearch's vm.max_map_count: the node, a privileged init container, or nobody (mmap off). */
export const VmMaxMapCount = { node: "node", initContainer: "initContainer", disableMmap: "disableMmap" } as const;
export type VmMaxMapCount = (typeof VmMaxMapCount)[keyof typeof VmMaxMapCount];

/** Keep or delete Elasticsearch's data volumes when the StatefulSet is deleted or scaled down. */
export const VolumeClaimRetention = { Retain: "Retain", Delete: "Delete" } as const;
export type VolumeClaimRetention = (typeof VolumeClaimRetention)[keyof typeof VolumeClaimRetention];

/** How a tier is reached. */
export const ExposeType = { none: "none", internal: "internal", loadBalancer: "loadBalancer", ingress: "ingress" } as const;
export type ExposeType = (typeof ExposeType)[keyof typeof ExposeType];

/** EBS volume type of a StorageClass. */
export const EbsVolumeType = { gp3: "gp3", gp2: "gp2", io1: "io1", io2: "io2" } as const;
export type EbsVolumeType = (typeof EbsVolumeType)[keyof typeof EbsVolumeType];

/** What happens to a volume when its claim is deleted. */
export const ReclaimPolicy = { Delete: "Delete", Retain: "Retain" } as const;
export type ReclaimPolicy = (typeof ReclaimPolicy)[keyof typeof ReclaimPolicy];

/** File system of a StorageClass's volumes. */
export const FsType = { ext4: "ext4", xfs: "xfs" } as const;
export type FsType = (typeof FsType)[keyof typeof FsType];

/** CPU and memory, one of requests or limits. */
export interface ElasticsearchResourceValuesArgs {
  /** CPU, e.g. "2". @default - `cpu` */
  cpu?: string;
  /** Memory, e.g. "8Gi". @default - `memory` */
  memory?: string;
}

/** CPU and memory of one node, requests and limits apart. */
export interface ElasticsearchResourcesArgs {
  /** What the scheduler reserves. @default - `cpu` and `memory` */
  requests?: ElasticsearchResourceValuesArgs;
  /** The ceiling; the heap is sized from the memory limit. @default - `cpu` and `memory` */
  limits?: ElasticsearchResourceValuesArgs;
}

/** The nodes' NetworkPolicy. */
export interface ElasticsearchNetworkPolicyArgs {
  /** Create it. Off, every pod that can route to the nodes reaches 9200 and 9300. @default true */
  enabled?: boolean;
  /** Ingress rules added to the defaults (e.g. a monitoring namespace on 9200). @default [] */
  ingress?: NetworkPolicyIngressRuleArgs[];
  /** Egress rules added to the defaults (e.g. a snapshot repository on a port other than 443). @default [] */
  egress?: NetworkPolicyEgressRuleArgs[];
}

/** An existing Secret with the nodes' certificate (`tls.crt`, `tls.key`, `ca.crt`). */
export interface ElasticsearchCertificatesArgs {
  /** The Secret's name, in `namespace`; it must exist before the pods start. */
  secretName: string;
}

/**
 * Arguments of Elasticsearch: those of TypeScript's `ElasticsearchArgs` (docs/elasticsearch.md), with
 * `networkPolicy`'s rules in the networking/v1 shapes of surface-network-policy.ts.
 */
export interface ElasticsearchArgs {
  /** Namespace for every object (it must exist). */
  namespace: pulumi.Input<string>;
  /** Elasticsearch version (8.x or 9.x). @default "8.19.7" */
  version?: string;
  /** Image override. @default - docker.elastic.co/elasticsearch/elasticsearch:<version> */
  image?: string;
  /** Node count: 1, or 3 and more. @default 1 */
  replicas?: number;
  /** StorageClass for the data volumes. @default - the cluster's default StorageClass */
  storageClassName?: pulumi.Input<string>;
  /** Data volume size per node (immutable: plan it). @default "20Gi" */
  storageSize?: string;
  /** CPU request and limit per node. @default "1" */
  cpu?: string;
  /** Memory request and limit per node, at least 2Gi. @default "4Gi" */
  memory?: string;
  /** Requests and limits set apart; each one unset here is `cpu` / `memory`. @default - requests = limits = `cpu` / `memory` */
  resources?: ElasticsearchResourcesArgs;
  /** JVM heap, at most 31Gi and 75% of memory. @default - 50% of memory, at most 31g */
  heapSize?: string;
  /** Password of the `elastic` superuser; pass a secret. @default - generated (needs the random provider) */
  elasticPassword?: pulumi.Input<string>;
  /** A bcrypt hash of exactly `elasticPassword`. @default - hashed on every run */
  elasticPasswordHash?: pulumi.Input<string>;
  /** Serve HTTPS on 9200 (transport TLS is always on with 3+ nodes). @default false */
  tls?: boolean;
  /** Hostname anti-affinity between nodes. @default "hard" */
  antiAffinity?: AntiAffinity;
  /** Spread nodes evenly over zones and enable zone-aware shard allocation. @default false */
  zoneSpread?: boolean;
  /** Who meets vm.max_map_count. @default "node" */
  vmMaxMapCount?: VmMaxMapCount;
  /** Keep or delete data volumes when the StatefulSet is deleted or scaled down. @default "Retain" */
  volumeClaimRetention?: VolumeClaimRetention;
  /** Application users, each with its own role and a `kubernetes.io/basic-auth` Secret. @default [] */
  users?: ElasticsearchUser[];
  /** Set once the cluster has formed, to drop `cluster.initial_master_nodes`. @default false */
  clusterBootstrapped?: boolean;
  /** The cluster's DNS domain, for the URL and certificate names. @default "cluster.local" */
  clusterDomain?: string;
  /** Validity of the generated node certificate, in hours. @default 8760 */
  certificateValidityHours?: number;
  /** Renew the generated node certificate this many hours before it expires. @default 720 */
  certificateEarlyRenewalHours?: number;
  /** The nodes' NetworkPolicy. @default - { enabled: true } */
  networkPolicy?: ElasticsearchNetworkPolicyArgs;
  /** Certificates you bring instead of the generated CA and node certificate. @default - generated */
  certificates?: ElasticsearchCertificatesArgs;
  /** Annotations of the nodes' ServiceAccount (e.g. IRSA's role ARN). @default {} */
  serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
}

/**
 * An Elasticsearch cluster on Kubernetes: a StatefulSet behind a headless and a client Service, with its
 * config, file-realm users, TLS, PodDisruptionBudget and NetworkPolicy. See docs/elasticsearch.md.
 */
export class Elasticsearch extends pulumi.ComponentResource {
  /** The client Service (ClusterIP, 9200). */
  declare readonly serviceName: pulumi.Output<string>;
  /** The headless Service (the nodes' stable DNS names). */
  declare readonly headlessServiceName: pulumi.Output<string>;
  /** `http(s)://<client service>.<namespace>.svc.<cluster domain>:9200`. */
  declare readonly url: pulumi.Output<string>;
  /** The `kubernetes.io/basic-auth` Secret of the `elastic` superuser. */
  declare readonly credentialsSecretName: pulumi.Output<string>;
  /** The Secret with the CA certificate (`ca.crt`) clients trust; unset without TLS. */
  declare readonly caSecretName: pulumi.Output<string | undefined>;
  /** The pod label a client needs to pass the NetworkPolicy on 9200. */
  declare readonly clientLabel: pulumi.Output<Record<string, string>>;
  /** Each application user's `kubernetes.io/basic-auth` Secret, by user name. */
  declare readonly userSecretNames: pulumi.Output<Record<string, string>>;
  /** The nodes' ServiceAccount (for EKS Pod Identity or IRSA). */
  declare readonly serviceAccountName: pulumi.Output<string>;

  constructor(name: string, args: ElasticsearchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-search-platform:index:Elasticsearch", name, args, opts);
  }
}

/** How the tier is reached. */
export interface TierExposeArgs {
  /** none (no Service), internal (ClusterIP), loadBalancer (NLB via the AWS Load Balancer Controller) or ingress. @default "internal" */
  type?: ExposeType;
  /** Ingress host name (type ingress only). @default - any host */
  host?: string;
  /** Ingress path prefix. @default "/" */
  path?: string;
  /** Several Ingress rules (type ingress only), each a host and path to a named port, in the tier's one Ingress. @default - one rule: `host` and `path` to the main port */
  rules?: IngressRuleArgs[];
  /** IngressClass for type ingress; ALB annotations are added only for "alb". @default "alb" */
  ingressClassName?: string;
  /** TLS Secret for the Ingress host. @default - no TLS */
  tlsSecretName?: string;
  /** Make the load balancer internal instead of internet-facing. @default false */
  internalLoadBalancer?: boolean;
  /** Extra annotations on the Service (loadBalancer) or the Ingress. @default {} */
  annotations?: Record<string, string>;
}

/** Keys of `secrets` mounted as read-only files. */
export interface TierSecretFilesArgs {
  /** Directory of the files. @default "/etc/secrets" */
  mountPath?: string;
  /** Keys of `secrets` to mount, one file each. */
  keys: string[];
}

/** One key of a Secret mounted as a file. */
export interface SecretVolumeItemArgs {
  /** Key in the Secret. */
  key: string;
  /** File name under the mount path. */
  path: string;
}

/** A Secret the tier does not own, mounted read-only (e.g. a CA certificate). */
export interface SecretVolumeArgs {
  /** Volume name, unique in the pod. */
  name: string;
  /** Name of the Secret, in the tier's namespace. */
  secretName: pulumi.Input<string>;
  /** Directory to mount it at. */
  mountPath: string;
  /** Allow-list of keys (and file names) to mount. @default - every key of the Secret */
  items?: SecretVolumeItemArgs[];
}

/** Access mode of a tier's PersistentVolumeClaim. */
export const AccessMode = { ReadWriteOnce: "ReadWriteOnce", ReadWriteOncePod: "ReadWriteOncePod", ReadWriteMany: "ReadWriteMany" } as const;
export type AccessMode = (typeof AccessMode)[keyof typeof AccessMode];

/** A volume backed by a PersistentVolumeClaim, one per pod of a stateful tier. */
export interface PersistentVolumeArgs {
  /** Directory to mount it at, in the main and init containers. */
  mountPath: string;
  /** Requested capacity, e.g. "10Gi". */
  size: string;
  /** StorageClass of the claim. @default - the cluster's default class */
  storageClassName?: string;
  /** Access mode of the claim. @default "ReadWriteOnce" */
  accessMode?: AccessMode;
}

// The values below are a pod count or a percentage such as "25%". The analyzer takes no union of primitives, so they
// are declared `number` here and npm run schema:provider types them `oneOf: [integer, string]` (INT_OR_STRING_PROPERTIES).

/** A PodDisruptionBudget: exactly one of the two, each a pod count or a percentage such as "50%". */
export interface DisruptionBudgetArgs {
  /** Pods that must stay up (count or %). @default - none */
  minAvailable?: number;
  /** Pods that may be down (count or %). @default - none */
  maxUnavailable?: number;
}

/** RollingUpdate parameters, each a pod count or a percentage such as "25%". */
export interface StrategyArgs {
  /** Pods that may be unavailable during a rollout (count or %). @default 0 */
  maxUnavailable?: number;
  /** Extra pods allowed during a rollout (count or %). @default "25%" */
  maxSurge?: number;
}

/**
 * Arguments of AppTier: those of TypeScript's `AppTierArgs` (docs/app-tier.md), `elasticsearch` without
 * `dependsOn` (surface-elasticsearch-client.ts).
 */
export interface AppTierArgs {
  /** Namespace of every object of the tier. */
  namespace: pulumi.Input<string>;
  /** Values of the keys named in `secretEnv` and `secretFiles.keys`; each is kept secret. @default {} */
  secrets?: Record<string, pulumi.Input<string>>;
  /** Name of the Kubernetes objects. @default - the resource name */
  name?: string;
  /** Container image. */
  image: pulumi.Input<string>;
  /** Main container port, named `portName`. @default 8080 */
  port?: number;
  /** Name of the main port on the container and the Services, e.g. `mysql` or `grpc`. @default "http" */
  portName?: string;
  /** Port of the Service in front of the main port. @default - `port` */
  servicePort?: number;
  /** Extra named ports on the container and the Service. @default [] */
  ports?: TierPortArgs[];
  /** Pod count; ignored when `autoscaling` is set. @default 1 */
  replicas?: number;
  /** Container entrypoint override. @default - the image's entrypoint */
  command?: string[];
  /** Container arguments. @default - the image's arguments */
  args?: string[];
  /** Plain environment variables. @default {} */
  env?: Record<string, pulumi.Input<string>>;
  /** Keys of `secrets` exposed as env vars via secretKeyRef. @default [] */
  secretEnv?: string[];
  /** Keys of `secrets` mounted as read-only files under `mountPath`. @default - none */
  secretFiles?: TierSecretFilesArgs;
  /** Env vars from keys of Secrets the tier does not own. @default {} */
  secretEnvRefs?: Record<string, SecretKeyRefArgs>;
  /** Secrets the tier does not own, mounted read-only. @default [] */
  secretVolumes?: SecretVolumeArgs[];
  /** Extra labels on the pods (e.g. Elasticsearch's client label). @default {} */
  podLabels?: Record<string, string>;
  /** An Elasticsearch cluster the tier is a client of, as one of its users: env, password reference, client label and CA mount. @default - none */
  elasticsearch?: ElasticsearchClientArgs;
  /** Extra labels on every object of the tier and its pods. @default {} */
  labels?: Record<string, string>;
  /** Extra annotations on every object of the tier (not the pods). @default {} */
  annotations?: Record<string, pulumi.Input<string>>;
  /** Extra annotations on the pods. @default {} */
  podAnnotations?: Record<string, pulumi.Input<string>>;
  /** How the tier is reached. @default - { type: "internal" }: a ClusterIP Service */
  expose?: TierExposeArgs;
  /** A Job that runs once per image before the pods roll. @default - none */
  migrations?: MigrationsArgs;
  /** HorizontalPodAutoscaler on CPU. @default - none: `replicas` pods */
  autoscaling?: AutoscalingArgs;
  /** PodDisruptionBudget. @default - maxUnavailable 1 when more than one pod is guaranteed, else none */
  disruptionBudget?: DisruptionBudgetArgs;
  /** Probes. @default - TCP readiness on the port, no liveness probe */
  probes?: TierProbesArgs;
  /** Requests and limits. @default - requests 100m CPU / 128Mi memory / 64Mi disk, limits 256Mi memory / 1Gi disk */
  resources?: TierResourcesArgs;
  /** NetworkPolicy of the tier. @default - { enabled: true, allowExternalEgress: true } */
  networkPolicy?: TierNetworkPolicyArgs;
  /** RollingUpdate parameters. @default - { maxUnavailable: 0, maxSurge: "25%" } */
  strategy?: StrategyArgs;
  /** Spread pods across zones and hosts when more than one may run. @default true */
  topologySpread?: boolean;
  /**
   * Topology spread constraints replacing the default zone and host spread, over the tier's own pods of one
   * revision, whatever the pod count; `[]` spreads nothing. @default - the default spread (see `topologySpread`)
   */
  topologySpreadConstraints?: TopologySpreadArgs[];
  /** Taints the pods (and the migrations Job's) tolerate. @default [] */
  tolerations?: TolerationArgs[];
  /** Node and pod affinity of the pods and the migrations Job's. @default - none */
  affinity?: AffinityArgs;
  /** Init containers, run in order before the main container. @default [] */
  initContainers?: InitContainerArgs[];
  /** emptyDir volumes (name → mount path) shared by the init and main containers. @default {} */
  sharedVolumes?: Record<string, string>;
  /** Run as a StatefulSet with a headless Service and per-pod claims. @default false */
  stateful?: boolean;
  /** Volumes backed by PersistentVolumeClaims (name → claim); only for `stateful` tiers. @default {} */
  persistentVolumes?: Record<string, PersistentVolumeArgs>;
  /** Node labels the pods must run on. @default {} */
  nodeSelector?: Record<string, string>;
  /** PriorityClass of the pods. @default - none */
  priorityClassName?: string;
  /** Secrets (type dockerconfigjson) to pull the images with. @default [] */
  imagePullSecrets?: string[];
  /** An existing ServiceAccount. @default - a dedicated ServiceAccount named after the tier */
  serviceAccountName?: string;
  /** Secure pod defaults. @default - all on */
  security?: TierSecurityArgs;
}

/**
 * One application tier: a Deployment (or a StatefulSet) with secure pod defaults, its ServiceAccount, a
 * Service, and as asked an NLB or Ingress, an HPA, a PDB, a migrations Job and a Secret. See docs/app-tier.md.
 */
export class AppTier extends pulumi.ComponentResource {
  /** The Service's name (the tier's name); unset for `expose.type: none`. */
  declare readonly serviceName: pulumi.Output<string | undefined>;
  /** The external URL when exposed through a load balancer or Ingress, else the in-cluster URL. */
  declare readonly url: pulumi.Output<string | undefined>;
  /** The in-cluster URL, `http://<service>.<namespace>.svc.cluster.local:<servicePort>`. */
  declare readonly internalUrl: pulumi.Output<string | undefined>;
  /** The Service's in-cluster DNS name. */
  declare readonly internalHost: pulumi.Output<string | undefined>;
  /** The Service port of the main port. */
  declare readonly servicePort: pulumi.Output<number>;

  constructor(name: string, args: AppTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-search-platform:index:AppTier", name, args, opts);
  }
}

/** Arguments of StorageClass: those of TypeScript's `StorageClassArgs` (docs/storage-class.md). */
export interface StorageClassArgs {
  /** The Kubernetes name of the class. @default - the component name as a DNS label */
  storageClassName?: string;
  /** The CSI provisioner; other than the EBS ones (e.g. `rancher.io/local-path`) it gets no EBS parameters. @default "ebs.csi.aws.com" */
  provisioner?: string;
  /** EBS volume type. @default "gp3" */
  type?: EbsVolumeType;
  /** Provisioned IOPS (gp3 3000–16000, io1 100–64000, io2 100–256000). @default - 3000 on gp3 */
  iops?: number;
  /** gp3 throughput in MiB/s, 125–1000 and at most IOPS/4. @default - 125 on gp3 */
  throughputMiBps?: number;
  /** Encrypt volumes at rest. @default true */
  encrypted?: boolean;
  /** KMS key ARN or alias ARN for volume encryption. @default - the AWS-managed `aws/ebs` key */
  kmsKeyId?: pulumi.Input<string>;
  /** What happens to a volume when its claim is deleted: use `Retain` in production. @default "Delete" */
  reclaimPolicy?: ReclaimPolicy;
  /** Mark the class as the cluster default. @default false */
  isDefault?: boolean;
  /** Let claims grow in place. @default true */
  allowVolumeExpansion?: boolean;
  /** File system of the volumes (EBS only). @default "ext4" */
  fsType?: FsType;
}

/** An encrypted EBS StorageClass (gp3 by default, WaitForFirstConsumer). See docs/storage-class.md. */
export class StorageClass extends pulumi.ComponentResource {
  /** The Kubernetes name of the class. */
  declare readonly storageClassName: pulumi.Output<string>;

  constructor(name: string, args: StorageClassArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-search-platform:index:StorageClass", name, args, opts);
  }
}
