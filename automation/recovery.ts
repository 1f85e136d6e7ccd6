import type { Command } from "./args";
import { ExitCode } from "./exit-codes";
import { describeHolder, forceUnlockCommand, judgeLock, type JudgedLock, type ProcessProbe } from "./locks";
import type { Output } from "./output";
import { pendingOperations, planRepair, unverifiableReason, type ExportedState, type RepairOptions } from "./pending";
import type { DeployStack } from "./stack";
import { formatDuration, type Outcome } from "./summary";

/**
 * How a run recovers from what an interrupted update left behind: a lock whose holder is gone, a lock
 * held by someone else, and pending operations in the state. The decisions live in locks.ts and
 * pending.ts (pure); this module applies them to a stack and says what it did.
 */

/** Thrown inside a run to end it with a given outcome (a guard, an interrupt, a lock that cannot be waited out). */
export class Stop extends Error {
  constructor(
    readonly outcome: Outcome,
    readonly code: ExitCode,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
}

/** The delay before retry number `attempt` (0-based). */
export function backoff(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.initialDelayMs * policy.factor ** attempt, policy.maxDelayMs);
}

/** A retry policy with `<PREFIX>_RETRIES` / `<PREFIX>_RETRY_DELAY_SECONDS` overrides from the environment. */
export function retryPolicyFromEnv(env: Readonly<Record<string, string | undefined>>, prefix: string, base: RetryPolicy): RetryPolicy {
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  const retries = int(env[`${prefix}_RETRIES`]);
  const delay = int(env[`${prefix}_RETRY_DELAY_SECONDS`]);
  return {
    ...base,
    retries: retries ?? base.retries,
    initialDelayMs: delay !== undefined ? delay * 1000 : base.initialDelayMs,
    maxDelayMs: delay !== undefined ? Math.max(base.maxDelayMs, delay * 1000) : base.maxDelayMs,
  };
}

export interface LockContext {
  /** How the user runs the driver, for the commands it prints (see `invocation`). */
  invocation: string;
  stack: DeployStack;
  out: Output;
  probe: ProcessProbe;
  now: () => number;
  command: Command;
  stackName: string;
  /** A production stack: clearing its lock needs --yes. */
  production: boolean;
  forceUnlock: boolean;
  /** The run had --config/--secret options (the printed command needs them again). */
  hadConfig: boolean;
  policy: RetryPolicy;
}

const MAX_STALE_CLEARS = 3;

/** What to do about a locked stack: try again after a delay (ms, possibly 0), or stop. One per run. */
export class LockHandler {
  private forced = false;
  private staleCleared = 0;
  private vanished = 0;
  private waits = 0;

  constructor(private readonly ctx: LockContext) {}

  private describe(j: JudgedLock): string {
    return describeHolder(j.holder, this.ctx.now());
  }

  private command(): string {
    return forceUnlockCommand(this.ctx.invocation, this.ctx.command, this.ctx.stackName, this.ctx.production, this.ctx.hadConfig);
  }

  private record(kind: string, j: JudgedLock): Record<string, unknown> {
    return { event: "lock", action: kind, liveness: j.liveness, why: j.why, holder: j.holder };
  }

