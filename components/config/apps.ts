/**
 * The `apps` config section: the namespace and the application tiers.
 */
import { z } from "zod";
import { ENV_NAME } from "../shared/naming";
import { parseEnvValue } from "./references";
import { CLIENT_LABEL_KEY } from "../elasticsearch/names";
import { DNS_NAME, LABEL_KEY, dnsLabel, imageRef, intOrPercent, port, quantity, stringMap } from "./formats";
import { placementConfigShape } from "./placement";

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** `<secret>.<KEY>`: a key of one of apps.sharedSecrets. */
const SHARED_SECRET_REF = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\.[-._a-zA-Z0-9]+$/;

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
    host: z.string().regex(DNS_NAME, "must be a DNS name such as api.example.com").optional().describe("Ingress host name (not with rules)"),
    path: z.string().startsWith("/").optional().describe('Ingress path prefix (not with rules). Default: `"/"`'),
    rules: z
      .array(
        z.strictObject({
          host: z.string().regex(DNS_NAME, "must be a DNS name such as api.example.com").optional().describe("Host name. Default: any host"),
          path: z.string().startsWith("/").default("/").describe("Path prefix; on one host the longest wins"),
          port: z.string().min(1).optional().describe("Name of the port to route to: the main port's (portName) or one of ports[].name. Default: the main port"),
        }),
      )
      .min(1)
      .optional()
      .describe("Several Ingress rules (hosts and paths, each to a named port) in the tier's one Ingress, behind one load balancer. Default: one rule from host and path to http"),
    ingressClassName: z.string().min(1).default("alb").describe("IngressClass for type ingress"),
    tlsSecretName: dnsLabel(253).optional().describe("TLS Secret for the Ingress host"),
    internalLoadBalancer: z.boolean().default(false).describe("Make the load balancer internal (private subnets)"),
    annotations: stringMap().default({}).describe("Extra annotations on the Service or Ingress"),
  })
  .superRefine((expose, ctx) => {
    if (expose.type !== "ingress" && expose.host !== undefined) {
      ctx.addIssue({ code: "custom", path: ["host"], message: "only applies to expose type ingress" });
    }
    if (expose.rules === undefined) {
      if (expose.tlsSecretName !== undefined && expose.host === undefined) ctx.addIssue({ code: "custom", path: ["host"], message: "is required when tlsSecretName is set" });
      return;
    }
    if (expose.type !== "ingress") ctx.addIssue({ code: "custom", path: ["rules"], message: "only applies to expose type ingress" });
    for (const key of ["host", "path"] as const) {
      if (expose[key] !== undefined) ctx.addIssue({ code: "custom", path: [key], message: "cannot be set with rules: give each rule its own host and path" });
    }
    const seen = new Map<string, number>();
    expose.rules.forEach((rule, i) => {
      if (expose.tlsSecretName !== undefined && rule.host === undefined) ctx.addIssue({ code: "custom", path: ["rules", i, "host"], message: "is required when tlsSecretName is set" });
      const key = `${rule.host ?? "*"}${rule.path}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) ctx.addIssue({ code: "custom", path: ["rules", i], message: `routes ${rule.host ?? "any host"} ${rule.path}, as rules.${earlier} does` });
      seen.set(key, i);
    });
  });

export const TierConfigSchema = z
  .strictObject({
    image: imageRef().describe("Container image (required)"),
    port: port().default(8080).describe("Main container port, named portName"),
    portName: dnsLabel(15).regex(/[a-z]/, "must contain a letter").default("http").describe("Name of the main port on the container and the Services, e.g. mysql or grpc (service meshes read the protocol from it); what Ingress rules route to by default"),
    servicePort: port().optional().describe("Service (and load balancer) port in front of the main port, e.g. 80 in front of 8080. Default: port"),
    ports: z
      .array(
        z.strictObject({
          name: dnsLabel(15).describe("Port name, e.g. docs"),
          port: port().describe("Container port"),
          servicePort: port().optional().describe("Service port in front of it. Default: port"),
        }),
      )
      .default([])
      .describe("Extra named ports, e.g. docs on 8100"),
    replicas: z.number().int().min(0).default(1).describe("Pod count (the HPA owns it when autoscaling is set)"),
    command: z.array(z.string()).optional().describe("Container entrypoint override"),
    args: z.array(z.string()).optional().describe("Container arguments"),
    env: z
      .record(z.string().regex(ENV_NAME, "must be an environment variable name"), z.string())
      .default({})
      .describe("Environment variables; values may reference ${tiers.<tier>.host|port|url}, ${elasticsearch.host|port|scheme|url} (tiers with elasticsearch: true) and ${namespace}; $${ is a literal ${"),
    secretEnv: z.array(z.string().regex(ENV_NAME, "must be an environment variable name")).default([]).describe("Keys of appSecrets.<tier> exposed as env vars via secretKeyRef"),
    sharedSecretEnv: z
      .record(z.string().regex(ENV_NAME, "must be an environment variable name"), z.string().regex(SHARED_SECRET_REF, "must name a shared secret's key: <secret>.<KEY>"))
      .default({})
      .describe("Env vars (name → <secret>.<KEY>) from apps.sharedSecrets: one value for every tier that names it"),
    secretFiles: z
      .strictObject({
        mountPath: z.string().startsWith("/").default("/tmp/secrets").describe("Directory for secret files"),
        keys: z.array(z.string().regex(/^[-._a-zA-Z0-9]+$/, "must be a Secret key")).min(1).describe("Keys of appSecrets.<tier> mounted as read-only files"),
      })
      .optional()
      .describe("Secrets mounted as files"),
    elasticsearch: z.boolean().default(false).describe("Connect to Elasticsearch with its own least-privilege user"),
    elasticsearchIndices: z.array(z.string().min(1)).optional().describe("Index patterns the tier's user may read and write. Default: <tier>-*"),
    startWithElasticsearch: z
      .boolean()
      .default(false)
      .describe(
        "Create the tier (its migrations Job, then its Deployment) together with Elasticsearch instead of once its StatefulSet is Ready; its pods wait for Elasticsearch themselves, so set it only with migrations that retry and a probe that needs Elasticsearch. up still awaits Elasticsearch",
      ),
    podAnnotations: z
      .record(z.string().regex(LABEL_KEY, "must be an annotation key such as example.com/name"), z.string())
      .default({})
      .describe("Extra annotations on the pods (Deployment and migrations Job templates); a changed value rolls the pods"),
    expose: TierExposeSchema.default({ type: "internal", ingressClassName: "alb", internalLoadBalancer: false, annotations: {} }).describe("How the tier is reached"),
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
          args: z.array(z.string()).optional().describe("Arguments to the command"),
          inheritEnv: z.boolean().default(true).describe("Start from the tier's env and secret env; false starts from nothing"),
          env: z.record(z.string().regex(ENV_NAME, "must be an environment variable name"), z.string()).default({}).describe("Env vars of this container (over the inherited ones)"),
          secretEnv: z.array(z.string().regex(ENV_NAME, "must be an environment variable name")).default([]).describe("Keys of appSecrets.<tier> for this container only, via secretKeyRef"),
          resources: ResourcesSchema.optional().describe("Requests and limits of this container. Default: the tier's"),
          volumes: z.array(dnsLabel(63)).optional().describe("Pod volumes to mount (sharedVolumes, persistentVolumes, secrets, tmp...). Default: every mount of the main container"),
        }),
      )
      .default([])
      .describe("Init containers (default image: the tier's); they share sharedVolumes"),
    sharedVolumes: z.record(dnsLabel(63), z.string().startsWith("/")).default({}).describe("emptyDir volumes (name → mount path) shared by all containers"),
    dependsOn: z
      .array(dnsLabel(30))
      .default([])
      .describe("Tiers this tier waits for: its migrations Job and its rollout start only once they are deployed and ready (e.g. the app after its database)"),
    stateful: z.boolean().default(false).describe("Run as a StatefulSet with a headless Service (<tier>-headless): stable pod names, persistentVolumes claimed per pod"),
    persistentVolumes: z
      .record(
        dnsLabel(63),
        z.strictObject({
          mountPath: z.string().startsWith("/").describe("Directory to mount the volume at"),
          size: quantity().describe("Requested capacity, e.g. 10Gi"),
          storageClassName: dnsLabel(63).optional().describe("StorageClass. Default: the platform's (storage), else the cluster's default"),
          accessMode: z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany"]).default("ReadWriteOnce").describe("Access mode of the claim"),
        }).describe("One volume: a claim per pod"),
      )
      .default({})
      .describe("Volumes backed by PersistentVolumeClaims (name → claim), one per pod; needs stateful: true. Claims are kept on scale-down and deletion"),
    nodeSelector: z.record(z.string().regex(LABEL_KEY, "must be a label key"), z.string()).default({}).describe("Node labels the pods must run on"),
    priorityClassName: dnsLabel(253).optional().describe("PriorityClass of the pods and the migrations Job. Default: the cluster's default"),
    imagePullSecrets: z.array(dnsLabel(253)).default([]).describe("Secrets to pull the images with"),
    ...placementConfigShape,
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
    const servicePorts = [tier.servicePort ?? tier.port, ...tier.ports.map((p) => p.servicePort ?? p.port)];
    if (new Set(servicePorts).size !== servicePorts.length) ctx.addIssue({ code: "custom", path: ["ports"], message: `Service ports must be distinct (servicePort, else port, of the main and each extra port; got ${servicePorts.join(", ")})` });
    const portNames = [tier.portName, ...tier.ports.map((p) => p.name)];
    if (new Set(portNames).size !== portNames.length) ctx.addIssue({ code: "custom", path: ["ports"], message: `port names must be distinct from each other and from portName (${tier.portName})` });
    (tier.expose.rules ?? []).forEach((rule, i) => {
      if (!portNames.includes(rule.port ?? tier.portName)) ctx.addIssue({ code: "custom", path: ["expose", "rules", i, "port"], message: `must name one of the tier's ports (${portNames.join(", ")})` });
    });
    if (Object.keys(tier.persistentVolumes).length > 0 && !tier.stateful) ctx.addIssue({ code: "custom", path: ["persistentVolumes"], message: "needs stateful: true (a StatefulSet claims one volume per pod)" });
    if (tier.topologySpreadConstraints !== undefined && !tier.topologySpread) ctx.addIssue({ code: "custom", path: ["topologySpreadConstraints"], message: "replaces the default spread, which topologySpread: false turns off: set one of the two" });
    if (tier.podLabels[CLIENT_LABEL_KEY] !== undefined) ctx.addIssue({ code: "custom", path: ["podLabels", CLIENT_LABEL_KEY], message: "is the platform's Elasticsearch client label: set elasticsearch: true, which also creates the tier's user" });
    if (tier.elasticsearchIndices !== undefined && !tier.elasticsearch) ctx.addIssue({ code: "custom", path: ["elasticsearchIndices"], message: "requires elasticsearch: true" });
    if (tier.startWithElasticsearch && !tier.elasticsearch) ctx.addIssue({ code: "custom", path: ["startWithElasticsearch"], message: "requires elasticsearch: true" });
  })
  // A rule without a port routes to the main port, whatever portName calls it.
  .transform((tier) => (tier.expose.rules === undefined ? tier : { ...tier, expose: { ...tier.expose, rules: tier.expose.rules.map((r) => ({ ...r, port: r.port ?? tier.portName })) } }));

