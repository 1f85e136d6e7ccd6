/**
 * The argument types of `AppTier`: what a tier is made of, each field with its default.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AffinityArgs, TolerationArgs, TopologySpreadArgs } from "./placement-args";

type Input<T> = pulumi.Input<T>;

/** One probe: HTTP GET when `path` is set, exec when `command` is set, otherwise a TCP check. */
export interface ProbeArgs {
  /** HTTP GET path. @default - none (TCP check unless `command` is set) */
  path?: string;
  /** exec command. @default - none */
  command?: string[];
  /** Port to probe. @default - the tier's `port` */
  port?: number;
  /** Seconds before the first probe. @default - 0 (readiness, startup), 10 (liveness without a startup probe) */
  initialDelaySeconds?: number;
  /** Seconds between probes. @default - 5 (readiness, startup), 10 (liveness) */
  periodSeconds?: number;
  /** Seconds before a probe times out. @default 2 */
  timeoutSeconds?: number;
  /** Consecutive failures before the probe gives up. @default - 3 (readiness, liveness), 30 (startup) */
  failureThreshold?: number;
}

/** The container's probes. */
export interface TierProbesArgs {
  /** When the pod receives traffic. @default - TCP check on the port every 5 s */
  readiness?: ProbeArgs;
  /**
   * When the container is restarted; set it only for a failure a restart cures (e.g. a deadlock check on its
   * own path), never the readiness check: under load both would fail together and restarts would pile up.
   * @default - none: the kubelet still restarts a container whose process exits
   */
  liveness?: ProbeArgs;
  /** Holds off liveness until the app has started. @default - none */
  startup?: ProbeArgs;
}

/** Resource requests: what the scheduler reserves on a node. */
export interface TierResourceRequestsArgs {
  /** CPU request, also the base of the HPA's CPU %. @default - "100m" when `resources` is not given, else none */
  cpu?: string;
  /** Memory request. @default - "128Mi" when `resources` is not given, else none */
  memory?: string;
  /** Node-local disk (writable layer, container logs, emptyDirs). @default "64Mi" */
  ephemeralStorage?: string;
}

/** Resource limits: above them the container is throttled (CPU), killed (memory) or evicted (disk). */
export interface TierResourceLimitsArgs {
  /** CPU limit. @default - none: CPU requests already guarantee the share, a limit only throttles */
  cpu?: string;
  /** Memory limit. @default - "256Mi" when `resources` is not given, else none */
  memory?: string;
  /** Node-local disk above which the kubelet evicts the pod; also the `sizeLimit` of each emptyDir. @default "1Gi" */
  ephemeralStorage?: string;
}

/** Requests and limits of the tier's containers (main, init and migrations). */
export interface TierResourcesArgs {
  /** Resource requests. @default - { cpu: "100m", memory: "128Mi", ephemeralStorage: "64Mi" } */
  requests?: TierResourceRequestsArgs;
  /** Resource limits. @default - { memory: "256Mi", ephemeralStorage: "1Gi" } */
  limits?: TierResourceLimitsArgs;
}

/** Which traffic the tier's NetworkPolicy admits. */
export interface TierNetworkPolicyArgs {
  /** Create NetworkPolicies for the tier's pods and its migrations Job. @default true */
  enabled?: boolean;
  /**
   * Egress to any address (databases, queues, third-party APIs); false limits it to the cluster DNS and the
   * pods of the tier's namespace (Elasticsearch and the other tiers included). @default true
   */
  allowExternalEgress?: boolean;
}

