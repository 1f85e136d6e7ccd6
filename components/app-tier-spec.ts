/**
 * Pure specs for {@link AppTier}: argument types, defaults, validation and the Kubernetes object specs.
 * Nothing here registers a resource; values that may be Outputs are only placed, never inspected.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { contentHash, DNS_LABEL, dnsLabel, ENV_NAME, selectorLabels, standardLabels } from "./naming";
import { dnsEgressRule } from "./network-policy";
import { isQuantity, parseQuantity } from "./quantity";
import { ArgumentChecker } from "./validate";

type Input<T> = pulumi.Input<T>;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;
type Probe = k8s.types.input.core.v1.Probe;

// ---------------------------------------------------------------------------------------------------------
// Argument types
// ---------------------------------------------------------------------------------------------------------

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

/** How the tier is reached. */
export interface TierExposeArgs {
  /** none (no Service), internal (ClusterIP), loadBalancer (NLB via the AWS Load Balancer Controller) or ingress. @default "internal" */
  type?: "none" | "internal" | "loadBalancer" | "ingress";
  /** Ingress host name (type ingress only). @default - none: the Ingress matches any host */
  host?: string;
  /** Ingress path prefix. @default "/" */
  path?: string;
  /** IngressClass for type ingress; ALB annotations are added only for "alb". @default "alb" */
  ingressClassName?: string;
  /** TLS Secret for the Ingress host (the ALB controller discovers an ACM certificate for the host instead). @default - no TLS */
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

/** The plain (non-Output) shape shared by the tier's config and {@link AppTierArgs}. */
export interface AppTierSpecArgs {
  /** Name of the Kubernetes objects (Deployment, Service, ServiceAccount...). @default - the resource name */
  name?: string;
  /** Container image. */
  image: Input<string>;
  /** Main container and Service port (named `http`). @default 8080 */
  port?: number;
  /** Extra named ports on the container and the Service, e.g. `{ name: "docs", port: 8100 }`. @default [] */
  ports?: { name: string; port: number }[];
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
  /** Extra labels on the pods (not part of the selector), e.g. a NetworkPolicy client label. @default {} */
  podLabels?: Record<string, string>;
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
  /** Init containers, run in order before the main container. @default [] */
  initContainers?: InitContainerArgs[];
  /** emptyDir volumes (name → mount path) shared by the init containers and the main container. @default {} */
  sharedVolumes?: Record<string, string>;
  /** An existing ServiceAccount. @default - a dedicated ServiceAccount named after the tier */
  serviceAccountName?: string;
  /** Secure pod defaults. @default - all on: non-root, read-only root FS, no capabilities, seccomp RuntimeDefault, no token */
  security?: TierSecurityArgs;
}

// ---------------------------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------------------------

export const DEFAULT_RESOURCES: Required<TierResourcesArgs> = { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } };
/** Disk defaults, applied whether or not `resources` is given: a runaway /tmp evicts its own pod, not the node's others. */
export const DEFAULT_EPHEMERAL_STORAGE = { request: "64Mi", limit: "1Gi" } as const;
const TMP_VOLUME = "tmp";
const SECRET_VOLUME = "secrets";
/** The AWS Load Balancer Controller's target-group draining delay, the NLB counterpart of classic ELB connection draining. */
export const DEREGISTRATION_DELAY_SECONDS = 60;

/** The tier with every default filled in (Outputs left as they are). */
export interface ResolvedTier {
  name: string;
  image: Input<string>;
  port: number;
  ports: { name: string; port: number }[];
  replicas: number;
  command?: string[];
  args?: string[];
  env: Record<string, Input<string>>;
  secretEnv: string[];
  secretFiles?: { mountPath: string; keys: string[] };
  secretEnvRefs: Record<string, SecretKeyRefArgs>;
  secretVolumes: SecretVolumeArgs[];
  podLabels: Record<string, string>;
  expose: Required<Omit<TierExposeArgs, "host" | "tlsSecretName">> & { host?: string; tlsSecretName?: string };
  migrations?: { command: string[]; image: Input<string>; backoffLimit: number };
  autoscaling?: Required<AutoscalingArgs>;
  disruptionBudget?: DisruptionBudgetArgs;
  probes: TierProbesArgs;
  /** Requests and limits; ephemeral storage always set. */
  resources: { requests: TierResourceRequestsArgs & { ephemeralStorage: string }; limits: TierResourceLimitsArgs & { ephemeralStorage: string } };
  networkPolicy: Required<TierNetworkPolicyArgs>;
  strategy: Required<StrategyArgs>;
  topologySpread: boolean;
  initContainers: { name: string; image: Input<string>; command: string[] }[];
  sharedVolumes: Record<string, string>;
  serviceAccountName?: string;
  createServiceAccount: boolean;
  security: Required<Omit<TierSecurityArgs, "runAsUser">> & { runAsUser?: number };
}