  /** Called with the CLI's locked-stack error; resolves with the delay before the next attempt. */
  async onLocked(message: string): Promise<number> {
    const { stack, out } = this.ctx;
    const holders = await stack.lockHolders(message).catch((error: unknown) => {
      out.error(`warning: could not read who holds the lock: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    const judged = (holders ?? []).map((h) => judgeLock(h, this.ctx.probe));

    // The lock is gone already (its holder finished between the CLI's check and ours): try again at once.
    if (holders !== undefined && judged.length === 0 && this.vanished++ < 1) return 0;

    if (this.ctx.forceUnlock && !this.forced) {
      this.forced = true;
      for (const j of judged) {
        out.error(`warning: --force-unlock: clearing the lock of ${this.describe(j)}`);
        out.emit(undefined, this.record("forced", j));
      }
      if (judged.length === 0) out.error("warning: --force-unlock: clearing the stack's lock (holder unknown)");
      await stack.cancel();
      return 0;
    }

    const dead = judged.filter((j) => j.liveness === "dead");
    // `pulumi cancel` (every non-file backend) removes every lock: only when all of them are dead.
    const removable = dead.filter((j) => j.holder.location?.startsWith("file://") || dead.length === judged.length);
    if (removable.length > 0 && this.staleCleared < MAX_STALE_CLEARS) {
      this.staleCleared++;
      for (const j of removable) {
        out.error(`warning: removing a stale lock: ${this.describe(j)}: ${j.why}`);
        out.emit(undefined, this.record("removed", j));
        await stack.removeLock(j.holder);
      }
      if (removable.length === judged.length) return 0;
    }

    const rest = judged.filter((j) => !removable.includes(j));
    // A dead lock that could not be removed on its own waits with the live ones it shares the stack with.
    const unknown = rest.filter((j) => j.liveness === "unknown");
    if (unknown.length > 0 || rest.length === 0) {
      const lines = unknown.map((j) => `  ${this.describe(j)}: ${j.why}`);
      throw new Stop(
        "locked",
        ExitCode.Locked,
        [
          `stack ${this.ctx.stackName} is locked by another update, and the driver cannot tell whether it is still running:`,
          ...(lines.length > 0 ? lines : ["  (the lock's holder could not be read)"]),
          "If no update is running on this stack, clear the lock and continue with:",
          `  ${this.command()}`,
        ].join("\n"),
      );
    }

    const alive = rest.map((j) => this.describe(j)).join("; ");
    if (this.waits >= this.ctx.policy.retries) {
      throw new Stop(
        "locked",
        ExitCode.Locked,
        [
          `stack ${this.ctx.stackName} is still locked by a running update after ${this.ctx.policy.retries} retries:`,
          `  ${alive}`,
          "Let it finish and run again; if it hangs, stop that process, then clear the lock and continue with:",
          `  ${this.command()}`,
        ].join("\n"),
      );
    }
    const delay = backoff(this.ctx.policy, this.waits++);
    out.emit(
      `stack ${this.ctx.stackName} is locked by a running update (${alive}); retrying in ${formatDuration(delay / 1000)} (retry ${this.waits} of ${this.ctx.policy.retries})`,
      { event: "retry", reason: "locked", attempt: this.waits, of: this.ctx.policy.retries, delaySeconds: delay / 1000, holders: rest.map((j) => j.holder) },
    );
    return delay;
  }
}

export interface RepairContext {
  /** How the user runs the driver, for the commands it prints. */
  invocation: string;
  stack: DeployStack;
  out: Output;
  command: Command;
  stackName: string;
  options: RepairOptions;
  /** Runs `fn`, retrying it while the stack is locked (as every operation does). */
  retrying: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The repair refresh, as a progress phase of the run. */
  refresh: (target: string[], clearPendingCreates: boolean) => Promise<void>;
}

function stackUrn(state: ExportedState): string | undefined {
  return state.deployment.resources?.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
}

/**
 * Finds pending operations in the state and resolves them (see pending.ts) before the command runs; stops
 * with a decision to make when a create cannot be verified. Resolves with how many there were.
 */
export async function repairPendingOperations(ctx: RepairContext): Promise<number> {
  const { stack, out } = ctx;
  const state = await stack.exportState();
  const plan = planRepair(state, ctx.options);
  const pendingUrns = new Set(plan.items.filter((i) => i.op === "creating").map((i) => i.urn));
  for (const urn of Object.keys(ctx.options.ids ?? {})) {
    if (!pendingUrns.has(urn)) out.error(`warning: --import-pending-create: no pending create has the URN ${urn}`);
  }
  if (plan.items.length === 0) return 0;

  const n = plan.items.length;
  out.emit(`${n} pending operation${n === 1 ? "" : "s"} left by an interrupted update:`, { event: "pending", count: n });
  for (const item of plan.items) {
    out.emit(`  ${item.op.padEnd(9)} ${item.type}  ${item.name}: ${item.why}`, { event: "pending-operation", ...item });
  }
  if (plan.unverifiable.length > 0) throw new Stop("refused", ExitCode.Usage, unverifiableReason(plan.unverifiable, ctx.invocation, ctx.command, ctx.stackName));

  if (plan.adoptedState) {
    // Plan again on a fresh export right before writing, so an update that ran in between is not undone.
    await ctx.retrying(async () => {
      const adopted = planRepair(await stack.exportState(), ctx.options).adoptedState;
      if (adopted) await stack.importState(adopted);
    });
  }
  const targets = plan.refreshTargets.length > 0 ? plan.refreshTargets : [stackUrn(state)].filter((u): u is string => u !== undefined);
  await ctx.refresh(targets, plan.clearPendingCreates);

  const left = pendingOperations(await stack.exportState());
  if (left.length > 0) {
    throw new Error(`the state still holds ${left.length} pending operation(s) after the repair: ${left.map((op) => `${op.type} ${op.resource.urn}`).join(", ")}`);
  }
  out.emit(`resolved ${n} pending operation${n === 1 ? "" : "s"}; the state holds none`, { event: "pending-resolved", count: n });
  return n;
}
