/**
 * Fault injection around the CI driver: a driver run whose JSON records the test watches as they come,
 * so it can SIGKILL the Pulumi CLI (as the OOM killer would) or the driver's whole process group (as a
 * cancelled or timed-out CI job does) at a chosen step; and the check that the cluster holds exactly
 * the Kubernetes objects the stack's state declares, no duplicate and no orphan.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT, type ControlPlane } from "./control-plane";
import { createStack, type DriverRecord, type DriverResult, type DriverRun, type PlatformProject } from "./platform-stack";

const ENGINE_OPS = ["up", "preview", "refresh", "destroy"];

/** A driver running in its own process group. */
export interface RunningDriver {
  readonly pid: number;
  /** Resolves when the driver has exited (killed or not). */
  readonly done: Promise<DriverRun>;
  /** Records so far. */
  readonly records: DriverRecord[];
  /** SIGKILLs the Pulumi CLI process the driver runs (only it: the driver notices and exits). Resolves with its PID. */
  killCli(): number;
  /**
   * SIGKILLs the driver and every process under it: CLI, language host, program, providers. (The CLI
   * starts each plugin in a process group of its own, so killing the driver's group alone leaves them.)
   */
  killTree(): void;
  /** SIGKILLs what is left of the processes seen under the driver (the plugins a CLI-only kill orphans); returns how many. */
  reap(): number;
}

interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  argv: string[];
}

function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter((a) => a !== "");
      out.push({ pid: Number(entry), ppid: Number(fields[1]), pgid: Number(fields[2]), argv });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

function descendants(root: number): ProcInfo[] {
  const all = processes();
  const found: ProcInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const p of all) {
      if (p.ppid === parent) {
        found.push(p);
        queue.push(p.pid);
      }
    }
  }
  return found;
}

/** Starts `automation/cli.ts <command> --json` for the project, calling `onRecord` for each record as it arrives. */
export function startDriver(
  project: PlatformProject,
  command: string,
  extra: readonly string[] = [],
  onRecord: (record: DriverRecord, driver: RunningDriver) => void = () => undefined,
  env: Record<string, string> = {},
): RunningDriver {
  const args = [command, "--stack", project.stack, "--work-dir", project.dir, "--json", ...createStack(command), ...extra];
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "automation", "cli.ts"), ...args], {
    cwd: REPO_ROOT,
    env: { ...project.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start the driver");
  const records: DriverRecord[] = [];
  let stdout = "";
  let stderr = "";
  let pending = "";
  const seen = new Set<number>();
  const look = (): ProcInfo[] => {
    const tree = descendants(pid);
    for (const p of tree) seen.add(p.pid);
    return tree;
  };
  const killAll = (pids: Iterable<number>): number => {
    let n = 0;
    for (const p of pids) {
      try {
        process.kill(p, "SIGKILL");
        n++;
      } catch {
        // gone
      }
    }
    return n;
  };
  const driver: RunningDriver = {
    pid,
    records,
    done: undefined as unknown as Promise<DriverRun>,
    killCli() {
      const cli = look().find((p) => path.basename(p.argv[0] ?? "") === "pulumi" && p.argv.some((a) => ENGINE_OPS.includes(a)));
      if (!cli) throw new Error(`no pulumi ${command} process under the driver (pid ${pid})`);
      process.kill(cli.pid, "SIGKILL");
      return cli.pid;
    },
    killTree() {
      killAll([pid, ...look().map((p) => p.pid)]);
    },
    reap() {
      return killAll([...seen].filter((p) => fs.existsSync(`/proc/${p}`)));
    },
  };
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!line.startsWith("{")) continue;
      try {
        const record = JSON.parse(line) as DriverRecord;
        records.push(record);
        onRecord(record, driver);
      } catch {
        // not a record
      }
    }
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => (stderr += chunk));
  (driver as { done: Promise<DriverRun> }).done = new Promise((resolve) => {
    child.once("close", (code, signal) => {
      const last = records.at(-1);
      const run: DriverRun = {
        args,
        code: code ?? (signal ? 128 + 9 : 1),
        stdout,
        stderr,
        records,
        result: last?.event === "result" ? (last as DriverResult) : undefined,
        wallMs: Date.now() - started,
      };
      project.runs.push(run);
      resolve(run);
    });
  });
  return driver;
}

