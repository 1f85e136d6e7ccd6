/**
 * One real Elasticsearch process on this host, from the Maven integ-test-zip (scripts/es-dist), for tests
 * that need real Elasticsearch but no Kubernetes: the rendered elasticsearch.yml and file-realm files go
 * into the config directory, a few settings are overridden for running outside a pod (listed in
 * {@link HOST_OVERRIDES}), and the process runs as `nobody` (Elasticsearch refuses root).
 *
 *   const es = await startElasticsearch({ version: "8.19.7", elasticsearchYml, configFiles, elastic });
 *   try { await es.request("GET", "/_cluster/health", { user, password }); } finally { await es.stop(); }
 *
 * The distribution is copied to a fresh directory under /tmp, owned by nobody: the cache under $HOME
 * (/root is 0700) is unreadable to nobody, and the config directory must be writable (the keystore).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
const REPO_ROOT = path.resolve(__dirname, "..", "..");
const NOBODY = { uid: 65534, gid: 65534 };

/** The JDK each major needs: 8.x runs on the Debian OpenJDK 17, 9.x needs 21 or newer (Temurin 25 here). */
export function javaHomeFor(version: string): string {
  const candidates = Number(version.split(".")[0]) >= 9
    ? ["/usr/lib/jvm/temurin-25-jdk-amd64"]
    : ["/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-25-jdk-amd64"];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, "bin", "java")));
  if (found === undefined) throw new Error(`no JDK for Elasticsearch ${version} (looked in ${candidates.join(", ")})`);
  return found;
}

/**
 * What a process on this host needs instead of the pod's values: loopback (so bootstrap checks are not
 * enforced, as on any development node), free ports, data and logs in the scratch directory.
 */
export const HOST_OVERRIDES = ["network.host", "http.port", "transport.port", "path.data", "path.logs"] as const;

export interface StartOptions {
  version: string;
  /** The rendered elasticsearch.yml (node.name may use ${POD_NAME}). */
  elasticsearchYml: string;
  /** Extra files for the config directory (users, users_roles, roles.yml). */
  configFiles: Record<string, string>;
  /** A superuser to wait for health with. */
  elastic: { user: string; password: string };
  podName?: string;
  heap?: string;
  /** Files for config/certs (tls.crt, tls.key, ca.crt), where the rendered settings expect them. */
  certs?: Record<string, string>;
  /** With HTTPS: the CA (PEM) every request verifies the node against. */
  ca?: string;
}

export interface HttpReply {
  status: number;
  body: unknown;
  /** The `Warning` response header (deprecations), if any. */
  warning: string | null;
}

export interface ElasticsearchProcess {
  url: string;
  version: string;
  request(method: string, urlPath: string, opts?: { user?: string; password?: string; body?: unknown }): Promise<HttpReply>;
  /** The node's log so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function chownTree(dir: string): void {
  execFileSync("chown", ["-R", `${NOBODY.uid}:${NOBODY.gid}`, dir]);
}

function httpRequest(url: string, method: string, opts: { user?: string; password?: string; body?: unknown; ca?: string } = {}): Promise<HttpReply> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (opts.user !== undefined) headers.Authorization = `Basic ${Buffer.from(`${opts.user}:${opts.password ?? ""}`).toString("base64")}`;
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (payload !== undefined) Object.assign(headers, { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(payload)) });
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = text ? (JSON.parse(text) as unknown) : undefined;
        } catch {
          // not JSON
        }
        const warning = res.headers.warning;
        resolve({ status: res.statusCode ?? 0, body, warning: warning === undefined ? null : String(warning) });
      });
      res.on("error", reject);
    };
    const common = { method, headers, timeout: 30_000 };
    // HTTPS verifies the node's certificate against the CA and for the name localhost.
    const req = u.protocol === "https:" ? https.request(u, { ...common, ca: opts.ca, servername: "localhost", rejectUnauthorized: true }, onResponse) : http.request(u, common, onResponse);
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Starts one node and resolves once it answers health as `elastic` with status yellow or green. */
export async function startElasticsearch(opts: StartOptions): Promise<ElasticsearchProcess> {
  const distHome = execFileSync(path.join(REPO_ROOT, "scripts", "es-dist"), ["home", opts.version], { encoding: "utf8" }).trim();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `es-${opts.version}-`));
  const home = path.join(root, "home");
  fs.cpSync(distHome, home, { recursive: true });
  for (const dir of ["data", "logs", "tmp"]) fs.mkdirSync(path.join(root, dir));
  const [httpPort, transportPort] = [await freePort(), await freePort()];
  const settings = {
    ...(parse(opts.elasticsearchYml) as Record<string, unknown>),
    "network.host": "127.0.0.1",
    "http.port": httpPort,
    "transport.port": transportPort,
    "path.data": path.join(root, "data"),
    "path.logs": path.join(root, "logs"),
  };
  const config = path.join(home, "config");
  fs.writeFileSync(path.join(config, "elasticsearch.yml"), stringify(settings));
  for (const [name, content] of Object.entries(opts.configFiles)) fs.writeFileSync(path.join(config, name), content);
  if (opts.certs !== undefined) {
    fs.mkdirSync(path.join(config, "certs"));
    for (const [name, content] of Object.entries(opts.certs)) fs.writeFileSync(path.join(config, "certs", name), content);
  }
  const heap = opts.heap ?? "512m";
  fs.writeFileSync(path.join(config, "jvm.options.d", "heap.options"), `-Xms${heap}\n-Xmx${heap}\n`);
  fs.chmodSync(root, 0o755);
  chownTree(root);

  let output = "";
  const child: ChildProcess = spawn("setpriv", [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, "--clear-groups", "--", path.join(home, "bin", "elasticsearch")], {
    cwd: root,
    detached: true,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ES_JAVA_HOME: javaHomeFor(opts.version), ES_TMPDIR: path.join(root, "tmp"), POD_NAME: opts.podName ?? "es-0", HOME: root },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-200_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  let exited: number | null | undefined;
  // If this process dies first (a failed hook, Ctrl-C), the node must not outlive it.
  const killOnExit = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    fs.rmSync(root, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);
  const exit = new Promise<void>((resolve) => child.once("exit", (code) => { exited = code; resolve(); }));

  const url = `${opts.ca !== undefined ? "https" : "http"}://127.0.0.1:${httpPort}`;
  const stop = async (): Promise<void> => {
    process.removeListener("exit", killOnExit);
    if (exited === undefined && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const killer = setTimeout(() => { try { process.kill(-child.pid!, "SIGKILL"); } catch { /* gone */ } }, 30_000);
      await exit;
      clearTimeout(killer);
    }
    fs.rmSync(root, { recursive: true, force: true });
  };

  const deadline = Date.now() + 180_000;
  for (;;) {
    if (exited !== undefined) {
      const log = output;
      await stop();
      throw new Error(`Elasticsearch ${opts.version} exited (code ${exited}) before it was healthy:\n${log.slice(-8000)}`);
    }
    if (Date.now() > deadline) {
      const log = output;
      await stop();
      throw new Error(`Elasticsearch ${opts.version} was not healthy within 180 s:\n${log.slice(-8000)}`);
    }
    const health = await httpRequest(`${url}/_cluster/health?wait_for_status=yellow&timeout=5s`, "GET", { ...opts.elastic, ca: opts.ca }).catch(() => undefined);
    if (health?.status === 200) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return {
    url,
    version: opts.version,
    request: (method, urlPath, o) => httpRequest(`${url}${urlPath}`, method, { ...o, ca: opts.ca }),
    log: () => output,
    stop,
  };
}
