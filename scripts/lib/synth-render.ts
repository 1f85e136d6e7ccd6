/**
 * The pure half of the offline synth: turns the resources recorded by the MockEngine into apply-able
 * Kubernetes manifests, a resource inventory and a summary, with every secret redacted. Nothing here
 * touches the Pulumi runtime or the file system, so it is tested directly.
 */
import { REDACTED, SECRET_SIG_KEY, SECRET_SIG_VALUE, isSecretWrapper, redactSecrets } from "../../components/shared/redact";
import type { RecordedResource } from "./mock-engine";
import { inCreationOrder } from "./resource-order";

/** A Kubernetes object as it would be applied: apiVersion, kind, metadata, then the rest. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** One rendered manifest and where it goes, relative to the Kubernetes output directory. */
export interface Manifest {
  file: string;
  object: KubeObject;
}

/** A Kubernetes-provider resource that is not a plain object (a Helm release, a YAML group, a patch). */
export interface NotRendered {
  type: string;
  name: string;
  reason: string;
  /** For Helm: chart, version, repository and namespace, when given. */
  details: Record<string, unknown>;
}

/** One entry of resources.json. */
export interface ResourceEntry {
  urn: string;
  type: string;
  name: string;
  /** False for components. */
  custom: boolean;
  id?: string;
  /** Ancestors as `type::name`, outermost first. */
  parents: string[];
  /** URNs this resource depends on. */
  dependencies: string[];
  provider?: string;
  /** Resource options that differ from Pulumi's defaults. */
  options: Record<string, unknown>;
  inputs: Record<string, unknown>;
}

export interface StackOutput {
  value: unknown;
  secret: boolean;
}

/** Everything one synth produced, redacted: what is written to disk and printed. */
export interface SynthDocument {
  stack: string;
  outDir: string;
  totalResources: number;
  /** Resource counts by type, most frequent first. */
  counts: { type: string; count: number }[];
  outputs: Record<string, unknown>;
  /** Files under `<outDir>/kubernetes`, one per object, in apply order. */
  manifests: { file: string; apiVersion: string; kind: string; namespace?: string; name: string }[];
  notRendered: NotRendered[];
  notes: string[];
  objects: KubeObject[];
}

/** The directory (under `<out>/kubernetes`) that holds cluster-scoped objects; sorts before any namespace. */
export const CLUSTER_SCOPED_DIR = "00-cluster";

const PULUMI_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

// Kinds without a namespace. Anything else lacking metadata.namespace lands in "default", as kubectl would.
const CLUSTER_SCOPED_KINDS = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "StorageClass",
  "CSIDriver",
  "CSINode",
  "VolumeAttachment",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "APIService",
  "IngressClass",
  "PriorityClass",
  "RuntimeClass",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "FlowSchema",
  "PriorityLevelConfiguration",
]);

// Creation order, as Helm installs: what others reference comes first. Unlisted kinds go last.
const APPLY_ORDER = [
  "Namespace",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "PriorityClass",
  "ServiceAccount",
  "Secret",
  "ConfigMap",
  "StorageClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "Service",
  "DaemonSet",
  "Pod",
  "ReplicaSet",
  "Deployment",
  "StatefulSet",
  "HorizontalPodAutoscaler",
  "PodDisruptionBudget",
  "Job",
  "CronJob",
  "IngressClass",
  "Ingress",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
];

/** The position of `kind` in apply order (unknown kinds after every known one). */
export function applyRank(kind: string): number {
  const index = APPLY_ORDER.indexOf(kind);
  return index >= 0 ? index : APPLY_ORDER.length;
}

/** Whether `kind` is cluster-scoped (a built-in list; custom resources are assumed namespaced). */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/** `kubernetes:apps/v1:Deployment` → `{ apiVersion: "apps/v1", kind: "Deployment" }`. */
export function kubeTypeParts(type: string): { apiVersion: string; kind: string } | undefined {
  const match = /^kubernetes:([^:]+):([^:]+)$/.exec(type);
  if (!match) return undefined;
  const groupVersion = match[1];
  return { apiVersion: groupVersion.startsWith("core/") ? groupVersion.slice("core/".length) : groupVersion, kind: match[2] };
}

