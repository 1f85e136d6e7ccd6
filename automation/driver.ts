import * as path from "node:path";
import { helpText, invocation, parseArgs, type CliOptions, type Command } from "./args";
import { destructiveStepsInPlan } from "./changes";
import { classifyFailure, unreachableMessage } from "./classify";
import type { DriverDeps } from "./driver-deps";
import { ExitCode } from "./exit-codes";
import { guardRun } from "./guard";
import { keptValues } from "./keep-deployed";
import { Output } from "./output";
import { ProgressReporter, type ProgressMode } from "./progress";
import { ProjectError, protectKey, qualifyKey, readProject, setsDeletionProtection, stackConfigFile, type ProjectInfo } from "./project";
import { LockHandler, repairPendingOperations, retryPolicyFromEnv, Stop } from "./recovery";
import { RunReport } from "./report";
import { attempt, DEFAULT_UNREACHABLE_RETRY, lockRetryPolicy, type AttemptContext } from "./retry";
import type { ConfigEntry, DeployStack, OpMap, OperationOptions, OperationResult } from "./stack";
import { destructiveSentence, type Outcome } from "./summary";

/**
 * The CI driver's logic: parse, open the stack, guard, apply config, resolve what an interrupted update
 * left (recovery.ts), run the operation with bounded retries on a lock held by a running update and on an
 * unreachable API, report progress and a summary, and map the result to an exit code. Everything outside
 * the process (the stack, the clock, files, signals, other processes) comes in through `DriverDeps`, so
 * tests drive every path with a fake and `cli.ts` wires the real thing. The guards live in guard.ts, the
 * retry loop in retry.ts, and the outputs and summary in report.ts.
 */

export type { DriverDeps } from "./driver-deps";
export { isProductionStack } from "./guard";
export { DEFAULT_LOCK_RETRY, DEFAULT_UNREACHABLE_RETRY, lockRetryPolicy, type LockRetryPolicy } from "./retry";

/** True when an op map holds any change (anything but same/read/refresh). */
export function hasChanges(changes: OpMap | undefined): boolean {
  return Object.entries(changes ?? {}).some(([op, n]) => !["same", "read", "refresh"].includes(op) && (n ?? 0) > 0);
}

