/**
 * A local Kubernetes cluster with one real node, offline: `npm run -s local-cluster -- <command>`.
 *
 *   up      build or reuse the toolchain and the images, start the control plane (etcd, kube-apiserver,
 *           kube-controller-manager, kube-scheduler) and the node (containerd, kubelet, kube-proxy, CoreDNS,
 *           a bridge pod network, node-local volumes), then print `export NAME=value` lines for kubectl,
 *           the Pulumi CLI and the CI driver. Already up: prints them again.
 *   env     print the export lines of the running cluster
 *   status  say whether it runs
 *   down    stop every process it started (by PID) and remove the bridge, iptables rules, mounts, volumes
 *           and state it made. Safe to run twice, and after a crash.
 *
 *   eval "$(npm run -s local-cluster -- up)"
 *   kubectl get nodes
 *   npm run -s deploy -- up --stack local
 *   npm run -s local-cluster -- down
 *
 * The processes run under a small supervisor (`serve`, started detached by `up`) that also plays the
 * volume provisioner; its log and the components' logs are in the state directory `status` prints.
 * Needs root. Progress goes to stderr; stdout carries only the export lines.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, startControlPlane } from "../test/e2e/control-plane";
import { defaultLayout, nodeLocalVolumes, startRealNode } from "../test/e2e/real-node";
import { cleanupRealNode, processStart } from "../test/e2e/real-node-cleanup";
import { gatewayOf } from "../test/e2e/real-node-config";

const STATE = path.join(process.env.XDG_STATE_HOME ?? path.join(os.homedir(), ".local", "state"), "eks-search-platform", "local-cluster");
const files = {
  supervisor: path.join(STATE, "supervisor.json"),
  ready: path.join(STATE, "ready.json"),
  failed: path.join(STATE, "failed.txt"),
  log: path.join(STATE, "supervisor.log"),
  passphrase: path.join(STATE, "passphrase"),
  backend: path.join(STATE, "pulumi-state"),
};

const say = (msg: string): void => void process.stderr.write(`[local-cluster] ${msg}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Supervisor {
  pid: number;
  start: string;
}

function supervisor(): Supervisor | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(files.supervisor, "utf8")) as Supervisor;
    return processStart(s.pid) === s.start ? s : undefined;
  } catch {
    return undefined;
  }
}

/** The variables kubectl, the Pulumi CLI and the CI driver need against the cluster. */
type Exports = Record<string, string>;

function printExports(env: Exports): void {
  const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
  for (const [k, v] of Object.entries(env)) {
    process.stdout.write(k === "PATH" ? `export PATH=${quote(v)}:"$PATH"\n` : `export ${k}=${quote(v)}\n`);
  }
}

