import { nameFromUrn } from "./progress";

/**
 * Pending operations: the resource steps an update had started but not finished when its CLI died.
 * The engine records them in the state (`deployment.pending_operations`) and, on the next write, keeps
 * only the pending *creates* (pkg/backend/snapshot.go: "these must require user intervention"), so every
 * later update warns about them; `pulumi refresh` clears them only interactively or with
 * `--clear-pending-creates`, which CI cannot answer or judge. (The CLI's `--import-pending-creates`
 * relabels them `importing`, which the next write drops as well: it does not import anything.)
 *
 * This module decides, per pending operation, what the driver does before the requested command:
 *
 * - an update, delete, read or import of a resource in the state: refresh that resource (the provider
 *   reports what is really there; the refresh's write drops the pending entry);
 * - a create of a resource that lives only in the state (a provider, `random`, `tls`): clear it;
 * - a create of a Kubernetes object with a fixed name: adopt it into the state under its ID
 *   (namespace/name) and refresh it, which keeps it when the interrupted create made it and drops it when
 *   not; the next `up` then updates or creates it. Clearing it instead is not enough: since v4.29 the
 *   provider creates with a plain POST (`AlreadyExists` for the object the interrupted run made), and the
 *   older server-side-apply creates conflicted with the interrupted run's field manager. The components
 *   give every object a stable field manager (components/shared/field-manager.ts), so the update that
 *   follows the adoption applies as the same manager as the interrupted run;
 * - a create of a Kubernetes object that replaces one still in the state (create-before-delete, as for the
 *   content-addressed Secrets and the migrations Job): the state can hold only one live resource per URN, so
 *   the pending create is dropped and the old resource refreshed; the next `up` replaces again, applying
 *   over the half-made object (same name, same field manager), awaiting it, then deleting the old one;
 * - a create of an auto-named Kubernetes object (the next `up` would choose another name, and the half-made
 *   one would be orphaned): adopt it the same way, as pending deletion, so the next `up` removes it;
 * - a create of anything else (an AWS resource, whose ID only the cloud knows): the driver cannot tell
 *   whether it exists. It stops and asks for a decision: `--import-pending-create <urn>=<id>` adopts one
 *   under the ID the user found (as above), `--clear-pending-creates` clears the rest.
 */

export type PendingType = "creating" | "updating" | "deleting" | "reading" | "importing";

/** A resource as `pulumi stack export` writes it (the fields the driver reads; the rest passes through). */
export interface StateResource {
  urn: string;
  type: string;
  custom?: boolean;
  delete?: boolean;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  provider?: string;
  [key: string]: unknown;
}

export interface PendingOperation {
  resource: StateResource;
  type: PendingType;
}

/** `pulumi stack export` output (deployment schema version 3). */
export interface ExportedState {
  version: number;
  deployment: {
    resources?: StateResource[];
    pending_operations?: PendingOperation[];
    [key: string]: unknown;
  };
}

export type PendingAction = "refresh" | "clear" | "adopt" | "adopt-for-deletion" | "unverifiable";

export interface PlannedRepair {
  op: PendingType;
  urn: string;
  type: string;
  name: string;
  action: PendingAction;
  /** The provider ID the driver derived (adopt actions). */
  id?: string;
  /** Why this action, in one clause, for the report. */
  why: string;
}

export interface RepairPlan {
  items: PlannedRepair[];
  /** URNs to refresh (with `target`). */
  refreshTargets: string[];
  /** Whether the refresh must clear pending creates. */
  clearPendingCreates: boolean;
  /** The state to import first (adopted resources moved out of the pending list); absent when no adoption. */
  adoptedState?: ExportedState;
  /** Creates the driver cannot verify and was not told to clear. */
  unverifiable: PlannedRepair[];
}

export function pendingOperations(state: ExportedState): PendingOperation[] {
  return state.deployment.pending_operations ?? [];
}

// Providers whose resources exist only in the state: clearing their pending create loses nothing.
const STATE_ONLY = /^(pulumi:providers:|random:|tls:)/;
const AUTONAMED = "pulumi.com/autonamed";

interface KubeMetadata {
  name?: unknown;
  namespace?: unknown;
  annotations?: Record<string, unknown>;
}

/** The Kubernetes provider's ID of an object (`namespace/name`, or `name` when cluster-scoped). */
export function kubernetesId(resource: StateResource): string | undefined {
  const meta = (resource.inputs?.metadata ?? resource.outputs?.metadata) as KubeMetadata | undefined;
  if (typeof meta?.name !== "string" || meta.name === "") return undefined;
  return typeof meta.namespace === "string" && meta.namespace !== "" ? `${meta.namespace}/${meta.name}` : meta.name;
}

function isAutonamed(resource: StateResource): boolean {
  const meta = resource.inputs?.metadata as KubeMetadata | undefined;
  return meta?.annotations?.[AUTONAMED] === "true";
}

export interface RepairOptions {
  /** Clear the creates the driver cannot verify (`--clear-pending-creates`). */
  clearUnverifiable: boolean;
  /** IDs the user found for pending creates (`--import-pending-create <urn>=<id>`): adopted under them. */
  ids?: Readonly<Record<string, string>>;
}