/** Fills in every default. `name` is the resource name, used when `args.name` is unset. */
export function resolveTier(name: string, args: AppTierSpecArgs): ResolvedTier {
  const expose = args.expose ?? {};
  const security = args.security ?? {};
  return {
    name: args.name ?? name,
    image: args.image,
    port: args.port ?? 8080,
    ports: args.ports ?? [],
    replicas: args.replicas ?? 1,
    command: args.command,
    args: args.args,
    env: args.env ?? {},
    secretEnv: args.secretEnv ?? [],
    secretFiles: args.secretFiles ? { mountPath: args.secretFiles.mountPath ?? "/tmp/secrets", keys: args.secretFiles.keys } : undefined,
    secretEnvRefs: args.secretEnvRefs ?? {},
    secretVolumes: args.secretVolumes ?? [],
    podLabels: args.podLabels ?? {},
    expose: {
      type: expose.type ?? "internal",
      host: expose.host,
      path: expose.path ?? "/",
      ingressClassName: expose.ingressClassName ?? "alb",
      tlsSecretName: expose.tlsSecretName,
      internalLoadBalancer: expose.internalLoadBalancer ?? false,
      annotations: expose.annotations ?? {},
    },
    migrations: args.migrations
      ? { command: args.migrations.command, image: args.migrations.image ?? args.image, backoffLimit: args.migrations.backoffLimit ?? 4 }
      : undefined,
    autoscaling: args.autoscaling ? { ...args.autoscaling, targetCpuUtilization: args.autoscaling.targetCpuUtilization ?? 70 } : undefined,
    disruptionBudget: args.disruptionBudget,
    probes: args.probes ?? {},
    resources: resolveResources(args.resources),
    networkPolicy: { enabled: args.networkPolicy?.enabled ?? true, allowExternalEgress: args.networkPolicy?.allowExternalEgress ?? true },
    strategy: { maxUnavailable: args.strategy?.maxUnavailable ?? 0, maxSurge: args.strategy?.maxSurge ?? "25%" },
    topologySpread: args.topologySpread ?? true,
    initContainers: (args.initContainers ?? []).map((c) => ({ name: c.name, image: c.image ?? args.image, command: c.command })),
    sharedVolumes: args.sharedVolumes ?? {},
    serviceAccountName: args.serviceAccountName,
    createServiceAccount: args.serviceAccountName === undefined,
    security: {
      runAsNonRoot: security.runAsNonRoot ?? true,
      runAsUser: security.runAsUser,
      readOnlyRootFilesystem: security.readOnlyRootFilesystem ?? true,
      dropAllCapabilities: security.dropAllCapabilities ?? true,
      seccompRuntimeDefault: security.seccompRuntimeDefault ?? true,
      automountServiceAccountToken: security.automountServiceAccountToken ?? false,
    },
  };
}

/** `resources` with the defaults: CPU and memory from {@link DEFAULT_RESOURCES} only when `resources` is absent, disk always. */
export function resolveResources(resources: TierResourcesArgs | undefined): ResolvedTier["resources"] {
  const r = resources ?? DEFAULT_RESOURCES;
  return {
    requests: { ...r.requests, ephemeralStorage: r.requests?.ephemeralStorage ?? DEFAULT_EPHEMERAL_STORAGE.request },
    limits: { ...r.limits, ephemeralStorage: r.limits?.ephemeralStorage ?? DEFAULT_EPHEMERAL_STORAGE.limit },
  };
}

/** The most pods that may run at once: the HPA maximum, or `replicas`. */
export function maxPods(tier: ResolvedTier): number {
  return tier.autoscaling ? tier.autoscaling.maxReplicas : tier.replicas;
}

/** The fewest pods that run in steady state: the HPA minimum, or `replicas`. */
export function minPods(tier: ResolvedTier): number {
  return tier.autoscaling ? tier.autoscaling.minReplicas : tier.replicas;
}

// ---------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const INT_OR_PERCENT = (v: number | string): boolean => (typeof v === "number" ? Number.isInteger(v) && v >= 0 : /^\d{1,3}%$/.test(v));
const isZero = (v: number | string): boolean => v === 0 || v === "0%";
const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/**
 * Checks every plain argument (Outputs are skipped) and the keys of `secrets`, then throws one
 * {@link ArgumentError} listing every problem.
 */
