/**
 * A throwaway Kubernetes control plane on loopback for end-to-end tests: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler and KWOK (fake nodes whose pods become Ready, and whose
 * Job pods complete), all built by `scripts/e2e-tools` into a cache outside the clone.
 *
 *   const cp = await startControlPlane();
 *   try { ... cp.kubeconfigPath, cp.env (for the Pulumi CLI), cp.kube (a small API client) ... }
 *   finally { await cp.stop(); }
 *
 * Everything lives in one temp dir (certs, kubeconfig, etcd data, PULUMI_HOME, process logs) and
 * every process runs in its own process group; stop() kills the groups and removes the dir, and
 * the same happens synchronously if the test process exits or gets SIGINT/SIGTERM/SIGHUP.
 *
 * Storage: there is no kubelet and no CSI driver, so the harness runs a small "provisioner" loop
 * that plays the part of an external provisioner such as the EBS CSI driver: when the PV
 * controller hands a PVC to an external provisioner (it sets the
 * `volume.kubernetes.io/storage-provisioner` annotation, which for WaitForFirstConsumer classes
 * happens only after the scheduler picked a node), the loop creates a matching hostPath PV
 * pre-bound to that claim, pinned to the selected node's zone, and deletes PVs it made once they
 * are Released with reclaim policy Delete. The stack's own StorageClass works unchanged, any
 * size and any number of claims bind, and destroy leaves no PVs behind. `ensureStaticPVs` is
 * there too for classes with `kubernetes.io/no-provisioner`.
 *
 * The loop runs on this process's event loop: run the Pulumi CLI and kubectl asynchronously
 * (child_process.spawn/execFile, the Automation API), not with the *Sync variants, or claims
 * will not bind while the event loop is blocked.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { IPersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { INode } from "kubernetes-models/v1/Node";
import type { IStorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Paths and versions printed by `scripts/e2e-tools env`. */
export interface E2ETools {
  toolsDir: string;
  pulumi: string;
  pulumiLanguageNodejs: string;
  pulumiResourceKubernetes: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  etcd: string;
  kwok: string;
  kwokStagesDir: string;
  /** The real node's binaries (real-node.ts); the paths are set even before `scripts/e2e-tools build node` built them. */
  kubelet: string;
  kubeProxy: string;
  coredns: string;
  pulumiVersion: string;
  kubernetesProviderVersion: string;
  kubernetesVersion: string;
  /** Directories to prepend to PATH for the Pulumi CLI (CLI, language host, SDK helper scripts). */
  path: string;
}

let toolsCache: E2ETools | undefined;

/** Locates the toolchain; throws with a hint to run `scripts/e2e-tools` when something is missing. */
export function loadTools(): E2ETools {
  if (toolsCache) return toolsCache;
  let out: string;
  try {
    out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "e2e-tools"), "env"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new Error(`the e2e toolchain is not built; run scripts/e2e-tools first.\n${stderr}`);
  }
  const kv = new Map<string, string>();
  for (const line of out.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1));
  }
  const get = (key: string): string => {
    const v = kv.get(key);
    if (v === undefined) throw new Error(`scripts/e2e-tools env did not print ${key}`);
    return v;
  };
  toolsCache = {
    toolsDir: get("E2E_TOOLS_DIR"),
    pulumi: get("E2E_PULUMI"),
    pulumiLanguageNodejs: get("E2E_PULUMI_LANGUAGE_NODEJS"),
    pulumiResourceKubernetes: get("E2E_PULUMI_RESOURCE_KUBERNETES"),
    kubeApiserver: get("E2E_KUBE_APISERVER"),
    kubeControllerManager: get("E2E_KUBE_CONTROLLER_MANAGER"),
    kubeScheduler: get("E2E_KUBE_SCHEDULER"),
    etcd: get("E2E_ETCD"),
    kwok: get("E2E_KWOK"),
    kwokStagesDir: get("E2E_KWOK_STAGES_DIR"),
    kubelet: get("E2E_KUBELET"),
    kubeProxy: get("E2E_KUBE_PROXY"),
    coredns: get("E2E_COREDNS"),
    pulumiVersion: get("E2E_PULUMI_VERSION"),
    kubernetesProviderVersion: get("E2E_KUBERNETES_PROVIDER_VERSION"),
    kubernetesVersion: get("E2E_KUBERNETES_VERSION"),
    path: get("E2E_PATH"),
  };
  return toolsCache;
}

