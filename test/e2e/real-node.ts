/**
 * One real Kubernetes node for a local control plane (control-plane.ts started with `kwok: false`):
 * containerd and runc from Debian's packages, the kubelet and kube-proxy built from k8s.io/kubernetes, CoreDNS,
 * a bridge pod network, and images built by scripts/image-build and imported into containerd.
 *
 *   const cp = await startControlPlane({ kwok: false, volumes: nodeLocalVolumes(layout) });
 *   const node = await startRealNode(cp, { layout });
 *   try { ... pods run for real ... } finally { await node.stop(); await cp.stop(); }
 *
 * Network: a bridge (the node's IP is its first address) with host-local pod addresses, no masquerade and
 * a FORWARD rule that drops whatever a pod sends outside the pod network: test traffic stays on this
 * machine. The Service network is routed onto the bridge too, so a ClusterIP that kube-proxy has not
 * (yet) translated never leaves either. kube-proxy (iptables) makes ClusterIPs work, from pods and from
 * this host; CoreDNS, on the node's IP, answers `*.svc.cluster.local` from the API server and nothing else.
 * br_netfilter's bridge-nf-call-iptables is on, so replies between pods on the one bridge pass conntrack.
 *
 * Volumes: claims for any external provisioner (the local stack's `rancher.io/local-path` class) get
 * `local` PVs in the node's state directory, made world-writable as local-path-provisioner makes them, so
 * the pod's fsGroup applies; a released volume's data is deleted with its PV.
 *
 * NetworkPolicy is not enforced: the bridge plugin has no policy engine.
 *
 * Everything is recorded under the layout's state directory; stop() and cleanupRealNode() (also run before
 * a start, for a crashed earlier run) remove it all.
 */
import { spawn } from "node:child_process";
import { Resolver } from "node:dns/promises";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { INode } from "kubernetes-models/v1/Node";
import type { IPersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import { REPO_ROOT, run, type ControlPlane, type E2ETools, type VolumeBackend } from "./control-plane";
import { cleanupRealNode, IPTABLES_COMMENT, isAlive, NODE_SYSCTLS, processStart, readRecorded, savedSysctlsFile, killProcesses, killContainers, shimPids, type RecordedProcess } from "./real-node-cleanup";
import { containerdConfig, cniConfig, corefile, gatewayOf, kubeletConfig, kubeProxyConfig, nodePaths, prefixOf, type NodeLayout } from "./real-node-config";

const CACHE_ROOT = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "eks-search-platform");
const STATE_ROOT = path.join(process.env.XDG_STATE_HOME ?? path.join(os.homedir(), ".local", "state"), "eks-search-platform");

/** The one real node this machine runs at a time (fixed names: one bridge, one pod network). */
export function defaultLayout(): NodeLayout {
  return {
    stateDir: path.join(STATE_ROOT, "real-node"),
    containerdRoot: path.join(CACHE_ROOT, "real-node", "containerd"),
    nodeName: "real-node",
    bridge: "esp-node0",
    podCidr: "10.244.0.0/24",
    serviceCidr: "10.96.0.0/16",
    sandboxImage: "registry.k8s.io/pause:3.10",
    cniBinDir: "/usr/lib/cni",
  };
}

/** The images every real node imports: the recipes in images/ (scripts/image-build). */
export const NODE_IMAGES = ["pause", "elasticsearch", "search-api", "search-web", "todobackend-db"];

export interface RealNodeOptions {
  layout?: NodeLayout;
  /** Recipes of images/ to build (if needed) and import. @default NODE_IMAGES */
  images?: string[];
  /** The kubelet's port on the node's IP. @default 10250 */
  kubeletPort?: number;
  /** Startup deadline. @default 300 s (a cold image import takes a while) */
  startTimeoutMs?: number;
  log?: (msg: string) => void;
}