export function validateTierArgs(resourceName: string, args: AppTierSpecArgs, secretKeys: readonly string[]): void {
  const check = new ArgumentChecker("AppTier", resourceName);
  const tier = resolveTier(resourceName, args);
  check.that(tier.name.length <= 63 && DNS_LABEL.test(tier.name), args.name === undefined ? "(resource name)" : "name", "must be a DNS label (lowercase letters, digits and '-', at most 63 characters)", tier.name);
  if (typeof args.image === "string") check.that(args.image.trim().length > 0 && !/\s/.test(args.image), "image", "must be an image reference such as ghcr.io/team/app:1.2.3", args.image);
  check.that(isInt(tier.port, 1, 65535), "port", "must be an integer from 1 to 65535", tier.port);
  const portNames = new Set<string>(["http"]);
  const portNumbers = new Set<number>([tier.port]);
  tier.ports.forEach((p, i) => {
    check.that(isInt(p.port, 1, 65535), `ports[${i}].port`, "must be an integer from 1 to 65535", p.port);
    check.that(p.name.length <= 15 && DNS_LABEL.test(p.name) && /[a-z]/.test(p.name), `ports[${i}].name`, "must be a port name: a DNS label of at most 15 characters with a letter", p.name);
    check.that(!portNames.has(p.name), `ports[${i}].name`, 'must be unique and not "http" (the main port\'s name)', p.name);
    check.that(!portNumbers.has(p.port), `ports[${i}].port`, "must differ from port and the other ports", p.port);
    portNames.add(p.name);
    portNumbers.add(p.port);
  });
  check.that(isInt(tier.replicas, 0), "replicas", "must be an integer ≥ 0", tier.replicas);

  // Env var names: one source each.
  const envNames = new Map<string, string>();
  const claim = (envName: string, path: string) => {
    if (!check.that(ENV_NAME.test(envName), path, "must be an environment variable name", envName)) return;
    const earlier = envNames.get(envName);
    check.that(earlier === undefined, path, `sets ${envName}, which ${earlier ?? ""} already sets`, envName);
    envNames.set(envName, path);
  };
  Object.keys(tier.env).forEach((k) => claim(k, `env.${k}`));
  tier.secretEnv.forEach((k, i) => claim(k, `secretEnv[${i}]`));
  Object.keys(tier.secretEnvRefs).forEach((k) => {
    claim(k, `secretEnvRefs.${k}`);
    check.that(SECRET_KEY.test(tier.secretEnvRefs[k].key), `secretEnvRefs.${k}.key`, "must be a Secret key", tier.secretEnvRefs[k].key);
  });

  // Secrets: every declared key has a value, and every value is declared.
  const declared = new Set([...tier.secretEnv, ...(tier.secretFiles?.keys ?? [])]);
  tier.secretFiles?.keys.forEach((k, i) => check.that(SECRET_KEY.test(k), `secretFiles.keys[${i}]`, "must be a Secret key (letters, digits, '-', '_', '.')", k));
  if (tier.secretFiles) check.that(tier.secretFiles.mountPath.startsWith("/"), "secretFiles.mountPath", "must be an absolute path", tier.secretFiles.mountPath);
  for (const key of declared) check.that(secretKeys.includes(key), `secrets.${key}`, "needs a value: the key is named in secretEnv or secretFiles.keys", undefined);
  for (const key of secretKeys) check.that(declared.has(key), `secrets.${key}`, `is not named in secretEnv or secretFiles.keys (declared: ${[...declared].join(", ") || "none"})`, "[secret]");

  // Volumes and mount paths: unique names, unique paths.
  const volumeNames = new Set<string>([TMP_VOLUME, SECRET_VOLUME]);
  const mountPaths = new Map<string, string>();
  const mount = (path: string, argPath: string) => {
    if (!check.that(path.startsWith("/"), argPath, "must be an absolute path", path)) return;
    const earlier = mountPaths.get(path);
    check.that(earlier === undefined, argPath, `mounts at ${path}, as ${earlier ?? ""} does`, path);
    mountPaths.set(path, argPath);
  };
  if (tier.security.readOnlyRootFilesystem) mountPaths.set("/tmp", "the /tmp emptyDir of the read-only root filesystem");
  if (tier.secretFiles) mount(tier.secretFiles.mountPath, "secretFiles.mountPath");
  for (const [volume, path] of Object.entries(tier.sharedVolumes)) {
    check.that(DNS_LABEL.test(volume) && !volumeNames.has(volume), `sharedVolumes.${volume}`, `must be a DNS label other than ${[...volumeNames].join(", ")}`, volume);
    volumeNames.add(volume);
    mount(path, `sharedVolumes.${volume}`);
  }
  tier.secretVolumes.forEach((v, i) => {
    check.that(DNS_LABEL.test(v.name) && !volumeNames.has(v.name), `secretVolumes[${i}].name`, `must be a DNS label other than ${[...volumeNames].join(", ")}`, v.name);
    volumeNames.add(v.name);
    mount(v.mountPath, `secretVolumes[${i}].mountPath`);
  });

  // Exposure.
  const e = tier.expose;
  check.that(["none", "internal", "loadBalancer", "ingress"].includes(e.type), "expose.type", 'must be one of "none", "internal", "loadBalancer", "ingress"', e.type);
  check.that(e.host === undefined || e.type === "ingress", "expose.host", "only applies to expose type ingress", e.host);
  check.that(e.tlsSecretName === undefined || e.host !== undefined, "expose.host", "is required when tlsSecretName is set", e.host);
  check.that(e.path.startsWith("/"), "expose.path", "must start with /", e.path);

  // Scaling.
  const a = tier.autoscaling;
  if (a) {
    check.that(isInt(a.minReplicas, 1), "autoscaling.minReplicas", "must be an integer ≥ 1", a.minReplicas);
    check.that(isInt(a.maxReplicas, 1) && a.maxReplicas >= a.minReplicas, "autoscaling.maxReplicas", `must be an integer ≥ minReplicas (${a.minReplicas})`, a.maxReplicas);
    check.that(isInt(a.targetCpuUtilization, 1, 100), "autoscaling.targetCpuUtilization", "must be an integer from 1 to 100", a.targetCpuUtilization);
    check.that(tier.resources.requests?.cpu !== undefined, "resources.requests.cpu", "is required with autoscaling: the HPA's CPU target is a % of the request", tier.resources.requests?.cpu);
  }
  const b = tier.disruptionBudget;
  if (b) {
    check.that((b.minAvailable === undefined) !== (b.maxUnavailable === undefined), "disruptionBudget", "must set exactly one of minAvailable and maxUnavailable", b);
    for (const key of ["minAvailable", "maxUnavailable"] as const) {
      const v = b[key];
      if (v !== undefined) check.that(INT_OR_PERCENT(v), `disruptionBudget.${key}`, "must be a count ≥ 0 or a percentage such as 25%", v);
    }
    if (b.maxUnavailable !== undefined) check.that(!isZero(b.maxUnavailable), "disruptionBudget.maxUnavailable", "must be > 0, or no node could ever be drained", b.maxUnavailable);
  }
  check.that(INT_OR_PERCENT(tier.strategy.maxUnavailable), "strategy.maxUnavailable", "must be a count ≥ 0 or a percentage such as 25%", tier.strategy.maxUnavailable);
  check.that(INT_OR_PERCENT(tier.strategy.maxSurge), "strategy.maxSurge", "must be a count ≥ 0 or a percentage such as 25%", tier.strategy.maxSurge);
  check.that(!(isZero(tier.strategy.maxUnavailable) && isZero(tier.strategy.maxSurge)), "strategy", "maxUnavailable and maxSurge cannot both be 0 (a rollout could never progress)", tier.strategy);

  // Resources: quantities, and requests ≤ limits.
  for (const kind of ["cpu", "memory", "ephemeralStorage"] as const) {
    const request = tier.resources.requests?.[kind];
    const limit = tier.resources.limits?.[kind];
    const okRequest = request === undefined || check.that(isQuantity(request), `resources.requests.${kind}`, "must be a Kubernetes quantity such as 500m or 256Mi", request);
    const okLimit = limit === undefined || check.that(isQuantity(limit), `resources.limits.${kind}`, "must be a Kubernetes quantity such as 500m or 256Mi", limit);
    if (okRequest && okLimit && request !== undefined && limit !== undefined) {
      check.that(parseQuantity(request) <= parseQuantity(limit), `resources.requests.${kind}`, `must be ≤ resources.limits.${kind} (${limit})`, request);
    }
  }

  // Probes.
  for (const kind of ["readiness", "liveness", "startup"] as const) {
    const p = tier.probes[kind];
    if (!p) continue;
    check.that(!(p.path !== undefined && p.command !== undefined), `probes.${kind}`, "set path or command, not both", p);
    if (p.path !== undefined) check.that(p.path.startsWith("/"), `probes.${kind}.path`, "must start with /", p.path);
    if (p.port !== undefined) check.that(isInt(p.port, 1, 65535), `probes.${kind}.port`, "must be an integer from 1 to 65535", p.port);
  }

  // Init containers, migrations, service account.
  const initNames = new Set<string>();
  tier.initContainers.forEach((c, i) => {
    check.that(DNS_LABEL.test(c.name) && c.name !== tier.name && !initNames.has(c.name), `initContainers[${i}].name`, "must be a DNS label, unique, and not the tier's name", c.name);
    initNames.add(c.name);
    check.that(c.command.length > 0, `initContainers[${i}].command`, "must not be empty", c.command);
  });
  if (tier.migrations) {
    check.that(tier.migrations.command.length > 0, "migrations.command", "must not be empty", tier.migrations.command);
    check.that(isInt(tier.migrations.backoffLimit, 0), "migrations.backoffLimit", "must be an integer ≥ 0", tier.migrations.backoffLimit);
  }
  if (tier.serviceAccountName !== undefined) check.that(DNS_LABEL.test(tier.serviceAccountName), "serviceAccountName", "must be a DNS label", tier.serviceAccountName);
  for (const [k, v] of Object.entries(tier.podLabels)) check.that(v.length <= 63 && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(v), `podLabels.${k}`, "must be a label value", v);
  check.done();
}

