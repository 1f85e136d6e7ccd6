import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  ConcurrentUpdateError,
  LocalWorkspace,
  PulumiCommand,
  StackNotFoundError,
  type LocalWorkspaceOptions,
  type Stack,
} from "@pulumi/pulumi/automation";
import { holderFromHistory, holderFromStackJson, isCloudLockMessage, parseDiyLocks, type LockHolder } from "./locks";
import type { ExportedState } from "./pending";
import {
  SetupError,
  StackLockedError,
  StackMissingError,
  type ConfigEntry,
  type DeployStack,
  type OpenStackRequest,
  type OperationOptions,
  type OperationResult,
  type StackFactory,
  type StackOutputs,
} from "./stack";

/**
 * The real `StackFactory`: LocalWorkspace over the project directory. The backend comes from the
 * environment (PULUMI_BACKEND_URL, or the CLI's login), secrets from PULUMI_CONFIG_PASSPHRASE when set.
 */

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Where the Pulumi CLI lives: PULUMI_CLI_ROOT (a directory holding bin/pulumi), PULUMI_COMMAND (the
 * binary itself, inside a bin/ directory), a CLI installed in $PULUMI_HOME/bin, or else `pulumi` on PATH
 * (undefined).
 */
export function pulumiCliRoot(env: Env, exists: (file: string) => boolean = fs.existsSync): string | undefined {
  if (env.PULUMI_CLI_ROOT) {
    const binary = path.join(env.PULUMI_CLI_ROOT, "bin", "pulumi");
    if (!exists(binary)) throw new SetupError(`PULUMI_CLI_ROOT=${env.PULUMI_CLI_ROOT} holds no bin/pulumi`);
    return path.resolve(env.PULUMI_CLI_ROOT);
  }
  if (env.PULUMI_COMMAND) {
    const binary = path.resolve(env.PULUMI_COMMAND);
    // PulumiCommand.get runs <root>/bin/pulumi, so the binary must sit in a bin/ directory.
    if (path.basename(binary) !== "pulumi" || path.basename(path.dirname(binary)) !== "bin") {
      throw new SetupError(`PULUMI_COMMAND must be a path ending in bin/pulumi (got ${env.PULUMI_COMMAND}); or set PULUMI_CLI_ROOT`);
    }
    if (!exists(binary)) throw new SetupError(`PULUMI_COMMAND=${env.PULUMI_COMMAND} does not exist`);
    return path.dirname(path.dirname(binary));
  }
  if (env.PULUMI_HOME && exists(path.join(env.PULUMI_HOME, "bin", "pulumi"))) return path.resolve(env.PULUMI_HOME);
  return undefined;
}

/** Workspace options from the environment (the CLI inherits the rest of the environment itself). */
export function workspaceOptions(env: Env, pulumiCommand?: PulumiCommand): LocalWorkspaceOptions {
  // Empty counts as unset: CI systems expand a missing secret to "" (and an empty passphrase protects nothing).
  const passphrase = Boolean(env.PULUMI_CONFIG_PASSPHRASE) || Boolean(env.PULUMI_CONFIG_PASSPHRASE_FILE);
  return {
    ...(passphrase ? { secretsProvider: "passphrase" } : {}),
    ...(pulumiCommand ? { pulumiCommand } : {}),
  };
}

/** The CLI's stderr when the error carries it (a CommandError), else the message. */
function cliMessage(error: unknown): string {
  const result = (error as { commandResult?: { stderr?: unknown; err?: unknown } } | undefined)?.commandResult;
  if (result && typeof result.stderr === "string" && result.stderr.trim() !== "") return result.stderr.trim();
  return error instanceof Error ? error.message : String(error);
}

/** Automation API errors → the driver's error types, keeping the CLI's own words. */
export function translateError(error: unknown): Error {
  if (error instanceof ConcurrentUpdateError) return new StackLockedError(cliMessage(error));
  if (error instanceof StackNotFoundError) return new StackMissingError(`${cliMessage(error)}\n(pass --create-stack to preview or up to create it)`);
  if (error instanceof Error) {
    const message = cliMessage(error);
    if (message === error.message) return error;
    const translated = new Error(message);
    translated.name = error.name;
    return translated;
  }
  return new Error(String(error));
}

