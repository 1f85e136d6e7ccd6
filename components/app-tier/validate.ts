/**
 * Validation of `AppTier` arguments: every problem at once, before any resource registers.
 */
import * as pulumi from "@pulumi/pulumi";
import { LABEL_KEY } from "../config/formats";
import { DNS_LABEL, ENV_NAME } from "../shared/naming";
import { isQuantity, parseQuantity } from "../shared/quantity";
import { ArgumentChecker, argumentKeys } from "../shared/validate";
import { type AppTierSpecArgs, type InitContainerArgs } from "./args";
import { SECRET_VOLUME, TMP_VOLUME, resolveTier } from "./resolve";
import { checkElasticsearchClient, type ElasticsearchClientArgs } from "./elasticsearch-client";
import { validateExpose } from "./validate-expose";
import { validatePlacement } from "./validate-placement";

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const INT_OR_PERCENT = (v: number | string): boolean => (typeof v === "number" ? Number.isInteger(v) && v >= 0 : /^\d{1,3}%$/.test(v));
const isZero = (v: number | string): boolean => v === 0 || v === "0%";
const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const isPortName = (v: unknown): boolean => typeof v === "string" && v.length <= 15 && DNS_LABEL.test(v) && /[a-z]/.test(v);
const PORT_NAME_RULE = "must be a port name: a DNS label of at most 15 characters with a letter";

const SPEC_KEYS = argumentKeys<AppTierSpecArgs>({
  name: true, image: true, port: true, portName: true, servicePort: true, ports: true, replicas: true, command: true, args: true, env: true, secretEnv: true, secretFiles: true,
  secretEnvRefs: true, secretVolumes: true, podLabels: true, podAnnotations: true, expose: true, migrations: true, autoscaling: true, disruptionBudget: true,
  probes: true, resources: true, networkPolicy: true, strategy: true, topologySpread: true, initContainers: true, sharedVolumes: true, stateful: true,
  persistentVolumes: true, serviceAccountName: true, security: true, nodeSelector: true, priorityClassName: true, imagePullSecrets: true,
  tolerations: true, affinity: true, topologySpreadConstraints: true, labels: true, annotations: true,
});
const INIT_KEYS = argumentKeys<InitContainerArgs>({ name: true, image: true, command: true, args: true, inheritEnv: true, env: true, secretEnv: true, resources: true, volumes: true });

/** Unknown argument names are errors: a typo must not silently fall back to a default. */
function knownArguments(check: ArgumentChecker, args: AppTierSpecArgs): void {
  // AppTierArgs adds where the tier runs, its secret values and its Elasticsearch.
  check.knownKeys(args, [...SPEC_KEYS, "namespace", "secrets", "elasticsearch"], "");
  check.knownKeys(args.expose, ["type", "host", "path", "rules", "ingressClassName", "tlsSecretName", "internalLoadBalancer", "annotations"], "expose");
  check.knownKeys(args.migrations, ["command", "image", "backoffLimit"], "migrations");
  check.knownKeys(args.autoscaling, ["minReplicas", "maxReplicas", "targetCpuUtilization"], "autoscaling");
  check.knownKeys(args.strategy, ["maxUnavailable", "maxSurge"], "strategy");
  check.knownKeys(args.networkPolicy, ["enabled", "allowExternalEgress"], "networkPolicy");
  check.knownKeys(args.security, ["runAsNonRoot", "runAsUser", "readOnlyRootFilesystem", "dropAllCapabilities", "seccompRuntimeDefault", "automountServiceAccountToken"], "security");
  check.knownKeys(args.resources, ["requests", "limits"], "resources");
  check.knownKeys(args.secretFiles, ["mountPath", "keys"], "secretFiles");
  (args.ports ?? []).forEach((p, i) => check.knownKeys(p, ["name", "port", "servicePort"], `ports[${i}]`));
  (args.initContainers ?? []).forEach((c, i) => check.knownKeys(c, INIT_KEYS, `initContainers[${i}]`));
}

/**
 * Checks every plain argument (Outputs are skipped) and the keys of `secrets`, then throws one
 * {@link ArgumentError} listing every problem.
 */
