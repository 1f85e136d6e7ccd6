/**
 * Whole-program test helpers: run `index.ts` for a committed stack under the mock engine, then check the
 * invariants every stack must keep (secrecy, references that resolve, selectors that select, storage).
 */
import { MockEngine, type RecordedResource } from "../scripts/lib/mock-engine";
import { loadStackFile, setConfigPath } from "../scripts/lib/stack-config";
import { PACKAGE_NAME } from "../components/shared/naming";
import { unwrapSecrets } from "../components/shared/redact";
import { plainSecretLeaks } from "./mocks";

export type Obj = Record<string, any>;

/** Secret config as `pulumi config set --secret [--path] <key> <value>` would set it. */
export type SecretSettings = Record<string, string>;

/** Loads `Pulumi.<stack>.yaml`, adds `secrets` as secret config, installs a mock engine and runs `index.ts`. */
export async function runProgram(stack: string, secrets: SecretSettings): Promise<{ engine: MockEngine; outputs: Record<string, unknown> }> {
  const stackConfig = loadStackFile(stack, ".");
  for (const [path, value] of Object.entries(secrets)) setConfigPath(stackConfig, path, value, true);
  const engine = new MockEngine();
  await engine.install({ project: PACKAGE_NAME, stack, config: stackConfig.config, secretKeys: stackConfig.secretKeys });
  const outputs = (await import("../index.js")) as Record<string, unknown>;
  await engine.settle();
  return { engine, outputs };
}

/**
 * Loads `Pulumi.<stack>.yaml`, lets `edit` change its config (plain, as a hand edit of the file would), runs
 * `index.ts` under a mock engine and returns what the program threw (undefined when it did not), once the
 * engine has settled.
 */
export async function programError(stack: string, edit: (config: Record<string, string>) => void): Promise<{ engine: MockEngine; error: unknown }> {
  const stackConfig = loadStackFile(stack, ".");
  edit(stackConfig.config);
  const engine = new MockEngine();
  await engine.install({ project: PACKAGE_NAME, stack, config: stackConfig.config, secretKeys: [] });
  const error: unknown = await import("../index.js").then(
    () => undefined,
    (e: unknown) => e,
  );
  await engine.settle();
  return { engine, error };
}

/** Kubernetes objects (state, secrets unwrapped) with their kind, for every kind. */
export function kubernetesObjects(engine: MockEngine): Obj[] {
  return engine.resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm") && !r.type.startsWith("pulumi:providers"))
    .map((r) => unwrapSecrets(r.state) as Obj);
}

export function ofKind(engine: MockEngine, kind: string): Obj[] {
  return kubernetesObjects(engine).filter((o) => o.kind === kind);
}

/** Every pod template in the program, with the object that owns it. */
export function podTemplates(engine: MockEngine): { owner: string; namespace: string; template: Obj }[] {
  const out: { owner: string; namespace: string; template: Obj }[] = [];
  for (const o of kubernetesObjects(engine)) {
    const template = o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
    if (["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet"].includes(o.kind) && template) {
      out.push({ owner: `${o.kind}/${o.metadata.name}`, namespace: o.metadata.namespace, template });
    }
  }
  return out;
}

/** Places where a secret value appears in plain text in any resource input. */
export function leaks(engine: MockEngine, values: string[]): string[] {
  return values.flatMap((v) => plainSecretLeaks(engine, v));
}

/** Kubernetes Secrets (namespace/name → key) whose content contains `value`. */
export function secretsHolding(engine: MockEngine, value: string): string[] {
  return ofKind(engine, "Secret").flatMap((s) =>
    Object.entries({ ...(s.stringData ?? {}), ...Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(String(v), "base64").toString()])) })
      .filter(([, v]) => String(v).includes(value))
      .map(([k]) => `${s.metadata.namespace}/${s.metadata.name}:${k}`),
  );
}

