import type { EngineEvent, OpMap } from "./stack";
import type { ChangeRow, Failure } from "./summary";
import { formatDuration } from "./summary";
import type { Output } from "./output";
import { destructiveOp, isDestructive, nameFromUrn, propertyChanges, type ResourceChange, type StepMetadata } from "./changes";

/**
 * Live progress from engine events: one readable line per resource step (with elapsed time and running
 * counts) or one JSON record per step, failures and diagnostics as they happen, and the tallies the
 * final summary is built from.
 */

/** `apply` for operations that change things (up, refresh, destroy); `plan` for previews. */
export type ProgressMode = "apply" | "plan";

// Steps that change nothing: counted as unchanged, never printed.
const QUIET_OPS = new Set(["same", "read", "refresh"]);
// The halves of a replacement: printed while applying, but the summary counts the one `replace`.
const REPLACEMENT_HALVES = new Set(["create-replacement", "delete-replaced", "read-replacement", "discard-replaced", "remove-pending-replace"]);

const SHOWN_SEVERITIES = new Set(["error", "warning", "info", "info#err"]);

const VERBS: Record<string, [string, string]> = {
  create: ["creating", "created"],
  update: ["updating", "updated"],
  delete: ["deleting", "deleted"],
  replace: ["replacing", "replaced"],
  "create-replacement": ["creating replacement", "created replacement"],
  "delete-replaced": ["deleting original", "deleted original"],
  import: ["importing", "imported"],
  "import-replacement": ["importing replacement", "imported replacement"],
  discard: ["discarding", "discarded"],
};

const PLAN_SYMBOLS: Record<string, string> = { create: "+", update: "~", delete: "-", replace: "+-", import: "=", discard: "-" };

export { nameFromUrn };