export function validateTierArgs(resourceName: string, args: AppTierSpecArgs & { elasticsearch?: ElasticsearchClientArgs }, secretKeys: readonly string[]): void {
  const check = new ArgumentChecker("AppTier", resourceName);
  knownArguments(check, args);
  checkElasticsearchClient(check, args);
  const tier = resolveTier(resourceName, args);
  check.that(tier.name.length <= 63 && DNS_LABEL.test(tier.name), args.name === undefined ? "(resource name)" : "name", "must be a DNS label (lowercase letters, digits and '-', at most 63 characters)", tier.name);
  if (typeof args.image === "string") check.that(args.image.trim().length > 0 && !/\s/.test(args.image), "image", "must be an image reference such as ghcr.io/team/app:1.2.3", args.image);
  check.that(isInt(tier.port, 1, 65535), "port", "must be an integer from 1 to 65535", tier.port);
  check.that(isInt(tier.servicePort, 1, 65535), "servicePort", "must be an integer from 1 to 65535", tier.servicePort);
  check.that(isPortName(tier.portName), "portName", PORT_NAME_RULE, tier.portName);
  const portNames = new Set<string>([tier.portName]);
  const portNumbers = new Set<number>([tier.port]);
  const servicePortNumbers = new Map<number, string>([[tier.servicePort, args.servicePort === undefined ? "port (the main Service port)" : "servicePort"]]);
  tier.ports.forEach((p, i) => {
    check.that(isInt(p.port, 1, 65535), `ports[${i}].port`, "must be an integer from 1 to 65535", p.port);
    check.that(isPortName(p.name), `ports[${i}].name`, PORT_NAME_RULE, p.name);
    check.that(!portNames.has(p.name), `ports[${i}].name`, `must be unique and not "${tier.portName}" (the main port's name)`, p.name);
    check.that(!portNumbers.has(p.port), `ports[${i}].port`, "must differ from port and the other ports", p.port);
    const servicePortPath = args.ports?.[i]?.servicePort === undefined ? `ports[${i}].port` : `ports[${i}].servicePort`;
    check.that(isInt(p.servicePort, 1, 65535), `ports[${i}].servicePort`, "must be an integer from 1 to 65535", p.servicePort);
    const earlier = servicePortNumbers.get(p.servicePort);
    check.that(earlier === undefined, servicePortPath, `is the Service port ${p.servicePort}, which ${earlier ?? ""} already is (a Service port must be unique)`, p.servicePort);
    portNames.add(p.name);
    portNumbers.add(p.port);
    servicePortNumbers.set(p.servicePort, servicePortPath);
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
  const declared = new Set([...tier.secretEnv, ...(tier.secretFiles?.keys ?? []), ...tier.initContainers.flatMap((c) => c.secretEnv)]);
  tier.secretFiles?.keys.forEach((k, i) => check.that(SECRET_KEY.test(k), `secretFiles.keys[${i}]`, "must be a Secret key (letters, digits, '-', '_', '.')", k));
  if (tier.secretFiles) check.that(tier.secretFiles.mountPath.startsWith("/"), "secretFiles.mountPath", "must be an absolute path", tier.secretFiles.mountPath);
  for (const key of declared) check.that(secretKeys.includes(key), `secrets.${key}`, "needs a value: the key is named in secretEnv or secretFiles.keys", undefined);
  for (const key of secretKeys) check.that(declared.has(key), `secrets.${key}`, `is not named in secretEnv, secretFiles.keys or an init container's secretEnv (declared: ${[...declared].join(", ") || "none"})`, "[secret]");

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
  for (const v of tier.persistentVolumes) {
    const at = `persistentVolumes.${v.name}`;
    check.that(DNS_LABEL.test(v.name) && v.name.length <= 63 && !volumeNames.has(v.name), at, `must be a DNS label other than ${[...volumeNames].join(", ")}`, v.name);
    volumeNames.add(v.name);
    mount(v.mountPath, `${at}.mountPath`);
    check.that(typeof v.size === "string" && isQuantity(v.size) && parseQuantity(v.size) > 0, `${at}.size`, "must be a storage quantity such as 10Gi", v.size);
    check.that(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany"].includes(v.accessMode), `${at}.accessMode`, 'must be one of "ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany"', v.accessMode);
    if (v.storageClassName !== undefined) check.that(DNS_LABEL.test(v.storageClassName), `${at}.storageClassName`, "must be a StorageClass name (a DNS label)", v.storageClassName);
  }
  check.that(
    tier.persistentVolumes.length === 0 || tier.stateful,
    "persistentVolumes",
    "need stateful: true (a StatefulSet claims one volume per pod; a Deployment's pods would share one ReadWriteOnce claim and a rollout could never attach it)",
    tier.persistentVolumes.map((v) => v.name),
  );
  tier.secretVolumes.forEach((v, i) => {
    check.that(DNS_LABEL.test(v.name) && !volumeNames.has(v.name), `secretVolumes[${i}].name`, `must be a DNS label other than ${[...volumeNames].join(", ")}`, v.name);
    volumeNames.add(v.name);
    mount(v.mountPath, `secretVolumes[${i}].mountPath`);
  });

  // Exposure.
  validateExpose(check, args, tier);

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
    const names = new Set<string>();
    for (const [key, path] of [...Object.keys(c.env).map((k) => [k, `initContainers[${i}].env.${k}`]), ...c.secretEnv.map((k, j) => [k, `initContainers[${i}].secretEnv[${j}]`])]) {
      check.that(ENV_NAME.test(key) && !names.has(key), path, "must be an environment variable name, set once in this container", key);
      names.add(key);
    }
    for (const key of c.secretEnv) check.that(SECRET_KEY.test(key), `initContainers[${i}].secretEnv`, "must be a Secret key", key);
    (c.volumes ?? []).forEach((v, j) => check.that(volumeNames.has(v), `initContainers[${i}].volumes[${j}]`, `must name one of the pod's volumes (${[...volumeNames].join(", ")})`, v));
    for (const kind of ["cpu", "memory", "ephemeralStorage"] as const) {
      const request = c.resources.requests[kind];
      const limit = c.resources.limits[kind];
      if (request !== undefined) check.that(isQuantity(request), `initContainers[${i}].resources.requests.${kind}`, "must be a Kubernetes quantity such as 500m or 256Mi", request);
      if (limit !== undefined) check.that(isQuantity(limit), `initContainers[${i}].resources.limits.${kind}`, "must be a Kubernetes quantity such as 500m or 256Mi", limit);
      if (request !== undefined && limit !== undefined && isQuantity(request) && isQuantity(limit)) {
        check.that(parseQuantity(request) <= parseQuantity(limit), `initContainers[${i}].resources.requests.${kind}`, `must be ≤ resources.limits.${kind} (${limit})`, request);
      }
    }
  });
  if (tier.migrations) {
    check.that(tier.migrations.command.length > 0, "migrations.command", "must not be empty", tier.migrations.command);
    check.that(isInt(tier.migrations.backoffLimit, 0), "migrations.backoffLimit", "must be an integer ≥ 0", tier.migrations.backoffLimit);
  }
  if (tier.priorityClassName !== undefined) check.that(DNS_LABEL.test(tier.priorityClassName), "priorityClassName", "must be a PriorityClass name (a DNS label)", tier.priorityClassName);
  tier.imagePullSecrets.forEach((n, i) => check.that(DNS_LABEL.test(n), `imagePullSecrets[${i}]`, "must be a Secret name (a DNS label)", n));
  for (const k of Object.keys(tier.nodeSelector)) check.that(LABEL_KEY.test(k), `nodeSelector.${k}`, "must be a label key", k);
  if (tier.serviceAccountName !== undefined) check.that(DNS_LABEL.test(tier.serviceAccountName), "serviceAccountName", "must be a DNS label", tier.serviceAccountName);
  for (const k of Object.keys(tier.podAnnotations)) check.that(LABEL_KEY.test(k), `podAnnotations.${k}`, "must be an annotation key: [prefix/]name, the name at most 63 letters, digits, '-', '_' or '.'", k);
  for (const [k, v] of Object.entries(tier.podAnnotations)) if (!pulumi.Output.isInstance(v)) check.that(typeof v === "string", `podAnnotations.${k}`, "must be a string", v);
  validatePlacement(check, args);
  check.done();
}