/** Every Secret or ConfigMap reference in a pod template that names no object the program creates (with the key, where one is named). */
export function danglingReferences(engine: MockEngine): string[] {
  const index = (kind: string) =>
    new Map(ofKind(engine, kind).map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, new Set([...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {})])]));
  const secrets = index("Secret");
  const configMaps = index("ConfigMap");
  // Kubernetes publishes the cluster's root CA into every namespace (projected service-account volumes use it).
  configMaps.set("*/kube-root-ca.crt", new Set(["ca.crt"]));
  const problems: string[] = [];
  const check = (where: string, kind: "Secret" | "ConfigMap", namespace: string, name: string, key?: string) => {
    if (kind === "ConfigMap" && configMaps.has(`*/${name}`)) return;
    const keys = (kind === "Secret" ? secrets : configMaps).get(`${namespace}/${name}`);
    if (!keys) problems.push(`${where}: ${kind} ${namespace}/${name} is not created by the program`);
    else if (key !== undefined && !keys.has(key)) problems.push(`${where}: ${kind} ${namespace}/${name} has no key "${key}"`);
  };
  for (const { owner, namespace, template } of podTemplates(engine)) {
    const spec = template.spec ?? {};
    const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    for (const c of containers) {
      const where = `${owner} container ${c.name}`;
      for (const e of c.env ?? []) {
        const sk = e.valueFrom?.secretKeyRef;
        const ck = e.valueFrom?.configMapKeyRef;
        if (sk && !sk.optional) check(`${where} env ${e.name}`, "Secret", namespace, sk.name, sk.key);
        if (ck && !ck.optional) check(`${where} env ${e.name}`, "ConfigMap", namespace, ck.name, ck.key);
      }
      for (const f of c.envFrom ?? []) {
        if (f.secretRef && !f.secretRef.optional) check(`${where} envFrom`, "Secret", namespace, f.secretRef.name);
        if (f.configMapRef && !f.configMapRef.optional) check(`${where} envFrom`, "ConfigMap", namespace, f.configMapRef.name);
      }
    }
    for (const v of spec.volumes ?? []) {
      const where = `${owner} volume ${v.name}`;
      if (v.secret && !v.secret.optional) for (const key of [undefined, ...(v.secret.items ?? []).map((i: Obj) => i.key)]) check(where, "Secret", namespace, v.secret.secretName, key);
      if (v.configMap && !v.configMap.optional) for (const key of [undefined, ...(v.configMap.items ?? []).map((i: Obj) => i.key)]) check(where, "ConfigMap", namespace, v.configMap.name, key);
      for (const source of v.projected?.sources ?? []) {
        if (source.secret && !source.secret.optional) check(where, "Secret", namespace, source.secret.name);
        if (source.configMap && !source.configMap.optional) check(where, "ConfigMap", namespace, source.configMap.name);
      }
    }
  }
  return problems;
}

const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Services whose selector matches no pod template in their namespace. */
export function unmatchedServiceSelectors(engine: MockEngine): string[] {
  const templates = podTemplates(engine);
  return ofKind(engine, "Service")
    .filter((s) => s.spec?.selector && Object.keys(s.spec.selector).length > 0)
    .filter((s) => !templates.some((t) => t.namespace === s.metadata.namespace && matches(s.spec.selector, t.template.metadata?.labels)))
    .map((s) => `Service ${s.metadata.namespace}/${s.metadata.name} selects ${JSON.stringify(s.spec.selector)}`);
}

/** PodDisruptionBudgets, HPAs and NetworkPolicies that point at nothing the program creates. */
export function unmatchedTargets(engine: MockEngine): string[] {
  const templates = podTemplates(engine);
  const problems: string[] = [];
  for (const pdb of ofKind(engine, "PodDisruptionBudget")) {
    if (!templates.some((t) => t.namespace === pdb.metadata.namespace && matches(pdb.spec.selector.matchLabels, t.template.metadata?.labels))) problems.push(`PDB ${pdb.metadata.name} selects no pods`);
  }
  const deployments = new Set(ofKind(engine, "Deployment").map((d) => `${d.metadata.namespace}/${d.metadata.name}`));
  for (const hpa of ofKind(engine, "HorizontalPodAutoscaler")) {
    if (!deployments.has(`${hpa.metadata.namespace}/${hpa.spec.scaleTargetRef.name}`)) problems.push(`HPA ${hpa.metadata.name} targets a missing Deployment`);
  }
  return problems;
}