/** Secure pod defaults; each is on unless turned off here, visibly. */
export interface TierSecurityArgs {
  /** Refuse to start a container that would run as root. @default true */
  runAsNonRoot?: boolean;
  /** UID to run as (also used as fsGroup, so shared volumes are writable). @default - the image's user */
  runAsUser?: number;
  /** Read-only root filesystem, with an emptyDir mounted at /tmp. @default true */
  readOnlyRootFilesystem?: boolean;
  /** Drop all Linux capabilities. @default true */
  dropAllCapabilities?: boolean;
  /** Seccomp profile RuntimeDefault. @default true */
  seccompRuntimeDefault?: boolean;
  /** Mount the service-account token into the pods. @default false */
  automountServiceAccountToken?: boolean;
}

/** One rule of the tier's Ingress: requests for a host and path prefix go to one of the tier's named ports. */
export interface IngressRuleArgs {
  /** Host name, e.g. "docs.example.com". @default - none: the rule matches any host */
  host?: string;
  /** Path prefix; on one host the longest prefix wins. @default "/" */
  path?: string;
  /** Name of the port the rule routes to: the main port's (`portName`) or one of `ports[].name`. @default - the main port */
  port?: string;
}

/** How the tier is reached. */
export interface TierExposeArgs {
  /** none (no Service), internal (ClusterIP), loadBalancer (NLB via the AWS Load Balancer Controller) or ingress. @default "internal" */
  type?: "none" | "internal" | "loadBalancer" | "ingress";
  /** Ingress host name (type ingress only; not with `rules`). @default - none: the Ingress matches any host */
  host?: string;
  /** Ingress path prefix (not with `rules`). @default "/" */
  path?: string;
  /**
   * Several Ingress rules (type ingress only), each a host and path to a named port, all in the tier's one
   * Ingress and so behind one load balancer, e.g. an `api.` host to `http` and a `docs.` host to `docs`.
   * @default - one rule: `host` and `path` to the main port
   */
  rules?: IngressRuleArgs[];
  /** IngressClass for type ingress; ALB annotations are added only for "alb". @default "alb" */
  ingressClassName?: string;
  /** TLS Secret for the Ingress hosts (every rule then needs a host; the ALB controller discovers ACM certificates for the hosts instead). @default - no TLS */
  tlsSecretName?: string;
  /** Make the load balancer internal (private subnets) instead of internet-facing. @default false */
  internalLoadBalancer?: boolean;
  /** Extra annotations on the Service (loadBalancer) or the Ingress; they override the defaults. @default {} */
  annotations?: Record<string, string>;
}

/** A Job that runs once per image before the pods roll. */
export interface MigrationsArgs {
  /** Migration command. */
  command: string[];
  /** Image for the Job. @default - the tier's image */
  image?: Input<string>;
  /** Retries before the Job fails. @default 4 */
  backoffLimit?: number;
}

/** A HorizontalPodAutoscaler (autoscaling/v2) on CPU. */
export interface AutoscalingArgs {
  /** HPA minimum. */
  minReplicas: number;
  /** HPA maximum. */
  maxReplicas: number;
  /** Target average CPU utilization in % of the CPU request. @default 70 */
  targetCpuUtilization?: number;
}

/** A PodDisruptionBudget (policy/v1): exactly one of the two. */
export interface DisruptionBudgetArgs {
  /** Pods that must stay up (count or %). @default - none */
  minAvailable?: number | string;
  /** Pods that may be down (count or %). @default - none */
  maxUnavailable?: number | string;
}

/** RollingUpdate parameters. */
export interface StrategyArgs {
  /** Pods that may be unavailable during a rollout. @default 0 */
  maxUnavailable?: number | string;
  /** Extra pods allowed during a rollout. @default "25%" */
  maxSurge?: number | string;
}

