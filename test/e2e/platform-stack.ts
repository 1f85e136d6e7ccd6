/**
 * The repository's Pulumi project, run for real against a local control plane (see control-plane.ts)
 * through the CI driver in `automation/` exactly as CI runs it: `node --import tsx automation/cli.ts
 * <command> --stack <s> --work-dir <project> --json`, as an asynchronous child process.
 *
 * The driver's `--config`/`--secret` write into `Pulumi.<stack>.yaml`, so the project runs from a copy
 * (Pulumi.yaml, the stack files, index.ts, components/, package.json, tsconfig.json and a node_modules
 * symlink) in the control plane's temp dir; the file backend and its passphrase live there too. The
 * repository's own stack files are never written.
 *
 * Also here: a Kubernetes watch that records events with their resourceVersions, to order what happened
 * on the server (Job completed, ReplicaSet created) more finely than the one-second timestamps can.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { REPO_ROOT, run, type ControlPlane, type KubeObject } from "./control-plane";

/** Files and directories of the repository that make up the Pulumi project (and the stack's own `Pulumi.<stack>.yaml`). */
export const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "Pulumi.local.yaml", "index.ts", "package.json", "tsconfig.json", "components"];

/** What a copy of the project for `stack` holds: PROJECT_FILES and the stack's file, when the repository has one. */
export function projectFiles(stack: string): string[] {
  const own = `Pulumi.${stack}.yaml`;
  return PROJECT_FILES.includes(own) || !fs.existsSync(path.join(REPO_ROOT, own)) ? PROJECT_FILES : [...PROJECT_FILES, own];
}

/** One JSON record the driver printed with `--json`. */
export interface DriverRecord {
  event: string;
  [key: string]: unknown;
}

/** The driver's last record: `{"event":"result", ...}` (see automation/summary.ts RunSummary). */
export interface DriverResult extends DriverRecord {
  command: string;
  outcome: string;
  exitCode: number;
  durationSeconds: number;
  rows: { phase: string; op: string; type: string; count: number }[];
  unchanged: Record<string, number>;
  failures: { name: string; type: string; op: string; message: string }[];
  reason?: string;
}

/** A finished driver run. */
export interface DriverRun {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
  records: DriverRecord[];
  result: DriverResult | undefined;
  wallMs: number;
}

/** A readable account of a driver run, for failure messages. */
export function describeRun(r: DriverRun): string {
  return [`$ automation/cli.ts ${r.args.join(" ")}  → exit ${r.code} in ${(r.wallMs / 1000).toFixed(1)}s`, "--- stdout ---", r.stdout.trimEnd(), "--- stderr ---", r.stderr.trimEnd()].join("\n");
}

/** Resource records of a run: `{event: "resource", status, op, type, name}`. */
export function resourceRecords(r: DriverRun): { status: string; op: string; type: string; name: string }[] {
  return r.records.filter((x) => x.event === "resource") as unknown as { status: string; op: string; type: string; name: string }[];
}

/** A random secret value that is easy to search for and could not occur by accident. */
export function randomSecret(label: string): string {
  return `${label}-${randomBytes(12).toString("hex")}`;
}

export interface ProjectOptions {
  /** Stack name. @default "local" */
  stack?: string;
  /** Passphrase of the passphrase secrets provider. @default - random */
  passphrase?: string;
}

/** A copy of the project with its own file backend, operated through the CI driver. */
export class PlatformProject {
  readonly dir: string;
  readonly stateDir: string;
  readonly stack: string;
  readonly env: Record<string, string>;
  /** Every driver run so far, oldest first (printed when a test fails). */
  readonly runs: DriverRun[] = [];

  constructor(
    readonly cp: ControlPlane,
    opts: ProjectOptions = {},
  ) {
    this.stack = opts.stack ?? "local";
    this.dir = fs.mkdtempSync(path.join(cp.tmpDir, "project-"));
    this.stateDir = path.join(this.dir, ".pulumi-state");
    fs.mkdirSync(this.stateDir);
    for (const f of projectFiles(this.stack)) fs.cpSync(path.join(REPO_ROOT, f), path.join(this.dir, f), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(this.dir, "node_modules"), "dir");
    this.env = {
      ...cp.env,
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: opts.passphrase ?? randomBytes(16).toString("hex"),
      // The driver's documented way to pick a CLI: the one built for the e2e toolchain.
      PULUMI_CLI_ROOT: path.dirname(path.dirname(cp.tools.pulumi)),
      // Lock waits start at 1 s (not 15) and double up to 60 s; 8 retries wait up to ~3 min in all, so a run that
      // meets a live update (faults test 6) outlasts it even on a loaded machine (3 retries, 7 s, did not: CI saw the
      // first up still running after 13 s).
      DEPLOY_LOCK_RETRY_DELAY_SECONDS: "1",
      DEPLOY_LOCK_RETRIES: "8",
      PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    // The program's explicit Kubernetes provider falls back to $KUBECONFIG (cp.env sets it).
    delete this.env.GITHUB_STEP_SUMMARY;
  }

  /** Runs the driver with `--json` (never throws on a non-zero exit; look at `code` and `result`). */
  async driver(command: string, extra: readonly string[] = [], opts: { timeoutMs?: number } = {}): Promise<DriverRun> {
    const args = [command, "--stack", this.stack, "--work-dir", this.dir, "--json", ...createStack(command), ...extra];
    const started = Date.now();
    const res = await spawnCollect(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "automation", "cli.ts"), ...args], {
      cwd: REPO_ROOT,
      env: this.env,
      timeoutMs: opts.timeoutMs ?? 10 * 60_000,
    });
    const records: DriverRecord[] = [];
    for (const line of res.stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        records.push(JSON.parse(line) as DriverRecord);
      } catch {
        // not a record
      }
    }
    const last = records.at(-1);
    const r: DriverRun = {
      args,
      code: res.code,
      stdout: res.stdout,
      stderr: res.stderr,
      records,
      result: last?.event === "result" ? (last as DriverResult) : undefined,
      wallMs: Date.now() - started,
    };
    this.runs.push(r);
    return r;
  }

  /** `pulumi stack export` of the stack (secrets stay encrypted, as in the backend), as text. */
  async exportStack(): Promise<string> {
    const res = await run(this.cp.tools.pulumi, ["stack", "export", "--stack", this.stack, "--non-interactive"], { cwd: this.dir, env: this.env });
    if (res.code !== 0) throw new Error(`pulumi stack export failed (${res.code}):\n${res.stderr}`);
    return res.stdout;
  }

  /** Every file of the backend's state directory, concatenated (checkpoints, backups, update logs). */
  backendFiles(): string {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) out.push(fs.readFileSync(p, "utf8"));
      }
    };
    walk(this.stateDir);
    return out.join("\n");
  }

  /** The stack file of the copy (the driver writes config there). */
  stackFile(): string {
    return fs.readFileSync(path.join(this.dir, `Pulumi.${this.stack}.yaml`), "utf8");
  }
}