/** `dependsOn`: existing tiers, not the tier itself, and no cycle. */
function dependencyRules(tiers: Record<string, TierConfigOutput>, ctx: z.RefinementCtx): void {
  for (const [tierName, tier] of Object.entries(tiers)) {
    tier.dependsOn.forEach((dep, i) => {
      const path = ["tiers", tierName, "dependsOn", i];
      if (dep === tierName) ctx.addIssue({ code: "custom", path, message: "is the tier itself" });
      else if (tiers[dep] === undefined) ctx.addIssue({ code: "custom", path, message: `is not a tier (tiers: ${Object.keys(tiers).join(", ")})` });
    });
  }
  const cycle = dependencyCycle(tiers);
  if (cycle) ctx.addIssue({ code: "custom", path: ["tiers", cycle[0], "dependsOn"], message: `makes a cycle: ${cycle.join(" → ")}` });
}

/** A cycle in the tiers' `dependsOn` (first tier repeated at the end), or undefined. */
export function dependencyCycle(tiers: Record<string, { dependsOn: string[] }>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === "done" || tiers[name] === undefined) return undefined;
    if (state.get(name) === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of tiers[name].dependsOn) {
      if (dep === name) continue; // reported on its own
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const name of Object.keys(tiers)) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}

/** The tiers in an order where each comes after those it depends on (config order otherwise). No cycles assumed. */
export function tiersInDependencyOrder<T extends { dependsOn: string[] }>(tiers: Record<string, T>): [string, T][] {
  const done = new Set<string>();
  const out: [string, T][] = [];
  const place = (name: string) => {
    if (done.has(name) || tiers[name] === undefined) return;
    done.add(name);
    for (const dep of tiers[name].dependsOn) place(dep);
    out.push([name, tiers[name]]);
  };
  for (const name of Object.keys(tiers)) place(name);
  return out;
}

