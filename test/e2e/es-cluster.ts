/**
 * Three (or more) real Elasticsearch nodes on this host, each run the way kubelet would run the rendered
 * StatefulSet's pod: the integ-test-zip (scripts/es-dist) as the image, mounted read-only at ES_HOME; every
 * rendered volumeMount at its rendered path (emptyDirs fresh per pod, the data "PVC" kept per ordinal, Secret,
 * ConfigMap and projected volumes in kubelet's atomic-writer layout: a `..<timestamp>` directory, a `..data`
 * link, one link per key); the init container and the main container each in their own mount, PID and UTS
 * namespace, as a non-root uid with fsGroup 1000 and no new privileges; the rendered init script and readiness
 * probe run verbatim (`bash -c`, inside the main container's namespaces for the probe).
 *
 * Pod i listens on 127.0.0.(11+i) and is found by its pod and Service names through a hosts file (bound over
 * /etc/hosts and given to the JVM as -Djdk.net.hosts.file). What the pods cannot have here (one network
 * namespace for all) is bridged by iptables DNAT rules in a chain of this harness (ESH_<pid>), matched by the
 * pod's uid: the probe's https://127.0.0.1:9200 reaches its own pod, https://kubernetes.default.svc the
 * e2e's kube-apiserver. {@link HOST_OVERRIDES} lists what differs from a pod. Needs root (namespaces, mounts,
 * iptables); run it only under flock /work/coord/realnode.lock.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { type Obj } from "../program-checks";
import { REPO_ROOT } from "./control-plane";
import { javaHomeFor } from "./elasticsearch-process";

const execFileAsync = promisify(execFile);
const ES_HOME = "/usr/share/elasticsearch";
const FS_GROUP = 1000;
const API_ADDRESS = "127.0.0.10";

/** Settings and pod fields that differ from Kubernetes here, and why (docs/elasticsearch.md lists them too). */
export const HOST_OVERRIDES = [
  "network.host: the pod's loopback address 127.0.0.1x instead of 0.0.0.0 (all pods share one network namespace)",
  "ES_JAVA_OPTS: -Xms256m -Xmx256m (instead of the prod heap) and -Djdk.net.hosts.file=/etc/hosts (the pods' names)",
  "ES_JAVA_HOME: a JDK of the host (the integ-test-zip bundles none; the image does); the image is the integ-test-zip with the local image's rest-root stand-in (GET /)",
  "runAsUser: 1011+i instead of 1000 (the iptables rules tell the pods apart by uid; fsGroup 1000 is kept)",
  "the data claim: a tmpfs of the claimed size per pod (its own filesystem, as a PersistentVolume is, so that the disk watermarks measure it and not the host's disk)",
] as const;

export interface PodAddress {
  ordinal: number;
  name: string;
  address: string;
  uid: number;
  /** The Kubernetes node the pod runs on (its zone label is what the init script reads). */
  nodeName: string;
}

const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Writes a volume the way kubelet's AtomicWriter does: new `..<timestamp>` dir, `..data` swapped by rename, key links. */
export function writeAtomicVolume(dir: string, files: Record<string, string>, mode: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, "_").replace("T", "_").replace("Z", "");
  const tsDir = fs.mkdtempSync(path.join(dir, `..${stamp}.`));
  for (const [key, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(tsDir, key), content, { mode });
    fs.chownSync(path.join(tsDir, key), 0, FS_GROUP);
    fs.chmodSync(path.join(tsDir, key), mode);
  }
  fs.chmodSync(tsDir, 0o755);
  const dataLink = path.join(dir, "..data");
  const old = fs.existsSync(dataLink) ? fs.readlinkSync(dataLink) : undefined;
  fs.symlinkSync(path.basename(tsDir), path.join(dir, "..data_tmp"));
  fs.renameSync(path.join(dir, "..data_tmp"), dataLink);
  for (const key of Object.keys(files)) if (!fs.existsSync(path.join(dir, key))) fs.symlinkSync(path.join("..data", key), path.join(dir, key));
  for (const entry of fs.readdirSync(dir)) if (!entry.startsWith("..") && !(entry in files)) fs.rmSync(path.join(dir, entry));
  if (old !== undefined) fs.rmSync(path.join(dir, old), { recursive: true, force: true });
}