// ---------------------------------------------------------------------------------------------------------
// Names and labels
// ---------------------------------------------------------------------------------------------------------

/** Labels selecting the tier's pods (immutable once created). */
export function tierSelector(tier: Pick<ResolvedTier, "name">): Record<string, string> {
  return selectorLabels(tier.name, tier.name);
}

/** Labels on every object of the tier. */
export function tierLabels(tier: Pick<ResolvedTier, "name">, component = "app-tier"): Record<string, string> {
  return standardLabels(tier.name, tier.name, component);
}

/** Labels on the migrations Job's pods: a different instance, so the tier's Service never selects them. */
export function migrationLabels(tier: Pick<ResolvedTier, "name">): Record<string, string> {
  return standardLabels(tier.name, `${tier.name}-migrations`, "migrations");
}

/** Labels selecting the migrations Job's pods (the selector subset of {@link migrationLabels}). */
export function migrationSelector(tier: Pick<ResolvedTier, "name">): Record<string, string> {
  return selectorLabels(tier.name, `${tier.name}-migrations`);
}

// A fixed, versioned salt: the name hash cannot be matched against hashes of the bare secret values.
const SECRET_NAME_SALT = "eks-search-platform/app-tier-secret/v1";

/**
 * The content-addressed name of the tier's Secret: a new name for every change of content, so a rotation
 * creates a new Secret and rolls the pods. The name carries only a truncated salted SHA-256, never a value.
 */