export interface RealNode {
  readonly layout: NodeLayout;
  readonly nodeName: string;
  /** The node's IP (the bridge's address): CoreDNS and the kubelet listen there. */
  readonly nodeIp: string;
  /** Seconds each start phase took (for the benchmark and reports). */
  readonly timings: Record<string, number>;
  /**
   * A node reboot as far as pods can tell: the kubelet and containerd stop, every container (sandboxes
   * included) is killed, then both start again. The kubelet recreates the sandboxes and runs init
   * containers again over the pods' surviving emptyDirs.
   */
  restartRuntime(): Promise<void>;
  /** A resolver that asks the node's CoreDNS. */
  resolver(): Resolver;
  logTails(lines?: number): string;
  /** Stops everything and removes what the node made (cleanupRealNode). Idempotent. */
  stop(): Promise<void>;
}

/** `local` PVs in the node's state directory, pinned to the node (the harness's provisioner makes the PV objects). */
export function nodeLocalVolumes(layout: NodeLayout): VolumeBackend {
  const dir = nodePaths(layout).volumes;
  return {
    create(pvName) {
      const p = path.join(dir, pvName);
      fs.mkdirSync(p, { recursive: true });
      // World-writable, as local-path-provisioner makes its directories: the pod's user owns what it writes.
      fs.chmodSync(p, 0o777);
      return Promise.resolve({
        local: { path: p },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [layout.nodeName] }] }] } },
      });
    },
    remove(pv: IPersistentVolume) {
      const p = pv.spec?.local?.path;
      if (p && path.dirname(p) === dir) fs.rmSync(p, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-lines - 1).join("\n");
  } catch {
    return "(no log)";
  }
}

