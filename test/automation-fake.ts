/**
 * A scripted fake of the driver's stack interface, plus a harness that runs the CLI against it with a
 * fake clock, captured output and files, and signals the test can raise.
 */
import type { EngineEvent, OpMap } from "@pulumi/pulumi/automation";
import { runCli, type DriverDeps } from "../automation/driver";
import type { LockHolder } from "../automation/locks";
import type { ExportedState } from "../automation/pending";
import type { ConfigEntry, DeployStack, OpenStackRequest, OperationOptions, OperationResult, StackFactory, StackOutputs } from "../automation/stack";

export type OperationName = "preview" | "up" | "refresh" | "previewRefresh" | "destroy";

/** What a scripted operation can do: emit events, move the clock, raise a signal, return or throw. */
export interface ScriptContext {
  options: OperationOptions;
  emit: (event: Partial<EngineEvent>) => void;
  advance: (seconds: number) => void;
  interrupt: (signal?: string) => void;
  /** Resolves when the operation's abort signal fires (as the real CLI stops on SIGINT). */
  aborted: () => Promise<void>;
}
export type Script = (ctx: ScriptContext) => Promise<OpMap> | OpMap;

const PROJECT = "eks-search-platform";

export const urn = (type: string, name: string, stack = "dev") => `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;

/** Engine-event builders. */
export const ev = {
  pre: (op: string, type: string, name: string): Partial<EngineEvent> => ({ resourcePreEvent: { metadata: { op, urn: urn(type, name), type, provider: "" } as never } }),
  outputs: (op: string, type: string, name: string, extra: Record<string, unknown> = {}): Partial<EngineEvent> => ({
    resOutputsEvent: { metadata: { op, urn: urn(type, name), type, provider: "", new: { urn: urn(type, name) }, ...extra } as never },
  }),
  failed: (op: string, type: string, name: string): Partial<EngineEvent> => ({ resOpFailedEvent: { metadata: { op, urn: urn(type, name), type, provider: "" } as never, status: 1, steps: 0 } }),
  diag: (severity: "info" | "info#err" | "warning" | "error", message: string, on?: [string, string]): Partial<EngineEvent> => ({
    diagnosticEvent: { severity, message, color: "never", ...(on ? { urn: urn(on[0], on[1]) } : {}) },
  }),
  summary: (resourceChanges: OpMap, durationSeconds = 1): Partial<EngineEvent> => ({ summaryEvent: { maybeCorrupt: false, durationSeconds, resourceChanges, policyPacks: {} } }),
};

export class FakeStack implements DeployStack {
  readonly calls: string[] = [];
  readonly setConfigCalls: { key: string; entry: ConfigEntry; path: boolean }[] = [];
  readonly operationOptions: Partial<Record<OperationName, OperationOptions[]>> = {};
  scripts: Partial<Record<OperationName, Script | Script[]>> = {};
  outputsValue: StackOutputs = {};
  /** The config of the last successful update, as the stack's history holds it. */
  deployedConfig: Record<string, ConfigEntry> | undefined;
  cancelError: Error | undefined;
  harness!: Harness;
  /** The stack's state as `exportState` returns it; refreshes and `importState` change it as the engine would. */
  state: ExportedState = { version: 3, deployment: { resources: [], pending_operations: [] } };
  readonly imported: ExportedState[] = [];
  exports = 0;
  /** Who holds the lock, per locked-stack error (the CLI's message is passed in). */
  holders: (message: string) => LockHolder[] = () => [];
  readonly removedLocks: LockHolder[] = [];

  constructor(
    readonly name: string,
    public config: Record<string, ConfigEntry> = {},
  ) {}

  getAllConfig(): Promise<Record<string, ConfigEntry>> {
    this.calls.push("getAllConfig");
    return Promise.resolve({ ...this.config });
  }

  setConfig(key: string, entry: ConfigEntry, path: boolean): Promise<void> {
    this.calls.push(`setConfig ${key}`);
    this.setConfigCalls.push({ key, entry, path });
    return Promise.resolve();
  }

  private async run(op: OperationName, options: OperationOptions): Promise<OperationResult> {
    this.calls.push(op);
    (this.operationOptions[op] ??= []).push(options);
    const scripted = this.scripts[op];
    const script = Array.isArray(scripted) ? scripted.shift() : scripted;
    if (!script) {
      if (op === "refresh") this.refreshState(options);
      return { changeSummary: { same: 1 } };
    }
    let sequence = 0;
    const ctx: ScriptContext = {
      options,
      emit: (event) => options.onEvent({ sequence: sequence++, timestamp: 0, ...event }),
      advance: (s) => this.harness.advance(s),
      interrupt: (signal = "SIGINT") => this.harness.interrupt(signal),
      aborted: () => new Promise<void>((resolve) => (options.signal.aborted ? resolve() : options.signal.addEventListener("abort", () => resolve()))),
    };
    return { changeSummary: await script(ctx) };
  }

  /** What a refresh's state write does to pending operations: keeps only creates, unless told to clear them. */
  private refreshState(o: OperationOptions): void {
    const pending = this.state.deployment.pending_operations ?? [];
    this.state = { ...this.state, deployment: { ...this.state.deployment, pending_operations: o.clearPendingCreates ? [] : pending.filter((p) => p.type === "creating") } };
  }

  exportState(): Promise<ExportedState> {
    this.exports++;
    return Promise.resolve(structuredClone(this.state));
  }

  importState(state: ExportedState): Promise<void> {
    this.calls.push("importState");
    this.imported.push(structuredClone(state));
    this.state = structuredClone(state);
    return Promise.resolve();
  }

  lockHolders(message: string): Promise<LockHolder[]> {
    return Promise.resolve(this.holders(message));
  }

  removeLock(holder: LockHolder): Promise<void> {
    this.calls.push("removeLock");
    this.removedLocks.push(holder);
    return Promise.resolve();
  }

  preview(o: OperationOptions) {
    return this.run("preview", o);
  }
  up(o: OperationOptions) {
    return this.run("up", o);
  }
  refresh(o: OperationOptions) {
    return this.run("refresh", o);
  }
  previewRefresh(o: OperationOptions) {
    return this.run("previewRefresh", o);
  }
  destroy(o: OperationOptions) {
    return this.run("destroy", o);
  }

  outputs(): Promise<StackOutputs> {
    this.calls.push("outputs");
    return Promise.resolve(this.outputsValue);
  }

  lastDeployedConfig(): Promise<Record<string, ConfigEntry> | undefined> {
    this.calls.push("lastDeployedConfig");
    return Promise.resolve(this.deployedConfig && structuredClone(this.deployedConfig));
  }

  cancel(): Promise<void> {
    this.calls.push("cancel");
    return this.cancelError ? Promise.reject(this.cancelError) : Promise.resolve();
  }
}

export class Harness {
  stdout = "";
  stderr = "";
  files = new Map<string, string>();
  clock = 1_000_000;
  sleeps: number[] = [];
  opened: OpenStackRequest[] = [];
  openError: Error | undefined;
  env: Record<string, string | undefined> = {};
  /** The fake machine: its hostname and running processes (PID → start time in ms, or undefined if unknown). */
  hostname = "ci-host";
  processes = new Map<number, number | undefined>();
  private interruptHandler: ((signal: string) => void) | undefined;
  private ticks: (() => void)[] = [];

  constructor(readonly stack: FakeStack) {
    stack.harness = this;
    this.files.set("/repo/Pulumi.yaml", `name: ${PROJECT}\nruntime: nodejs\n`);
  }

  advance(seconds: number): void {
    this.clock += seconds * 1000;
  }

  interrupt(signal = "SIGINT"): void {
    this.interruptHandler?.(signal);
  }

  /** Runs the interval callbacks (the heartbeat). */
  tick(): void {
    for (const t of this.ticks) t();
  }

  get listening(): boolean {
    return this.interruptHandler !== undefined;
  }

  /** Every byte the run printed or wrote to a file. */
  get everything(): string {
    return [this.stdout, this.stderr, ...this.files.values()].join("\n");
  }

  deps(): DriverDeps {
    const factory: StackFactory = {
      open: (request) => {
        this.opened.push(request);
        return this.openError ? Promise.reject(this.openError) : Promise.resolve(this.stack);
      },
    };
    return {
      stacks: factory,
      env: this.env,
      stdout: (t) => {
        this.stdout += t;
      },
      stderr: (t) => {
        this.stderr += t;
      },
      appendFile: (p, t) => {
        this.files.set(p, (this.files.get(p) ?? "") + t);
        return Promise.resolve();
      },
      writeFile: (p, t) => {
        this.files.set(p, t);
        return Promise.resolve();
      },
      readFile: (p) => Promise.resolve(this.files.get(p)),
      removeFile: (p) => {
        this.files.delete(p);
        return Promise.resolve();
      },
      now: () => this.clock,
      sleep: (ms) => {
        this.sleeps.push(ms);
        this.clock += ms;
        return Promise.resolve();
      },
      onInterrupt: (handler) => {
        this.interruptHandler = handler;
        return () => {
          this.interruptHandler = undefined;
        };
      },
      every: (_ms, tick) => {
        this.ticks.push(tick);
        return () => {
          this.ticks = this.ticks.filter((t) => t !== tick);
        };
      },
      defaultWorkDir: "/repo",
      probe: {
        hostname: () => this.hostname,
        processStartedAt: (pid) => (this.processes.has(pid) ? this.processes.get(pid) : null),
      },
    };
  }

  run(...argv: string[]): Promise<number> {
    return runCli(argv, this.deps());
  }

  /** The NDJSON records printed in --json mode (fails the test if any line is not JSON). */
  records(): Record<string, any>[] {
    return this.stdout
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Record<string, any>);
  }
}

/** A fake stack named `name` with its harness. */
export function setup(name = "dev", config: Record<string, ConfigEntry> = {}): { stack: FakeStack; h: Harness } {
  const stack = new FakeStack(name, config);
  return { stack, h: new Harness(stack) };
}