export function secretObjectName(tierName: string, values: Record<string, string>): string {
  const sorted = Object.keys(values)
    .sort()
    .map((k) => [k, values[k]]);
  return dnsLabel(tierName, "secrets", contentHash([SECRET_NAME_SALT, tierName, sorted], 10));
}

/**
 * The migrations Job's name: it changes with the image and the command, so each release runs it once, and with
 * `template` (the Job's resolved pod template) when given, so any change to the Job is a new Job: a Job's
 * template is immutable, and a same-name replacement fails with a server-side apply conflict.
 */
export function migrationJobName(tierName: string, image: string, command: readonly string[], template?: unknown): string {
  return dnsLabel(tierName, "migrate", contentHash(template === undefined ? [image, command] : [image, command, template], 8));
}

/** The in-cluster URL of a Service. */
export function inClusterUrl(serviceName: string, namespace: string, port: number): string {
  return `http://${serviceName}.${namespace}.svc.cluster.local:${port}`;
}

// ---------------------------------------------------------------------------------------------------------
// Pod
// ---------------------------------------------------------------------------------------------------------

/** A probe from its args; `kind` picks the defaults (readiness is more aggressive than liveness). */
export function probeFor(kind: "readiness" | "liveness" | "startup", probe: ProbeArgs | undefined, port: number, hasStartup: boolean): Probe {
  const p = probe ?? {};
  const target = p.port ?? port;
  const handler: Probe = p.path !== undefined ? { httpGet: { path: p.path, port: target } } : p.command !== undefined ? { exec: { command: p.command } } : { tcpSocket: { port: target } };
  const defaults = {
    readiness: { initialDelaySeconds: 0, periodSeconds: 5, failureThreshold: 3 },
    liveness: { initialDelaySeconds: hasStartup ? 0 : 10, periodSeconds: 10, failureThreshold: 3 },
    startup: { initialDelaySeconds: 0, periodSeconds: 5, failureThreshold: 30 },
  }[kind];
  return {
    ...handler,
    initialDelaySeconds: p.initialDelaySeconds ?? defaults.initialDelaySeconds,
    periodSeconds: p.periodSeconds ?? defaults.periodSeconds,
    timeoutSeconds: p.timeoutSeconds ?? 2,
    failureThreshold: p.failureThreshold ?? defaults.failureThreshold,
  };
}

/** The container security context the `security` args ask for. */
export function containerSecurityContext(security: ResolvedTier["security"]): k8s.types.input.core.v1.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    runAsNonRoot: security.runAsNonRoot,
    ...(security.runAsUser !== undefined ? { runAsUser: security.runAsUser } : {}),
    readOnlyRootFilesystem: security.readOnlyRootFilesystem,
    ...(security.dropAllCapabilities ? { capabilities: { drop: ["ALL"] } } : {}),
  };
}

