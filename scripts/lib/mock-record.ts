/**
 * What the mock engine records of one registration: the request the SDK sent (type, name, parent,
 * dependencies, options, inputs) and the state the mocks returned, as a {@link RecordedResource}.
 */
import * as pulumi from "@pulumi/pulumi";

export interface RecordedOptions {
  protect: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  retainOnDelete: boolean;
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
  aliasCount: number;
  /** The aliases as the engine received them: a URN, or a spec (name, type, parent URN) the engine completes. */
  aliases?: RecordedAlias[];
  /** The `import` ID (adopt an existing cloud resource instead of creating it), when set. */
  importId?: string;
  /** How many resource transforms the resource carries (the engine applies them to its descendants; the mocks do not). */
  transformCount?: number;
}

/** One alias of a resource: a whole URN, or a spec whose empty fields the engine fills from the resource. */
export type RecordedAlias = { urn: string } | { name?: string; type?: string; parentUrn?: string; noParent: boolean };

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** True for provider-backed resources; false for components (remote components included). */
  custom: boolean;
  id?: string;
  /** The parent's URN, when the resource has a parent other than the stack. */
  parent?: string;
  /** URNs this resource depends on (explicit `dependsOn` and those implied by its inputs). */
  dependencies: string[];
  /**
   * Per top-level input, the URNs its value was computed from. The engine uses these (not `dependsOn`) to decide
   * which dependents of a delete-before-replace resource it must replace too.
   */
  propertyDependencies: Record<string, string[]>;
  /** Inputs as the engine received them: secrets still wrapped, so secrecy can be asserted. */
  inputs: Record<string, unknown>;
  /** The state the mocks returned (inputs plus emulated provider defaults), secrets wrapped. */
  state: Record<string, unknown>;
  provider?: string;
  options: RecordedOptions;
}

export interface ProtoRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap?(): { forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getProvider(): string;
  getProtect?(): boolean | undefined;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getRetainondelete?(): boolean | undefined;
  getReplaceonchangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getAliasesList?(): ProtoAlias[];
  getImportid?(): string;
  getTransformsList?(): unknown[];
  getObject(): unknown;
}

interface ProtoAlias {
  getUrn(): string;
  getSpec(): { getName(): string; getType(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

function recordAlias(alias: ProtoAlias): RecordedAlias {
  const spec = alias.getSpec();
  if (!spec) return { urn: alias.getUrn() };
  return { name: spec.getName() || undefined, type: spec.getType() || undefined, parentUrn: spec.getParenturn() || undefined, noParent: spec.getNoparent() };
}

export interface ProtoResponse {
  getUrn(): string;
  getId(): string;
  getObject(): unknown;
}

/**
 * The record of one completed registration. `pending`: the inputs the SDK's mock monitor deserialized for
 * `newResource` under the request's `type::name`, if any.
 */
export function recordResource(req: ProtoRequest, response: ProtoResponse, pending: Record<string, unknown>[] | undefined): RecordedResource {
  const urn = response.getUrn();
  // Two registrations of one type and name under different parents may complete in either order: then deserialize.
  // Either way resource references are URNs: the engine hands the request over through withReferencesAsUrns.
  const inputs = pending?.length === 1 ? pending[0] : deserializeRecorded(req.getObject());
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    id: response.getId() || undefined,
    parent: req.getParent() || undefined,
    dependencies: req.getDependenciesList(),
    propertyDependencies: propertyDependenciesOf(req),
    inputs,
    state: deserializeRecorded(response.getObject()),
    provider: req.getProvider() || undefined,
    options: {
      protect: req.getProtect?.() ?? false,
      ignoreChanges: req.getIgnorechangesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      retainOnDelete: req.getRetainondelete?.() ?? false,
      replaceOnChanges: req.getReplaceonchangesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      aliasCount: req.getAliasesList?.().length ?? 0,
      aliases: (req.getAliasesList?.() ?? []).map(recordAlias),
      importId: req.getImportid?.() || undefined,
      transformCount: req.getTransformsList?.().length ?? 0,
    },
  };
}

interface ProtoStruct {
  toJavaScript(): Record<string, unknown>;
}

/**
 * `value` (a serialized property) with each resource reference replaced by the referenced resource's URN;
 * `value` itself when it holds none.
 */
function referencesAsUrns(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const items = value.map(referencesAsUrns);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  const object = value as Record<string, unknown>;
  if (object[pulumi.runtime.specialSigKey] === pulumi.runtime.specialResourceSig) return object.urn;
  let changed = false;
  const entries = Object.entries(object).map(([k, v]) => {
    const replaced = referencesAsUrns(v);
    changed ||= replaced !== v;
    return [k, replaced] as const;
  });
  return changed ? Object.fromEntries(entries) : value;
}

/**
 * Makes `req` hand out its properties with each resource reference as the referenced resource's URN, as
 * the engine receives them. The SDK's mock monitor deserializes a request's properties for `newResource`,
 * and deserializing a reference rebuilds the resource it names: a getResource and four promises for every
 * output property of its type (an eks.Cluster has dozens), for each resource handed another as an
 * argument (a node group its cluster and role).
 */
export function withReferencesAsUrns<T extends { getObject(): unknown }>(req: T): T {
  const struct = req.getObject() as ProtoStruct | undefined;
  if (!struct) return req;
  const object = referencesAsUrns(struct.toJavaScript());
  req.getObject = () => ({ toJavaScript: () => object });
  return req;
}

/**
 * A request's or response's properties as the SDK deserializes them (secrets wrapped, unknowns dropped), except
 * that a resource reference stays what the engine received: the URN, not a live resource rebuilt from it, whose
 * fields are Outputs and would be recorded (and written to resources.json) as toJSON warnings.
 */
function deserializeRecorded(struct: unknown): Record<string, unknown> {
  if (!struct) return {};
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((struct as ProtoStruct).toJavaScript())) {
    if (value !== undefined) props[key] = pulumi.runtime.deserializeProperty(referencesAsUrns(value)) as unknown;
  }
  return props;
}

function propertyDependenciesOf(req: ProtoRequest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  req.getPropertydependenciesMap?.().forEach((deps, key) => {
    out[key] = deps.getUrnsList();
  });
  return out;
}