/** Derived object names of a tier that another tier's name could take. */
function derivedNames(tierName: string, tier: TierConfigOutput): string[] {
  return [...(tier.migrations ? [`${tierName}-migrations`] : []), ...(tier.stateful ? [`${tierName}-headless`] : [])];
}

/** Env vars the platform sets on a tier with `elasticsearch: true`. */
export const ELASTICSEARCH_ENV = ["ELASTICSEARCH_URL", "ELASTICSEARCH_HOSTNAME", "ELASTICSEARCH_PORT", "ELASTICSEARCH_SCHEME", "ELASTICSEARCH_USERNAME", "ELASTICSEARCH_CA_CERT"] as const;

type TierConfigOutput = z.output<typeof TierConfigSchema>;

/** Rules across tiers: what an env value references must exist, and the platform's env vars are its own. */
function crossTierRules(apps: { tiers: Record<string, TierConfigOutput>; sharedSecrets: Record<string, { keys: string[] }> }, ctx: z.RefinementCtx): void {
  dependencyRules(apps.tiers, ctx);
  for (const [tierName, tier] of Object.entries(apps.tiers)) {
    for (const derived of derivedNames(tierName, tier)) {
      if (apps.tiers[derived] !== undefined) {
        ctx.addIssue({ code: "custom", path: ["tiers", derived], message: `collides with an object of tier ${tierName} (named ${derived}): rename one of the two tiers` });
      }
    }
    for (const [env, ref] of Object.entries(tier.sharedSecretEnv)) {
      const path = ["tiers", tierName, "sharedSecretEnv", env];
      if (!SHARED_SECRET_REF.test(ref)) continue; // reported by the field's own check
      const dot = ref.indexOf(".");
      const [secret, key] = [ref.slice(0, dot), ref.slice(dot + 1)];
      const declared = apps.sharedSecrets[secret] as { keys: string[] } | undefined;
      if (!declared) ctx.addIssue({ code: "custom", path, message: `names shared secret ${secret}, which apps.sharedSecrets does not declare (declared: ${Object.keys(apps.sharedSecrets).join(", ") || "none"})` });
      else if (!declared.keys.includes(key)) ctx.addIssue({ code: "custom", path, message: `names key ${key} of shared secret ${secret}, which declares ${declared.keys.join(", ")}` });
      const other = tier.env[env] !== undefined ? "env" : tier.secretEnv.includes(env) ? "secretEnv" : undefined;
      if (other) ctx.addIssue({ code: "custom", path, message: `sets ${env}, which ${other} already sets` });
    }
    const envs: [string, string, (string | number)[]][] = [
      ...Object.entries(tier.env).map(([key, value]): [string, string, (string | number)[]] => [key, value, ["tiers", tierName, "env", key]]),
      ...tier.initContainers.flatMap((c, i) => Object.entries(c.env).map(([key, value]): [string, string, (string | number)[]] => [key, value, ["tiers", tierName, "initContainers", i, "env", key]])),
    ];
    for (const [key, value, path] of envs) {
      const parsed = parseEnvValue(value);
      for (const message of parsed.problems) ctx.addIssue({ code: "custom", path, message });
      for (const ref of parsed.parts) {
        if (typeof ref === "string") continue;
        if (ref.kind === "tier") {
          const other = apps.tiers[ref.tier] as TierConfigOutput | undefined;
          if (!other) ctx.addIssue({ code: "custom", path, message: `references tier ${ref.tier}, which does not exist (tiers: ${Object.keys(apps.tiers).join(", ")})` });
          else if (other.expose.type === "none") ctx.addIssue({ code: "custom", path, message: `references tier ${ref.tier}, which has no Service (expose.type none)` });
        }
        if (ref.kind === "elasticsearch" && !tier.elasticsearch) {
          ctx.addIssue({ code: "custom", path, message: `references Elasticsearch, which needs elasticsearch: true on tier ${tierName} (its NetworkPolicy admits only clients)` });
        }
      }
      if (tier.elasticsearch && (ELASTICSEARCH_ENV as readonly string[]).includes(key)) {
        ctx.addIssue({ code: "custom", path, message: `is set by the platform for tiers with elasticsearch: true (${ELASTICSEARCH_ENV.join(", ")})` });
      }
    }
  }
}

export const AppsConfigSchema = z
  .strictObject({
    namespace: dnsLabel(63).default("search").describe("Namespace for Elasticsearch and the tiers"),
    tiers: z.record(dnsLabel(30), TierConfigSchema.describe("One tier: a Deployment, its Service and what it needs")).default({}).describe("Application tiers by name"),
    sharedSecrets: z
      .record(
        dnsLabel(63),
        z.strictObject({ keys: z.array(z.string().regex(SECRET_KEY, "must be a Secret key")).min(1).describe("Its keys; set each with --path 'sharedSecrets.<secret>.<KEY>', else generated once") }).describe("One shared secret"),
      )
      .default({})
      .describe("Secrets shared between tiers (name → keys), referenced by tiers' sharedSecretEnv; each value set once or generated once"),
  })
  .superRefine(crossTierRules)
  .default({ namespace: "search", tiers: {}, sharedSecrets: {} })
  .describe("Application tiers");