/** The pod security context the `security` args ask for. */
export function podSecurityContext(security: ResolvedTier["security"]): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: security.runAsNonRoot,
    ...(security.runAsUser !== undefined ? { runAsUser: security.runAsUser, runAsGroup: security.runAsUser, fsGroup: security.runAsUser } : {}),
    ...(security.seccompRuntimeDefault ? { seccompProfile: { type: "RuntimeDefault" } } : {}),
  };
}

/** Zone and host spread for more than one pod; soft, so a lost zone never blocks scheduling. */
export function topologySpreadFor(tier: ResolvedTier): k8s.types.input.core.v1.TopologySpreadConstraint[] {
  if (!tier.topologySpread || maxPods(tier) <= 1) return [];
  return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
    topologyKey,
    maxSkew: 1,
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: tierSelector(tier) },
    // Count only pods of the same ReplicaSet, so a rollout is spread like a fresh deployment.
    matchLabelKeys: ["pod-template-hash"],
  }));
}

/** Where the tier's own Secret lives, once its (content-addressed) name is known. */
export interface TierSecretRef {
  secretName: Input<string>;
}

/** Env vars: plain `env`, then `secretEnv` (secretKeyRef to the tier's Secret), then `secretEnvRefs`. */
export function envFor(tier: ResolvedTier, tierSecret: TierSecretRef | undefined): EnvVar[] {
  const env: EnvVar[] = Object.entries(tier.env).map(([name, value]) => ({ name, value }));
  if (tierSecret) for (const key of tier.secretEnv) env.push({ name: key, valueFrom: { secretKeyRef: { name: tierSecret.secretName, key } } });
  for (const [name, ref] of Object.entries(tier.secretEnvRefs)) env.push({ name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } });
  return env;
}

/** Volumes and the mounts every container of the pod gets. */
export function volumesFor(tier: ResolvedTier, tierSecret: TierSecretRef | undefined): { volumes: Volume[]; mounts: VolumeMount[] } {
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];
  // Each emptyDir is capped at the disk limit: one runaway volume evicts its pod before it fills the node.
  const emptyDir = { sizeLimit: tier.resources.limits.ephemeralStorage };
  if (tier.security.readOnlyRootFilesystem) {
    volumes.push({ name: TMP_VOLUME, emptyDir });
    mounts.push({ name: TMP_VOLUME, mountPath: "/tmp" });
  }
  for (const [name, mountPath] of Object.entries(tier.sharedVolumes)) {
    volumes.push({ name, emptyDir });
    mounts.push({ name, mountPath });
  }
  if (tier.secretFiles && tierSecret) {
    volumes.push({ name: SECRET_VOLUME, secret: { secretName: tierSecret.secretName, items: tier.secretFiles.keys.map((key) => ({ key, path: key })) } });
    mounts.push({ name: SECRET_VOLUME, mountPath: tier.secretFiles.mountPath, readOnly: true });
  }
  for (const v of tier.secretVolumes) {
    volumes.push({ name: v.name, secret: { secretName: v.secretName, ...(v.items ? { items: v.items } : {}) } });
    mounts.push({ name: v.name, mountPath: v.mountPath, readOnly: true });
  }
  return { volumes, mounts };
}

/** Kubernetes resource requirements from the tier's `resources` (`ephemeralStorage` → `ephemeral-storage`). */
export function containerResourcesFor(resources: ResolvedTier["resources"]): k8s.types.input.core.v1.ResourceRequirements {
  const quantities = (q: TierResourceRequestsArgs | TierResourceLimitsArgs): Record<string, string> => {
    const out: Record<string, string> = {};
    if (q.cpu !== undefined) out.cpu = q.cpu;
    if (q.memory !== undefined) out.memory = q.memory;
    if (q.ephemeralStorage !== undefined) out["ephemeral-storage"] = q.ephemeralStorage;
    return out;
  };
  return { requests: quantities(resources.requests), limits: quantities(resources.limits) };
}

