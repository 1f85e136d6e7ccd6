/**
 * One stable Server-Side Apply field manager per Kubernetes object.
 *
 * The Kubernetes provider names the field manager of an object when it creates it, at random
 * (`pulumi-kubernetes-<random>`), and keeps the name in the state. When an update dies between the create
 * and the state write (a cancelled runner, an OOM kill), the object exists in the cluster under a manager
 * name the state never recorded, and the next run applies under a new one: a Server-Side Apply conflict on
 * every field whose value changed, or a second owner of every field that did not (which conflicts on the
 * next change). The provider takes the manager name from the `pulumi.com/patchFieldManager` annotation
 * first, so this transform sets it to a name derived from the project, stack, type and resource name: the
 * interrupted run and the one that recovers it apply as the same manager, and two stacks that declare the
 * same object still conflict, as they should. A name the user sets is kept.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { passThroughOptions } from "./transform-options";

/** The annotation the Kubernetes provider reads its field manager name from. */
export const FIELD_MANAGER_ANNOTATION = "pulumi.com/patchFieldManager";

/** `pulumi-kubernetes-<16 hex>`: the provider's own prefix, a hash of where the resource is declared. */
export function stableFieldManagerName(project: string, stack: string, type: string, name: string): string {
  const digest = createHash("sha256").update(`${project}\0${stack}\0${type}\0${name}`).digest("hex");
  return `pulumi-kubernetes-${digest.slice(0, 16)}`;
}

// Kubernetes types that are not objects with metadata: Helm releases, and the provider resources.
const NOT_OBJECTS = /^(kubernetes:helm\.sh\/|pulumi:providers:)/;

type Annotations = Record<string, pulumi.Input<string>>;

function plain(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !pulumi.Output.isInstance(value) && !(value instanceof Promise) && !Array.isArray(value);
}

function withDefault(annotations: Record<string, unknown> | undefined, manager: string): Record<string, unknown> {
  return annotations?.[FIELD_MANAGER_ANNOTATION] !== undefined ? annotations : { ...annotations, [FIELD_MANAGER_ANNOTATION]: manager };
}

/** `metadata` with the annotation added (plain objects stay plain, so names stay known in previews). */
function annotate(metadata: unknown, manager: string): unknown {
  if (metadata === undefined) return { annotations: { [FIELD_MANAGER_ANNOTATION]: manager } };
  if (!plain(metadata)) {
    return pulumi.output(metadata as pulumi.Input<Record<string, unknown>>).apply((m) => ({ ...m, annotations: withDefault(m?.annotations as Record<string, unknown> | undefined, manager) }));
  }
  const annotations = metadata.annotations;
  if (annotations === undefined || plain(annotations)) return { ...metadata, annotations: withDefault(annotations, manager) };
  return {
    ...metadata,
    annotations: pulumi.output(annotations as pulumi.Input<Annotations>).apply((a) => withDefault(a as Record<string, unknown> | undefined, manager)),
  };
}

/**
 * The resource transform: gives every Kubernetes object its stable field manager (see the module comment).
 * Applied by the components to themselves, so it reaches every object they create.
 */
export function stableFieldManagers(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
  if (!args.custom || !args.type.startsWith("kubernetes:") || NOT_OBJECTS.test(args.type) || args.type.endsWith("List")) return undefined;
  const manager = stableFieldManagerName(pulumi.getProject(), pulumi.getStack(), args.type, args.name);
  return { props: { ...args.props, metadata: annotate(args.props.metadata, manager) }, opts: passThroughOptions(args.opts) };
}

/** `opts` with {@link stableFieldManagers} added to its transforms. */
export function withStableFieldManagers<T extends pulumi.ResourceOptions>(opts: T | undefined): T {
  const transforms = opts?.transforms ?? [];
  return { ...(opts ?? ({} as T)), transforms: transforms.includes(stableFieldManagers) ? transforms : [...transforms, stableFieldManagers] };
}