/** The image for a version: the unpacked integ-test-zip, copied once (root-owned, as in an image; /root is 0700). */
function imageFor(root: string, version: string): string {
  const image = path.join(root, `image-${version}`);
  if (!fs.existsSync(image)) {
    const dist = execFileSync(path.join(REPO_ROOT, "scripts", "es-dist"), ["home", version], { encoding: "utf8" }).trim();
    fs.cpSync(dist, image, { recursive: true });
    fs.mkdirSync(path.join(image, "data"), { recursive: true });
    installRestRootStandIn(image, version);
    execFileSync("chmod", ["-R", "a+rX", image]);
  }
  return image;
}

/**
 * The integ-test-zip lacks the rest-root module (GET / answers 405), which the rendered probe calls once the
 * cluster was healthy: the stand-in module the local image uses (images/elasticsearch/recipe.sh), built the same way.
 */
function installRestRootStandIn(image: string, version: string): void {
  const javaHome = javaHomeFor(version);
  const release = Number(version.split(".")[0]) >= 9 ? "21" : "17";
  const mod = path.join(image, "modules", "rest-root-stand-in");
  const classes = fs.mkdtempSync(path.join(os.tmpdir(), "rest-root-"));
  try {
    fs.mkdirSync(mod, { recursive: true });
    const source = path.join(REPO_ROOT, "images", "elasticsearch", "rest-root-stand-in", "RestRootStandIn.java");
    execFileSync(path.join(javaHome, "bin", "javac"), ["--release", release, "-proc:none", "-nowarn", "-d", classes, "-cp", `${image}/lib/*:${image}/lib/*/*`, source], { stdio: ["ignore", "ignore", "pipe"] });
    execFileSync(path.join(javaHome, "bin", "jar"), ["--create", "--file", path.join(mod, "rest-root-stand-in.jar"), "-C", classes, "."]);
  } finally {
    fs.rmSync(classes, { recursive: true, force: true });
  }
  fs.writeFileSync(
    path.join(mod, "plugin-descriptor.properties"),
    `description=Stands in for the rest-root module the integ-test-zip lacks (GET / and HEAD /)\nversion=${version}\nname=rest-root-stand-in\nclassname=org.example.esplatform.restroot.RestRootStandIn\njava.version=${release}\nelasticsearch.version=${version}\n`,
  );
}

export interface PodObjects {
  statefulSet: Obj;
  config: Record<string, string>;
  fileRealm: Record<string, string>;
  certs: Record<string, string>;
  /** The node-reader projected volume's files: token, ca.crt. */
  nodeReader: Record<string, string>;
  /** Elasticsearch version of the image (the integ-test-zip to run). */
  version: string;
}

interface Container {
  child: ChildProcess;
  /** PID (in this host's namespace) of the container's PID 1. */
  pid1: number;
  exited: Promise<number | null>;
  exitCode?: number | null;
}

/** One pod of the StatefulSet: its volumes on disk, its init and main containers. */
export class EsPod {
  main?: Container;
  private output = "";
  private volumes: string;
  readonly data: string;
  private generation = 0;
  private mounted = false;
  objects?: PodObjects;

  constructor(
    readonly root: string,
    readonly at: PodAddress,
    private readonly hostsFile: string,
  ) {
    this.data = path.join(root, "pvc", `data-${at.name}`);
    this.volumes = "";
  }

  /** What this pod's containers printed (init and main), since it was created. */
  log(): string {
    return this.output;
  }

  /** The pod's directory of volume `name`. */
  volume(name: string): string {
    return path.join(this.volumes, name);
  }

  private append(chunk: Buffer): void {
    this.output = (this.output + chunk.toString("utf8")).slice(-400_000);
  }