async function translated<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw translateError(error);
  }
}

function automationOptions(o: OperationOptions) {
  return {
    onEvent: o.onEvent,
    signal: o.signal,
    color: "never" as const,
    ...(o.expectNoChanges ? { expectNoChanges: true } : {}),
    ...(o.refresh ? { refresh: true } : {}),
    ...(o.message !== undefined ? { message: o.message } : {}),
    ...(o.target && o.target.length > 0 ? { target: o.target, ...(o.targetDependents ? { targetDependents: true } : {}) } : {}),
  };
}

/** preview and up also take --replace and --plan (save at preview, apply at up). */
function updateOptions(o: OperationOptions) {
  return {
    ...automationOptions(o),
    ...(o.replace && o.replace.length > 0 ? { replace: o.replace } : {}),
    ...(o.plan !== undefined ? { plan: o.plan } : {}),
  };
}

/** A history config value as text: objects (path-set keys) come as JSON text or as an object. */
function configText(v: { value?: unknown; objectValue?: unknown }): string {
  if (typeof v.value === "string") return v.value;
  const raw = v.objectValue ?? v.value;
  return raw === undefined ? "" : JSON.stringify(raw);
}

/** Runs the CLI the workspace uses, for the commands the Automation API lacks or gets wrong for us. */
export type CliRunner = (args: string[]) => Promise<string>;