/** The environment for running the Pulumi CLI offline with the built toolchain. */
export function pulumiEnv(tools: E2ETools, pulumiHome: string, kubeconfigPath?: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  env.PATH = `${tools.path}${path.delimiter}${process.env.PATH ?? ""}`;
  env.PULUMI_HOME = pulumiHome;
  env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
  env.PULUMI_SKIP_UPDATE_CHECK = "true";
  if (kubeconfigPath) env.KUBECONFIG = kubeconfigPath;
  return env;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command asynchronously (never blocks the event loop); resolves with its exit code. */
export function run(
  file: string,
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; input?: string } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env: opts.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 10 * 60_000, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") {
          reject(new Error(`${file} ${args.join(" ")}: ${err.message}\n${stderr}`));
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Installs the built Kubernetes provider into PULUMI_HOME as resource plugin kubernetes@<version>. */
export async function installKubernetesPlugin(tools: E2ETools, pulumiHome: string): Promise<void> {
  const res = await run(
    tools.pulumi,
    ["plugin", "install", "resource", "kubernetes", tools.kubernetesProviderVersion, "--file", tools.pulumiResourceKubernetes],
    { env: pulumiEnv(tools, pulumiHome) },
  );
  if (res.code !== 0) throw new Error(`pulumi plugin install failed (${res.code}):\n${res.stdout}\n${res.stderr}`);
}

// ------------------------------------------------------------------------------------------------
// A small Kubernetes API client (client-certificate auth), enough for tests and the harness.

export interface KubeMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeMeta;
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

/** Anything with the identifying fields of a manifest (kubernetes-models interfaces fit). */
export interface ManifestLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

export interface KubeList<T> {
  items: T[];
  metadata?: { resourceVersion?: string };
}

export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: string,
  ) {
    super(`${method} ${path}: HTTP ${status}: ${body.slice(0, 2000)}`);
  }
}

interface ApiResource {
  name: string;
  namespaced: boolean;
  kind: string;
}

export class KubeClient {
  private readonly agent: https.Agent;
  private readonly discovery = new Map<string, ApiResource[]>();

  constructor(
    readonly server: string,
    tls: { ca: string; cert: string; key: string },
  ) {
    this.agent = new https.Agent({ ca: tls.ca, cert: tls.cert, key: tls.key, keepAlive: true, maxSockets: 8 });
  }

  /** Raw request; returns the status and parsed JSON body (or the text when it is not JSON). */
  request(
    method: string,
    urlPath: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<{ status: number; body: unknown; text: string }> {
    const url = new URL(urlPath, this.server);
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            Accept: "application/json",
            ...(payload !== undefined ? { "Content-Type": contentType, "Content-Length": Buffer.byteLength(payload) } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text) as unknown;
            } catch {
              // not JSON (e.g. /readyz)
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, text });
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  private async ok<T>(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.request(method, urlPath, body, contentType);
    if (res.status < 200 || res.status >= 300) throw new KubeApiError(res.status, method, urlPath, res.text);
    return res.body as T;
  }

  /** GET; undefined on 404. */
  async get<T = KubeObject>(urlPath: string): Promise<T | undefined> {
    const res = await this.request("GET", urlPath);
    if (res.status === 404) return undefined;
    if (res.status < 200 || res.status >= 300) throw new KubeApiError(res.status, "GET", urlPath, res.text);
    return res.body as T;
  }

  list<T = KubeObject>(urlPath: string): Promise<KubeList<T>> {
    return this.ok<KubeList<T>>("GET", urlPath);
  }

  create<T = KubeObject>(urlPath: string, obj: unknown): Promise<T> {
    return this.ok<T>("POST", urlPath, obj);
  }

  /** DELETE; resolves false on 404. */
  async delete(urlPath: string, body?: unknown): Promise<boolean> {
    const res = await this.request("DELETE", urlPath, body);
    if (res.status === 404) return false;
    if (res.status < 200 || res.status >= 300) throw new KubeApiError(res.status, "DELETE", urlPath, res.text);
    return true;
  }

  /** JSON merge patch (or another patch type via contentType). */
  patch<T = KubeObject>(urlPath: string, patch: unknown, contentType = "application/merge-patch+json"): Promise<T> {
    return this.ok<T>("PATCH", urlPath, patch, contentType);
  }

