import { PACKAGE_NAME } from "../components/shared/naming";
import { helpText, parseArgs, type CliOptions, type Command } from "./args";
import { classifyFailure, isLockedError, unreachableMessage } from "./classify";
import { ExitCode } from "./exit-codes";
import type { ProcessProbe } from "./locks";
import { Output } from "./output";
import { ProgressReporter, type ProgressMode } from "./progress";
import { backoff, LockHandler, repairPendingOperations, retryPolicyFromEnv, Stop, type RetryPolicy } from "./recovery";
import type { DeployStack, OpMap, OperationOptions, OperationResult, StackFactory } from "./stack";
import { formatDuration, renderMarkdown, renderText, type Outcome, type RunSummary } from "./summary";

/**
 * The CI driver's logic: parse, open the stack, guard, apply config, resolve what an interrupted update
 * left (recovery.ts), run the operation with bounded retries on a lock held by a running update and on an
 * unreachable API, report progress and a summary, and map the result to an exit code. Everything outside
 * the process (the stack, the clock, files, signals, other processes) comes in through `DriverDeps`, so
 * tests drive every path with a fake and `cli.ts` wires the real thing.
 */

export type LockRetryPolicy = RetryPolicy;

/** Waits 15 s, 30 s, 60 s: long enough for a short update to finish, bounded at under 2 minutes. */
export const DEFAULT_LOCK_RETRY: LockRetryPolicy = { retries: 3, initialDelayMs: 15_000, factor: 2, maxDelayMs: 60_000 };

/** Waits 10 s, 20 s: an API server restarting, a network blip. */
export const DEFAULT_UNREACHABLE_RETRY: RetryPolicy = { retries: 2, initialDelayMs: 10_000, factor: 2, maxDelayMs: 60_000 };

export interface DriverDeps {
  stacks: StackFactory;
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  appendFile: (path: string, text: string) => Promise<void>;
  writeFile: (path: string, text: string) => Promise<void>;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Calls `handler` on SIGINT/SIGTERM; returns a function that stops listening. */
  onInterrupt: (handler: (signal: string) => void) => () => void;
  /** Calls `tick` every `ms` milliseconds; returns a function that stops it. */
  every: (ms: number, tick: () => void) => () => void;
  /** The Pulumi project directory when --work-dir is not given. */
  defaultWorkDir: string;
  /** This machine's view of other processes (is a lock's holder still running?). */
  probe: ProcessProbe;
  lockRetry?: LockRetryPolicy;
  unreachableRetry?: RetryPolicy;
}

/** The config key that marks a stack protected (DESIGN.md: prod ships with it). */
export const PROTECT_KEY = `${PACKAGE_NAME}:protect`;

/** A production stack: named prod/production (optionally qualified or suffixed), or protected. */
export function isProductionStack(stackName: string, isProtected: boolean): boolean {
  const base = stackName.split("/").pop() ?? stackName;
  return isProtected || /^prod(uction)?([-_.].*)?$/.test(base);
}

/** The project-qualified form of a config key given on the command line (`protect` → `eks-search-platform:protect`). */
export function qualifyKey(key: string): string {
  return key.includes(":") ? key : `${PACKAGE_NAME}:${key}`;
}

/** True when an op map holds any change (anything but same/read/refresh). */
export function hasChanges(changes: OpMap | undefined): boolean {
  return Object.entries(changes ?? {}).some(([op, n]) => !["same", "read", "refresh"].includes(op) && (n ?? 0) > 0);
}

/** The lock-retry policy, with DEPLOY_LOCK_RETRIES / DEPLOY_LOCK_RETRY_DELAY_SECONDS overrides. */
export function lockRetryPolicy(env: Readonly<Record<string, string | undefined>>, base: LockRetryPolicy = DEFAULT_LOCK_RETRY): LockRetryPolicy {
  return retryPolicyFromEnv(env, "DEPLOY_LOCK", base);
}

/** Runs the CLI; resolves with the process exit code. */
export async function runCli(argv: readonly string[], deps: DriverDeps): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === "help") {
    deps.stdout(helpText());
    return ExitCode.Success;
  }
  if (parsed.kind === "error") {
    const out = new Output(parsed.json, deps.stdout, deps.stderr);
    for (const problem of parsed.problems) out.error(`error: ${problem}`);
    if (parsed.json) out.emit(undefined, { event: "result", exitCode: ExitCode.Usage, outcome: "invalid", reason: parsed.problems.join("\n") });
    else deps.stderr("Run with --help for usage.\n");
    return ExitCode.Usage;
  }
  return new Run(parsed.options, deps).execute();
}