/** The main container. */
export function mainContainerFor(tier: ResolvedTier, tierSecret: TierSecretRef | undefined): Container {
  const { mounts } = volumesFor(tier, tierSecret);
  const hasStartup = tier.probes.startup !== undefined;
  return {
    name: tier.name,
    image: tier.image,
    ...(tier.command ? { command: tier.command } : {}),
    ...(tier.args ? { args: tier.args } : {}),
    ports: [{ name: "http", containerPort: tier.port, protocol: "TCP" }, ...tier.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" }))],
    env: envFor(tier, tierSecret),
    resources: containerResourcesFor(tier.resources),
    readinessProbe: probeFor("readiness", tier.probes.readiness, tier.port, hasStartup),
    // No default liveness: a copy of readiness would restart pods that only needed to shed load.
    ...(tier.probes.liveness ? { livenessProbe: probeFor("liveness", tier.probes.liveness, tier.port, hasStartup) } : {}),
    ...(hasStartup ? { startupProbe: probeFor("startup", tier.probes.startup, tier.port, true) } : {}),
    securityContext: containerSecurityContext(tier.security),
    volumeMounts: mounts,
  };
}

/** The Deployment's pod spec: init containers, the main container, volumes, and the secure defaults. */
export function tierPodSpecFor(tier: ResolvedTier, tierSecret: TierSecretRef | undefined, serviceAccountName: Input<string> | undefined): PodSpec {
  const { volumes, mounts } = volumesFor(tier, tierSecret);
  const env = envFor(tier, tierSecret);
  const spread = topologySpreadFor(tier);
  return {
    ...(serviceAccountName !== undefined ? { serviceAccountName } : {}),
    automountServiceAccountToken: tier.security.automountServiceAccountToken,
    // Service env vars (API_PORT=tcp://...) can collide with the app's own settings; DNS is the way.
    enableServiceLinks: false,
    securityContext: podSecurityContext(tier.security),
    ...(tier.initContainers.length > 0
      ? {
          initContainers: tier.initContainers.map((c) => ({
            name: c.name,
            image: c.image,
            command: c.command,
            env,
            resources: containerResourcesFor(tier.resources),
            securityContext: containerSecurityContext(tier.security),
            volumeMounts: mounts,
          })),
        }
      : {}),
    containers: [mainContainerFor(tier, tierSecret)],
    volumes,
    ...(spread.length > 0 ? { topologySpreadConstraints: spread } : {}),
  };
}

/** The migrations Job's pod spec: the tier's env, secrets and security, the migration command, never restarted in place. */
export function migrationPodSpecFor(tier: ResolvedTier, tierSecret: TierSecretRef | undefined, serviceAccountName: Input<string> | undefined): PodSpec {
  if (!tier.migrations) throw new Error(`tier ${tier.name} has no migrations`);
  const { volumes, mounts } = volumesFor(tier, tierSecret);
  return {
    ...(serviceAccountName !== undefined ? { serviceAccountName } : {}),
    automountServiceAccountToken: tier.security.automountServiceAccountToken,
    enableServiceLinks: false,
    restartPolicy: "Never",
    securityContext: podSecurityContext(tier.security),
    containers: [
      {
        name: "migrate",
        image: tier.migrations.image,
        command: tier.migrations.command,
        env: envFor(tier, tierSecret),
        resources: containerResourcesFor(tier.resources),
        securityContext: containerSecurityContext(tier.security),
        volumeMounts: mounts,
      },
    ],
    volumes,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Deployment, Service, Ingress, HPA, PDB
// ---------------------------------------------------------------------------------------------------------

/** The Deployment spec. `spec.replicas` is omitted when an HPA owns it, so Pulumi and the HPA never fight. */
export function deploymentSpecFor(tier: ResolvedTier, tierSecret: TierSecretRef | undefined, serviceAccountName: Input<string> | undefined): k8s.types.input.apps.v1.DeploymentSpec {
  return {
    ...(tier.autoscaling ? {} : { replicas: tier.replicas }),
    selector: { matchLabels: tierSelector(tier) },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: tier.strategy.maxUnavailable, maxSurge: tier.strategy.maxSurge } },
    template: {
      metadata: { labels: { ...tier.podLabels, ...tierLabels(tier) } },
      spec: tierPodSpecFor(tier, tierSecret, serviceAccountName),
    },
  };
}

/** Service annotations for the AWS Load Balancer Controller: an NLB with IP targets, cross-zone, draining. */
export function loadBalancerAnnotations(expose: ResolvedTier["expose"]): Record<string, string> {
  return {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": expose.internalLoadBalancer ? "internal" : "internet-facing",
    "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
    // Classic ELB "connection draining, 60 s" is the NLB target group's deregistration delay.
    "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": `deregistration_delay.timeout_seconds=${DEREGISTRATION_DELAY_SECONDS}`,
    ...expose.annotations,
  };
}

/** The Service spec: ClusterIP, or LoadBalancer for `expose.type: loadBalancer`. */
export function serviceSpecFor(tier: ResolvedTier): k8s.types.input.core.v1.ServiceSpec {
  return {
    type: tier.expose.type === "loadBalancer" ? "LoadBalancer" : "ClusterIP",
    selector: tierSelector(tier),
    ports: [{ name: "http", port: tier.port, targetPort: "http", protocol: "TCP" }, ...tier.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: "TCP" }))],
  };
}