/** Why a Kubernetes-provider resource is not rendered as a plain object, or undefined when it is one. */
export function notRenderedReason(resource: Pick<RecordedResource, "type" | "custom">): string | undefined {
  const parts = kubeTypeParts(resource.type);
  if (!parts) return undefined;
  const group = parts.apiVersion.split("/")[0];
  if (group === "helm.sh") return "a Helm release: its objects are rendered by Helm at deploy time";
  if (group === "yaml" || group === "kustomize") return "a group of manifests expanded by the Kubernetes provider at deploy time";
  if (parts.kind.endsWith("Patch")) return "a server-side-apply patch of an object that exists in the cluster";
  if (parts.kind.endsWith("List")) return "a list resource";
  if (!resource.custom) return "a component of the Kubernetes provider";
  return undefined;
}

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (typeof value === "object" && value !== null && !isSecretWrapper(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner === undefined || inner === null) continue;
      out[key] = prune(inner);
    }
    return out;
  }
  return value;
}

/**
 * Moves each secret wrapper that holds a map or list down onto its leaves, so redaction keeps the shape:
 * the Kubernetes SDK marks a Secret's whole `stringData` secret, and `stringData: "[secret]"` would be
 * neither valid nor informative, while `stringData: { password: "[secret]" }` is both. Keys are not secret.
 */
export function secretsToLeaves(value: unknown, inSecret = false): unknown {
  if (isSecretWrapper(value)) return secretsToLeaves(value.value, true);
  if (Array.isArray(value)) return value.map((v) => secretsToLeaves(v, inSecret));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, secretsToLeaves(v, inSecret)]));
  }
  return inSecret && value !== undefined && value !== null ? { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value } : value;
}

/** {@link redactSecrets} after {@link secretsToLeaves}: secret leaves become `[secret]`, structure stays. */
export function redact<T>(value: T, knownSecrets: readonly string[]): T {
  return redactSecrets(secretsToLeaves(value) as T, knownSecrets);
}

/**
 * The object a Kubernetes resource stands for, in apply-able form: its inputs (the desired state, not the
 * mocked provider state), with the auto-name filled in and no `status`. Secrets are still wrapped.
 */
export function kubeObject(resource: RecordedResource): KubeObject | undefined {
  const parts = kubeTypeParts(resource.type);
  if (!parts || notRenderedReason(resource) !== undefined) return undefined;
  const { apiVersion: _a, kind: _k, metadata: inputMetadata, status: _s, ...rest } = prune(resource.inputs) as Record<string, unknown>;
  const { name, namespace, ...otherMetadata } = (inputMetadata as Record<string, unknown> | undefined) ?? {};
  const stateMetadata = (resource.state.metadata as Record<string, unknown> | undefined) ?? {};
  // name and namespace first, as people write them.
  const metadata = { name: name ?? stateMetadata.name ?? resource.name, ...(namespace === undefined ? {} : { namespace }), ...otherMetadata };
  return { apiVersion: parts.apiVersion, kind: parts.kind, metadata: metadata as KubeObject["metadata"], ...rest };
}