async function must(file: string, args: string[], what: string): Promise<string> {
  const r = await run(file, args, { timeoutMs: 10 * 60_000 });
  if (r.code !== 0) throw new Error(`${what}: ${file} ${args.join(" ")} exited ${r.code}\n${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Builds (or reuses) the images of `names` with scripts/image-build; returns their archive paths. */
export async function buildImages(names: readonly string[]): Promise<string[]> {
  const out = await must(path.join(REPO_ROOT, "scripts", "image-build"), ["build", ...names], "building the node's images");
  return out.split("\n").filter(Boolean);
}

class RealNodeImpl implements RealNode {
  readonly nodeName: string;
  readonly nodeIp: string;
  readonly timings: Record<string, number> = {};
  private readonly paths: ReturnType<typeof nodePaths>;
  private stopped = false;

  constructor(
    readonly layout: NodeLayout,
    private readonly cp: ControlPlane,
    private readonly tools: E2ETools,
    private readonly kubeletPort: number,
    private readonly log: (msg: string) => void,
  ) {
    this.nodeName = layout.nodeName;
    this.nodeIp = gatewayOf(layout.podCidr);
    this.paths = nodePaths(layout);
  }

  /** Starts a process in its own group, logging to logs/<name>.log; records it (name, PID, start time). */
  spawnRecorded(name: string, bin: string, args: string[]): RecordedProcess {
    fs.mkdirSync(this.paths.logs, { recursive: true });
    const logPath = path.join(this.paths.logs, `${name}.log`);
    const fd = fs.openSync(logPath, "a");
    fs.writeSync(fd, `$ ${bin} ${args.join(" ")}\n`);
    const child = spawn(bin, args, { detached: true, stdio: ["ignore", fd, fd], cwd: this.layout.stateDir, env: { ...process.env, PATH: `/usr/local/sbin:/usr/sbin:/sbin:${process.env.PATH ?? ""}` } });
    fs.closeSync(fd);
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${name}: could not start ${bin}`);
    const start = processStart(pid) ?? "";
    fs.appendFileSync(this.paths.pids, `${name} ${pid} ${start}\n`);
    // The control plane's watchdog kills these groups too if the test process dies without cleaning up.
    fs.appendFileSync(path.join(this.cp.tmpDir, "pgids"), `${pid}\n`);
    return { name, pid, start };
  }

  private running(name: string): RecordedProcess | undefined {
    return readRecorded(this.paths.pids)
      .filter((p) => p.name === name)
      .find(isAlive);
  }

  async until(what: string, deadline: number, probe: () => Promise<boolean>, logName?: string): Promise<void> {
    for (;;) {
      let ok = false;
      try {
        ok = await probe();
      } catch {
        ok = false;
      }
      if (ok) return;
      if (logName && !this.running(logName)) throw new Error(`${logName} exited while waiting for ${what}:\n${tail(path.join(this.paths.logs, `${logName}.log`), 40)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${logName ? `:\n${tail(path.join(this.paths.logs, `${logName}.log`), 40)}` : ""}`);
      await sleep(200);
    }
  }

  async timed<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      this.timings[phase] = (Date.now() - t) / 1000;
    }
  }

  async setUpHost(): Promise<void> {
    const l = this.layout;
    for (const d of [l.stateDir, l.containerdRoot, this.paths.cniConfDir, this.paths.cniIpamDir, this.paths.kubeletRoot, this.paths.volumes, this.paths.logs]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(this.paths.owner, `${process.pid} ${processStart(process.pid) ?? ""}\n`);
    // Sysctls: save what we found, so cleanup restores it.
    const saved: Record<string, string> = {};
    for (const [key, value] of Object.entries(NODE_SYSCTLS)) {
      const file = `/proc/sys/${key}`;
      if (!fs.existsSync(file)) throw new Error(`${file} is missing (br_netfilter not loaded?)`);
      saved[key] = fs.readFileSync(file, "utf8").trim();
      fs.writeFileSync(file, value);
    }
    fs.writeFileSync(savedSysctlsFile(l.stateDir), JSON.stringify(saved));
    // The bridge with the node's IP; the CNI plugin attaches pods to it.
    await must("ip", ["link", "add", l.bridge, "type", "bridge"], "creating the bridge");
    await must("ip", ["addr", "add", `${this.nodeIp}/${prefixOf(l.podCidr)}`, "dev", l.bridge], "addressing the bridge");
    await must("ip", ["link", "set", l.bridge, "up"], "bringing the bridge up");
    await must("ip", ["route", "add", l.serviceCidr, "dev", l.bridge, "src", this.nodeIp], "routing the Service network onto the bridge");
    // Pod traffic stays on this machine: within the pod network it is forwarded, anything else dropped.
    const comment = ["-m", "comment", "--comment", IPTABLES_COMMENT];
    await must("iptables", ["-I", "FORWARD", "1", "-s", l.podCidr, "!", "-d", l.podCidr, ...comment, "-j", "DROP"], "iptables");
    await must("iptables", ["-I", "FORWARD", "1", "-s", l.podCidr, "-d", l.podCidr, ...comment, "-j", "ACCEPT"], "iptables");
    fs.writeFileSync(path.join(this.paths.cniConfDir, "10-real-node.conflist"), cniConfig(l));
  }

  async startContainerd(deadline: number): Promise<void> {
    fs.mkdirSync(path.dirname(this.paths.containerdConfig), { recursive: true });
    fs.writeFileSync(this.paths.containerdConfig, containerdConfig(this.layout));
    this.spawnRecorded("containerd", "containerd", ["--config", this.paths.containerdConfig, "--log-level", "warn"]);
    await this.until("containerd", deadline, async () => (await this.ctr(["version"])).code === 0, "containerd");
  }

  ctr(args: string[]) {
    return run("ctr", ["--address", this.paths.containerdSocket, "--namespace", "k8s.io", ...args], { timeoutMs: 10 * 60_000 });
  }

  /** Imports each archive unless containerd already holds it (a marker per content-addressed archive). */
  async importImages(archives: string[]): Promise<void> {
    const markers = path.join(this.layout.containerdRoot, "imported");
    fs.mkdirSync(markers, { recursive: true });
    const refs = new Set((await this.ctr(["images", "ls", "-q"])).stdout.split("\n").filter(Boolean));
    for (const archive of archives) {
      const marker = path.join(markers, path.basename(archive));
      const ref = fs.existsSync(marker) ? fs.readFileSync(marker, "utf8").trim() : "";
      if (ref && refs.has(ref)) continue;
      const t = Date.now();
      const r = await this.ctr(["images", "import", archive]);
      if (r.code !== 0) throw new Error(`ctr images import ${archive} failed:\n${r.stderr}`);
      const imported = /unpacking (\S+) \(/.exec(r.stdout)?.[1] ?? /^(\S+)\s/m.exec(r.stdout)?.[1] ?? "";
      fs.writeFileSync(marker, imported);
      this.log(`imported ${imported || archive} in ${((Date.now() - t) / 1000).toFixed(1)}s`);
    }
  }

  async startKubelet(deadline: number): Promise<void> {
    fs.writeFileSync(this.paths.kubeletConfig, kubeletConfig(this.layout, this.kubeletPort));
    this.spawnRecorded("kubelet", this.tools.kubelet, [
      `--config=${this.paths.kubeletConfig}`,
      `--kubeconfig=${this.cp.kubeconfigPath}`,
      `--root-dir=${this.paths.kubeletRoot}`,
      `--cert-dir=${path.join(this.paths.kubeletRoot, "pki")}`,
      `--hostname-override=${this.nodeName}`,
      `--node-ip=${this.nodeIp}`,
      "--node-labels=node.kubernetes.io/instance-type=real-node,topology.kubernetes.io/region=local,topology.kubernetes.io/zone=local-a",
      "--v=1",
    ]);
    await this.until(
      `node ${this.nodeName} Ready`,
      deadline,
      async () => {
        const n = await this.cp.kube.get<INode>(`/api/v1/nodes/${this.nodeName}`);
        return n?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
      },
      "kubelet",
    );
  }

  async startKubeProxy(deadline: number): Promise<void> {
    fs.writeFileSync(this.paths.kubeProxyConfig, kubeProxyConfig(this.layout, this.cp.kubeconfigPath));
    this.spawnRecorded("kube-proxy", this.tools.kubeProxy, [`--config=${this.paths.kubeProxyConfig}`, "--v=1"]);
    // kube-proxy has synced once the API server's own Service (default/kubernetes) is in its rules (a
    // REJECT in the filter table here: the API server on loopback publishes no endpoints).
    await this.until("kube-proxy's rules", deadline, async () => (await run("iptables-save", [])).stdout.includes("default/kubernetes"), "kube-proxy");
  }

  async startCoreDns(deadline: number): Promise<void> {
    fs.writeFileSync(this.paths.corefile, corefile(this.layout, this.cp.kubeconfigPath));
    this.spawnRecorded("coredns", this.tools.coredns, ["-conf", this.paths.corefile]);
    await this.until(
      "CoreDNS answering kubernetes.default.svc.cluster.local",
      deadline,
      async () => (await this.resolver().resolve4("kubernetes.default.svc.cluster.local")).length > 0,
      "coredns",
    );
  }

  resolver(): Resolver {
    const r = new Resolver({ timeout: 1000, tries: 1 });
    r.setServers([this.nodeIp]);
    return r;
  }

  async restartRuntime(): Promise<void> {
    const procs = readRecorded(this.paths.pids);
    await killProcesses(procs.filter((p) => p.name === "kubelet" && isAlive(p)));
    await killContainers(this.paths.containerdSocket, false);
    await killProcesses(procs.filter((p) => p.name === "containerd" && isAlive(p)));
    await killProcesses(shimPids(this.paths.containerdSocket).map((pid) => ({ name: "shim", pid, start: processStart(pid) ?? "" })), 2_000);
    const deadline = Date.now() + 120_000;
    await this.startContainerd(deadline);
    await this.startKubelet(deadline);
  }

  logTails(lines = 30): string {
    let files: string[] = [];
    try {
      files = fs.readdirSync(this.paths.logs).filter((f) => f.endsWith(".log"));
    } catch {
      return "(no node logs)";
    }
    return files.map((f) => `----- ${f} (${path.join(this.paths.logs, f)}) -----\n${tail(path.join(this.paths.logs, f), lines)}`).join("\n");
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (process.env.E2E_KEEP_TMP === "1") {
      const keep = fs.mkdtempSync(path.join(os.tmpdir(), "real-node-logs-"));
      fs.cpSync(this.paths.logs, keep, { recursive: true });
      this.log(`kept the node's logs in ${keep}`);
    }
    await cleanupRealNode(this.layout, { kubeProxy: this.tools.kubeProxy, log: this.log });
  }
}

/** Refuses to start over a node another live process owns; cleans up after a dead owner. */
async function takeOver(layout: NodeLayout, tools: E2ETools, log: (m: string) => void): Promise<void> {
  const owner = nodePaths(layout).owner;
  if (fs.existsSync(owner)) {
    const [pid, start] = fs.readFileSync(owner, "utf8").trim().split(" ");
    if (Number(pid) !== process.pid && processStart(Number(pid)) === start) {
      throw new Error(`a real node is running (owned by pid ${pid}, state in ${layout.stateDir}); stop it first: npm run -s local-cluster -- down`);
    }
  }
  if (fs.existsSync(layout.stateDir) || fs.existsSync(`/sys/class/net/${layout.bridge}`)) {
    log(`cleaning up after an earlier run (${layout.stateDir})`);
    await cleanupRealNode(layout, { kubeProxy: tools.kubeProxy, log });
  }
}

/** Starts the real node against `cp` (which must run without KWOK); see the module comment. */
export async function startRealNode(cp: ControlPlane, opts: RealNodeOptions = {}): Promise<RealNode> {
  const log = opts.log ?? ((msg: string) => process.stderr.write(`[real-node] ${msg}\n`));
  const layout = opts.layout ?? defaultLayout();
  const tools = cp.tools;
  for (const [what, bin] of Object.entries({ kubelet: tools.kubelet, "kube-proxy": tools.kubeProxy, coredns: tools.coredns })) {
    if (!fs.existsSync(bin)) throw new Error(`${what} is not built (${bin}): run scripts/e2e-tools build node`);
  }
  if (process.getuid?.() !== 0) throw new Error("the real node needs root (bridges, iptables, mounts, containerd)");
  const started = Date.now();
  const deadline = started + (opts.startTimeoutMs ?? 300_000);
  await takeOver(layout, tools, log);
  const node = new RealNodeImpl(layout, cp, tools, opts.kubeletPort ?? 10250, log);
  const t = (phase: string, fn: () => Promise<void>): Promise<void> => node.timed(phase, fn);
  try {
    // Images build (cached) while the host and containerd come up.
    const images = buildImages(opts.images ?? NODE_IMAGES);
    images.catch(() => undefined);
    await t("host", () => node.setUpHost());
    await t("containerd", () => node.startContainerd(deadline));
    await t("images", async () => node.importImages(await images));
    await t("kubelet", () => node.startKubelet(deadline));
    await t("kube-proxy", () => node.startKubeProxy(deadline));
    await t("coredns", () => node.startCoreDns(deadline));
    log(`node ${layout.nodeName} Ready in ${((Date.now() - started) / 1000).toFixed(1)}s (${Object.entries(node.timings).map(([k, v]) => `${k} ${v.toFixed(1)}s`).join(", ")}; logs in ${nodePaths(layout).logs})`);
    return node;
  } catch (err) {
    log(`node startup failed: ${err instanceof Error ? err.message : String(err)}\n${node.logTails(40)}`);
    await node.stop();
    throw err;
  }
}