  /** The REST path of an object (collection path when name is omitted), from API discovery. */
  async pathFor(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let resources = this.discovery.get(apiVersion);
    if (!resources) {
      const list = await this.ok<{ resources: ApiResource[] }>("GET", base);
      resources = list.resources.filter((r) => !r.name.includes("/"));
      this.discovery.set(apiVersion, resources);
    }
    const res = resources.find((r) => r.kind === kind);
    if (!res) throw new Error(`no resource of kind ${kind} in ${apiVersion}`);
    let p = base;
    if (res.namespaced) p += `/namespaces/${encodeURIComponent(namespace ?? "default")}`;
    p += `/${res.name}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    return p;
  }

  /** The REST path of a manifest. */
  pathOf(obj: ManifestLike): Promise<string> {
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) throw new Error("object needs apiVersion, kind and metadata.name");
    return this.pathFor(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
  }

  /** Server-side apply (field manager "e2e", forced), like `kubectl apply --server-side`. */
  async apply<T = KubeObject, M extends ManifestLike = ManifestLike>(obj: M, fieldManager = "e2e"): Promise<T> {
    const p = await this.pathOf(obj);
    return this.ok<T>("PATCH", `${p}?fieldManager=${encodeURIComponent(fieldManager)}&force=true`, obj, "application/apply-patch+yaml");
  }

  /** Polls GET path until predicate holds; throws with the last object seen after timeoutMs. */
  async waitFor<T = KubeObject>(
    urlPath: string,
    predicate: (obj: T | undefined) => boolean,
    opts: { timeoutMs?: number; intervalMs?: number; description?: string } = {},
  ): Promise<T | undefined> {
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    let last: T | undefined;
    for (;;) {
      last = await this.get<T>(urlPath);
      if (predicate(last)) return last;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${opts.description ?? urlPath}; last seen:\n${JSON.stringify(last, null, 2)?.slice(0, 4000)}`,
        );
      }
      await sleep(opts.intervalMs ?? 500);
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

// ------------------------------------------------------------------------------------------------
// The control plane

export interface FakeNodeOptions {
  /** Number of fake nodes (spread round-robin over zones). Default 3. */
  count?: number;
  /** Values of topology.kubernetes.io/zone. Default us-east-1a, us-east-1b, us-east-1c. */
  zones?: string[];
  /** Value of topology.kubernetes.io/region. Default us-east-1. */
  region?: string;
  /** Extra labels on every node (e.g. a node group selector the stack uses). */
  labels?: Record<string, string>;
  /** capacity == allocatable. Default 32 cpu, 256Gi memory, 110 pods, 1Ti ephemeral storage. */
  capacity?: Record<string, string>;
  /** Taints on every node. Default none. */
  taints?: { key: string; value?: string; effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" }[];
}

/**
 * Where provisioned volumes live when the cluster has a real node (see real-node.ts): the harness's
 * provisioner asks for the PV's source and node affinity instead of making a hostPath PV pinned to a zone,
 * and lets the backend delete the data when it deletes a released PV.
 */
export interface VolumeBackend {
  /** The volume source and node affinity of a new PV `pvName` for a claim whose pod goes to `selectedNode`. */
  create(pvName: string, selectedNode: string | undefined): Promise<Pick<IPersistentVolume["spec"] & object, "local" | "hostPath" | "nodeAffinity">>;
  /** Called before a released PV (one this harness made) is deleted. */
  remove(pv: IPersistentVolume): Promise<void>;
}

export interface ControlPlaneOptions {
  nodes?: FakeNodeOptions;
  /** Run KWOK with fake nodes. Off for a cluster whose nodes are real kubelets (real-node.ts). Default true. */
  kwok?: boolean;
  /** Where provisioned volumes live. Default: hostPath PVs in the temp dir, pinned to the selected node's zone. */
  volumes?: VolumeBackend;
  /** Emulate an external volume provisioner for pending PVCs (see the module comment). Default true. */
  provisioner?: boolean;
  /** Give Services of type LoadBalancer a fake ingress hostname, as a cloud controller would. Default true. */
  fakeLoadBalancers?: boolean;
  /** Install the built Kubernetes provider into the control plane's PULUMI_HOME. Default true. */
  installKubernetesPlugin?: boolean;
  /** Keep the temp dir after stop() (also with E2E_KEEP_TMP=1). */
  keepTempDir?: boolean;
  /** Startup deadline. Default 180 s. */
  startTimeoutMs?: number;
  /** Progress messages; default writes to stderr. */
  log?: (msg: string) => void;
}

export type AccessMode = "ReadWriteOnce" | "ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOncePod";

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  readonly server: string;
  readonly kubeconfigPath: string;
  /** The control plane's temp dir (certs, logs, etcd data, PULUMI_HOME); removed by stop(). */
  readonly tmpDir: string;
  readonly pulumiHome: string;
  /** Environment for the Pulumi CLI / Automation API / kubectl: PATH, PULUMI_HOME, KUBECONFIG, ... */
  readonly env: Record<string, string>;
  readonly tools: E2ETools;
  readonly kube: KubeClient;
  readonly nodeNames: readonly string[];
  /** Creates `count` unbound hostPath PVs of `size` for `storageClassName`; returns their names. */
  ensureStaticPVs(storageClassName: string, count: number, size: string, accessModes?: AccessMode[]): Promise<string[]>;
  /** Runs the built `pulumi` with this control plane's env. */
  pulumi(args: readonly string[], opts?: { cwd?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<ExecResult>;
  /** Runs `kubectl` (from PATH) against this control plane. */
  kubectl(args: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<ExecResult>;
  /** The last lines of every process log, for failure reports. */
  logTails(lines?: number): string;
  /** Stops one process (e.g. "kube-apiserver": SIGTERM, SIGKILL after 10 s) until startProcess; its exit is no failure. */
  stopProcess(name: string): Promise<void>;
  /** Starts a stopped process again with the same command line; for kube-apiserver, waits for /readyz. */
  startProcess(name: string, timeoutMs?: number): Promise<void>;
  /** Stops every process and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Managed {
  name: string;
  bin: string;
  args: string[];
  child: ChildProcess;
  logPath: string;
  exited: Promise<void>;
  exitCode: number | null | undefined;
  signal: NodeJS.Signals | null | undefined;
}

/** Live control planes, killed synchronously if the process exits without stop(). */
const live = new Set<ControlPlaneImpl>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once("exit", () => {
    for (const cp of live) cp.killSync();
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      for (const cp of live) cp.killSync();
      process.kill(process.pid, sig);
    });
  }
}

async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      await new Promise<void>((resolve, reject) => {
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", resolve);
      });
      servers.push(srv);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

function tailFile(file: string, lines: number): string {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.split("\n").slice(-lines - 1).join("\n");
  } catch {
    return "(no log)";
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** A CA, a serving cert for the API server, an admin client cert and a service-account key pair. */
function generatePki(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl(
    ["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "3", "-subj", "/CN=e2e-ca",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"],
    dir,
  );
  const leaf = (name: string, subject: string, ext: string): void => {
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(["req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject], dir);
    openssl(
      ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "3",
        "-out", `${name}.crt`, "-extfile", `${name}.ext`],
      dir,
    );
  };
  leaf(
    "apiserver",
    "/CN=kube-apiserver",
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default," +
        "DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local",
      "",
    ].join("\n"),
  );
  leaf(
    "admin",
    "/O=system:masters/CN=e2e-admin",
    ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,keyEncipherment", "extendedKeyUsage=clientAuth", ""].join(
      "\n",
    ),
  );
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "sa.key"], dir);
  openssl(["pkey", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
}

function kubeconfig(server: string, pki: string): string {
  const b64 = (f: string): string => fs.readFileSync(path.join(pki, f)).toString("base64");
  // JSON is YAML: kubectl, client-go and @pulumi/kubernetes all read it.
  return JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "e2e", cluster: { server, "certificate-authority-data": b64("ca.crt") } }],
      users: [{ name: "e2e-admin", user: { "client-certificate-data": b64("admin.crt"), "client-key-data": b64("admin.key") } }],
      contexts: [{ name: "e2e", context: { cluster: "e2e", user: "e2e-admin" } }],
      "current-context": "e2e",
    },
    null,
    2,
  );
}