  /** Creates the pod: fresh emptyDirs and kubelet volumes, the init container to completion, then the main container. */
  async create(objects: PodObjects): Promise<void> {
    this.objects = objects;
    this.generation += 1;
    // log() is this pod's: a recreated pod starts a new one.
    this.output = "";
    this.volumes = path.join(this.root, "pods", `${this.at.name}-${this.generation}`);
    const spec = objects.statefulSet.spec.template.spec;
    if (!fs.existsSync(this.data)) {
      fs.mkdirSync(this.data, { recursive: true });
      // The claim is its own filesystem of the claimed size, as a PersistentVolume is: Elasticsearch's disk
      // watermarks measure the data path's filesystem, and the host's disk (shared with build caches) would
      // put all three nodes over the 85% low watermark and leave every replica unassigned.
      execFileSync("mount", ["-t", "tmpfs", "-o", `size=${tmpfsSize(claimedStorage(objects))},mode=2775,gid=${FS_GROUP}`, `pvc-${this.at.name}`, this.data]);
      this.mounted = true;
    }
    for (const v of spec.volumes as Obj[]) {
      const dir = this.volume(v.name);
      if (v.emptyDir) {
        fs.mkdirSync(dir, { recursive: true });
        fs.chmodSync(dir, 0o777);
      } else if (v.secret) writeAtomicVolume(dir, v.name === "file-realm" ? objects.fileRealm : objects.certs, v.secret.defaultMode ?? 0o644);
      else if (v.configMap) writeAtomicVolume(dir, this.configFor(objects.config), v.configMap.defaultMode ?? 0o644);
      else if (v.projected) writeAtomicVolume(dir, objects.nodeReader, v.projected.defaultMode ?? 0o644);
    }
    for (const init of spec.initContainers as Obj[]) {
      const c = await this.run(init, false);
      const code = await c.exited;
      if (code !== 0) throw new Error(`${this.at.name}: init container ${init.name} exited ${code}:\n${this.output.slice(-4000)}`);
    }
    this.main = await this.run(spec.containers[0], true);
  }

  /** The ConfigMap's files with this pod's network.host (HOST_OVERRIDES): its loopback address instead of 0.0.0.0. */
  private configFor(config: Record<string, string>): Record<string, string> {
    const yml = config["elasticsearch.yml"];
    const replaced = yml.replace(/^network\.host: .*$/m, `network.host: ${this.at.address}`);
    if (replaced === yml) throw new Error(`the rendered elasticsearch.yml sets no network.host:\n${yml}`);
    return { ...config, "elasticsearch.yml": replaced };
  }

  /** Replaces a Secret or ConfigMap volume's files the way kubelet does on an update (the pod keeps running). */
  updateVolume(name: string, files: Record<string, string>, mode = 0o440): void {
    writeAtomicVolume(this.volume(name), files, mode);
  }

  private mountsFor(container: Obj): { src: string; dst: string; ro: boolean }[] {
    const image = imageFor(this.root, this.objects!.version);
    const mounts = [{ src: image, dst: ES_HOME, ro: true }];
    for (const m of (container.volumeMounts ?? []) as Obj[]) {
      const src = m.name === "data" ? this.data : this.volume(m.name);
      mounts.push({ src, dst: m.mountPath, ro: m.readOnly === true });
    }
    return mounts;
  }