/** StatefulSet claim templates naming a StorageClass the program does not create. */
export function unknownStorageClasses(engine: MockEngine): string[] {
  const classes = new Set(ofKind(engine, "StorageClass").map((c) => c.metadata.name));
  return ofKind(engine, "StatefulSet").flatMap((s) =>
    (s.spec.volumeClaimTemplates ?? [])
      .filter((t: Obj) => !classes.has(t.spec?.storageClassName))
      .map((t: Obj) => `StatefulSet ${s.metadata.name} claim ${t.metadata?.name} uses StorageClass ${String(t.spec?.storageClassName)}`),
  );
}

/** Violations of the Pod Security "restricted" profile in the pod templates of namespaces that enforce it. */
export function restrictedViolations(engine: MockEngine): string[] {
  const enforced = new Map(ofKind(engine, "Namespace").map((n) => [n.metadata.name, n.metadata.labels?.["pod-security.kubernetes.io/enforce"]]));
  const allowedVolumes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
  const problems: string[] = [];
  for (const { owner, namespace, template } of podTemplates(engine)) {
    if (enforced.get(namespace) !== "restricted") continue;
    const spec = template.spec ?? {};
    const podNonRoot = spec.securityContext?.runAsNonRoot === true;
    const podSeccomp = spec.securityContext?.seccompProfile?.type;
    for (const v of spec.volumes ?? []) {
      const type = Object.keys(v).find((k) => k !== "name");
      if (!type || !allowedVolumes.includes(type)) problems.push(`${owner}: volume ${v.name} of type ${type}`);
    }
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push(`${owner}: host namespaces`);
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      const sc = c.securityContext ?? {};
      const where = `${owner} container ${c.name}`;
      if (sc.privileged) problems.push(`${where}: privileged`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (!(sc.runAsNonRoot === true || (sc.runAsNonRoot === undefined && podNonRoot))) problems.push(`${where}: runAsNonRoot is not true`);
      if (sc.runAsUser === 0 || (sc.runAsUser === undefined && spec.securityContext?.runAsUser === 0)) problems.push(`${where}: runs as UID 0`);
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${where}: capabilities not dropped`);
      if ((sc.capabilities?.add ?? []).some((cap: string) => cap !== "NET_BIND_SERVICE")) problems.push(`${where}: adds capabilities`);
      const seccomp = sc.seccompProfile?.type ?? podSeccomp;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") problems.push(`${where}: seccomp profile ${String(seccomp)}`);
    }
  }
  return problems;
}

/** Resource types the program registers, by provider package (`aws`, `eks`, `kubernetes`, `random`, `tls`, ...). */
export function packagesUsed(engine: MockEngine): Set<string> {
  // Remote components (eks:index:Cluster) count: they need their provider plugin too.
  return new Set(engine.resources.map((r: RecordedResource) => r.type.split(":")[0]).filter((p) => p !== PACKAGE_NAME && p !== "pulumi"));
}

/**
 * Whether a destroy deletes `first` before `last`, by the engine's rule: a resource goes before everything it
 * depends on, transitively, through explicit and input dependencies, its parent and its provider.
 */
export function destroyedBefore(engine: MockEngine, first: RecordedResource, last: RecordedResource): boolean {
  const byUrn = new Map(engine.resources.map((r) => [r.urn, r]));
  const seen = new Set<string>();
  const stack = [first.urn];
  while (stack.length) {
    const urn = stack.pop()!;
    if (urn === last.urn && urn !== first.urn) return true;
    if (seen.has(urn)) continue;
    seen.add(urn);
    const r = byUrn.get(urn);
    if (!r) continue;
    const provider = r.provider?.split("::").slice(0, -1).join("::");
    stack.push(...r.dependencies, ...Object.values(r.propertyDependencies).flat(), ...(r.parent ? [r.parent] : []), ...(provider ? [provider] : []));
  }
  return false;
}