/** The project's stack is created by its first preview or up: the driver creates a stack only when asked. */
export function createStack(command: string): string[] {
  return command === "preview" || command === "up" ? ["--create-stack"] : [];
}

/** spawn() with collected output and a timeout (SIGTERM, then SIGKILL). */
export function spawnCollect(
  file: string,
  args: readonly string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    let timedOut = false;
    // SIGTERM first: the driver cancels the update and releases the stack lock.
    const kill = (signal: NodeJS.Signals): void => void child.kill(signal);
    const timer = setTimeout(() => {
      timedOut = true;
      kill("SIGTERM");
      setTimeout(() => kill("SIGKILL"), 30_000).unref();
    }, opts.timeoutMs ?? 10 * 60_000);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString("utf8") + (timedOut ? `\n[timed out after ${opts.timeoutMs} ms]` : "");
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString("utf8"), stderr });
    });
  });
}

// ------------------------------------------------------------------------------------------------
// Watching the API server

/** One watch event, with the object's resourceVersion as a number. */
export interface WatchEvent<T = KubeObject> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
  /** metadata.resourceVersion of the object in this event. */
  rv: number;
}

interface KubeconfigJson {
  clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
  users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
}

/**
 * Records the events of one collection (e.g. `/apis/batch/v1/namespaces/search/jobs`) from now on.
 *
 * The API server's resourceVersions are etcd revisions here: one counter for every write to the
 * (single) etcd, so they order writes across kinds. The API calls them opaque; for ordering writes on
 * a server this test owns, they are exact where timestamps have one-second resolution.
 */
export class KubeWatch<T = KubeObject> {
  readonly events: WatchEvent<T>[] = [];
  private req: ReturnType<typeof https.request> | undefined;
  private buffer = "";
  private closed = false;
  error: string | undefined;

  private constructor(
    private readonly cp: ControlPlane,
    readonly collectionPath: string,
  ) {}

  /** Lists the collection, then watches from the list's resourceVersion. */
  static async start<T = KubeObject>(cp: ControlPlane, collectionPath: string): Promise<KubeWatch<T>> {
    const w = new KubeWatch<T>(cp, collectionPath);
    const list = await cp.kube.list(collectionPath);
    await w.open(list.metadata?.resourceVersion ?? "0");
    return w;
  }

  private open(resourceVersion: string): Promise<void> {
    const kc = JSON.parse(fs.readFileSync(this.cp.kubeconfigPath, "utf8")) as KubeconfigJson;
    const b64 = (s: string): string => Buffer.from(s, "base64").toString("utf8");
    const url = new URL(`${this.collectionPath}?watch=1&allowWatchBookmarks=false&resourceVersion=${resourceVersion}&timeoutSeconds=3600`, this.cp.server);
    return new Promise((resolve, reject) => {
      const req = https.request(url, {
        method: "GET",
        ca: b64(kc.clusters[0].cluster["certificate-authority-data"]),
        cert: b64(kc.users[0].user["client-certificate-data"]),
        key: b64(kc.users[0].user["client-key-data"]),
        headers: { Accept: "application/json" },
      });
      req.on("response", (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch ${this.collectionPath}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => this.onData(chunk));
        res.on("end", () => {
          if (!this.closed) this.error ??= `watch ${this.collectionPath} ended early`;
        });
        resolve();
      });
      req.on("error", (e) => {
        if (!this.closed) this.error ??= e.message;
        reject(e);
      });
      req.end();
      this.req = req;
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      const e = JSON.parse(line) as { type: WatchEvent["type"]; object: T };
      if (e.type === "ERROR") this.error ??= JSON.stringify(e.object);
      this.events.push({ type: e.type, object: e.object, rv: Number((e.object as KubeObject).metadata?.resourceVersion ?? NaN) });
    }
  }

  /** The first event (in order) that satisfies `pred`. */
  first(pred: (e: WatchEvent<T>) => boolean): WatchEvent<T> | undefined {
    return this.events.find(pred);
  }

  stop(): void {
    this.closed = true;
    this.req?.destroy();
  }
}

/** True when the object's status has condition `type` = "True". */
export function hasCondition(obj: unknown, type: string): boolean {
  const conditions = (obj as { status?: { conditions?: { type: string; status: string }[] } } | undefined)?.status?.conditions;
  return conditions?.some((c) => c.type === type && c.status === "True") ?? false;
}

/** Decodes every key of a Secret's `data`. */
export function secretData(secret: { data?: Record<string, string> } | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(secret?.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
}