/** Runs the CLI; resolves with the process exit code. */
export async function runCli(argv: readonly string[], deps: DriverDeps): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === "help") {
    deps.stdout(helpText(parsed.command));
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
// Commands that must leave the stack's config file as they found it: a preview (the first one creates
// the stack and writes its encryption salt; --config and kept digests are for this run only) and drift.
const READ_ONLY: readonly Command[] = ["preview", "drift"];

class Run {
  private readonly out: Output;
  private readonly progress: ProgressReporter;
  private readonly startedAt: number;
  private readonly abort = new AbortController();
  private readonly report: RunReport;
  private readonly attempts: AttemptContext;
  private locks: LockHandler | undefined;
  private production = false;
  private stack: DeployStack | undefined;
  private project: ProjectInfo | undefined;
  /** The stack's config file as it was before a read-only command ([path, text or undefined]). */
  private configFileBefore: [string, string | undefined] | undefined;
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
    this.progress = new ProgressReporter(this.out, deps.now, this.startedAt, options.diff);
    this.report = new RunReport(options, deps, this.out, this.progress, this.startedAt);
    this.attempts = {
      out: this.out,
      progress: this.progress,
      unreachableRetry: retryPolicyFromEnv(deps.env, "DEPLOY_UNREACHABLE", deps.unreachableRetry ?? DEFAULT_UNREACHABLE_RETRY),
      locks: () => this.locks,
      interrupted: () => this.interrupted,
      checkInterrupted: () => this.checkInterrupted(),
      sleep: (ms) => this.deps.sleep(ms, this.abort.signal),
    };
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
      await this.restoreConfigFile();
      stopHeartbeat();
      stopListening();
    }
  }

  /** Puts a read-only command's stack config file back as it was (or removes the one it created). */
  private async restoreConfigFile(): Promise<void> {
    if (!this.configFileBefore) return;
    const [file, before] = this.configFileBefore;
    try {
      const now = await this.deps.readFile(file);
      if (now === before) return;
      if (before === undefined) await this.deps.removeFile(file);
      else await this.deps.writeFile(file, before);
    } catch (error) {
      this.out.error(`warning: could not restore ${file}: ${error instanceof Error ? error.message : String(error)}`);
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
    let project: ProjectInfo;
    try {
      project = await readProject(workDir, this.deps.readFile);
    } catch (error) {
      if (!(error instanceof ProjectError)) throw error;
      this.out.emit(`${command} on stack ${stackName}`, { event: "start", command, stack: stackName, workDir });
      throw new Stop("invalid", ExitCode.Usage, error.message);
    }
    this.project = project;
    this.out.emit(`${project.name}: ${command} on stack ${stackName}`, { event: "start", command, stack: stackName, project: project.name, workDir });
    if (READ_ONLY.includes(command)) {
      const file = stackConfigFile(project, stackName);
      this.configFileBefore = [file, await this.deps.readFile(file)];
    }

    const stack = await this.deps.stacks.open({ stackName, workDir, create: this.options.createStack });
    this.stack = stack;
    this.checkInterrupted();

    const config = await stack.getAllConfig();
    this.out.addSecrets(Object.values(config).filter((e) => e.secret).map((e) => e.value));
    const storedProtect = config[protectKey(project.name)]?.value === "true";
    const cluster = config[`${project.name}:cluster`]?.value;
    const guarded = guardRun(this.options, project.name, storedProtect, setsDeletionProtection(cluster, false), setsDeletionProtection(cluster, true));
    this.production = guarded.production;
    if (guarded.warning !== undefined) this.out.error(guarded.warning);
    this.locks = new LockHandler({
      invocation: invocation(this.deps.env),
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
    await this.keepDeployed(stack, config);
    await this.applyConfig(stack);
    this.checkInterrupted();
    if (command === "outputs") return this.report.printOutputs(stack);

    await repairPendingOperations({
      invocation: invocation(this.deps.env),
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

    const o = this.options;
    const scope: Partial<OperationOptions> = {
      ...(o.targets.length > 0 ? { target: o.targets, ...(o.targetDependents ? { targetDependents: true } : {}) } : {}),
      ...(o.message !== undefined ? { message: o.message } : {}),
      ...(o.expectNoChanges ? { expectNoChanges: true } : {}),
    };
    // The CLI runs in the project directory: a relative plan path means the one here.
    const planFile = o.plan === undefined ? undefined : path.resolve(o.plan);
    const update: Partial<OperationOptions> = { ...scope, ...(o.replace.length > 0 ? { replace: o.replace } : {}), ...(planFile !== undefined ? { plan: planFile } : {}) };
    switch (command) {
      case "drift":
        return this.drift(stack);
      case "preview": {
        const result = await this.operation("preview", "plan", (op) => stack.preview(op), update);
        const changed = hasChanges(result.changeSummary) || this.progress.resources().length > 0;
        await this.report.writeGithubValues({ "has-changes": String(changed) });
        this.checkPlanned("preview");
        if (o.expectNoChanges && changed) throw new Stop("changes", ExitCode.Changes, "changes were found where none were expected (--expect-no-changes)");
        return this.finish("succeeded", ExitCode.Success);
      }
      case "up":
        if (planFile !== undefined) await this.checkSavedPlan(planFile);
        await this.operation("up", "apply", (op) => stack.up(op), update);
        await this.report.writeGithubOutputs(stack);
        return this.finish("succeeded", ExitCode.Success);
      case "refresh":
        await this.operation("refresh", "apply", (op) => stack.refresh(op), scope);
        return this.finish("succeeded", ExitCode.Success);
      case "destroy": {
        const { expectNoChanges: _ignored, ...destroyScope } = scope;
        await this.operation("destroy", "apply", (op) => stack.destroy(op), destroyScope);
        return this.finish("succeeded", ExitCode.Success);
      }
    }
  }

  /**
   * After a plan: a preview that could not reach a cluster planned without it (every object "new"), so
   * it is no answer (exit 6); one that would replace or delete a stateful resource stops (exit 5) unless
   * --allow-destructive.
   */
  private checkPlanned(phase: string): void {
    const unreachable = unreachableMessage("", this.progress.warningMessages());
    if (unreachable !== undefined) {
      const warning = `the ${phase} could not reach a cluster it reads, so it planned without its state (objects that exist show as new): ${unreachable}`;
      this.report.warnings.push(warning);
      throw new Stop("unreachable", ExitCode.Unreachable, warning);
    }
    const destructive = this.progress.destructive();
    if (destructive.length > 0 && !this.options.allowDestructive && this.options.command !== "drift") {
      throw new Stop("destructive", ExitCode.Destructive, `${destructiveSentence(destructive)}\n(pass --allow-destructive if that is intended)`);
    }
  }

  /** `up --plan`: the plan must exist, and replace or delete no stateful resource unless --allow-destructive. */
  private async checkSavedPlan(file: string): Promise<void> {
    const text = await this.deps.readFile(file);
    if (text === undefined) throw new Stop("invalid", ExitCode.Usage, `no plan file ${file} (save one with preview --plan ${file})`);
    let steps: ReturnType<typeof destructiveStepsInPlan>;
    try {
      steps = destructiveStepsInPlan(text);
    } catch (error) {
      throw new Stop("invalid", ExitCode.Usage, `${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.report.planDestructive = steps.map((d) => ({ phase: "plan", ...d }));
    if (steps.length > 0 && !this.options.allowDestructive) {
      throw new Stop("destructive", ExitCode.Destructive, `the plan ${file} holds ${destructiveSentence(this.report.planDestructive)}\n(pass --allow-destructive if that is intended)`);
    }
  }

  /** `--keep-deployed`: the image digests the last successful update ran, where the config names the same images. */
  private async keepDeployed(stack: DeployStack, config: Record<string, ConfigEntry>): Promise<void> {
    const patterns = this.options.keepDeployed;
    if (patterns.length === 0) return;
    const project = this.project?.name ?? "";
    const deployed = await this.retrying(() => stack.lastDeployedConfig());
    if (!deployed) {
      this.out.emit("keep-deployed: the stack has no successful update yet; the config is used as it is", { event: "keep-deployed", kept: [] });
      return;
    }
    const explicit = new Set(this.options.config.map((c) => qualifyKey(project, c.key)));
    const kept = keptValues(patterns, project, config, deployed, explicit);
    for (const k of kept) {
      try {
        await stack.setConfig(k.key, { value: k.value, secret: false }, true);
      } catch (error) {
        throw new Stop("invalid", ExitCode.Usage, `could not set config ${k.key}: ${error instanceof Error ? error.message : String(error)}`);
      }
      this.out.emit(`config: ${k.key} = ${k.value} (kept: the last deploy's digest of ${k.configured})`, { event: "config", key: k.key, secret: false, value: k.value, kept: true, configured: k.configured });
    }
    if (kept.length === 0) this.out.emit(`keep-deployed: nothing to keep for ${patterns.join(", ")}`, { event: "keep-deployed", kept: [] });
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
    return attempt(
      this.attempts,
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
    return attempt(this.attempts, fn, () => undefined, false);
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
        this.checkPlanned("drift");
        if (hasChanges(result.changeSummary)) found.push(`${phase}: ${what}`);
      } catch (error) {
        if (this.interrupted || error instanceof Stop) throw error;
        const { code } = classifyFailure(error, this.progress.errorMessages());
        if (code !== ExitCode.Changes) throw error;
        found.push(`${phase}: ${what}`);
      }
    }
    await this.report.writeGithubValues({ "has-changes": String(found.length > 0) });
    if (found.length > 0) return this.finish("changes", ExitCode.Changes, `drift detected:\n${found.join("\n")}`);
    return this.finish("no changes", ExitCode.Success);
  }

  private async finish(outcome: Outcome, exitCode: ExitCode, reason?: string): Promise<number> {
    await this.cancelling;
    return this.report.finish(outcome, exitCode, reason);
  }
}
