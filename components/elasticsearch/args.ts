/** The arguments of the Elasticsearch component (docs/elasticsearch.md); validated by elasticsearchPlan (plan.ts). */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { AntiAffinity, VmMaxMapCount, VolumeClaimRetention } from "./names";
import type { ElasticsearchUser } from "./users";

export interface ElasticsearchArgs {
  /** Namespace for every object (it must exist). */
  namespace: pulumi.Input<string>;
  /** Elasticsearch version (8.x or 9.x). @default "8.19.7" */
  version?: string;
  /** Image override. @default - docker.elastic.co/elasticsearch/elasticsearch:<version> */
  image?: string;
  /** Node count: 1, or 3 and more; every node is master-eligible and holds data. @default 1 */
  replicas?: number;
  /** StorageClass for the data volumes. @default - the cluster's default StorageClass */
  storageClassName?: pulumi.Input<string>;
  /** Data volume size per node (volumeClaimTemplates are immutable: plan it). @default "20Gi" */
  storageSize?: string;
  /** CPU request and limit per node (see `resources` to set them apart). @default "1" */
  cpu?: string;
  /** Memory request and limit per node, at least 2Gi (see `resources` to set them apart). @default "4Gi" */
  memory?: string;
  /** Requests and limits set apart; each one unset here is `cpu` / `memory`. @default - requests = limits = `cpu` / `memory` (Guaranteed QoS) */
  resources?: ElasticsearchResourcesArgs;
  /** JVM heap (Xms = Xmx), at most 31Gi and 75% of memory. @default - 50% of memory, at most 31g */
  heapSize?: string;
  /**
   * Password of the `elastic` superuser; a Pulumi secret. Changing it takes effect without a restart.
   * @default - generated (`random.RandomPassword`, 32 characters, kept encrypted in state)
   */
  elasticPassword?: pulumi.Input<string>;
  /**
   * A bcrypt hash of exactly `elasticPassword`, computed once and kept in state (`random.RandomPassword`'s
   * `bcryptHash`), so no run spends time hashing it.
   * @default - with a generated password its `bcryptHash`; with a given one, hashed on every run (bcrypt cost 10)
   */
  elasticPasswordHash?: pulumi.Input<string>;
  /** Serve HTTPS on 9200 (transport TLS is always on with 3+ nodes). @default false */
  tls?: boolean;
  /** Hostname anti-affinity between nodes: `hard` (required) or `soft` (preferred). @default "hard" */
  antiAffinity?: AntiAffinity;
  /** Spread nodes evenly over zones and enable zone-aware shard allocation. @default false */
  zoneSpread?: boolean;
  /** Who meets vm.max_map_count: the node (EKS bootstrap), a privileged init container (opt-in), or nobody (mmap off). @default "node" */
  vmMaxMapCount?: VmMaxMapCount;
  /** Keep or delete data volumes when the StatefulSet is deleted or scaled down. @default "Retain" */
  volumeClaimRetention?: VolumeClaimRetention;
  /** Application users, each with its own role and a `kubernetes.io/basic-auth` Secret. @default [] - none */
  users?: ElasticsearchUser[];
  /** Set once the cluster has formed, to drop `cluster.initial_master_nodes` (see docs/elasticsearch.md). @default false */
  clusterBootstrapped?: boolean;
  /** The cluster's DNS domain, for the URL and certificate names. @default "cluster.local" */
  clusterDomain?: string;
  /** Validity of the node certificate, in hours. @default 8760 - one year */
  certificateValidityHours?: number;
  /** A `pulumi up` this many hours before the node certificate expires renews it. @default 720 - 30 days */
  certificateEarlyRenewalHours?: number;
  /** The NetworkPolicy of the nodes: turn it off, or admit more. @default - { enabled: true }: 9200 from labelled clients, 9300 between nodes */
  networkPolicy?: ElasticsearchNetworkPolicyArgs;
  /**
   * Certificates you bring (a corporate CA, cert-manager) instead of the generated CA and node certificate;
   * used for transport TLS (3+ nodes) and HTTPS (`tls`). See docs/elasticsearch.md for what they must carry.
   * @default - generated with `@pulumi/tls` and kept encrypted in state
   */
  certificates?: ElasticsearchCertificatesArgs;
  /**
   * Annotations of the nodes' own ServiceAccount, e.g. IRSA's `eks.amazonaws.com/role-arn` for an AWS role
   * (snapshots to S3). With EKS Pod Identity none is needed: associate a role with `Elasticsearch.serviceAccountName`.
   * @default {} - none
   */
  serviceAccountAnnotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** An existing Secret with the nodes' certificate, for {@link ElasticsearchArgs.certificates}. */
export interface ElasticsearchCertificatesArgs {
  /**
   * A Secret in `namespace` holding `tls.crt` (the node certificate, PEM, with its chain), `tls.key` (its
   * private key) and `ca.crt` (the CA that signed it): cert-manager's Certificate Secrets have this shape,
   * as does a `kubernetes.io/tls` Secret with `ca.crt` added. It must exist before the pods start.
   * @default - none: required when `certificates` is set
   */
  secretName: string;
}

/** CPU and memory of one node, requests and limits apart. */
export interface ElasticsearchResourcesArgs {
  /** What the scheduler reserves. @default - `cpu` and `memory` */
  requests?: { cpu?: string; memory?: string };
  /** The ceiling; the heap is sized from the memory limit. @default - `cpu` and `memory` */
  limits?: { cpu?: string; memory?: string };
}

/** The nodes' NetworkPolicy. */
export interface ElasticsearchNetworkPolicyArgs {
  /** Create it. Off, every pod that can route to the nodes reaches 9200 and 9300. @default true */
  enabled?: boolean;
  /** Ingress rules added to the defaults (e.g. a monitoring namespace on 9200). @default [] */
  ingress?: k8s.types.input.networking.v1.NetworkPolicyIngressRule[];
  /** Egress rules added to the defaults (e.g. a snapshot repository on a port other than 443). @default [] */
  egress?: k8s.types.input.networking.v1.NetworkPolicyEgressRule[];
}
