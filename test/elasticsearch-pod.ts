// Runs a rendered Elasticsearch pod script verbatim with real bash over real files, laid out the way kubelet
// lays out the pod: emptyDirs, a ConfigMap and Secrets as a timestamped directory with a `..data` symlink and
// per-key links, each mounted at the rendered path in a private mount namespace (`unshare`), so the script's
// absolute paths (/usr/share/elasticsearch/config, /mnt/elastic-internal/...) are the real ones.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync, spawn } from "node:child_process";

/** The files of the image's config directory (as in the 8.19.7 distribution), with the image's elasticsearch.yml. */
export const IMAGE_DEFAULT_YML = 'cluster.name: "docker-cluster"\nnetwork.host: 0.0.0.0\n';
const IMAGE_CONFIG: Record<string, string> = {
  "elasticsearch.yml": IMAGE_DEFAULT_YML,
  "elasticsearch-plugins.example.yml": "# plugins\n",
  "jvm.options": "-XX:+UseG1GC\n",
  "jvm.options.d/.keep": "",
  "log4j2.properties": "status = error\n",
  "role_mapping.yml": "# role mapping\n",
  "roles.yml": "# the image's empty roles\n",
  users: "",
  users_roles: "",
};

/** Writes `files` as kubelet writes a ConfigMap or Secret volume: `..<timestamp>/key`, `..data` → it, `key` → `..data/key`. */
export function writeAtomicVolume(dir: string, files: Record<string, string>, mode = 0o644): void {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = `..${new Date().toISOString().replace(/[-:]/g, "_").replace("T", "_").replace("Z", "")}.${process.hrtime.bigint() % 1_000_000n}`;
  fs.mkdirSync(path.join(dir, stamp));
  for (const [key, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, stamp, key), content, { mode });
    fs.chmodSync(path.join(dir, stamp, key), mode);
  }
  const previous = fs.existsSync(path.join(dir, "..data")) ? fs.readlinkSync(path.join(dir, "..data")) : undefined;
  fs.symlinkSync(stamp, path.join(dir, "..data_tmp"));
  fs.renameSync(path.join(dir, "..data_tmp"), path.join(dir, "..data"));
  for (const key of Object.keys(files)) if (!fs.existsSync(path.join(dir, key))) fs.symlinkSync(path.join("..data", key), path.join(dir, key));
  if (previous) fs.rmSync(path.join(dir, previous), { recursive: true });
  // The pod's fsGroup (1000) owns the files, as kubelet sets it.
  if (process.getuid?.() === 0) execFileSync("chown", ["-R", "-h", "0:1000", dir]);
}

/** The volumes of one Elasticsearch pod on disk, each mounted at `mountPath` while a script runs. */
export interface PodVolumes {
  root: string;
  /** mountPath → directory on disk. */
  mounts: Record<string, string>;
}

/**
 * A pod's volumes for the prepare-config init container: the image's config dir, the config emptyDir, the
 * ConfigMap with `elasticsearch.yml` and, with `nodeReader`, the projected token and CA.
 */
export function podVolumes(args: { elasticsearchYml: string; nodeReader?: { token: string; caCrt: string } }): PodVolumes {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "es-pod-"));
  const dir = (name: string) => {
    const d = path.join(root, name);
    fs.mkdirSync(d, { recursive: true });
    return d;
  };
  const image = dir("image-config");
  for (const [file, content] of Object.entries(IMAGE_CONFIG)) {
    fs.mkdirSync(path.dirname(path.join(image, file)), { recursive: true });
    fs.writeFileSync(path.join(image, file), content, { mode: 0o664 });
  }
  const config = dir("config"); // emptyDir
  fs.chmodSync(config, 0o777);
  const source = dir("config-source");
  writeAtomicVolume(source, { "elasticsearch.yml": args.elasticsearchYml });
  const mounts: Record<string, string> = {
    "/usr/share/elasticsearch/config": image,
    "/mnt/elastic-internal/config": config,
    "/mnt/elastic-internal/config-source": source,
  };
  if (args.nodeReader) {
    const reader = dir("node-reader");
    writeAtomicVolume(reader, { token: args.nodeReader.token, "ca.crt": args.nodeReader.caCrt });
    mounts["/mnt/elastic-internal/node-reader"] = reader;
  }
  if (process.getuid?.() === 0) execFileSync("chown", ["-R", "1000:1000", image, config]);
  return { root, mounts };
}

/** The result of one run. */
export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `script` with `bash -c` (as the pod does) with `volumes` mounted at their paths: as uid/gid 1000 when
 * the test runs as root (the pod's runAsUser), else as root of a user namespace. Asynchronous, so a server in
 * this process can answer the script.
 */
export function runInPod(script: string, volumes: PodVolumes, env: Record<string, string> = {}): Promise<ScriptRun> {
  const asRoot = process.getuid?.() === 0;
  // /usr/share and /mnt get a tmpfs each in the namespace only, to hold the mount points.
  const setup = [
    "set -eu",
    "mount -t tmpfs tmpfs /mnt",
    "mount -t tmpfs tmpfs /usr/share",
    ...Object.entries(volumes.mounts).flatMap(([at, from]) => [`mkdir -p '${at}'`, `mount --bind '${from}' '${at}'`]),
    asRoot ? 'exec setpriv --reuid=1000 --regid=1000 --clear-groups bash -c "$POD_SCRIPT"' : 'exec bash -c "$POD_SCRIPT"',
  ].join("\n");
  const unshare = asRoot ? ["--mount"] : ["--user", "--map-root-user", "--mount"];
  return new Promise((resolve, reject) => {
    const child = spawn("unshare", [...unshare, "bash", "-c", setup], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: "/usr/share/elasticsearch", ...env, POD_SCRIPT: script },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
