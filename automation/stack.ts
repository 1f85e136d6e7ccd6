import type { EngineEvent, OpMap } from "@pulumi/pulumi/automation";
import type { LockHolder } from "./locks";
import type { ExportedState } from "./pending";

/**
 * The narrow slice of the Automation API the driver uses. `local.ts` adapts LocalWorkspace/Stack to it;
 * unit tests drive the whole CLI with a fake. Keep it small: every method here is one a fake must mimic.
 */

export type { EngineEvent, OpMap };

/** One stored config value, as `pulumi config --json --show-secrets` reports it. */
export interface ConfigEntry {
  value: string;
  secret: boolean;
}

/** Stack outputs from the last update. */
export type StackOutputs = Record<string, { value: unknown; secret: boolean }>;

/** What every operation receives. */
export interface OperationOptions {
  /** Engine events, as they happen. */
  onEvent: (event: EngineEvent) => void;
  /** Aborts the running CLI (it receives SIGINT and stops gracefully). */
  signal: AbortSignal;
  /** Fail when the operation would change anything (drift checks). */
  expectNoChanges?: boolean;
  /** Refresh state before the operation. */
  refresh?: boolean;
  /** Operate on these URNs only. */
  target?: string[];
  /** With `target`: their dependents too. */
  targetDependents?: boolean;
  /** preview and up: replace these URNs. */
  replace?: string[];
  /** preview: save the update plan to this file; up: apply the plan in this file. */
  plan?: string;
  /** The update's message (up, refresh, destroy). */
  message?: string;
  /** refresh only: drop pending creates from the state (`--clear-pending-creates`). */
  clearPendingCreates?: boolean;
}

/** The part of an operation's result the driver reads. */
export interface OperationResult {
  /** Counts by operation, e.g. `{ create: 3, same: 40 }`. */
  changeSummary: OpMap;
}

/** A selected stack of this project. */
export interface DeployStack {
  readonly name: string;
  /** Every config value of the stack, secrets decrypted (the driver learns them to redact them). */
  getAllConfig(): Promise<Record<string, ConfigEntry>>;
  /** `pulumi config set [--secret] --path <key> <value>`. */
  setConfig(key: string, entry: ConfigEntry, path: boolean): Promise<void>;
  preview(options: OperationOptions): Promise<OperationResult>;
  up(options: OperationOptions): Promise<OperationResult>;
  refresh(options: OperationOptions): Promise<OperationResult>;
  /** `refresh --preview-only`: a drift check that writes no state. */
  previewRefresh(options: OperationOptions): Promise<OperationResult>;
  destroy(options: OperationOptions): Promise<OperationResult>;
  outputs(): Promise<StackOutputs>;
  /** The config of the newest update that succeeded (secrets not decrypted), or undefined when there is none. */
  lastDeployedConfig(): Promise<Record<string, ConfigEntry> | undefined>;
  /** `pulumi cancel`: stops the stack's running update and releases its lock. */
  cancel(): Promise<void>;
  /** `pulumi stack export` (secrets stay encrypted). */
  exportState(): Promise<ExportedState>;
  /** `pulumi stack import` of a state read with `exportState` (takes the stack's lock). */
  importState(state: ExportedState): Promise<void>;
  /** Who holds the stack's lock, given the CLI's locked-stack error (see locks.ts). */
  lockHolders(lockedMessage: string): Promise<LockHolder[]>;
  /** Removes one lock: its file on a file:// backend, else every lock (`pulumi cancel`). */
  removeLock(holder: LockHolder): Promise<void>;
}

export interface OpenStackRequest {
  stackName: string;
  /** The Pulumi project directory. */
  workDir: string;
  /** Create the stack when it does not exist (`--create-stack`); otherwise select it or fail. */
  create: boolean;
}

/** Opens stacks; the real one is `LocalStackFactory` in local.ts. */
export interface StackFactory {
  open(request: OpenStackRequest): Promise<DeployStack>;
}

/** The stack is locked by another update (the Automation API's ConcurrentUpdateError). */
export class StackLockedError extends Error {
  override readonly name = "StackLockedError";
}

/** The stack does not exist in the backend (the Automation API's StackNotFoundError). */
export class StackMissingError extends Error {
  override readonly name = "StackMissingError";
}

/** A setup problem the user must fix: no CLI, a bad PULUMI_COMMAND, an unreadable project. */
export class SetupError extends Error {
  override readonly name = "SetupError";
}