/** An init container: runs to completion before the main container, sharing `sharedVolumes`. */
export interface InitContainerArgs {
  /** Container name. */
  name: string;
  /** Image. @default - the tier's image */
  image?: Input<string>;
  /** Command to run to completion. */
  command: string[];
  /** Arguments to the command. @default - none */
  args?: string[];
  /** Start from the tier's env, secret env and `secretEnvRefs`; false starts from nothing. @default true */
  inheritEnv?: boolean;
  /** Env vars of this container (over the inherited ones). @default {} */
  env?: Record<string, Input<string>>;
  /** Keys of the tier's `secrets` exposed to this container only, via secretKeyRef. @default [] */
  secretEnv?: string[];
  /** Requests and limits of this container. @default - the tier's `resources` */
  resources?: TierResourcesArgs;
  /** Names of the pod's volumes to mount (sharedVolumes, persistentVolumes, secretVolumes, "secrets", "tmp"). @default - every mount of the main container */
  volumes?: string[];
}

/** An env var taken from a key of a Secret the tier does not own (e.g. Elasticsearch credentials). */
export interface SecretKeyRefArgs {
  /** Name of the Secret, in the tier's namespace. */
  secretName: Input<string>;
  /** Key in the Secret. */
  key: string;
}

/** A Secret the tier does not own, mounted read-only (e.g. a CA certificate). */
export interface SecretVolumeArgs {
  /** Volume name, unique in the pod. */
  name: string;
  /** Name of the Secret, in the tier's namespace. */
  secretName: Input<string>;
  /** Directory to mount it at. */
  mountPath: string;
  /** Allow-list of keys (and file names) to mount. @default - every key of the Secret */
  items?: { key: string; path: string }[];
}

/** A volume backed by a PersistentVolumeClaim, one per pod of a stateful tier (a StatefulSet claim template). */
export interface PersistentVolumeArgs {
  /** Directory to mount it at, in the main and init containers. */
  mountPath: string;
  /** Requested capacity, e.g. "10Gi". */
  size: string;
  /** StorageClass of the claim. @default - the platform's StorageClass (Platform), else the cluster's default class */
  storageClassName?: string;
  /** Access mode of the claim. @default "ReadWriteOnce" */
  accessMode?: "ReadWriteOnce" | "ReadWriteOncePod" | "ReadWriteMany";
}

/** An extra named port on the container and the Service. */
export interface TierPortArgs {
  /** Port name (a DNS label of at most 15 characters), e.g. "docs". */
  name: string;
  /** Container port. */
  port: number;
  /** Port of the Service in front of it (the container port stays the target). @default - `port` */
  servicePort?: number;
}