function planOne(op: PendingOperation, resources: readonly StateResource[], options: RepairOptions): PlannedRepair {
  const { urn, type } = op.resource;
  const base = { op: op.type, urn, type, name: nameFromUrn(urn) };
  const given = options.ids?.[urn];
  if (op.type === "creating" && given !== undefined) return { ...base, action: "adopt", id: given, why: `adopted as ${given} (the ID given) and refreshed` };
  if (op.type !== "creating") {
    return resources.some((r) => r.urn === urn)
      ? { ...base, action: "refresh", why: "refreshed from the provider" }
      : { ...base, action: "clear", why: "not in the state; dropped" };
  }
  if (STATE_ONLY.test(type)) return { ...base, action: "clear", why: "exists only in the state" };
  const id = type.startsWith("kubernetes:") ? kubernetesId(op.resource) : undefined;
  if (id !== undefined) {
    // A create-before-delete replacement: the old object is still a live resource under the same URN, and the
    // state may hold only one (pulumi stack import refuses a second). The pending create is dropped and the old
    // resource refreshed; the next up replaces again in the engine's own order: its create applies over the
    // half-made object as the same field manager, awaits it (a migrations Job's completion), then deletes the
    // old one. Adopting the half-made object for deletion instead deleted the object the next up had just
    // created under the same name (the names are content hashes, the same on every run).
    const live = liveUnder(urn, resources);
    if (live !== undefined) {
      return { ...base, action: "clear", why: `the replacement of ${String(live.id)}: dropped; the next up replaces again, over ${id} if the interrupted create made it` };
    }
    if (isAutonamed(op.resource)) {
      return { ...base, action: "adopt-for-deletion", id, why: `auto-named: adopted as ${id} and deleted by the next up if it exists` };
    }
    return { ...base, action: "adopt", id, why: `adopted as ${id} and refreshed: kept if the interrupted create made it, else created by the next up` };
  }
  if (options.clearUnverifiable) return { ...base, action: "clear", why: "cleared as --clear-pending-creates asked; if the create completed, the resource is now unmanaged" };
  return { ...base, action: "unverifiable", why: "its ID is known only to the cloud: the create may have completed" };
}

function liveUnder(urn: string, resources: readonly StateResource[]): StateResource | undefined {
  return resources.find((r) => r.urn === urn && r.delete !== true);
}

/** What to do about each pending operation; pure. */
export function planRepair(state: ExportedState, options: RepairOptions): RepairPlan {
  const pending = pendingOperations(state);
  const resources = state.deployment.resources ?? [];
  const items = pending.map((op) => planOne(op, resources, options));
  const unverifiable = items.filter((i) => i.action === "unverifiable");
  const adopted = items.filter((i) => i.action === "adopt" || i.action === "adopt-for-deletion");
  const refreshed = (i: PlannedRepair) => i.action === "refresh" || adopted.includes(i) || (i.op === "creating" && i.action === "clear" && liveUnder(i.urn, resources) !== undefined);
  const refreshTargets = [...new Set(items.filter(refreshed).map((i) => i.urn))];
  const plan: RepairPlan = { items, refreshTargets, clearPendingCreates: items.some((i) => i.op === "creating" && i.action === "clear"), unverifiable };
  if (adopted.length > 0) plan.adoptedState = adopt(state, adopted);
  return plan;
}

/** The state with the adopted creates moved from the pending list into the resources, under their IDs. */
function adopt(state: ExportedState, adopted: readonly PlannedRepair[]): ExportedState {
  const pending = pendingOperations(state);
  const moved: StateResource[] = [];
  const kept: PendingOperation[] = [];
  for (const op of pending) {
    const item = op.type === "creating" ? adopted.find((a) => a.urn === op.resource.urn) : undefined;
    if (!item) {
      kept.push(op);
      continue;
    }
    // The provider reads the object by ID and its recorded inputs; outputs start as the inputs.
    moved.push({
      ...op.resource,
      id: item.id,
      outputs: { ...(op.resource.inputs ?? {}), ...(op.resource.outputs ?? {}) },
      ...(item.action === "adopt-for-deletion" ? { delete: true } : {}),
    });
  }
  // Appended last: what an unfinished create depends on (parent, provider, dependencies) is already in the state.
  return {
    ...state,
    deployment: { ...state.deployment, resources: [...(state.deployment.resources ?? []), ...moved], pending_operations: kept },
  };
}

/** The refusal's text: each unverifiable create and the two ways forward. */
export function unverifiableReason(items: readonly PlannedRepair[], invocation: string, command: string, stack: string): string {
  const lines = [
    `${items.length} resource create${items.length === 1 ? " was" : "s were"} interrupted and may have completed in the cloud:`,
    ...items.map((i) => `  ${i.type} ${i.name} (${i.urn})`),
    "Check in the cloud whether each exists. Adopt the ones that do under their ID, and clear the others:",
    `  ${invocation} ${command} --stack ${stack} --import-pending-create '<urn>=<id>' --clear-pending-creates`,
    `(see docs/ci.md, "When an update is interrupted")`,
  ];
  return lines.join("\n");
}
