/**
 * What a run changes, resource by resource: names, property diffs, and the changes that destroy data
 * (a StatefulSet, a volume, a namespace, a key or a cluster replaced or deleted). Pure functions over the
 * engine's step metadata and over a saved update plan; the progress reporter collects, the summary
 * renders, the driver decides.
 */

/** One property that changes, with its old and new value as short text (secrets already masked by the engine). */
export interface PropertyChange {
  path: string;
  kind: string;
  old?: string;
  new?: string;
}

/** One resource a run plans to change or changed. */
export interface ResourceChange {
  phase: string;
  op: string;
  type: string;
  name: string;
  urn: string;
  /** Property diffs (updates and replacements). */
  properties?: PropertyChange[];
  /** The properties that force the replacement. */
  replaceReasons?: string[];
}

/**
 * Types whose replacement or deletion loses data or cuts everyone off: Kubernetes StatefulSets (their
 * pods and, with a Delete retention, their claims), volumes and claims, namespaces (everything in them),
 * KMS keys (what they encrypted), clusters, and the AWS stores a program like this one holds data in.
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:core/v1:PersistentVolumeClaim",
  "kubernetes:core/v1:PersistentVolume",
  "kubernetes:core/v1:Namespace",
  "aws:kms/key:Key",
  "aws:eks/cluster:Cluster",
  "eks:index:Cluster",
  "aws:ebs/volume:Volume",
  "aws:efs/fileSystem:FileSystem",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:rds/instance:Instance",
  "aws:rds/cluster:Cluster",
  "aws:dynamodb/table:Table",
  "aws:secretsmanager/secret:Secret",
]);

// Steps that take a resource away: a replacement (either half) or a deletion.
const DESTRUCTIVE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "delete", "discard"]);

/** True when `op` on a resource of `type` destroys what it holds. */
export function isDestructive(op: string, type: string): boolean {
  return DESTRUCTIVE_OPS.has(op) && STATEFUL_TYPES.has(type);
}

/** `replace`/`delete` for the destructive ops (the halves of a replacement are a `replace`). */
export function destructiveOp(op: string): "replace" | "delete" {
  return op === "delete" || op === "discard" ? "delete" : "replace";
}

/** The resource name: the last `::` segment of a URN. */
export function nameFromUrn(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i < 0 ? urn : urn.slice(i + 2);
}

/** The type of a URN: `urn:pulumi:<stack>::<project>::<parent$>type::<name>`. */
export function typeFromUrn(urn: string): string {
  const parts = urn.split("::");
  const qualified = parts.length >= 4 ? parts[2] : "";
  return qualified.split("$").pop() ?? qualified;
}

/** The resources a saved update plan (`preview --plan`) would replace or delete, among the stateful types. */
export function destructiveStepsInPlan(planJson: string): { op: "replace" | "delete"; type: string; name: string; urn: string }[] {
  let plan: unknown;
  try {
    plan = JSON.parse(planJson);
  } catch {
    throw new Error("the plan file is not JSON (was it saved by preview --plan?)");
  }
  const resourcePlans = (plan as { resourcePlans?: Record<string, { steps?: unknown }> } | null)?.resourcePlans;
  if (typeof resourcePlans !== "object" || resourcePlans === null) throw new Error("the plan file has no resourcePlans (was it saved by preview --plan?)");
  const found: { op: "replace" | "delete"; type: string; name: string; urn: string }[] = [];
  for (const [urn, resourcePlan] of Object.entries(resourcePlans)) {
    const steps = Array.isArray(resourcePlan?.steps) ? (resourcePlan.steps as unknown[]).filter((s): s is string => typeof s === "string") : [];
    const type = typeFromUrn(urn);
    const step = steps.find((s) => isDestructive(s, type));
    if (step) found.push({ op: destructiveOp(step), type, name: nameFromUrn(urn), urn });
  }
  return found.sort((a, b) => a.urn.localeCompare(b.urn));
}

type PathSegment = string | number;

/** Splits a Pulumi property path (`spec.containers[0].env["A.B"]`) into its segments. */
export function parsePropertyPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.[\]]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) segments.push(Number(m[1]));
    else if (m[2] !== undefined) segments.push(m[2].replace(/\\(.)/g, "$1"));
    else if (m[3] !== undefined) segments.push(m[3]);
  }
  return segments;
}

/** The value at `path` in `root`, or undefined. */
export function valueAt(root: unknown, path: string): unknown {
  let at: unknown = root;
  for (const segment of parsePropertyPath(path)) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string | number, unknown>)[segment];
  }
  return at;
}

const MAX_VALUE = 120;

/** A value as one short line of text. */
export function shortValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const line = text.replace(/\s*\n\s*/g, " ");
  return line.length > MAX_VALUE ? `${line.slice(0, MAX_VALUE - 1)}…` : line;
}

interface StateMetadata {
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** Step metadata as the engine sends it (the parts read here). */
export interface StepMetadata {
  op: string;
  urn: string;
  type: string;
  old?: StateMetadata;
  new?: StateMetadata;
  keys?: string[];
  diffs?: string[];
  detailedDiff?: Record<string, { kind?: string; inputDiff?: boolean }>;
}

const MAX_PROPERTIES = 20;

/** The property changes of one step, from its detailed diff (or, without one, its changed top-level keys). */
export function propertyChanges(m: StepMetadata): PropertyChange[] {
  const detailed = Object.entries(m.detailedDiff ?? {});
  const entries: [string, { kind?: string; inputDiff?: boolean }][] =
    detailed.length > 0 ? detailed : (m.diffs ?? []).map((key) => [key, { kind: (m.keys ?? []).includes(key) ? "update-replace" : "update", inputDiff: true }]);
  return entries
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, MAX_PROPERTIES)
    .map(([path, d]) => {
      const side = d.inputDiff === false ? "outputs" : "inputs";
      const kind = d.kind ?? "update";
      const change: PropertyChange = { path, kind };
      const old = kind.startsWith("add") ? undefined : shortValue(valueAt(m.old?.[side], path));
      const next = kind.startsWith("delete") ? undefined : shortValue(valueAt(m.new?.[side], path));
      if (old !== undefined) change.old = old;
      if (next !== undefined) change.new = next;
      return change;
    });
}