/** Ingress annotations: the ALB controller's, when the class is `alb`, then the user's. */
export function ingressAnnotations(tier: ResolvedTier): Record<string, string> {
  const e = tier.expose;
  const alb: Record<string, string> =
    e.ingressClassName === "alb"
      ? {
          "alb.ingress.kubernetes.io/scheme": e.internalLoadBalancer ? "internal" : "internet-facing",
          "alb.ingress.kubernetes.io/target-type": "ip",
          "alb.ingress.kubernetes.io/healthcheck-path": tier.probes.readiness?.path ?? "/",
          ...(e.tlsSecretName !== undefined
            ? { "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80},{"HTTPS":443}]', "alb.ingress.kubernetes.io/ssl-redirect": "443" }
            : {}),
        }
      : {};
  return { ...alb, ...e.annotations };
}

/** The Ingress spec (networking.k8s.io/v1). */
export function ingressSpecFor(tier: ResolvedTier, serviceName: Input<string>): k8s.types.input.networking.v1.IngressSpec {
  const e = tier.expose;
  return {
    ingressClassName: e.ingressClassName,
    rules: [
      {
        ...(e.host !== undefined ? { host: e.host } : {}),
        http: { paths: [{ path: e.path, pathType: "Prefix", backend: { service: { name: serviceName, port: { name: "http" } } } }] },
      },
    ],
    ...(e.tlsSecretName !== undefined && e.host !== undefined ? { tls: [{ hosts: [e.host], secretName: e.tlsSecretName }] } : {}),
  };
}

/** The HPA spec (autoscaling/v2) on average CPU utilization. */
export function hpaSpecFor(tier: ResolvedTier, deploymentName: Input<string>): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
  const a = tier.autoscaling;
  if (!a) throw new Error(`tier ${tier.name} has no autoscaling`);
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.targetCpuUtilization } } }],
  };
}

/** The PDB spec, or undefined: the user's budget, else maxUnavailable 1 when more than one pod is guaranteed. */
export function pdbSpecFor(tier: ResolvedTier): k8s.types.input.policy.v1.PodDisruptionBudgetSpec | undefined {
  const budget = tier.disruptionBudget ?? (minPods(tier) > 1 ? { maxUnavailable: 1 } : undefined);
  if (!budget) return undefined;
  return {
    selector: { matchLabels: tierSelector(tier) },
    ...(budget.minAvailable !== undefined ? { minAvailable: budget.minAvailable } : {}),
    ...(budget.maxUnavailable !== undefined ? { maxUnavailable: budget.maxUnavailable } : {}),
  };
}

/** The migrations Job spec. No ttlSecondsAfterFinished: a Job the TTL controller deleted would be recreated by the next `pulumi up` and reported as drift. */
export function jobSpecFor(tier: ResolvedTier, tierSecret: TierSecretRef | undefined, serviceAccountName: Input<string> | undefined): k8s.types.input.batch.v1.JobSpec {
  if (!tier.migrations) throw new Error(`tier ${tier.name} has no migrations`);
  return {
    backoffLimit: tier.migrations.backoffLimit,
    template: {
      metadata: { labels: { ...tier.podLabels, ...migrationLabels(tier) } },
      spec: migrationPodSpecFor(tier, tierSecret, serviceAccountName),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// NetworkPolicy
// ---------------------------------------------------------------------------------------------------------

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

/** Whether the tier is reached through a load balancer: with IP targets its pods see the load balancer's (or the client's) addresses. */
export function exposedThroughLoadBalancer(tier: Pick<ResolvedTier, "expose">): boolean {
  return tier.expose.type === "loadBalancer" || tier.expose.type === "ingress";
}

/** Egress of the tier's pods and its migrations Job: anywhere, or only the cluster DNS and the namespace's pods. */
export function tierEgressRules(tier: Pick<ResolvedTier, "networkPolicy">): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
  return tier.networkPolicy.allowExternalEgress ? [{}] : [dnsEgressRule(), { to: [{ podSelector: {} }] }];
}

/**
 * The tier's NetworkPolicy: ingress on its ports only, from any source when a load balancer fronts it (an NLB
 * or ALB with IP targets connects from its own VPC addresses, or the client's with client-IP preservation),
 * else from pods of its namespace; egress per {@link tierEgressRules}. Traffic from the node (kubelet probes)
 * is always allowed.
 */
export function tierNetworkPolicySpecFor(tier: ResolvedTier): NetworkPolicySpec {
  const ports = [tier.port, ...tier.ports.map((p) => p.port)].map((port) => ({ port, protocol: "TCP" }));
  return {
    podSelector: { matchLabels: tierSelector(tier) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [exposedThroughLoadBalancer(tier) ? { ports } : { from: [{ podSelector: {} }], ports }],
    egress: tierEgressRules(tier),
  };
}

/** The migrations Job's NetworkPolicy: no ingress at all (no rule: deny), the tier's egress. */
export function migrationNetworkPolicySpecFor(tier: ResolvedTier): NetworkPolicySpec {
  return { podSelector: { matchLabels: migrationSelector(tier) }, policyTypes: ["Ingress", "Egress"], egress: tierEgressRules(tier) };
}