interface StateResourceJson {
  type: string;
  id?: string;
  delete?: boolean;
  outputs?: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };
}

/** `apiVersion kind namespace/name` of every Kubernetes object in the exported state. */
export function declaredObjects(exported: string): string[] {
  const state = JSON.parse(exported) as { deployment: { resources?: StateResourceJson[] } };
  return (state.deployment.resources ?? [])
    .filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers") && !r.delete && r.outputs?.kind)
    .map((r) => key(r.outputs!.apiVersion ?? "", r.outputs!.kind ?? "", r.outputs!.metadata?.namespace, r.outputs!.metadata?.name ?? ""))
    .sort();
}

function key(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return `${apiVersion} ${kind} ${namespace ? `${namespace}/` : ""}${name}`;
}

const PART_OF = "app.kubernetes.io/part-of=eks-search-platform";

/** The same, read from the API server: every object of the state's kinds that carries the package's label. */
export async function liveObjects(cp: ControlPlane, exported: string): Promise<string[]> {
  const kinds = new Set(declaredObjects(exported).map((k) => k.split(" ").slice(0, 2).join(" ")));
  const found: string[] = [];
  for (const kind of kinds) {
    const [apiVersion, k] = kind.split(" ");
    const collection = (await cp.kube.pathFor(apiVersion, k, "-")).replace("/namespaces/-/", "/");
    const list = await cp.kube.list<{ metadata?: { name?: string; namespace?: string; ownerReferences?: unknown[] } }>(
      `${collection}?labelSelector=${encodeURIComponent(PART_OF)}`,
    );
    for (const item of list.items) {
      if ((item.metadata?.ownerReferences?.length ?? 0) > 0) continue; // made by a controller, not by the stack
      found.push(key(apiVersion, k, item.metadata?.namespace, item.metadata?.name ?? ""));
    }
  }
  return found.sort();
}

/** The pending operations of an exported state, as `type urn`. */
export function pendingOf(exported: string): string[] {
  const state = JSON.parse(exported) as { deployment: { pending_operations?: { type: string; resource: { urn: string } }[] } };
  return (state.deployment.pending_operations ?? []).map((p) => `${p.type} ${p.resource.urn}`);
}

/** Lock files of the project's file backend. */
export function lockFiles(project: PlatformProject): string[] {
  const dir = path.join(project.stateDir, ".pulumi", "locks");
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".json")) out.push(p); // not the bucket library's .attrs sidecars
    }
  };
  walk(dir);
  return out;
}

/** The stack's checkpoint in the project's file backend (the engine writes it at each step's start and end). */
function checkpointFile(project: PlatformProject): string | undefined {
  const dir = path.join(project.stateDir, ".pulumi", "stacks");
  if (!fs.existsSync(dir)) return undefined;
  for (const p of fs.readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (path.basename(p) === `${project.stack}.json`) return path.join(dir, p);
  }
  return undefined;
}

/** The pending operations of the checkpoint on disk right now, as `type urn` (none when unreadable mid-write). */
export function pendingOnDisk(project: PlatformProject): string[] {
  const file = checkpointFile(project);
  if (!file) return [];
  try {
    const state = JSON.parse(fs.readFileSync(file, "utf8")) as { checkpoint?: { latest?: { pending_operations?: { type: string; resource: { urn: string } }[] } } };
    return (state.checkpoint?.latest?.pending_operations ?? []).map((p) => `${p.type} ${p.resource.urn}`);
  } catch {
    return [];
  }
}

/**
 * Resolves once the checkpoint on disk holds a pending operation matching `match` (polled every 25 ms), so a
 * kill after it leaves that operation pending for certain; rejects after `timeoutMs`.
 */
export async function untilPendingOnDisk(project: PlatformProject, match: (op: string) => boolean, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = pendingOnDisk(project).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no pending operation matching the kill point reached the checkpoint within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