/** The plain (non-Output) shape shared by the tier's config and {@link AppTierArgs}. */
export interface AppTierSpecArgs {
  /** Name of the Kubernetes objects (Deployment, Service, ServiceAccount...). @default - the resource name */
  name?: string;
  /** Container image. */
  image: Input<string>;
  /** Main container port, named `portName`. @default 8080 */
  port?: number;
  /**
   * Name of the main port on the container and the Services (and what Ingress rules route to by default): name it for
   * its protocol, e.g. `mysql` or `grpc`, since service meshes read the protocol from the name. @default "http"
   */
  portName?: string;
  /**
   * Port of the Service (and so of its load balancer) in front of the main port, e.g. 80 in front of a
   * container's 8080. @default - `port`
   */
  servicePort?: number;
  /** Extra named ports on the container and the Service, e.g. `{ name: "docs", port: 8100 }`. @default [] */
  ports?: TierPortArgs[];
  /** Pod count; ignored when `autoscaling` is set (the HPA owns it). @default 1 */
  replicas?: number;
  /** Container entrypoint override. @default - the image's entrypoint */
  command?: string[];
  /** Container arguments. @default - the image's arguments */
  args?: string[];
  /** Plain environment variables. @default {} */
  env?: Record<string, Input<string>>;
  /** Keys of `secrets` exposed as env vars via secretKeyRef. @default [] */
  secretEnv?: string[];
  /** Keys of `secrets` mounted as read-only files (an `items` allow-list) under `mountPath`. @default - none */
  secretFiles?: { mountPath?: string; keys: string[] };
  /** Env vars from keys of Secrets the tier does not own. @default {} */
  secretEnvRefs?: Record<string, SecretKeyRefArgs>;
  /** Secrets the tier does not own, mounted read-only. @default [] */
  secretVolumes?: SecretVolumeArgs[];
  /**
   * Extra labels on the pods (not part of the selector), e.g. a NetworkPolicy client label; the platform's keys
   * (`app.kubernetes.io/name`, `instance`, `component`, `part-of`, `managed-by`) and the controllers' are refused.
   * Values may be Outputs (keys are checked at construction, values when plain). @default {}
   */
  podLabels?: Record<string, Input<string>>;
  /**
   * Extra labels on every object of the tier (workload, Services, Ingress, ServiceAccount, HPA, PDB,
   * NetworkPolicies, Secret, Job) and on its pods; not on a StatefulSet's claim templates, which are immutable.
   * Reserved keys as for `podLabels`. @default {}
   */
  labels?: Record<string, Input<string>>;
  /**
   * Extra annotations on every object of the tier (not the pods: see `podAnnotations`); on the Service and
   * Ingress they override the load balancer defaults, and `expose.annotations` overrides them. @default {}
   */
  annotations?: Record<string, Input<string>>;
  /**
   * Extra annotations on the pods (the Deployment's and the migrations Job's templates). A changed value rolls
   * the pods, e.g. a hash of a Secret the tier reads by a fixed name. @default {}
   */
  podAnnotations?: Record<string, Input<string>>;
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
  /**
   * NetworkPolicy: ingress only on the tier's ports (from any source when exposed through a load balancer or
   * Ingress, whose IP targets see the load balancer's VPC addresses; else from the namespace), none to the
   * migrations Job. @default - { enabled: true, allowExternalEgress: true }
   */
  networkPolicy?: TierNetworkPolicyArgs;
  /** RollingUpdate parameters. @default - { maxUnavailable: 0, maxSurge: "25%" } */
  strategy?: StrategyArgs;
  /** Spread pods across zones and hosts when more than one may run. @default true */
  topologySpread?: boolean;
  /**
   * Topology spread constraints replacing the default zone and host spread, over the tier's own pods of one
   * revision (label selector and `matchLabelKeys` are the tier's), whatever the pod count; `[]` spreads nothing.
   * @default - the default spread (see `topologySpread`)
   */
  topologySpreadConstraints?: TopologySpreadArgs[];
  /** Taints the pods (and the migrations Job's) tolerate. @default [] */
  tolerations?: TolerationArgs[];
  /** Node and pod affinity of the pods and the migrations Job's. @default - none */
  affinity?: AffinityArgs;
  /** Init containers, run in order before the main container. @default [] */
  initContainers?: InitContainerArgs[];
  /** emptyDir volumes (name → mount path) shared by the init containers and the main container. @default {} */
  sharedVolumes?: Record<string, string>;
  /**
   * Run as a StatefulSet with a headless Service (`<name>-headless`): stable pod names (`<name>-0`...) and
   * `persistentVolumes` claimed per pod, kept when the tier is scaled down or deleted. @default false: a Deployment
   */
  stateful?: boolean;
  /** Volumes backed by PersistentVolumeClaims (name → claim), one per pod; only for `stateful` tiers. @default {} */
  persistentVolumes?: Record<string, PersistentVolumeArgs>;
  /** Node labels the pods must run on (pod `nodeSelector`). @default {} */
  nodeSelector?: Record<string, string>;
  /** PriorityClass of the pods (and the migrations Job's). @default - none: the cluster's default priority */
  priorityClassName?: string;
  /** Secrets (type dockerconfigjson) to pull the images with. @default [] */
  imagePullSecrets?: string[];
  /** An existing ServiceAccount. @default - a dedicated ServiceAccount named after the tier */
  serviceAccountName?: string;
  /** Secure pod defaults. @default - all on: non-root, read-only root FS, no capabilities, seccomp RuntimeDefault, no token */
  security?: TierSecurityArgs;
}