async function up(): Promise<number> {
  if (supervisor() && fs.existsSync(files.ready)) {
    say(`already up (supervisor pid ${supervisor()?.pid}); the same exports again:`);
    printExports(JSON.parse(fs.readFileSync(files.ready, "utf8")) as Exports);
    return 0;
  }
  if (supervisor()) {
    say("a supervisor is starting or stuck; run `down` first");
    return 1;
  }
  if (process.getuid?.() !== 0) {
    say("needs root (bridges, iptables, mounts, containerd)");
    return 1;
  }
  const t0 = Date.now();
  say("toolchain (scripts/e2e-tools build; cached after the first run) ...");
  const tools = spawnSync(path.join(REPO_ROOT, "scripts", "e2e-tools"), ["build"], { stdio: ["ignore", "inherit", "inherit"] });
  if (tools.status !== 0) return 1;
  fs.mkdirSync(STATE, { recursive: true });
  for (const f of [files.ready, files.failed]) fs.rmSync(f, { force: true });
  const log = fs.openSync(files.log, "w");
  const child = spawn(process.execPath, ["--import", "tsx", __filename, "serve"], { cwd: REPO_ROOT, detached: true, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  child.unref();
  say(`starting the control plane and the node (supervisor pid ${child.pid}, log ${files.log}) ...`);
  for (;;) {
    if (fs.existsSync(files.ready)) break;
    if (fs.existsSync(files.failed) || child.exitCode !== null || (child.pid !== undefined && processStart(child.pid) === undefined)) {
      say(`failed to start:\n${fs.existsSync(files.failed) ? fs.readFileSync(files.failed, "utf8") : fs.readFileSync(files.log, "utf8").slice(-4000)}`);
      await down();
      return 1;
    }
    await sleep(250);
  }
  say(`up in ${((Date.now() - t0) / 1000).toFixed(1)}s; \`npm run -s local-cluster -- down\` stops it`);
  printExports(JSON.parse(fs.readFileSync(files.ready, "utf8")) as Exports);
  return 0;
}

/** The supervisor: runs the cluster until SIGUSR2 (down) and plays the volume provisioner meanwhile. */
async function serve(): Promise<void> {
  const layout = defaultLayout();
  fs.writeFileSync(files.supervisor, JSON.stringify({ pid: process.pid, start: processStart(process.pid) }));
  const log = (m: string): void => void process.stderr.write(`${new Date().toISOString()} ${m}\n`);
  let stopping: Promise<void> | undefined;
  try {
    const cp = await startControlPlane({ kwok: false, volumes: nodeLocalVolumes(layout), fakeLoadBalancers: false, log });
    const node = await startRealNode(cp, { layout, log }).catch(async (err: unknown) => {
      await cp.stop();
      throw err;
    });
    const stop = (): void => {
      stopping ??= (async () => {
        log("stopping");
        await node.stop();
        await cp.stop();
        fs.rmSync(files.ready, { force: true });
        log("stopped");
        process.exit(0);
      })();
    };
    process.on("SIGUSR2", stop);
    if (!fs.existsSync(files.passphrase)) fs.writeFileSync(files.passphrase, randomBytes(24).toString("hex"), { mode: 0o600 });
    fs.mkdirSync(files.backend, { recursive: true });
    const exports: Exports = {
      KUBECONFIG: cp.kubeconfigPath,
      PATH: cp.tools.path,
      PULUMI_HOME: cp.pulumiHome,
      PULUMI_CLI_ROOT: path.dirname(path.dirname(cp.tools.pulumi)),
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_BACKEND_URL: `file://${files.backend}`,
      PULUMI_CONFIG_PASSPHRASE_FILE: files.passphrase,
      LOCAL_CLUSTER_DNS: gatewayOf(layout.podCidr),
    };
    fs.writeFileSync(`${files.ready}.tmp`, JSON.stringify(exports, null, 2));
    fs.renameSync(`${files.ready}.tmp`, files.ready);
    log("ready");
    // Keep the event loop (and the provisioner loop) alive until down.
    setInterval(() => undefined, 60_000);
  } catch (err) {
    fs.writeFileSync(files.failed, err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  }
}

async function down(): Promise<number> {
  const s = supervisor();
  if (s) {
    say(`stopping the supervisor (pid ${s.pid}) ...`);
    process.kill(s.pid, "SIGUSR2");
    const deadline = Date.now() + 120_000;
    while (processStart(s.pid) === s.start && Date.now() < deadline) await sleep(250);
    if (processStart(s.pid) === s.start) {
      say("the supervisor did not stop in 120 s; killing it");
      process.kill(s.pid, "SIGKILL");
    }
  }
  // Whatever is left (a crashed supervisor, a killed one): the same idempotent cleanup.
  await cleanupRealNode(defaultLayout(), { kubeProxy: kubeProxyBinary(), log: say });
  fs.rmSync(STATE, { recursive: true, force: true });
  say("down: no process, bridge, iptables rule, mount or volume of the local cluster is left");
  return 0;
}

function kubeProxyBinary(): string | undefined {
  const r = spawnSync(path.join(REPO_ROOT, "scripts", "e2e-tools"), ["env"], { encoding: "utf8" });
  return /^E2E_KUBE_PROXY=(.*)$/m.exec(r.stdout ?? "")?.[1];
}

async function main(): Promise<number> {
  const cmd = process.argv[2];
  switch (cmd) {
    case "up":
      return up();
    case "down":
      return down();
    case "serve":
      await serve();
      return new Promise<number>(() => undefined);
    case "env":
      if (!supervisor() || !fs.existsSync(files.ready)) {
        say("not running: npm run -s local-cluster -- up");
        return 1;
      }
      printExports(JSON.parse(fs.readFileSync(files.ready, "utf8")) as Exports);
      return 0;
    case "status": {
      const s = supervisor();
      say(s ? `up (supervisor pid ${s.pid}; state and logs in ${STATE} and ${defaultLayout().stateDir})` : "down");
      return s ? 0 : 3;
    }
    default:
      say("usage: npm run -s local-cluster -- up | down | env | status");
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    say(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