/** Where an object's manifest goes: `<namespace | 00-cluster>/<NN>-<kind>-<name>.yaml`, NN the apply rank. */
export function manifestPath(object: KubeObject): string {
  const dir = isClusterScoped(object.kind) ? CLUSTER_SCOPED_DIR : (object.metadata.namespace ?? "default");
  const rank = String(applyRank(object.kind)).padStart(2, "0");
  return `${dir}/${rank}-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}

/**
 * A redacted Secret must stay apply-able: `data` values must be base64, so a redacted `data` entry moves
 * to `stringData`, where the placeholder `[secret]` is a valid value.
 */
function applyableSecret(object: KubeObject): KubeObject {
  if (object.kind !== "Secret" || typeof object.data !== "object" || object.data === null) return object;
  const data: Record<string, unknown> = {};
  const stringData: Record<string, unknown> = { ...((object.stringData as Record<string, unknown> | undefined) ?? {}) };
  for (const [key, value] of Object.entries(object.data as Record<string, unknown>)) {
    if (value === REDACTED) stringData[key] = REDACTED;
    else data[key] = value;
  }
  const out: KubeObject = { ...object };
  if (Object.keys(data).length > 0) out.data = data;
  else delete out.data;
  if (Object.keys(stringData).length > 0) out.stringData = stringData;
  return out;
}

/** Redacted manifests for every plain Kubernetes object, in apply order. Throws on two objects with one identity. */
export function renderManifests(resources: readonly RecordedResource[], knownSecrets: readonly string[]): Manifest[] {
  const manifests: Manifest[] = [];
  const seen = new Map<string, string>();
  for (const resource of resources) {
    const raw = kubeObject(resource);
    if (!raw) continue;
    const object = applyableSecret(redact(raw, knownSecrets));
    const file = manifestPath(object);
    const previous = seen.get(file);
    if (previous) throw new Error(`two resources render to the same object ${file}: ${previous} and ${resource.urn}`);
    seen.set(file, resource.urn);
    manifests.push({ file, object });
  }
  return manifests.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Kubernetes-provider resources that are not plain objects, with why and (for Helm) what they install. */
export function renderNotRendered(resources: readonly RecordedResource[], knownSecrets: readonly string[]): NotRendered[] {
  const out: NotRendered[] = [];
  for (const resource of resources) {
    const reason = notRenderedReason(resource);
    if (!reason) continue;
    const inputs = resource.inputs;
    const repositoryOpts = inputs.repositoryOpts as Record<string, unknown> | undefined;
    const details: Record<string, unknown> = {};
    for (const [key, value] of Object.entries({
      chart: inputs.chart,
      version: inputs.version,
      repository: repositoryOpts?.repo ?? inputs.repo,
      namespace: inputs.namespace,
      releaseName: inputs.name,
    })) {
      if (value !== undefined && value !== null) details[key] = value;
    }
    out.push({ type: resource.type, name: resource.name, reason, details: redact(details, knownSecrets) });
  }
  return out;
}

function ancestry(resource: RecordedResource, byUrn: Map<string, RecordedResource>): string[] {
  const chain: string[] = [];
  let current = resource.parent;
  while (current) {
    const parent = byUrn.get(current);
    chain.unshift(parent ? `${parent.type}::${parent.name}` : current);
    current = parent?.parent;
  }
  return chain;
}

/** The resources.json entries: every resource with its parent chain and redacted inputs, in {@link inCreationOrder}. */
export function renderResources(resources: readonly RecordedResource[], knownSecrets: readonly string[]): ResourceEntry[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return inCreationOrder(resources).map((resource) => {
    const o = resource.options;
    const options: Record<string, unknown> = {};
    if (o.protect) options.protect = true;
    if (o.retainOnDelete) options.retainOnDelete = true;
    if (o.deleteBeforeReplace) options.deleteBeforeReplace = true;
    if (o.ignoreChanges.length > 0) options.ignoreChanges = o.ignoreChanges;
    if (o.replaceOnChanges.length > 0) options.replaceOnChanges = o.replaceOnChanges;
    if (o.additionalSecretOutputs.length > 0) options.additionalSecretOutputs = o.additionalSecretOutputs;
    if (o.aliasCount > 0) options.aliasCount = o.aliasCount;
    const entry: ResourceEntry = {
      urn: resource.urn,
      type: resource.type,
      name: resource.name,
      custom: resource.custom,
      parents: ancestry(resource, byUrn),
      dependencies: [...new Set(resource.dependencies)],
      options,
      inputs: redact(prune(resource.inputs) as Record<string, unknown>, knownSecrets),
    };
    if (resource.id) entry.id = redactSecrets(resource.id, knownSecrets);
    if (resource.provider) entry.provider = resource.provider.split("::").slice(0, -1).join("::");
    return entry;
  });
}

/** Resource counts by type, most frequent first, then by type. */
export function countByType(resources: readonly Pick<RecordedResource, "type">[]): { type: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts.entries()].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
}

function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (typeof value === "number") into.push(String(value));
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, into));
  else if (typeof value === "object" && value !== null) Object.values(value).forEach((v) => collectStrings(v, into));
}

// Generated-secret fields by resource type: the providers mark these secret in real state.
const GENERATED_SECRET_FIELDS: Record<string, string[]> = {
  "random:index/randomPassword:RandomPassword": ["result", "bcryptHash"],
  "random:index/randomBytes:RandomBytes": ["base64", "hex"],
  "tls:index/privateKey:PrivateKey": ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"],
};

// A string-valued secret shorter than this is not searched for inside other strings: it would match
// ordinary words (a username marked secret, "true"), and a real leak of one is caught by its wrapper.
const MIN_DERIVED_SECRET_LENGTH = 12;

/**
 * Every secret string the synth must never print: the secret config values (leaves of JSON values too),
 * every generated secret (random passwords, private keys, outputs marked secret), every string that
 * travels inside a secret wrapper, and the base64 form of each (a Secret's `data` encodes them).
 */
export function knownSecretStrings(
  resources: readonly RecordedResource[],
  secretConfig: Readonly<Record<string, string>>,
): string[] {
  const secrets = new Set<string>();
  const add = (s: string | undefined, min = 1) => {
    if (s !== undefined && s.length >= min && s !== PULUMI_UNKNOWN) secrets.add(s);
  };
  for (const value of Object.values(secretConfig)) {
    add(value);
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        const leaves: string[] = [];
        collectStrings(JSON.parse(trimmed), leaves);
        leaves.forEach((leaf) => add(leaf));
      } catch {
        // Not JSON: the whole value is the secret, already added.
      }
    }
  }
  const fromWrappers = (value: unknown): void => {
    if (isSecretWrapper(value)) {
      if (typeof value.value === "string") add(value.value, MIN_DERIVED_SECRET_LENGTH);
      return;
    }
    if (Array.isArray(value)) value.forEach(fromWrappers);
    else if (typeof value === "object" && value !== null) Object.values(value).forEach(fromWrappers);
  };
  for (const resource of resources) {
    const fields = [...(GENERATED_SECRET_FIELDS[resource.type] ?? []), ...resource.options.additionalSecretOutputs];
    for (const field of fields) {
      const value = resource.state[field];
      const plain = isSecretWrapper(value) ? value.value : value;
      if (typeof plain === "string") add(plain);
    }
    fromWrappers(resource.inputs);
    fromWrappers(resource.state);
  }
  for (const s of [...secrets]) if (s.length >= 8) secrets.add(Buffer.from(s, "utf8").toString("base64"));
  return [...secrets];
}

/** The stack outputs for printing: secret outputs as `[secret]`, the rest redacted of known secrets. */
export function renderOutputs(outputs: Readonly<Record<string, StackOutput>>, knownSecrets: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, output]) => [key, output.secret ? REDACTED : redact(output.value, knownSecrets)]),
  );
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  "));
}

/** The short human summary printed on stdout. */
export function renderSummary(doc: SynthDocument): string {
  const lines: string[] = [];
  lines.push(`Synthesized stack "${doc.stack}" offline: ${doc.totalResources} resources, ${doc.manifests.length} Kubernetes objects.`);
  lines.push("");
  lines.push(...table([["resource type", "count"], ...doc.counts.map((c) => [c.type, String(c.count)])]));
  if (doc.notRendered.length > 0) {
    lines.push("");
    lines.push("Not rendered as YAML (listed in resources.json):");
    for (const n of doc.notRendered) {
      const details = Object.entries(n.details).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ");
      lines.push(`  ${n.type} ${n.name}${details ? ` (${details})` : ""}: ${n.reason}`);
    }
  }
  lines.push("");
  lines.push("Outputs:");
  const outputs = Object.entries(doc.outputs);
  if (outputs.length === 0) lines.push("  (none)");
  for (const [key, value] of outputs) lines.push(`  ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  for (const note of doc.notes) lines.push("", `Note: ${note}`);
  lines.push("");
  lines.push(`Wrote ${doc.outDir}/kubernetes/ (apply with: kubectl apply -R -f ${doc.outDir}/kubernetes) and ${doc.outDir}/resources.json. Secret values show as ${REDACTED}.`);
  return lines.join("\n");
}
