/**
 * Taking a real node apart (see real-node.ts), idempotently: safe to run twice, after a crash, or on a
 * machine where nothing was started. It only touches what the node made: processes recorded in its pids
 * file (checked by start time, so a reused PID is left alone), containerd shims of its own socket, the
 * network namespaces whose addresses are in its pod network, mounts under its state directory, iptables
 * rules carrying its comment plus kube-proxy's and the kubelet's chains, its bridge, the sysctls it changed
 * (restored) and the kubelet's pod cgroups.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { run } from "./control-plane";
import { nodePaths, type NodeLayout } from "./real-node-config";

/** The comment on every iptables rule the node adds itself. */
export const IPTABLES_COMMENT = "eks-search-platform real-node";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A process the node started: its name, PID and start time (field 22 of /proc/<pid>/stat). */
export interface RecordedProcess {
  name: string;
  pid: number;
  start: string;
}

export function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

export function readRecorded(pidsFile: string): RecordedProcess[] {
  let text = "";
  try {
    text = fs.readFileSync(pidsFile, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [name, pid, start] = l.split(" ");
      return { name, pid: Number(pid), start };
    });
}

export function isAlive(p: RecordedProcess): boolean {
  return processStart(p.pid) === p.start;
}

/** SIGTERM, then SIGKILL after `graceMs`; only processes whose start time still matches. */
export async function killProcesses(procs: RecordedProcess[], graceMs = 10_000): Promise<void> {
  const live = procs.filter(isAlive);
  for (const p of live) signal(p.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (live.some(isAlive) && Date.now() < deadline) await sleep(100);
  for (const p of live.filter(isAlive)) signal(p.pid, "SIGKILL");
  while (live.some(isAlive) && Date.now() < deadline + 5_000) await sleep(100);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone
  }
}

/** PIDs of containerd shims serving our containerd (their command line names its socket). */
export function shimPids(containerdSocket: string): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    let cmdline = "";
    try {
      cmdline = fs.readFileSync(`/proc/${e}/cmdline`, "utf8");
    } catch {
      continue;
    }
    const args = cmdline.split("\0");
    if (args[0]?.includes("containerd-shim") && args.includes(containerdSocket)) out.push(Number(e));
  }
  return out;
}

async function ctr(socket: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run("ctr", ["--address", socket, "--namespace", "k8s.io", ...args], { timeoutMs: 60_000 });
}

