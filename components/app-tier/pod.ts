/**
 * The pod of a tier and of its migrations Job: containers, probes, env, volumes, security.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { type ProbeArgs, type TierResourceLimitsArgs, type TierResourceRequestsArgs } from "./args";
import { tierSelector } from "./names";
import { type TopologySpreadArgs } from "./placement-args";
import { type ResolvedTier, SECRET_VOLUME, TMP_VOLUME, maxPods } from "./resolve";

type Input<T> = pulumi.Input<T>;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;
type Probe = k8s.types.input.core.v1.Probe;

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

/**
 * Zone and host spread for more than one pod, soft, so a lost zone never blocks scheduling; or, when
 * `topologySpreadConstraints` is set, exactly those, over the same pods.
 */
export function topologySpreadFor(tier: ResolvedTier): k8s.types.input.core.v1.TopologySpreadConstraint[] {
  const defaults: TopologySpreadArgs[] = tier.topologySpread && maxPods(tier) > 1 ? [{ topologyKey: "topology.kubernetes.io/zone" }, { topologyKey: "kubernetes.io/hostname" }] : [];
  const constraints = tier.topologySpreadConstraints ?? defaults;
  return constraints.map((c) => ({
    ...c,
    maxSkew: c.maxSkew ?? 1,
    whenUnsatisfiable: c.whenUnsatisfiable ?? "ScheduleAnyway",
    labelSelector: { matchLabels: tierSelector(tier) },
    // Count only pods of the same revision (ReplicaSet, or StatefulSet revision), so a rollout is spread like a fresh one.
    matchLabelKeys: [tier.stateful ? "controller-revision-hash" : "pod-template-hash"],
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

/**
 * Volumes and the mounts every container of the pod gets. The persistent volumes are mounted only in the tier's
 * own pods (their volumes come from the StatefulSet's claim templates), never in the migrations Job's.
 */
export function volumesFor(tier: ResolvedTier, tierSecret: TierSecretRef | undefined, options: { persistent?: boolean } = {}): { volumes: Volume[]; mounts: VolumeMount[] } {
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];
  if (options.persistent ?? true) for (const v of tier.persistentVolumes) mounts.push({ name: v.name, mountPath: v.mountPath });
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
    ports: [{ name: tier.portName, containerPort: tier.port, protocol: "TCP" }, ...tier.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" }))],
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

/** One init container: its own command, env (over the tier's unless `inheritEnv` is false), secret env, resources and mounts. */
export function initContainerFor(tier: ResolvedTier, c: ResolvedTier["initContainers"][number], tierSecret: TierSecretRef | undefined, tierEnv: EnvVar[], tierMounts: VolumeMount[]): Container {
  const own = new Set([...Object.keys(c.env), ...c.secretEnv]);
  const env: EnvVar[] = [
    ...(c.inheritEnv ? tierEnv.filter((e) => !(typeof e.name === "string" && own.has(e.name))) : []),
    ...Object.entries(c.env).map(([name, value]) => ({ name, value })),
    ...(tierSecret ? c.secretEnv.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: tierSecret.secretName, key } } })) : []),
  ];
  const volumes = c.volumes;
  return {
    name: c.name,
    image: c.image,
    command: c.command,
    ...(c.args ? { args: c.args } : {}),
    env,
    resources: containerResourcesFor(c.resources),
    securityContext: containerSecurityContext(tier.security),
    volumeMounts: volumes ? tierMounts.filter((m) => typeof m.name === "string" && volumes.includes(m.name)) : tierMounts,
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
    ...(tier.initContainers.length > 0 ? { initContainers: tier.initContainers.map((c) => initContainerFor(tier, c, tierSecret, env, mounts)) } : {}),
    containers: [mainContainerFor(tier, tierSecret)],
    volumes,
    ...(spread.length > 0 ? { topologySpreadConstraints: spread } : {}),
    ...placementOf(tier),
  };
}

/** Placement and pulling shared by the tier's and the migrations Job's pods; each field omitted when unset. */
function placementOf(tier: ResolvedTier): Pick<PodSpec, "nodeSelector" | "priorityClassName" | "imagePullSecrets" | "tolerations" | "affinity"> {
  return {
    ...(Object.keys(tier.nodeSelector).length > 0 ? { nodeSelector: tier.nodeSelector } : {}),
    ...(tier.tolerations.length > 0 ? { tolerations: tier.tolerations } : {}),
    ...(tier.affinity !== undefined ? { affinity: tier.affinity } : {}),
    ...(tier.priorityClassName !== undefined ? { priorityClassName: tier.priorityClassName } : {}),
    ...(tier.imagePullSecrets.length > 0 ? { imagePullSecrets: tier.imagePullSecrets.map((name) => ({ name })) } : {}),
  };
}

/** The migrations Job's pod spec: the tier's env, secrets and security, the migration command, never restarted in place. */
export function migrationPodSpecFor(tier: ResolvedTier, tierSecret: TierSecretRef | undefined, serviceAccountName: Input<string> | undefined): PodSpec {
  if (!tier.migrations) throw new Error(`tier ${tier.name} has no migrations`);
  const { volumes, mounts } = volumesFor(tier, tierSecret, { persistent: false });
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
    ...placementOf(tier),
  };
}
