import { formatDuration } from "./summary";

/**
 * Who holds a stack's lock, and whether that holder provably no longer exists.
 *
 * File (DIY) backends: the CLI keeps one JSON file per running update under
 * `<backend>/.pulumi/locks/<org>/<project>/<stack>/<uuid>.json` holding `{pid, username, hostname,
 * timestamp}`, and when a second update finds one it fails at once, listing every lock as
 * `  <lock url>: created by <user>@<host> (pid <pid>) at <RFC 3339 time>` (pkg/backend/diy/lock.go).
 * The file itself is `{"pid":27324,"username":"root","hostname":"vm","timestamp":"2026-12-01T23:16:35.275242516Z"}`
 * (3.274.0, checked), next to a `.json.attrs` sidecar of the bucket library.
 * That list is parsed here, so the driver needs no bucket access of its own for s3://, gs:// or
 * azblob:// backends either.
 *
 * Pulumi Cloud: the service grants one update lease per stack and answers `[409] Conflict: Another
 * update is currently in progress`. `pulumi stack --output json` reports the running operation
 * (`currentOperation: {kind, author, started}`, from the service's GetStack); `pulumi stack history
 * --json` is the fallback (the newest update with `result: "in-progress"`). Neither says where it runs,
 * so a Cloud lock is never provably stale.
 *
 * Only a lock written on this host by a process that is gone (or whose PID now belongs to a process
 * started after the lock) is "dead". A live process on this host is "alive". Everything else is
 * "unknown": the driver fails fast and prints the command that clears it.
 */

export interface LockHolder {
  backend: "diy" | "cloud";
  /** The lock file's URL (DIY) or the stack's console URL (Cloud), when known. */
  location?: string;
  user?: string;
  host?: string;
  pid?: number;
  /** When the lock was taken (ms since the epoch). */
  since?: number;
  /** Cloud: the kind of operation holding the lease (update, refresh, destroy, ...). */
  operation?: string;
  /** Cloud: where the update came from (CI build URL, commit), when the history says. */
  origin?: string;
}

export type Liveness = "dead" | "alive" | "unknown";

export interface JudgedLock {
  holder: LockHolder;
  liveness: Liveness;
  /** One clause saying how the verdict was reached. */
  why: string;
}

/** What the driver can observe about processes on its own machine. */
export interface ProcessProbe {
  /** This machine's hostname (`os.hostname()`). */
  hostname(): string;
  /**
   * `null` when no process has this PID; otherwise when it started (ms since the epoch), or
   * `undefined` when it exists but its start time cannot be read.
   */
  processStartedAt(pid: number): number | null | undefined;
}

// `  file:///state/.pulumi/locks/organization/p/dev/5c1e….json?no_tmp_dir=true: created by root@vm (pid 12794) at 2026-05-02T21:10:05Z`
// (the CLI prints the bucket URL's query after the key: file:// backends add ?no_tmp_dir=true).
const DIY_LOCK_LINE = /^\s*(\S+?\.json)(?:\?\S*)?: created by (.*)@([^@\s]+) \(pid (\d+)\) at (\S+)\s*$/;

/** Every lock listed in a DIY backend's "the stack is currently locked by N lock(s)" error. */
export function parseDiyLocks(message: string): LockHolder[] {
  const holders: LockHolder[] = [];
  for (const line of message.split(/\r?\n/)) {
    const m = DIY_LOCK_LINE.exec(line);
    if (!m) continue;
    const since = Date.parse(m[5]);
    holders.push({ backend: "diy", location: m[1], user: m[2], host: m[3], pid: Number(m[4]), ...(Number.isNaN(since) ? {} : { since }) });
  }
  return holders;
}

/** True when the locked-stack error came from Pulumi Cloud (an update lease), not a DIY lock file. */
export function isCloudLockMessage(message: string): boolean {
  return /\[409\] Conflict: Another update is currently in progress/.test(message);
}

interface StackJson {
  organization?: string;
  project?: string;
  stack?: string;
  activeUpdate?: string;
  currentOperation?: { kind?: string; author?: string; started?: string };
  consoleUrl?: string;
}