const MUTATING: readonly Command[] = ["up", "refresh", "destroy"];

class Run {
  private readonly out: Output;
  private readonly progress: ProgressReporter;
  private readonly startedAt: number;
  private readonly abort = new AbortController();
  private readonly unreachableRetry: RetryPolicy;
  private locks: LockHandler | undefined;
  private production = false;
  private stack: DeployStack | undefined;
  private interrupted: string | undefined;
  private operationRunning = false;
  private cancelling: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: CliOptions,
    private readonly deps: DriverDeps,
  ) {
    this.out = new Output(options.json, deps.stdout, deps.stderr);
    this.out.addSecrets(options.config.filter((c) => c.secret).map((c) => c.value));
    this.startedAt = deps.now();
    this.progress = new ProgressReporter(this.out, deps.now, this.startedAt);
    this.unreachableRetry = retryPolicyFromEnv(deps.env, "DEPLOY_UNREACHABLE", deps.unreachableRetry ?? DEFAULT_UNREACHABLE_RETRY);
  }

  async execute(): Promise<number> {
    const stopListening = this.deps.onInterrupt((signal) => this.interrupt(signal));
    const stopHeartbeat = this.deps.every(15_000, () => this.progress.heartbeat(60));
    try {
      return await this.main();
    } catch (error) {
      if (error instanceof Stop) return await this.finish(error.outcome, error.code, error.reason);
      if (this.interrupted) return await this.finish("cancelled", ExitCode.Interrupted, `interrupted by ${this.interrupted}`);
      const classified = classifyFailure(error, this.progress.errorMessages());
      const { code } = classified;
      const failed = this.progress.failures().length;
      // Resource failures are listed in the summary with their errors; the reason need not repeat them.
      const reason = code === ExitCode.Failed && failed > 0 ? `${failed} resource operation${failed === 1 ? "" : "s"} failed` : classified.reason;
      const outcome: Outcome =
        code === ExitCode.Locked ? "locked" : code === ExitCode.Usage ? "invalid" : code === ExitCode.Changes ? "changes" : code === ExitCode.Unreachable ? "unreachable" : "failed";
      return await this.finish(outcome, code, reason);
    } finally {
      stopHeartbeat();
      stopListening();
    }
  }

  private interrupt(signal: string): void {
    if (this.interrupted) return;
    this.interrupted = signal;
    this.out.error(`${signal} received: stopping (in-flight resource operations finish first; interrupt again to force)`);
    this.abort.abort();
    // `pulumi cancel` marks the update cancelled and releases the stack lock, so the stack is not left
    // locked if CI kills this job before the CLI stops. Previews hold no lock: aborting them is enough.
    const stack = this.stack;
    if (stack && this.operationRunning && MUTATING.includes(this.options.command)) {
      this.cancelling = stack.cancel().then(
        () => this.out.emit("cancelled the running update", { event: "cancelled" }),
        (error: unknown) => this.out.error(`could not cancel the update: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }

  private checkInterrupted(): void {
    if (this.interrupted) throw new Stop("cancelled", ExitCode.Interrupted, `interrupted by ${this.interrupted}`);
  }

  private async main(): Promise<number> {
    const { command, stack: stackName } = this.options;
    const workDir = this.options.workDir ?? this.deps.defaultWorkDir;
    this.out.emit(`${PACKAGE_NAME}: ${command} on stack ${stackName}`, { event: "start", command, stack: stackName, workDir });

    const stack = await this.deps.stacks.open({ stackName, workDir, create: command === "preview" || command === "up" });
    this.stack = stack;
    this.checkInterrupted();

    const config = await stack.getAllConfig();
    this.out.addSecrets(Object.values(config).filter((e) => e.secret).map((e) => e.value));
    this.guard(config[PROTECT_KEY]?.value === "true");
    this.locks = new LockHandler({
      stack,
      out: this.out,
      probe: this.deps.probe,
      now: this.deps.now,
      command,
      stackName,
      production: this.production,
      forceUnlock: this.options.forceUnlock,
      hadConfig: this.options.config.length > 0,
      policy: lockRetryPolicy(this.deps.env, this.deps.lockRetry),
    });
    await this.applyConfig(stack);
    this.checkInterrupted();
    if (command === "outputs") return this.printOutputs(stack);

    await repairPendingOperations({
      stack,
      out: this.out,
      command,
      stackName,
      options: { clearUnverifiable: this.options.clearPendingCreates, ids: this.options.pendingCreateIds },
      retrying: (fn) => this.retrying(fn),
      refresh: async (target, clearPendingCreates) => {
        await this.operation("repair", "apply", (o) => stack.refresh(o), { target, clearPendingCreates, refresh: false });
      },
    });
    this.checkInterrupted();

    switch (command) {
      case "drift":
        return this.drift(stack);
      case "preview":
        await this.operation("preview", "plan", (o) => stack.preview(o));
        return this.finish("succeeded", ExitCode.Success);
      case "up":
        await this.operation("up", "apply", (o) => stack.up(o));
        return this.finish("succeeded", ExitCode.Success);
      case "refresh":
        await this.operation("refresh", "apply", (o) => stack.refresh(o));
        return this.finish("succeeded", ExitCode.Success);
      case "destroy":
        await this.operation("destroy", "apply", (o) => stack.destroy(o));
        return this.finish("succeeded", ExitCode.Success);
    }
  }

  private guard(storedProtect: boolean): void {
    const { command, stack, yes, force, config } = this.options;
    // A --config protect=false cannot lift the guard; protect=true adds it.
    const override = config.find((c) => qualifyKey(c.key) === PROTECT_KEY);
    const isProtected = storedProtect || override?.value === "true";
    this.production = isProductionStack(stack, isProtected);
    if (this.options.forceUnlock && !yes && this.production) {
      throw new Stop("refused", ExitCode.Usage, `refusing to clear the lock of production stack ${stack} without --yes`);
    }
    if (command === "up" && !yes && isProductionStack(stack, isProtected)) {
      throw new Stop("refused", ExitCode.Usage, `refusing to update production stack ${stack} without --yes`);
    }
    if (command === "destroy" && isProtected && !force) {
      throw new Stop("refused", ExitCode.Usage, `refusing to destroy stack ${stack}: its config sets ${PROTECT_KEY}: true (pass --force to destroy it anyway)`);
    }
  }

  private async applyConfig(stack: DeployStack): Promise<void> {
    for (const { key, value, secret } of this.options.config) {
      try {
        await stack.setConfig(key, { value, secret }, true);
      } catch (error) {
        throw new Stop("invalid", ExitCode.Usage, `could not set config ${key}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const shown = secret ? "[secret]" : value;
      this.out.emit(`config: ${key} = ${shown}${secret ? " (secret)" : ""}`, { event: "config", key, secret, value: shown });
    }
  }

  /** Runs one engine operation as a progress phase, retrying while the stack is locked or an API is unreachable. */
  private async operation(phase: string, mode: ProgressMode, run: (options: OperationOptions) => Promise<OperationResult>, extra: Partial<OperationOptions> = {}): Promise<OperationResult> {
    const options: OperationOptions = {
      onEvent: (event) => this.progress.handle(event),
      signal: this.abort.signal,
      ...(this.options.refresh ? { refresh: true } : {}),
      ...extra,
    };
    return this.attempt(
      async () => {
        this.operationRunning = true;
        try {
          return await run(options);
        } finally {
          this.operationRunning = false;
        }
      },
      () => this.progress.startPhase(phase, mode),
      true,
    );
  }

  /** Runs `fn` (a CLI call that takes the stack's lock), retrying while the stack is locked. */
  private retrying<T>(fn: () => Promise<T>): Promise<T> {
    return this.attempt(fn, () => undefined, false);
  }

  /**
   * Runs `fn` until it succeeds. A locked stack goes to the LockHandler (stale locks are removed, live
   * ones waited for, others end the run); with `retryUnreachable`, an API that could not be reached is
   * retried with backoff, forgetting the failures of the attempt that hit it.
   */
  private async attempt<T>(fn: () => Promise<T>, beforeEach: () => void, retryUnreachable: boolean): Promise<T> {
    let unreachableRetries = 0;
    for (;;) {
      this.checkInterrupted();
      beforeEach();
      let delay: number;
      try {
        return await fn();
      } catch (error) {
        if (this.interrupted) throw error;
        if (isLockedError(error) && this.locks) {
          delay = await this.locks.onLocked(error instanceof Error ? error.message : String(error));
        } else {
          const unreachable = retryUnreachable ? unreachableMessage(error, this.progress.errorMessages()) : undefined;
          if (unreachable === undefined || unreachableRetries >= this.unreachableRetry.retries) throw error;
          delay = backoff(this.unreachableRetry, unreachableRetries++);
          const failed = this.progress.forgetAttempt();
          this.out.emit(
            `an API could not be reached (${unreachable}); retrying in ${formatDuration(delay / 1000)} (retry ${unreachableRetries} of ${this.unreachableRetry.retries}${failed > 0 ? `, after ${failed} failed resource operation${failed === 1 ? "" : "s"}` : ""})`,
            { event: "retry", reason: "unreachable", attempt: unreachableRetries, of: this.unreachableRetry.retries, delaySeconds: delay / 1000, message: unreachable },
          );
        }
      }
      if (delay > 0) await this.deps.sleep(delay, this.abort.signal);
    }
  }

  /** Drift: does the cloud match the state (refresh preview), and does the state match the program (preview)? */
  private async drift(stack: DeployStack): Promise<number> {
    const found: string[] = [];
    const phases = [
      { phase: "refresh preview", what: "the cloud differs from the stack's state", run: (o: OperationOptions) => stack.previewRefresh(o) },
      { phase: "preview", what: "the program and config differ from the stack's state", run: (o: OperationOptions) => stack.preview(o) },
    ];
    for (const { phase, what, run } of phases) {
      try {
        const result = await this.operation(phase, "plan", run, { expectNoChanges: true });
        if (hasChanges(result.changeSummary)) found.push(`${phase}: ${what}`);
      } catch (error) {
        if (this.interrupted) throw error;
        const { code } = classifyFailure(error, this.progress.errorMessages());
        if (code !== ExitCode.Changes) throw error;
        found.push(`${phase}: ${what}`);
      }
    }
    if (found.length > 0) return this.finish("changes", ExitCode.Changes, `drift detected:\n${found.join("\n")}`);
    return this.finish("no changes", ExitCode.Success);
  }

  private async printOutputs(stack: DeployStack): Promise<number> {
    const outputs = await stack.outputs();
    const show = this.options.showSecrets;
    const values: Record<string, unknown> = {};
    for (const [key, { value, secret }] of Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b))) {
      values[key] = secret && !show ? "[secret]" : value;
    }
    const width = Math.max(0, ...Object.keys(values).map((k) => k.length));
    const text = [`Outputs of stack ${this.options.stack}:`, ...Object.entries(values).map(([k, v]) => `  ${k.padEnd(width)}  ${typeof v === "string" ? v : JSON.stringify(v)}`)];
    if (Object.keys(values).length === 0) text.push("  (none)");
    const record = { event: "outputs", stack: this.options.stack, outputs: values };
    if (show) {
      this.out.error("warning: --show-secrets prints secret outputs in clear");
      this.out.emitUnredacted(text.join("\n"), record);
    } else {
      this.out.emit(text.join("\n"), record);
    }
    if (this.options.json) this.out.emit(undefined, { event: "result", command: "outputs", stack: this.options.stack, outcome: "succeeded", exitCode: ExitCode.Success });
    return ExitCode.Success;
  }

  private async finish(outcome: Outcome, exitCode: ExitCode, reason?: string): Promise<number> {
    await this.cancelling;
    const summary: RunSummary = this.out.redact({
      command: this.options.command,
      stack: this.options.stack,
      outcome,
      exitCode,
      durationSeconds: Math.round((this.deps.now() - this.startedAt) / 1000),
      rows: this.progress.rows(),
      unchanged: this.progress.unchanged(),
      failures: this.progress.failures(),
      ...(reason ? { reason } : {}),
    });
    if (this.options.json) this.out.emit(undefined, { event: "result", ...summary });
    else this.out.emit(`\n${renderText(summary)}`, undefined);
    const markdown = renderMarkdown(summary);
    const targets: [string, (path: string, text: string) => Promise<void>][] = [];
    if (this.deps.env.GITHUB_STEP_SUMMARY) targets.push([this.deps.env.GITHUB_STEP_SUMMARY, this.deps.appendFile]);
    if (this.options.summaryFile) targets.push([this.options.summaryFile, this.deps.writeFile]);
    for (const [path, write] of targets) {
      try {
        await write(path, `${markdown}\n`);
      } catch (error) {
        this.out.error(`warning: could not write the summary to ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return exitCode;
  }
}
