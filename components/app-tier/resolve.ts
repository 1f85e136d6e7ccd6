/**
 * Defaults for `AppTier`: the tier with every default filled in.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type AffinityArgs, type TolerationArgs, type TopologySpreadArgs } from "./placement-args";
import { type AppTierSpecArgs, type PersistentVolumeArgs, type AutoscalingArgs, type DisruptionBudgetArgs, type SecretKeyRefArgs, type SecretVolumeArgs, type StrategyArgs, type TierExposeArgs, type TierNetworkPolicyArgs, type TierPortArgs, type TierProbesArgs, type TierResourceLimitsArgs, type TierResourceRequestsArgs, type TierResourcesArgs, type TierSecurityArgs } from "./args";

type Input<T> = pulumi.Input<T>;

export const DEFAULT_RESOURCES: Required<TierResourcesArgs> = { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } };
/** Disk defaults, applied whether or not `resources` is given: a runaway /tmp evicts its own pod, not the node's others. */
export const DEFAULT_EPHEMERAL_STORAGE = { request: "64Mi", limit: "1Gi" } as const;
export const TMP_VOLUME = "tmp";
export const SECRET_VOLUME = "secrets";
/** The AWS Load Balancer Controller's target-group draining delay, the NLB counterpart of classic ELB connection draining. */
export const DEREGISTRATION_DELAY_SECONDS = 60;

/** One Ingress rule with its defaults. */
export interface ResolvedIngressRule {
  host?: string;
  path: string;
  /** Name of the port it routes to. */
  port: string;
}

/** The tier with every default filled in (Outputs left as they are). */
export interface ResolvedTier {
  name: string;
  image: Input<string>;
  /** Container port of the main port. */
  port: number;
  /** Name of the main port. */
  portName: string;
  /** Service port of the main port. */
  servicePort: number;
  ports: Required<TierPortArgs>[];
  replicas: number;
  command?: string[];
  args?: string[];
  env: Record<string, Input<string>>;
  secretEnv: string[];
  secretFiles?: { mountPath: string; keys: string[] };
  secretEnvRefs: Record<string, SecretKeyRefArgs>;
  secretVolumes: SecretVolumeArgs[];
  podLabels: Record<string, Input<string>>;
  podAnnotations: Record<string, Input<string>>;
  expose: Required<Omit<TierExposeArgs, "host" | "path" | "rules" | "tlsSecretName">> & { rules: ResolvedIngressRule[]; tlsSecretName?: string };
  migrations?: { command: string[]; image: Input<string>; backoffLimit: number };
  autoscaling?: Required<AutoscalingArgs>;
  disruptionBudget?: DisruptionBudgetArgs;
  probes: TierProbesArgs;
  /** Requests and limits; ephemeral storage always set. */
  resources: { requests: TierResourceRequestsArgs & { ephemeralStorage: string }; limits: TierResourceLimitsArgs & { ephemeralStorage: string } };
  networkPolicy: Required<TierNetworkPolicyArgs>;
  strategy: Required<StrategyArgs>;
  topologySpread: boolean;
  initContainers: {
    name: string;
    image: Input<string>;
    command: string[];
    args?: string[];
    inheritEnv: boolean;
    env: Record<string, Input<string>>;
    secretEnv: string[];
    resources: ResolvedTier["resources"];
    volumes?: string[];
  }[];
  sharedVolumes: Record<string, string>;
  stateful: boolean;
  persistentVolumes: ({ name: string } & Required<Omit<PersistentVolumeArgs, "storageClassName">> & { storageClassName?: string })[];
  serviceAccountName?: string;
  createServiceAccount: boolean;
  nodeSelector: Record<string, string>;
  priorityClassName?: string;
  imagePullSecrets: string[];
  tolerations: TolerationArgs[];
  affinity?: AffinityArgs;
  /** Replaces the default spread when set. */
  topologySpreadConstraints?: TopologySpreadArgs[];
  /** Extra labels on every object and pod. */
  labels: Record<string, Input<string>>;
  /** Extra annotations on every object (not the pods). */
  annotations: Record<string, Input<string>>;
  security: Required<Omit<TierSecurityArgs, "runAsUser">> & { runAsUser?: number };
}

/** Fills in every default. `name` is the resource name, used when `args.name` is unset. */
export function resolveTier(name: string, args: AppTierSpecArgs): ResolvedTier {
  const expose = args.expose ?? {};
  const security = args.security ?? {};
  const portName = args.portName ?? "http";
  return {
    name: args.name ?? name,
    image: args.image,
    port: args.port ?? 8080,
    portName,
    servicePort: args.servicePort ?? args.port ?? 8080,
    ports: (args.ports ?? []).map((p) => ({ name: p.name, port: p.port, servicePort: p.servicePort ?? p.port })),
    replicas: args.replicas ?? 1,
    command: args.command,
    args: args.args,
    env: args.env ?? {},
    secretEnv: args.secretEnv ?? [],
    secretFiles: args.secretFiles ? { mountPath: args.secretFiles.mountPath ?? "/tmp/secrets", keys: args.secretFiles.keys } : undefined,
    secretEnvRefs: args.secretEnvRefs ?? {},
    secretVolumes: args.secretVolumes ?? [],
    podLabels: args.podLabels ?? {},
    podAnnotations: args.podAnnotations ?? {},
    expose: {
      type: expose.type ?? "internal",
      rules: (expose.rules ?? [{ host: expose.host, path: expose.path }]).map((r) => ({ ...(r.host !== undefined ? { host: r.host } : {}), path: r.path ?? "/", port: r.port ?? portName })),
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
    initContainers: (args.initContainers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? args.image,
      command: c.command,
      args: c.args,
      inheritEnv: c.inheritEnv ?? true,
      env: c.env ?? {},
      secretEnv: c.secretEnv ?? [],
      // The tier's own resources (its defaults included) unless the container gives its own.
      resources: resolveResources(c.resources ?? args.resources),
      volumes: c.volumes,
    })),
    sharedVolumes: args.sharedVolumes ?? {},
    stateful: args.stateful ?? false,
    persistentVolumes: Object.entries(args.persistentVolumes ?? {}).map(([volume, v]) => ({
      name: volume,
      mountPath: v.mountPath,
      size: v.size,
      storageClassName: v.storageClassName,
      accessMode: v.accessMode ?? "ReadWriteOnce",
    })),
    serviceAccountName: args.serviceAccountName,
    createServiceAccount: args.serviceAccountName === undefined,
    nodeSelector: args.nodeSelector ?? {},
    priorityClassName: args.priorityClassName,
    imagePullSecrets: args.imagePullSecrets ?? [],
    tolerations: args.tolerations ?? [],
    affinity: args.affinity,
    topologySpreadConstraints: args.topologySpreadConstraints,
    labels: args.labels ?? {},
    annotations: args.annotations ?? {},
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