/** The holder from `pulumi stack --output json` on Pulumi Cloud; undefined when no operation runs. */
export function holderFromStackJson(text: string): LockHolder | undefined {
  const json = JSON.parse(text) as StackJson;
  const op = json.currentOperation;
  if (!op) return undefined;
  const since = op.started ? Date.parse(op.started) : NaN;
  return {
    backend: "cloud",
    ...(json.consoleUrl ? { location: json.consoleUrl } : {}),
    ...(op.author ? { user: op.author } : {}),
    ...(op.kind ? { operation: op.kind } : {}),
    ...(Number.isNaN(since) ? {} : { since }),
  };
}

interface HistoryEntry {
  kind?: string;
  startTime?: string;
  result?: string;
  environment?: Record<string, string>;
}

/** The holder from `pulumi stack history --json` (newest first): the update still in progress, if any. */
export function holderFromHistory(text: string): LockHolder | undefined {
  const entries = JSON.parse(text) as HistoryEntry[];
  const running = entries.find((e) => e.result === "in-progress" || e.result === "not-started");
  if (!running) return undefined;
  const env = running.environment ?? {};
  const since = running.startTime ? Date.parse(running.startTime) : NaN;
  const origin = [env["ci.build.url"] ?? (env["ci.system"] ? `${env["ci.system"]} build ${env["ci.build.id"] ?? "?"}` : undefined), env["git.head"] ? `commit ${env["git.head"].slice(0, 12)}` : undefined]
    .filter((s): s is string => s !== undefined)
    .join(", ");
  const user = env["git.committer"] ?? env["git.author"];
  return {
    backend: "cloud",
    ...(running.kind ? { operation: running.kind } : {}),
    ...(user ? { user } : {}),
    ...(origin ? { origin } : {}),
    ...(Number.isNaN(since) ? {} : { since }),
  };
}

// A start time computed from boot time + jiffies drifts with every clock adjustment since boot; a reused
// PID is usually minutes or hours younger than the lock. Only a clear gap proves reuse.
const START_TOLERANCE_MS = 60_000;

/** Dead, alive or unknown, from what this machine can observe. Errs towards alive: stealing a live lock is far worse than keeping a stale one. */
export function judgeLock(holder: LockHolder, probe: ProcessProbe): JudgedLock {
  if (holder.backend === "cloud") return { holder, liveness: "unknown", why: "Pulumi Cloud does not say where an update runs" };
  if (holder.pid === undefined || holder.host === undefined) return { holder, liveness: "unknown", why: "the lock names no process" };
  const here = probe.hostname();
  if (holder.host !== here) return { holder, liveness: "unknown", why: `it was taken on another host (${holder.host}; this is ${here})` };
  const started = probe.processStartedAt(holder.pid);
  if (started === null) return { holder, liveness: "dead", why: `no process ${holder.pid} runs on this host` };
  if (started !== undefined && holder.since !== undefined && started > holder.since + START_TOLERANCE_MS) {
    return { holder, liveness: "dead", why: `PID ${holder.pid} now belongs to a process started after the lock was taken` };
  }
  return { holder, liveness: "alive", why: `process ${holder.pid} is running on this host` };
}

/** `root@vm (pid 12794), since 2026-05-02T21:10:05Z (1m48s ago)` / `update by alice (CI …), since …`. */
export function describeHolder(holder: LockHolder, now: number): string {
  const who =
    holder.backend === "diy"
      ? `${holder.user ?? "?"}@${holder.host ?? "?"} (pid ${holder.pid ?? "?"})`
      : `${holder.operation ?? "an update"}${holder.user ? ` by ${holder.user}` : ""}${holder.origin ? ` (${holder.origin})` : ""}`;
  const since = holder.since !== undefined ? `, since ${new Date(holder.since).toISOString()} (${formatDuration((now - holder.since) / 1000)} ago)` : "";
  const where = holder.location ? `; ${holder.backend === "diy" ? "lock" : "stack"} ${holder.location}` : "";
  return `${who}${since}${where}`;
}

/** The driver invocation that clears the lock first: `<invocation> up --stack dev --force-unlock [--yes]`. */
export function forceUnlockCommand(invocation: string, command: string, stack: string, needsYes: boolean, hadConfig: boolean): string {
  const extra = needsYes ? " --yes" : "";
  return `${invocation} ${command} --stack ${stack} --force-unlock${extra}${hadConfig ? "   (with this run's --config/--secret options)" : ""}`;
}