const PROVISIONED_LABEL = "e2e.eks-search-platform/provisioned-by-harness";

class ControlPlaneImpl implements ControlPlane {
  readonly kubeconfigPath: string;
  readonly pulumiHome: string;
  readonly env: Record<string, string>;
  readonly kube: KubeClient;
  nodeNames: string[] = [];
  private readonly procs: Managed[] = [];
  private stopping = false;
  private stopped = false;
  private failure: string | undefined;
  private loop: NodeJS.Timeout | undefined;
  private loopBusy = false;
  private readonly pkiDir: string;
  private watchdog: ChildProcess | undefined;
  /** Processes stopped on purpose (stopProcess): their exit is not a failure. */
  private readonly paused = new Set<string>();
  /** How often each supervised process was started again after it exited. */
  readonly restarts = new Map<string, number>();

  constructor(
    readonly tools: E2ETools,
    readonly tmpDir: string,
    readonly server: string,
    private readonly opts: ControlPlaneOptions,
    private readonly log: (msg: string) => void,
  ) {
    this.pkiDir = path.join(tmpDir, "pki");
    this.kubeconfigPath = path.join(tmpDir, "kubeconfig");
    this.pulumiHome = path.join(tmpDir, "pulumi-home");
    this.env = pulumiEnv(tools, this.pulumiHome, this.kubeconfigPath);
    generatePki(this.pkiDir);
    fs.writeFileSync(this.kubeconfigPath, kubeconfig(server, this.pkiDir), { mode: 0o600 });
    fs.mkdirSync(this.pulumiHome, { recursive: true });
    const read = (f: string): string => fs.readFileSync(path.join(this.pkiDir, f), "utf8");
    this.kube = new KubeClient(server, { ca: read("ca.crt"), cert: read("admin.crt"), key: read("admin.key") });
  }

  pki(file: string): string {
    return path.join(this.pkiDir, file);
  }