  /** The container's environment: the rendered env (fieldRefs resolved), with the overrides of HOST_OVERRIDES. */
  private envFor(container: Obj): Record<string, string> {
    const env: Record<string, string> = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: "/tmp" };
    for (const e of (container.env ?? []) as Obj[]) {
      const field = e.valueFrom?.fieldRef?.fieldPath;
      env[e.name] = field === "metadata.name" ? this.at.name : field === "spec.nodeName" ? this.at.nodeName : String(e.value);
    }
    if ("ES_JAVA_OPTS" in env) env.ES_JAVA_OPTS = "-Xms256m -Xmx256m -Djdk.net.hosts.file=/etc/hosts";
    env.ES_JAVA_HOME = javaHomeFor(this.objects!.version);
    return env;
  }

  /** The shell that sets up a container's mounts (run as root in its new namespaces), then becomes the container's process. */
  private launcher(container: Obj, argv: string[], stage: string): string {
    const mounts = this.mountsFor(container);
    // /tmp last: every source lives under the host's /tmp.
    mounts.sort((a, b) => (a.dst === "/tmp" ? 1 : b.dst === "/tmp" ? -1 : a.dst.localeCompare(b.dst)));
    const lines = [
      "set -eu",
      `hostname ${q(this.at.name)}`,
      `mount -t tmpfs stage ${q(stage)}`,
      `mkdir ${q(`${stage}/up`)} ${q(`${stage}/work`)}`,
      // ES_HOME does not exist on this host: an overlay over /usr/share (in this namespace only) gets the mount point.
      `mount -t overlay overlay -o lowerdir=/usr/share,upperdir=${q(`${stage}/up`)},workdir=${q(`${stage}/work`)} /usr/share`,
      "mount -t tmpfs mnt /mnt",
      `mount --bind ${q(this.hostsFile)} /etc/hosts`,
    ];
    for (const m of mounts) {
      lines.push(`mkdir -p ${q(m.dst)}`, `mount --bind ${q(m.src)} ${q(m.dst)}`);
      if (m.ro) lines.push(`mount -o remount,bind,ro ${q(m.dst)}`);
    }
    const ids = [`--reuid=${this.at.uid}`, `--regid=${FS_GROUP}`, `--groups=${FS_GROUP}`, "--no-new-privs"];
    lines.push(`cd ${ES_HOME}`, `exec setpriv ${ids.join(" ")} -- ${argv.map(q).join(" ")}`);
    return lines.join("\n");
  }

  private async run(container: Obj, isMain: boolean): Promise<Container> {
    const stage = fs.mkdtempSync(path.join(this.root, "stage-"));
    const argv: string[] = isMain ? [`${ES_HOME}/bin/elasticsearch`] : (container.command as string[]);
    const child = spawn("unshare", ["--mount", "--pid", "--uts", "--fork", "--mount-proc", "--kill-child", "--", "bash", "-c", this.launcher(container, argv, stage)], {
      env: this.envFor(container),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (c: Buffer) => this.append(c));
    child.stderr?.on("data", (c: Buffer) => this.append(c));
    const c: Container = { child, pid1: 0, exited: new Promise((resolve) => child.once("exit", (code) => { c.exitCode = code; resolve(code); })) };
    // The container's PID 1 is unshare's only child.
    for (let i = 0; i < 200 && c.pid1 === 0; i++) {
      try {
        c.pid1 = Number(fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(" ")[0]) || 0;
      } catch {
        break;
      }
      if (c.pid1 === 0) await sleep(20);
    }
    return c;
  }

  /** Runs the rendered readiness probe verbatim in the main container (its namespaces, uid), with its timeout. */
  async probe(): Promise<{ ok: boolean; output: string }> {
    const container = this.objects!.statefulSet.spec.template.spec.containers[0];
    const probe = container.readinessProbe.exec.command as string[];
    if (this.main === undefined || this.main.exitCode !== undefined) return { ok: false, output: "container not running" };
    try {
      const ids = [`--reuid=${this.at.uid}`, `--regid=${FS_GROUP}`, `--groups=${FS_GROUP}`, "--no-new-privs"];
      const r = await execFileAsync("nsenter", ["--target", String(this.main.pid1), "--mount", "--pid", "--uts", "--", "setpriv", ...ids, "--", ...probe], {
        env: this.envFor(container),
        timeout: (container.readinessProbe.timeoutSeconds ?? 1) * 1000,
      });
      return { ok: true, output: r.stdout + r.stderr };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? e.message}` };
    }
  }

  /** Polls the probe (every 2 s rather than the rendered 10 s, to keep the suite short) until it passes. */
  async waitReady(timeoutMs = 240_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      if (this.main?.exitCode !== undefined) throw new Error(`${this.at.name} exited (${this.main?.exitCode}):\n${this.output.slice(-6000)}`);
      const r = await this.probe();
      if (r.ok) return;
      last = r.output;
      await sleep(2000);
    }
    throw new Error(`${this.at.name} not Ready within ${timeoutMs / 1000} s (probe: ${last}):\n${this.output.slice(-6000)}`);
  }

  /** Deletes the pod as kubelet would: SIGTERM to PID 1, SIGKILL after the grace period; emptyDirs are gone. */
  async delete(): Promise<void> {
    const main = this.main;
    if (main !== undefined && main.exitCode === undefined) {
      process.kill(main.pid1, "SIGTERM");
      const grace = (this.objects!.statefulSet.spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000;
      const killer = setTimeout(() => this.kill(), grace);
      await main.exited;
      clearTimeout(killer);
    }
    this.main = undefined;
    if (this.volumes) fs.rmSync(this.volumes, { recursive: true, force: true });
  }

  /** Unmounts the claim's filesystem (after the pod's processes are gone); its data is lost. */
  release(): void {
    if (!this.mounted) return;
    execFileSync("umount", ["--lazy", this.data]);
    this.mounted = false;
  }

  /** The node is lost: SIGKILL to the container's PID 1 takes every process of its PID namespace with it. */
  kill(): void {
    for (const pid of [this.main?.pid1, this.main?.child.pid]) {
      try {
        if (pid) process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }
}

/** The pods' hosts file: what kubelet and cluster DNS would answer for the pod, headless and client Service names. */
export function hostsFile(pods: readonly PodAddress[], namespace: string, services: { client: string; headless: string }): string {
  const forms = (name: string) => [`${name}.${namespace}.svc.cluster.local`, `${name}.${namespace}.svc`, `${name}.${namespace}`, name];
  const lines = ["127.0.0.1 localhost", `${API_ADDRESS} kubernetes.default.svc.cluster.local kubernetes.default.svc kubernetes.default`];
  for (const p of pods) lines.push(`${p.address} ${forms(`${p.name}.${services.headless}`).join(" ")} ${p.name}`);
  for (const p of pods) lines.push(`${p.address} ${forms(services.headless).join(" ")}`);
  for (const p of pods) lines.push(`${p.address} ${forms(services.client).join(" ")}`);
  return `${lines.join("\n")}\n`;
}

/** The harness's iptables chain: per pod uid, 127.0.0.1:9200 → the pod's own address; the API server's Service address → its port. */
export class PodNetwork {
  readonly chain = `ESH_${process.pid}`;
  private installed = false;

  install(pods: readonly PodAddress[], apiPort: number): void {
    const ipt = (...args: string[]) => execFileSync("iptables", ["-t", "nat", ...args]);
    ipt("-N", this.chain);
    this.installed = true;
    ipt("-A", "OUTPUT", "-j", this.chain);
    for (const p of pods) ipt("-A", this.chain, "-p", "tcp", "-d", "127.0.0.1", "--dport", "9200", "-m", "owner", "--uid-owner", String(p.uid), "-j", "DNAT", "--to-destination", `${p.address}:9200`);
    ipt("-A", this.chain, "-p", "tcp", "-d", API_ADDRESS, "--dport", "443", "-j", "DNAT", "--to-destination", `127.0.0.1:${apiPort}`);
  }

  remove(): void {
    if (!this.installed) return;
    this.installed = false;
    for (const args of [["-D", "OUTPUT", "-j", this.chain], ["-F", this.chain], ["-X", this.chain]]) {
      try {
        execFileSync("iptables", ["-t", "nat", ...args], { stdio: "ignore" });
      } catch {
        // already gone
      }
    }
  }
}

export interface EsReply {
  status: number;
  body: any;
}

/** HTTPS to a pod's address, verifying its certificate against `ca` for the name `servername` (a Service or pod name). */
export function esRequest(address: string, servername: string, ca: string, method: string, urlPath: string, opts: { user?: string; password?: string; body?: unknown; timeoutMs?: number } = {}): Promise<EsReply> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (opts.user !== undefined) headers.Authorization = `Basic ${Buffer.from(`${opts.user}:${opts.password ?? ""}`).toString("base64")}`;
  const payload = opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  if (payload !== undefined) Object.assign(headers, { "Content-Type": typeof opts.body === "string" ? "application/x-ndjson" : "application/json", "Content-Length": String(Buffer.byteLength(payload)) });
  return new Promise((resolve, reject) => {
    const req = https.request({ host: address, port: 9200, path: urlPath, method, headers, ca, servername, rejectUnauthorized: true, timeout: opts.timeoutMs ?? 30_000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath}: timed out`)));
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The storage the StatefulSet's data claim template requests (for example `100Gi`). */
export function claimedStorage(objects: PodObjects): string {
  const claim = ((objects.statefulSet.spec.volumeClaimTemplates ?? []) as Obj[]).find((c) => c.metadata?.name === "data");
  const storage = claim?.spec?.resources?.requests?.storage;
  if (typeof storage !== "string") throw new Error("the rendered StatefulSet has no data claim template with a storage request");
  return storage;
}

/** A Kubernetes quantity in binary units (Ki, Mi, Gi, Ti) as tmpfs's size option, which counts in binary units. */
export function tmpfsSize(quantity: string): string {
  const m = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(quantity);
  if (!m) throw new Error(`unsupported storage quantity ${quantity} (expected a whole number of Ki, Mi, Gi or Ti)`);
  return `${m[1]}${m[2][0].toLowerCase()}`;
}

/** A scratch root for the pods (removed by the caller), readable by the pods' uids. */
export function clusterRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "es-cluster-"));
  fs.chmodSync(root, 0o755);
  return root;
}