/** Kills every container task of our containerd (SIGKILL); with `remove`, deletes the containers too. */
export async function killContainers(socket: string, remove: boolean): Promise<void> {
  if (!fs.existsSync(socket)) return;
  const tasks = await ctr(socket, ["tasks", "ls", "-q"]).catch(() => undefined);
  if (!tasks || tasks.code !== 0) return;
  const ids = tasks.stdout.split("\n").filter(Boolean);
  await Promise.all(ids.map((id) => ctr(socket, ["tasks", "kill", "--signal", "SIGKILL", id]).catch(() => undefined)));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const list = await ctr(socket, ["tasks", "ls"]).catch(() => undefined);
    if (!list || !/RUNNING|PAUSED|STOPPING/.test(list.stdout) || Date.now() > deadline) break;
    await sleep(200);
  }
  if (!remove) return;
  for (const id of ids) await ctr(socket, ["tasks", "delete", "--force", id]).catch(() => undefined);
  const containers = await ctr(socket, ["containers", "ls", "-q"]).catch(() => undefined);
  for (const id of containers?.stdout.split("\n").filter(Boolean) ?? []) await ctr(socket, ["containers", "delete", id]).catch(() => undefined);
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const root = path.resolve(dir);
  const text = fs.readFileSync("/proc/self/mountinfo", "utf8");
  const points = text
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(" ")[4].replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((m) => m === root || m.startsWith(`${root}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

async function unmountAll(dir: string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const points = mountsUnder(dir);
    if (points.length === 0) return;
    for (const m of points) await run("umount", ["-l", m]).catch(() => undefined);
  }
}

/** Whether `ip` (dotted quad) is inside `cidr`. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const n = (s: string): number => s.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  const mask = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
  return (n(ip) & mask) >>> 0 === (n(base) & mask) >>> 0;
}

/** CNI network namespaces (/run/netns/cni-*) with an address in our pod network: deleted. */
async function removeNetns(podCidr: string): Promise<void> {
  let names: string[] = [];
  try {
    names = fs.readdirSync("/run/netns").filter((n) => n.startsWith("cni-"));
  } catch {
    return;
  }
  for (const name of names) {
    const addrs = await run("ip", ["-n", name, "-4", "-o", "addr", "show"]).catch(() => undefined);
    const ips = [...(addrs?.stdout ?? "").matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]);
    if (ips.some((ip) => inCidr(ip, podCidr))) {
      await run("ip", ["netns", "delete", name]).catch(() => undefined);
    }
  }
}

/** Deletes the iptables rules with our comment, in every table. */
export async function removeOwnIptablesRules(): Promise<void> {
  for (const table of ["filter", "nat"]) {
    const saved = await run("iptables-save", ["-t", table]).catch(() => undefined);
    for (const line of (saved?.stdout ?? "").split("\n")) {
      if (!line.startsWith("-A ") || !line.includes(IPTABLES_COMMENT)) continue;
      const args = splitRule(line.slice(3));
      await run("iptables", ["-t", table, "-D", ...args]).catch(() => undefined);
    }
  }
}

/** Splits an iptables-save rule into arguments (double-quoted strings stay one argument). */
export function splitRule(rule: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of rule.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2]);
  return out;
}

/** kube-proxy's own cleanup, then any KUBE-* chain left (the kubelet's canaries), in every table. */
async function removeKubeChains(kubeProxy: string | undefined): Promise<void> {
  if (kubeProxy && fs.existsSync(kubeProxy)) await run(kubeProxy, ["--cleanup", "--v=0"], { timeoutMs: 60_000 }).catch(() => undefined);
  for (const table of ["filter", "nat", "mangle"]) {
    const saved = await run("iptables-save", ["-t", table]).catch(() => undefined);
    const lines = (saved?.stdout ?? "").split("\n");
    const chains = lines.filter((l) => /^:KUBE-\S+/.test(l)).map((l) => l.slice(1).split(" ")[0]);
    if (chains.length === 0) continue;
    // Rules in built-in chains that jump to KUBE-* chains go first.
    for (const line of lines) {
      if (!line.startsWith("-A ")) continue;
      const args = splitRule(line.slice(3));
      if (!chains.includes(args[0]) && args.some((a, i) => a === "-j" && chains.includes(args[i + 1]))) {
        await run("iptables", ["-t", table, "-D", ...args]).catch(() => undefined);
      }
    }
    for (const c of chains) await run("iptables", ["-t", table, "-F", c]).catch(() => undefined);
    for (const c of chains) await run("iptables", ["-t", table, "-X", c]).catch(() => undefined);
  }
}

/** Empty cgroups the kubelet made (kubepods, and its QoS and pod children), in every v1 hierarchy. */
function removePodCgroups(): void {
  let controllers: string[] = [];
  try {
    controllers = fs.readdirSync("/sys/fs/cgroup");
  } catch {
    return;
  }
  const rmTree = (dir: string): void => {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) rmTree(path.join(dir, e.name));
    try {
      fs.rmdirSync(dir);
    } catch {
      // busy or gone
    }
  };
  for (const c of controllers) rmTree(path.join("/sys/fs/cgroup", c, "kubepods"));
}

/** The sysctls the node sets, with the values it found (saved to restore them). */
export const NODE_SYSCTLS = { "net/ipv4/ip_forward": "1", "net/bridge/bridge-nf-call-iptables": "1" } as const;

export function savedSysctlsFile(stateDir: string): string {
  return path.join(stateDir, "sysctls.json");
}

function restoreSysctls(stateDir: string): void {
  let saved: Record<string, string> = {};
  try {
    saved = JSON.parse(fs.readFileSync(savedSysctlsFile(stateDir), "utf8")) as Record<string, string>;
  } catch {
    return;
  }
  for (const [key, value] of Object.entries(saved)) {
    try {
      fs.writeFileSync(`/proc/sys/${key}`, value);
    } catch {
      // not writable here
    }
  }
}

/** Everything the real node made, gone. `kubeProxy` is the binary for `kube-proxy --cleanup`. */
export async function cleanupRealNode(layout: NodeLayout, opts: { kubeProxy?: string; log?: (m: string) => void } = {}): Promise<void> {
  const p = nodePaths(layout);
  const procs = readRecorded(p.pids);
  // The kubelet first, so it restarts nothing; then the containers while containerd still answers.
  await killProcesses(procs.filter((x) => x.name === "kubelet"));
  await killContainers(p.containerdSocket, true);
  await killProcesses(procs.filter((x) => x.name !== "kubelet"));
  await killProcesses(shimPids(p.containerdSocket).map((pid) => ({ name: "shim", pid, start: processStart(pid) ?? "" })), 2_000);
  await removeNetns(layout.podCidr);
  await unmountAll(layout.stateDir);
  await removeOwnIptablesRules();
  await removeKubeChains(opts.kubeProxy);
  if (fs.existsSync(`/sys/class/net/${layout.bridge}`)) await run("ip", ["link", "delete", layout.bridge]).catch(() => undefined);
  restoreSysctls(layout.stateDir);
  removePodCgroups();
  if (mountsUnder(layout.stateDir).length === 0) fs.rmSync(layout.stateDir, { recursive: true, force: true });
  else opts.log?.(`left ${layout.stateDir}: still mounted: ${mountsUnder(layout.stateDir).join(", ")}`);
}
