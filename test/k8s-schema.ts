/**
 * Validates rendered Kubernetes objects against the Kubernetes OpenAPI schema, using the schemas compiled
 * into `kubernetes-models`. Generic: the model class is found by `apiVersion` + `kind`, for every kind the
 * package knows. Shared by the component tests and the synth checks.
 *
 * What it catches: wrong types, missing required fields, bad enum/format values (e.g. a string port where an
 * integer is needed, a container without a name). What it cannot: unknown (misspelt) fields, because the
 * upstream schema allows extra properties; the typed `@pulumi/kubernetes` inputs catch those at compile time.
 */
import * as models from "kubernetes-models";

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data?: unknown): { validate(): void };
}

/** API versions the API servers we target (1.29+) no longer serve, with what replaced them. */
const REMOVED_API_VERSIONS: Record<string, string> = {
  "extensions/v1beta1": "apps/v1 or networking.k8s.io/v1",
  "apps/v1beta1": "apps/v1",
  "apps/v1beta2": "apps/v1",
  "policy/v1beta1": "policy/v1",
  "autoscaling/v2beta1": "autoscaling/v2",
  "autoscaling/v2beta2": "autoscaling/v2",
  "batch/v1beta1": "batch/v1",
  "networking.k8s.io/v1beta1": "networking.k8s.io/v1",
  "storage.k8s.io/v1beta1": "storage.k8s.io/v1",
  "rbac.authorization.k8s.io/v1beta1": "rbac.authorization.k8s.io/v1",
  "discovery.k8s.io/v1beta1": "discovery.k8s.io/v1",
};

let registry: Map<string, ModelClass> | undefined;

function isModelClass(value: unknown): value is ModelClass {
  return (
    typeof value === "function" &&
    typeof (value as Partial<ModelClass>).apiVersion === "string" &&
    typeof (value as Partial<ModelClass>).kind === "string"
  );
}

/** apiVersion/kind → model class, built once from the package's namespace exports (group → version → kind). */
function models_(): Map<string, ModelClass> {
  if (registry) return registry;
  registry = new Map();
  const visit = (value: unknown, depth: number): void => {
    if (isModelClass(value)) {
      registry!.set(`${value.apiVersion}/${value.kind}`, value);
      return;
    }
    if (depth < 3 && typeof value === "object" && value !== null) {
      for (const inner of Object.values(value)) visit(inner, depth + 1);
    }
  };
  visit(models, 0);
  return registry;
}

/** Every `apiVersion/kind` the validator knows, e.g. `apps/v1/StatefulSet`, `v1/Secret`. */
export function knownKinds(): string[] {
  return [...models_().keys()].sort();
}

/**
 * Schema errors for one rendered object (empty when valid). An object without apiVersion/kind, of a kind
 * the schema does not know, or of a removed API version, is an error rather than a silent pass.
 * Pulumi's `status` and output-only fields are ignored; the object is not modified.
 */
export function validateKubeObject(obj: unknown): string[] {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return ["not a Kubernetes object (expected a plain object)"];
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    return [`missing apiVersion/kind (got apiVersion ${JSON.stringify(apiVersion)}, kind ${JSON.stringify(kind)})`];
  }
  const replacement = REMOVED_API_VERSIONS[apiVersion];
  if (replacement) return [`${apiVersion} ${kind}: API version removed from current Kubernetes; use ${replacement}`];
  const Model = models_().get(`${apiVersion}/${kind}`);
  if (!Model) {
    const sameKind = knownKinds().filter((k) => k.endsWith(`/${kind}`));
    return [`${apiVersion} ${kind}: unknown to the Kubernetes schema${sameKind.length ? ` (known: ${sameKind.join(", ")})` : ""}`];
  }
  const { status: _status, ...rest } = obj as Record<string, unknown>;
  try {
    new Model(rest).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: { instancePath: string; message?: string; params?: unknown }[] }).errors;
    if (!errors) return [`${apiVersion} ${kind}: ${(error as Error).message}`];
    return errors.map((e) => `${kind}${e.instancePath || "/"}: ${e.message ?? "invalid"}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
  }
}

/** Errors for several objects, each prefixed with `kind/name`. */
export function validateKubeObjects(objects: readonly unknown[]): string[] {
  return objects.flatMap((obj) => {
    const meta = (obj as { kind?: string; metadata?: { name?: string } } | null) ?? {};
    return validateKubeObject(obj).map((e) => `${meta.kind ?? "?"}/${meta.metadata?.name ?? "?"}: ${e}`);
  });
}