/** `65` → `01:05`, `3725` → `1:02:05`: the elapsed-time prefix of progress lines. */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*[A-Za-z]`, "g");

/** Diagnostic text without colour codes and surrounding blank space. */
export function cleanMessage(message: string): string {
  return message.replace(ANSI, "").trim();
}

/**
 * The op a finished step really had. A refresh step that found drift reports it in its diff (the
 * resource changed) or by having no new state (the resource is gone).
 */
export function effectiveOp(metadata: { op: string; diffs?: string[]; detailedDiff?: Record<string, unknown>; new?: unknown }): string {
  if (metadata.op !== "refresh") return metadata.op;
  if (metadata.new === undefined || metadata.new === null) return "delete";
  const diffs = (metadata.diffs?.length ?? 0) + Object.keys(metadata.detailedDiff ?? {}).length;
  return diffs > 0 ? "update" : "refresh";
}

interface InFlight {
  op: string;
  type: string;
  name: string;
  startedAt: number;
}

export class ProgressReporter {
  private phase = "";
  private mode: ProgressMode = "apply";
  private readonly counts = new Map<string, ChangeRow>();
  private readonly counted = new Set<string>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly failed: (Failure & { urn: string })[] = [];
  private readonly lastErrorByUrn = new Map<string, string>();
  private readonly errors: string[] = [];
  private readonly warnings: string[] = [];
  private readonly changes = new Map<string, ResourceChange>();
  private readonly destructiveByUrn = new Map<string, ResourceChange>();
  private readonly unchangedByPhase: Record<string, number> = {};
  private readonly changesByPhase: Record<string, OpMap> = {};
  private done = 0;
  private lastEmitAt: number;

  constructor(
    private readonly out: Output,
    /** Milliseconds; injected so tests control time. */
    private readonly now: () => number,
    private readonly startedAt: number = now(),
    /** Print each step's property diff under its line (`--diff`). */
    private readonly showDiffs = false,
  ) {
    this.lastEmitAt = startedAt;
  }

  /** Starts a new phase (drift runs two: the refresh preview and the preview). */
  startPhase(phase: string, mode: ProgressMode): void {
    this.phase = phase;
    this.mode = mode;
    this.inFlight.clear();
  }

  private elapsed(): number {
    return (this.now() - this.startedAt) / 1000;
  }

  private stamp(): string {
    return `[${formatClock(this.elapsed())}]`;
  }

  private emit(text: string | undefined, record: Record<string, unknown> | undefined): void {
    this.lastEmitAt = this.now();
    this.out.emit(text, record ? { ...record, phase: this.phase, elapsedSeconds: Math.round(this.elapsed()) } : undefined);
  }

  private tally(): string {
    const parts = [`${this.done} done`, `${this.inFlight.size} in progress`];
    if (this.failed.length > 0) parts.push(`${this.failed.length} failed`);
    return `[${parts.join(", ")}]`;
  }

  private count(urn: string, op: string, type: string, metadata?: StepMetadata): boolean {
    if (QUIET_OPS.has(op) || REPLACEMENT_HALVES.has(op)) return false;
    const key = `${this.phase}\u0000${urn}\u0000${op}`;
    if (this.counted.has(key)) return false;
    this.counted.add(key);
    const properties = metadata && (op === "update" || op === "replace") ? propertyChanges(metadata) : [];
    const change: ResourceChange = { phase: this.phase, op, type, name: nameFromUrn(urn), urn };
    if (properties.length > 0) change.properties = properties;
    if (op === "replace" && metadata?.keys && metadata.keys.length > 0) change.replaceReasons = [...metadata.keys];
    this.changes.set(key, change);
    const rowKey = `${this.phase}\u0000${op}\u0000${type}`;
    const row = this.counts.get(rowKey) ?? { phase: this.phase, op, type, count: 0 };
    row.count++;
    this.counts.set(rowKey, row);
    return true;
  }

  /** Remembers a step that replaces or deletes a stateful resource (any half of a replacement counts). */
  private noteDestructive(m: StepMetadata): void {
    if (!isDestructive(m.op, m.type) || this.destructiveByUrn.has(m.urn)) return;
    this.destructiveByUrn.set(m.urn, { phase: this.phase, op: destructiveOp(m.op), type: m.type, name: nameFromUrn(m.urn), urn: m.urn });
  }

  /** The `--diff` lines of a step: one per changed property. */
  private diffLines(urn: string, op: string): string[] {
    if (!this.showDiffs) return [];
    const change = this.changes.get(`${this.phase}\u0000${urn}\u0000${op}`);
    return (change?.properties ?? []).map((p) => `        ${p.kind.endsWith("replace") ? "±" : p.kind.startsWith("add") ? "+" : p.kind.startsWith("delete") ? "-" : "~"} ${p.path}: ${p.old ?? "(none)"} → ${p.new ?? "(none)"}`);
  }

  /** Feeds one engine event. */
  handle(event: EngineEvent): void {
    if (event.resourcePreEvent) this.onPre(event.resourcePreEvent.metadata);
    else if (event.resOutputsEvent) this.onOutputs(event.resOutputsEvent.metadata);
    else if (event.resOpFailedEvent) this.onFailed(event.resOpFailedEvent.metadata);
    else if (event.diagnosticEvent) this.onDiagnostic(event.diagnosticEvent);
    else if (event.summaryEvent) {
      this.changesByPhase[this.phase] = event.summaryEvent.resourceChanges ?? {};
      this.unchangedByPhase[this.phase] = event.summaryEvent.resourceChanges?.same ?? 0;
      if (event.summaryEvent.maybeCorrupt) this.out.error("warning: the engine reports the stack state may be corrupt");
    }
  }

  private onPre(m: StepMetadata): void {
    const name = nameFromUrn(m.urn);
    this.noteDestructive(m);
    if (this.mode === "plan") {
      if (!this.count(m.urn, m.op, m.type, m)) return;
      const symbol = PLAN_SYMBOLS[m.op] ?? "*";
      const properties = this.changes.get(`${this.phase}\u0000${m.urn}\u0000${m.op}`)?.properties;
      const lines = [`  ${symbol.padEnd(2)} ${m.op.padEnd(7)} ${m.type}  ${name}`, ...this.diffLines(m.urn, m.op)];
      this.emit(lines.join("\n"), { event: "resource", status: "planned", op: m.op, type: m.type, name, urn: m.urn, ...(properties ? { properties } : {}) });
      return;
    }
    if (QUIET_OPS.has(m.op)) return;
    this.inFlight.set(`${m.urn}\u0000${m.op}`, { op: m.op, type: m.type, name, startedAt: this.now() });
    const verb = VERBS[m.op]?.[0] ?? m.op;
    this.emit(`${this.stamp()} ${verb.padEnd(11)} ${m.type}  ${name}`, { event: "resource", status: "started", op: m.op, type: m.type, name, urn: m.urn });
  }

  private onOutputs(m: StepMetadata): void {
    const op = effectiveOp(m);
    const name = nameFromUrn(m.urn);
    if (this.mode === "plan") {
      // A refresh preview reveals drift only here; a normal preview has already been counted.
      if (this.count(m.urn, op, m.type, m)) {
        const symbol = PLAN_SYMBOLS[op] ?? "*";
        this.emit([`  ${symbol.padEnd(2)} ${op.padEnd(7)} ${m.type}  ${name}`, ...this.diffLines(m.urn, op)].join("\n"), { event: "resource", status: "planned", op, type: m.type, name, urn: m.urn });
      }
      return;
    }
    const flight = this.inFlight.get(`${m.urn}\u0000${m.op}`);
    this.inFlight.delete(`${m.urn}\u0000${m.op}`);
    if (QUIET_OPS.has(op)) return;
    this.count(m.urn, op, m.type, m);
    this.done++;
    const took = flight ? (this.now() - flight.startedAt) / 1000 : undefined;
    const verb = VERBS[op]?.[1] ?? op;
    this.emit(
      [`${this.stamp()} ${verb.padEnd(11)} ${m.type}  ${name}${took === undefined ? "" : ` (${formatDuration(took)})`}  ${this.tally()}`, ...this.diffLines(m.urn, op)].join("\n"),
      { event: "resource", status: "done", op, type: m.type, name, urn: m.urn, durationSeconds: took === undefined ? undefined : Math.round(took) },
    );
  }

  private onFailed(m: { op: string; urn: string; type: string }): void {
    const name = nameFromUrn(m.urn);
    this.inFlight.delete(`${m.urn}\u0000${m.op}`);
    const message = this.lastErrorByUrn.get(m.urn) ?? "failed (see the error above)";
    this.failed.push({ urn: m.urn, name, type: m.type, op: m.op, message });
    const verb = VERBS[m.op]?.[0] ?? m.op;
    this.emit(`${this.stamp()} FAILED      ${verb} ${m.type}  ${name}  ${this.tally()}`, { event: "resource", status: "failed", op: m.op, type: m.type, name, urn: m.urn });
  }

  private onDiagnostic(d: { urn?: string; message: string; severity: string; ephemeral?: boolean }): void {
    // The engine also streams "debug" diagnostics (RPC traces) in its event log: not for people.
    if (d.ephemeral || !SHOWN_SEVERITIES.has(d.severity)) return;
    const message = cleanMessage(d.message);
    if (message === "") return;
    const name = d.urn ? nameFromUrn(d.urn) : undefined;
    if (d.severity === "warning") this.warnings.push(message);
    if (d.severity === "error") {
      this.errors.push(message);
      if (d.urn) {
        this.lastErrorByUrn.set(d.urn, message);
        for (const f of this.failed) if (f.urn === d.urn && f.message.startsWith("failed (")) f.message = message;
      }
    }
    const label = d.severity === "info#err" ? "stderr" : d.severity;
    const text = message.split("\n").join("\n        "); // continuation lines under the message, not the margin
    this.emit(`${this.stamp()} ${label}: ${name ? `${name}: ` : ""}${text}`, { event: "diagnostic", severity: d.severity, message, name, urn: d.urn });
  }

  /** A "still working" line when nothing was printed for `quietSeconds` (long EKS creates look stuck otherwise). */
  heartbeat(quietSeconds = 60): void {
    if (this.now() - this.lastEmitAt < quietSeconds * 1000) return;
    const running = [...this.inFlight.values()]
      .sort((a, b) => a.startedAt - b.startedAt)
      .map((f) => `${f.name} (${VERBS[f.op]?.[0] ?? f.op} for ${formatDuration((this.now() - f.startedAt) / 1000)})`);
    const text = running.length > 0 ? `still working: ${running.slice(0, 5).join(", ")}${running.length > 5 ? `, +${running.length - 5} more` : ""}` : "still working";
    this.emit(`${this.stamp()} ${text}  ${this.tally()}`, { event: "heartbeat", inProgress: [...this.inFlight.values()].map((f) => f.name) });
  }

  /** Change counts by phase, operation and type. */
  rows(): ChangeRow[] {
    return [...this.counts.values()].map((r) => ({ ...r }));
  }

  unchanged(): Record<string, number> {
    return { ...this.unchangedByPhase };
  }

  /** Op counts the engine reported for a phase (its summary event), if it sent one. */
  engineChanges(phase: string): OpMap | undefined {
    return this.changesByPhase[phase];
  }

  failures(): Failure[] {
    return this.failed.map(({ name, type, op, message }) => ({ name, type, op, message }));
  }

  /** Forgets the failures and errors of an attempt the driver retries; returns how many operations had failed. */
  forgetAttempt(): number {
    const n = this.failed.length;
    this.failed.length = 0;
    this.errors.length = 0;
    this.warnings.length = 0;
    this.lastErrorByUrn.clear();
    return n;
  }

  /** Every warning diagnostic of the current attempt, in order (a preview that could not reach a cluster says so only here). */
  warningMessages(): string[] {
    return [...this.warnings];
  }

  /** The resources changed or planned, phase by phase, with their property diffs. */
  resources(): ResourceChange[] {
    return [...this.changes.values()].map((c) => structuredClone(c));
  }

  /** The stateful resources a step replaced or deleted (or plans to). */
  destructive(): ResourceChange[] {
    return [...this.destructiveByUrn.values()].map((c) => ({ ...c }));
  }

  /** Every error diagnostic so far, in order (the driver classifies failures from them). */
  errorMessages(): string[] {
    return [...this.errors];
  }
}