export function cliRunner(command: string, cwd: string, env: Env): CliRunner {
  return (args) =>
    new Promise((resolve, reject) => {
      execFile(command, [...args, "--non-interactive"], { cwd, env: { ...env }, maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`pulumi ${args.join(" ")}: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      });
    });
}

interface DiyLockFile {
  pid?: number;
  username?: string;
  hostname?: string;
  timestamp?: string;
}

/** A file:// lock as the file says now; undefined when it is gone. */
function readFileLock(holder: LockHolder): LockHolder | undefined {
  let file: string;
  try {
    file = fileURLToPath(holder.location ?? "");
  } catch {
    return holder;
  }
  let content: DiyLockFile;
  try {
    content = JSON.parse(fs.readFileSync(file, "utf8")) as DiyLockFile;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? undefined : holder;
  }
  const since = content.timestamp ? Date.parse(content.timestamp) : NaN;
  return {
    ...holder,
    ...(content.pid !== undefined ? { pid: content.pid } : {}),
    ...(content.username ? { user: content.username } : {}),
    ...(content.hostname ? { host: content.hostname } : {}),
    ...(Number.isNaN(since) ? {} : { since }),
  };
}

/** A real stack behind the driver's narrow interface. */
export class LocalDeployStack implements DeployStack {
  constructor(
    private readonly stack: Stack,
    private readonly cli: CliRunner,
  ) {}

  get name(): string {
    return this.stack.name;
  }

  getAllConfig(): Promise<Record<string, ConfigEntry>> {
    return translated(async () => {
      const all = await this.stack.getAllConfig();
      return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, { value: v.value, secret: v.secret === true }]));
    });
  }

  setConfig(key: string, entry: ConfigEntry, usePath: boolean): Promise<void> {
    return translated(() => this.stack.setConfig(key, entry, usePath));
  }

  preview(o: OperationOptions): Promise<OperationResult> {
    const { message: _ignored, ...rest } = updateOptions(o);
    return translated(async () => ({ changeSummary: (await this.stack.preview(rest)).changeSummary }));
  }

  up(o: OperationOptions): Promise<OperationResult> {
    return translated(async () => ({ changeSummary: (await this.stack.up(updateOptions(o))).summary.resourceChanges ?? {} }));
  }

  refresh(o: OperationOptions): Promise<OperationResult> {
    const { refresh: _ignored, ...rest } = automationOptions(o);
    const scope = o.clearPendingCreates ? { clearPendingCreates: true } : {};
    return translated(async () => ({ changeSummary: (await this.stack.refresh({ ...rest, ...scope })).summary.resourceChanges ?? {} }));
  }

  previewRefresh(o: OperationOptions): Promise<OperationResult> {
    const { refresh: _ignored, ...rest } = automationOptions(o);
    return translated(async () => ({ changeSummary: (await this.stack.previewRefresh(rest)).changeSummary }));
  }

  destroy(o: OperationOptions): Promise<OperationResult> {
    const { expectNoChanges: _ignored, ...rest } = automationOptions(o);
    return translated(async () => ({ changeSummary: (await this.stack.destroy(rest)).summary.resourceChanges ?? {} }));
  }

  outputs(): Promise<StackOutputs> {
    return translated(async () => {
      const all = await this.stack.outputs();
      return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, { value: v.value as unknown, secret: v.secret }]));
    });
  }

  cancel(): Promise<void> {
    return translated(() => this.stack.cancel());
  }

  // The stack's update history keeps each update's config, in the backend (file, bucket or Cloud):
  // what the last deploy really ran with, whatever the runner's checkout held.
  lastDeployedConfig(): Promise<Record<string, ConfigEntry> | undefined> {
    return translated(async () => {
      const history = await this.stack.history(50, 1, false);
      const last = history.find((u) => u.kind === "update" && u.result === "succeeded");
      if (!last) return undefined;
      return Object.fromEntries(Object.entries(last.config ?? {}).map(([k, v]) => [k, { value: configText(v), secret: v.secret === true }]));
    });
  }

  // Not the Automation API's exportStack/importStack: those pass --show-secrets and write the state,
  // secrets in clear, to a world-readable temp file. This state keeps its secrets encrypted.
  async exportState(): Promise<ExportedState> {
    return JSON.parse(await this.cli(["stack", "export", "--stack", this.stack.name])) as ExportedState;
  }

  async importState(state: ExportedState): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-state-"));
    const file = path.join(dir, "state.json");
    try {
      fs.writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
      await this.cli(["stack", "import", "--file", file, "--stack", this.stack.name]).catch((error: unknown) => {
        throw translateError(error);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  async lockHolders(lockedMessage: string): Promise<LockHolder[]> {
    if (!isCloudLockMessage(lockedMessage)) {
      return parseDiyLocks(lockedMessage)
        .map((h) => (h.location?.startsWith("file://") ? readFileLock(h) : h))
        .filter((h): h is LockHolder => h !== undefined);
    }
    try {
      const holder = holderFromStackJson(await this.cli(["stack", "--output", "json", "--stack", this.stack.name]));
      return holder ? [holder] : [];
    } catch {
      // An older CLI without `stack --output json`: the history shows the update in progress, if any.
      try {
        const holder = holderFromHistory(await this.cli(["stack", "history", "--json", "--page-size", "5", "--stack", this.stack.name]));
        if (holder) return [holder];
      } catch {
        // fall through: a holder the driver cannot describe
      }
      return [{ backend: "cloud" }];
    }
  }

  async removeLock(holder: LockHolder): Promise<void> {
    if (holder.location?.startsWith("file://")) {
      const file = fileURLToPath(holder.location);
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}.attrs`, { force: true }); // the bucket library's metadata sidecar
      return;
    }
    await this.cancel();
  }
}

/** Opens stacks of the project in `workDir` with LocalWorkspace. */
export class LocalStackFactory implements StackFactory {
  constructor(private readonly env: Env) {}

  async open({ stackName, workDir, create }: OpenStackRequest): Promise<DeployStack> {
    if (!fs.existsSync(path.join(workDir, "Pulumi.yaml")) && !fs.existsSync(path.join(workDir, "Pulumi.yml"))) {
      throw new SetupError(`no Pulumi.yaml project file in ${workDir}`);
    }
    const root = pulumiCliRoot(this.env);
    const pulumiCommand = await translated(() => PulumiCommand.get(root ? { root } : {})).catch((error: unknown) => {
      throw new SetupError(`cannot run the Pulumi CLI (${root ? `${root}/bin/pulumi` : "pulumi on PATH"}): ${error instanceof Error ? error.message : String(error)}`);
    });
    const options = workspaceOptions(this.env, pulumiCommand);
    const stack = await translated(() =>
      create ? LocalWorkspace.createOrSelectStack({ stackName, workDir }, options) : LocalWorkspace.selectStack({ stackName, workDir }, options),
    );
    return new LocalDeployStack(stack, cliRunner(pulumiCommand.command, workDir, { ...process.env, ...this.env }));
  }
}