  /**
   * A detached shell that outlives this process only to clean up after it: if the test process
   * dies without running any handler (SIGKILL, a crashed worker), it kills the process groups
   * listed in <tmpDir>/pgids and removes the temp dir. stop() ends it first.
   */
  startWatchdog(): void {
    const script = [
      'parent=$1; dir=$2',
      'while kill -0 "$parent" 2>/dev/null; do sleep 2; done',
      'if [ -f "$dir/pgids" ]; then while read -r g; do kill -KILL -- "-$g" 2>/dev/null; done < "$dir/pgids"; fi',
      'if [ "$3" != keep ]; then rm -rf "$dir"; fi',
    ].join("\n");
    this.watchdog = spawn("bash", ["-c", script, "e2e-watchdog", String(process.pid), this.tmpDir, this.keep() ? "keep" : "remove"], {
      detached: true,
      stdio: "ignore",
    });
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    const pid = this.watchdog?.pid;
    if (pid !== undefined && this.watchdog?.exitCode === null) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }

  spawnProcess(name: string, bin: string, args: string[]): Managed {
    const logPath = path.join(this.tmpDir, "logs", `${name}.log`);
    fs.mkdirSync(path.dirname(logPath), { recursive: true });
    const fd = fs.openSync(logPath, "a");
    fs.writeSync(fd, `$ ${bin} ${args.join(" ")}\n`);
    const child = spawn(bin, args, { detached: true, stdio: ["ignore", fd, fd], cwd: this.tmpDir, env: { ...process.env, HOME: this.tmpDir } });
    fs.closeSync(fd);
    if (child.pid !== undefined) fs.appendFileSync(path.join(this.tmpDir, "pgids"), `${child.pid}\n`);
    const m: Managed = { name, bin, args, child, logPath, exitCode: undefined, signal: undefined, exited: Promise.resolve() };
    m.exited = new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        m.exitCode = code;
        m.signal = signal;
        if (!this.stopping && !this.paused.has(name) && SUPERVISED.has(name) && this.procs.includes(m)) {
          // Leader-elected controllers exit on purpose when they cannot renew their lease (an API server
          // restart); a real control plane's supervisor (kubelet, systemd) starts them again. So does this one.
          this.restarts.set(name, (this.restarts.get(name) ?? 0) + 1);
          this.log(`${name} exited (code ${code}, signal ${signal}); starting it again (restart ${this.restarts.get(name)}), as its supervisor would`);
          setTimeout(() => {
            if (!this.stopping && !this.paused.has(name)) this.spawnProcess(name, m.bin, m.args);
          }, 1_000);
        } else if (!this.stopping && !this.paused.has(name)) {
          this.failure ??= `${name} exited unexpectedly (code ${code}, signal ${signal})`;
          this.log(`${name} exited unexpectedly (code ${code}, signal ${signal}); last log lines:\n${tailFile(logPath, 40)}`);
        }
        resolve();
      });
      child.once("error", (err) => {
        this.failure ??= `${name} failed to start: ${err.message}`;
        m.exitCode = -1;
        resolve();
      });
    });
    const at = this.procs.findIndex((p) => p.name === name);
    if (at >= 0) this.procs[at] = m; // a restart keeps the start order stop() reverses
    else this.procs.push(m);
    return m;
  }

  async stopProcess(name: string): Promise<void> {
    const p = this.procs.find((x) => x.name === name);
    if (!p || p.exitCode !== undefined || !p.child.pid) throw new Error(`${name} is not running`);
    this.paused.add(name);
    process.kill(-p.child.pid, "SIGTERM");
    const exited = await Promise.race([p.exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!exited) {
      process.kill(-p.child.pid, "SIGKILL");
      await p.exited;
    }
    this.log(`${name} stopped on purpose`);
  }

  async startProcess(name: string, timeoutMs = 60_000): Promise<void> {
    const p = this.procs.find((x) => x.name === name);
    if (!p || p.exitCode === undefined) throw new Error(`${name} was not stopped`);
    const started = Date.now();
    this.spawnProcess(name, p.bin, p.args);
    this.paused.delete(name);
    if (name === "kube-apiserver") {
      await this.until("kube-apiserver /readyz after a restart", started + timeoutMs, async () => (await this.kube.request("GET", "/readyz")).status === 200);
    }
    this.log(`${name} started again, ready after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }

  /** Throws if a process died. */
  check(): void {
    if (this.failure) throw new Error(this.failure);
  }

  async until(description: string, deadline: number, probe: () => Promise<boolean>): Promise<void> {
    for (;;) {
      this.check();
      let ok = false;
      try {
        ok = await probe();
      } catch {
        ok = false;
      }
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
      await sleep(250);
    }
  }

  async createNodes(o: FakeNodeOptions): Promise<void> {
    const count = o.count ?? 3;
    const zones = o.zones ?? ["us-east-1a", "us-east-1b", "us-east-1c"];
    const capacity = o.capacity ?? { cpu: "32", memory: "256Gi", pods: "110", "ephemeral-storage": "1Ti" };
    for (let i = 0; i < count; i++) {
      const zone = zones[i % zones.length];
      const name = `kwok-node-${i}`;
      const node: INode = {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
          name,
          annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
          labels: {
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/role": "agent",
            "node.kubernetes.io/instance-type": "kwok.fake",
            "topology.kubernetes.io/region": o.region ?? "us-east-1",
            "topology.kubernetes.io/zone": zone,
            type: "kwok",
            ...(o.labels ?? {}),
          },
        },
        spec: { taints: o.taints },
        status: {
          allocatable: capacity,
          capacity,
          addresses: [
            { type: "InternalIP", address: `10.240.0.${i + 10}` },
            { type: "Hostname", address: name },
          ],
        },
      };
      await this.kube.create("/api/v1/nodes", node);
      this.nodeNames.push(name);
    }
  }

  /** KWOK: makes the fake nodes Ready and plays their pods' lifecycle (stages from the toolchain). */
  startKwok(): void {
    const kwokConfig = path.join(this.tmpDir, "kwok.yaml");
    const stages = fs
      .readdirSync(this.tools.kwokStagesDir)
      .filter((f) => f.endsWith(".yaml"))
      .sort()
      .map((f) => fs.readFileSync(path.join(this.tools.kwokStagesDir, f), "utf8").trim());
    fs.writeFileSync(kwokConfig, `${stages.join("\n---\n")}\n`);
    this.spawnProcess("kwok", this.tools.kwok, [
      `--kubeconfig=${this.kubeconfigPath}`,
      `--config=${kwokConfig}`,
      "--manage-all-nodes=true",
      "--node-lease-duration-seconds=40",
      "--cidr=10.244.0.1/16",
    ]);
  }

  startBackgroundLoop(): void {
    const provision = this.opts.provisioner ?? true;
    const lbs = this.opts.fakeLoadBalancers ?? true;
    if (!provision && !lbs) return;
    this.loop = setInterval(() => {
      if (this.loopBusy || this.stopping) return;
      this.loopBusy = true;
      const work = async (): Promise<void> => {
        if (provision) await this.provisionOnce();
        if (lbs) await this.loadBalancersOnce();
      };
      work()
        .catch((err: unknown) => {
          if (!this.stopping && this.paused.size === 0) this.log(`background loop: ${err instanceof Error ? err.message : String(err)}`);
        })
        .finally(() => {
          this.loopBusy = false;
        });
    }, 500);
    this.loop.unref();
  }

  /** One pass of the external-provisioner emulation (see the module comment). */
  async provisionOnce(): Promise<void> {
    const pvcs = await this.kube.list<IPersistentVolumeClaim>("/api/v1/persistentvolumeclaims");
    for (const pvc of pvcs.items) {
      const meta = pvc.metadata ?? {};
      const ann = meta.annotations ?? {};
      const provisioner = ann["volume.kubernetes.io/storage-provisioner"] ?? ann["volume.beta.kubernetes.io/storage-provisioner"];
      if (pvc.status?.phase !== "Pending" || pvc.spec?.volumeName || !provisioner || !meta.uid || !meta.name) continue;
      const pvName = `pvc-${meta.uid}`;
      if (await this.kube.get(`/api/v1/persistentvolumes/${pvName}`)) continue;
      const className = pvc.spec?.storageClassName ?? "";
      const sc = className ? await this.kube.get<IStorageClass>(`/apis/storage.k8s.io/v1/storageclasses/${className}`) : undefined;
      const selectedNode = ann["volume.kubernetes.io/selected-node"];
      let zone: string | undefined;
      if (selectedNode && !this.opts.volumes) {
        const node = await this.kube.get<INode>(`/api/v1/nodes/${selectedNode}`);
        zone = node?.metadata?.labels?.["topology.kubernetes.io/zone"];
      }
      const size = pvc.spec?.resources?.requests?.storage ?? "1Gi";
      const pv: IPersistentVolume = {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: {
          name: pvName,
          labels: { [PROVISIONED_LABEL]: "true" },
          annotations: { "pv.kubernetes.io/provisioned-by": provisioner },
        },
        spec: {
          capacity: { storage: size },
          accessModes: pvc.spec?.accessModes ?? ["ReadWriteOnce"],
          persistentVolumeReclaimPolicy: sc?.reclaimPolicy ?? "Delete",
          storageClassName: className,
          volumeMode: pvc.spec?.volumeMode ?? "Filesystem",
          mountOptions: sc?.mountOptions,
          claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: meta.namespace, name: meta.name, uid: meta.uid },
          ...(this.opts.volumes
            ? await this.opts.volumes.create(pvName, selectedNode)
            : {
                hostPath: { path: path.join(this.tmpDir, "volumes", pvName) },
                nodeAffinity: zone
                  ? { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: [zone] }] }] } }
                  : undefined,
              }),
        },
      };
      try {
        await this.kube.create("/api/v1/persistentvolumes", pv);
        this.log(`provisioned ${pvName} (${size}, class ${className || "<none>"}${zone ? `, zone ${zone}` : ""}) for ${meta.namespace}/${meta.name}`);
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 409)) throw err;
      }
    }
    const pvs = await this.kube.list<IPersistentVolume>(`/api/v1/persistentvolumes?labelSelector=${encodeURIComponent(`${PROVISIONED_LABEL}=true`)}`);
    for (const pv of pvs.items) {
      if (pv.status?.phase === "Released" && pv.spec?.persistentVolumeReclaimPolicy === "Delete" && pv.metadata?.name) {
        await this.opts.volumes?.remove(pv);
        await this.kube.delete(`/api/v1/persistentvolumes/${pv.metadata.name}`);
        this.log(`deleted released ${pv.metadata.name}`);
      }
    }
  }

  /** One pass of the LoadBalancer emulation: give LB Services an ingress hostname. */
  async loadBalancersOnce(): Promise<void> {
    interface Svc {
      metadata?: KubeMeta;
      spec?: { type?: string };
      status?: { loadBalancer?: { ingress?: unknown[] } };
    }
    const svcs = await this.kube.list<Svc>("/api/v1/services");
    for (const s of svcs.items) {
      const { name, namespace } = s.metadata ?? {};
      if (s.spec?.type !== "LoadBalancer" || (s.status?.loadBalancer?.ingress?.length ?? 0) > 0 || !name || !namespace) continue;
      await this.kube.patch(`/api/v1/namespaces/${namespace}/services/${name}/status`, {
        status: { loadBalancer: { ingress: [{ hostname: `${name}.${namespace}.elb.e2e.invalid` }] } },
      });
    }
  }

  async ensureStaticPVs(
    storageClassName: string,
    count: number,
    size: string,
    accessModes: AccessMode[] = ["ReadWriteOnce"],
  ): Promise<string[]> {
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `static-${storageClassName}-${i}`;
      const pv: IPersistentVolume = {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name, labels: { "e2e.eks-search-platform/static": "true" } },
        spec: {
          capacity: { storage: size },
          accessModes,
          persistentVolumeReclaimPolicy: "Retain",
          storageClassName,
          volumeMode: "Filesystem",
          hostPath: { path: path.join(this.tmpDir, "volumes", name) },
        },
      };
      if (!(await this.kube.get(`/api/v1/persistentvolumes/${name}`))) await this.kube.create("/api/v1/persistentvolumes", pv);
      names.push(name);
    }
    return names;
  }

  pulumi(args: readonly string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ExecResult> {
    return run(this.tools.pulumi, args, { env: { ...this.env, ...(opts.env ?? {}) }, cwd: opts.cwd, timeoutMs: opts.timeoutMs });
  }

  kubectl(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return run("kubectl", ["--kubeconfig", this.kubeconfigPath, ...args], { env: this.env, input: opts.input, timeoutMs: opts.timeoutMs });
  }

  logTails(lines = 30): string {
    return this.procs.map((p) => `----- ${p.name} (${p.logPath}) -----\n${tailFile(p.logPath, lines)}`).join("\n");
  }

  /** Synchronous last resort (process exit / signals): SIGKILL every group, remove the dir. */
  killSync(): void {
    this.stopping = true;
    if (this.loop) clearInterval(this.loop);
    this.stopWatchdog();
    for (const p of this.procs) {
      if (p.exitCode === undefined && p.child.pid) {
        try {
          process.kill(-p.child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    if (!this.keep()) fs.rmSync(this.tmpDir, { recursive: true, force: true });
    live.delete(this);
    this.stopped = true;
  }

  keep(): boolean {
    return this.opts.keepTempDir === true || process.env.E2E_KEEP_TMP === "1";
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopping = true;
    if (this.loop) clearInterval(this.loop);
    this.stopWatchdog();
    this.kube.close();
    // Reverse start order: KWOK, scheduler, controller-manager, API server, etcd.
    for (const p of [...this.procs].reverse()) {
      if (p.exitCode !== undefined || !p.child.pid) continue;
      try {
        process.kill(-p.child.pid, "SIGTERM");
      } catch {
        continue;
      }
      const exited = await Promise.race([p.exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!exited) {
        try {
          process.kill(-p.child.pid, "SIGKILL");
        } catch {
          // gone
        }
        await p.exited;
      }
    }
    if (this.keep()) this.log(`kept ${this.tmpDir}`);
    else fs.rmSync(this.tmpDir, { recursive: true, force: true });
    live.delete(this);
    this.stopped = true;
  }
}

/**
 * Processes started again when they exit (see spawnProcess): the leader-elected controllers, which exit by
 * design when their lease cannot be renewed, e.g. while kube-apiserver restarts.
 */
const SUPERVISED = new Set(["kube-controller-manager", "kube-scheduler"]);

/** Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK with fake nodes. */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = opts.log ?? ((msg: string) => process.stderr.write(`[control-plane] ${msg}\n`));
  const tools = loadTools();
  const started = Date.now();
  const deadline = started + (opts.startTimeoutMs ?? 180_000);
  installExitHandlers();
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-control-plane-"));
  const [etcdClient, etcdPeer, apiPort] = await freePorts(3);
  const server = `https://127.0.0.1:${apiPort}`;
  let cp: ControlPlaneImpl | undefined;
  try {
    cp = new ControlPlaneImpl(tools, tmpDir, server, opts, log);
    live.add(cp);
    const c = cp;
    c.startWatchdog();

    c.spawnProcess("etcd", tools.etcd, [
      "--name=e2e",
      `--data-dir=${path.join(tmpDir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=e2e=http://127.0.0.1:${etcdPeer}`,
      "--unsafe-no-fsync=true",
      "--quota-backend-bytes=4294967296",
      "--log-level=warn",
    ]);
    await c.until("etcd /health", deadline, async () => {
      const res = await fetch(`http://127.0.0.1:${etcdClient}/health`);
      return res.ok && ((await res.json()) as { health?: string }).health === "true";
    });

    c.spawnProcess("kube-apiserver", tools.kubeApiserver, [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${c.pki("apiserver.crt")}`,
      `--tls-private-key-file=${c.pki("apiserver.key")}`,
      `--client-ca-file=${c.pki("ca.crt")}`,
      `--service-account-key-file=${c.pki("sa.pub")}`,
      `--service-account-signing-key-file=${c.pki("sa.key")}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      "--service-cluster-ip-range=10.96.0.0/16",
      "--authorization-mode=RBAC",
      "--allow-privileged=true",
      // The "kubernetes" Service's endpoints would be the loopback address, which Endpoints reject.
      "--endpoint-reconciler-type=none",
      "--enable-priority-and-fairness=false",
      "--profiling=false",
      `--cert-dir=${path.join(tmpDir, "apiserver-certs")}`,
      "--v=1",
    ]);
    await c.until("kube-apiserver /readyz", deadline, async () => (await c.kube.request("GET", "/readyz")).status === 200);
    log(`kube-apiserver ready at ${server} after ${((Date.now() - started) / 1000).toFixed(1)}s`);

    const kwok = opts.kwok ?? true;
    if (kwok) await c.createNodes(opts.nodes ?? {});

    const kubeconfigArg = `--kubeconfig=${c.kubeconfigPath}`;
    c.spawnProcess("kube-controller-manager", tools.kubeControllerManager, [
      kubeconfigArg,
      "--secure-port=0",
      "--leader-elect=true",
      "--leader-elect-lease-duration=15s",
      "--leader-elect-renew-deadline=10s",
      `--service-account-private-key-file=${c.pki("sa.key")}`,
      `--root-ca-file=${c.pki("ca.crt")}`,
      "--use-service-account-credentials=false",
      "--service-cluster-ip-range=10.96.0.0/16",
      "--controllers=*",
      "--profiling=false",
      "--v=1",
    ]);
    c.spawnProcess("kube-scheduler", tools.kubeScheduler, [
      kubeconfigArg,
      `--authentication-kubeconfig=${c.kubeconfigPath}`,
      `--authorization-kubeconfig=${c.kubeconfigPath}`,
      "--secure-port=0",
      "--leader-elect=true",
      "--profiling=false",
      "--v=1",
    ]);
    if (kwok) c.startKwok();

    const holder = async (name: string): Promise<boolean> => {
      const lease = await c.kube.get<{ spec?: { holderIdentity?: string } }>(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${name}`);
      return !!lease?.spec?.holderIdentity;
    };
    await c.until("kube-controller-manager leader lease", deadline, () => holder("kube-controller-manager"));
    await c.until("kube-scheduler leader lease", deadline, () => holder("kube-scheduler"));
    await c.until("the default ServiceAccount", deadline, async () => !!(await c.kube.get("/api/v1/namespaces/default/serviceaccounts/default")));
    if (kwok) await c.until("KWOK nodes Ready", deadline, async () => {
      const nodes = await c.kube.list<INode>("/api/v1/nodes");
      const ready = nodes.items.filter((n) => n.status?.conditions?.some((cond) => cond.type === "Ready" && cond.status === "True"));
      return ready.length === c.nodeNames.length;
    });
    c.startBackgroundLoop();
    if (opts.installKubernetesPlugin ?? true) await installKubernetesPlugin(tools, c.pulumiHome);
    log(`control plane up in ${((Date.now() - started) / 1000).toFixed(1)}s (${c.nodeNames.length} KWOK nodes, logs in ${path.join(tmpDir, "logs")})`);
    return c;
  } catch (err) {
    if (cp) {
      log(`startup failed: ${err instanceof Error ? err.message : String(err)}\n${cp.logTails(40)}`);
      await cp.stop();
    } else {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    }
    throw err;
  }
}
