// The prepare-config init container's script, rendered as the component renders it and run verbatim with real
// bash and curl over kubelet-style volumes (test/elasticsearch-pod.ts), against a local HTTPS server that
// answers the node lookup the way kube-apiserver does.
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { elasticsearchPlan } from "../components/elasticsearch/elasticsearch";
import { podSpecFor } from "../components/elasticsearch/pod";
import { elasticsearchYml } from "../components/elasticsearch/settings";
import { IMAGE_DEFAULT_YML, podVolumes, runInPod, writeAtomicVolume, type PodVolumes } from "./elasticsearch-pod";

const TOKEN = "test-service-account-token";
const prodPlan = elasticsearchPlan("search", { namespace: "search", elasticPassword: "pw", replicas: 3, tls: true, zoneSpread: true });
const localPlan = elasticsearchPlan("search", { namespace: "search", elasticPassword: "pw" });

/** The rendered prepare-config container's `bash -c` script, taken from the pod spec. */
function renderedScript(plan: typeof prodPlan): string {
  const init = podSpecFor(plan).initContainers as { name: string; command: string[] }[];
  const container = init.find((c) => c.name === "prepare-config")!;
  expect(container.command.slice(0, 2)).toEqual(["bash", "-c"]);
  return container.command[2];
}

/** A Node object as kube-apiserver 1.34 serves it (trimmed): labels, and managedFields naming the label key. */
function nodeObject(name: string, zone?: string): object {
  const labels: Record<string, string> = { "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux" };
  if (zone) Object.assign(labels, { "topology.kubernetes.io/region": "us-east-1", "topology.kubernetes.io/zone": zone });
  return {
    kind: "Node",
    apiVersion: "v1",
    metadata: {
      name,
      uid: "5b0a7f5e-8f1c-4a3e-9d35-0c1f7a0e2b11",
      resourceVersion: "1234",
      creationTimestamp: "2026-12-02T10:00:00Z",
      labels,
      annotations: { "node.alpha.kubernetes.io/ttl": "0" },
      managedFields: [
        {
          manager: "kubelet",
          operation: "Update",
          apiVersion: "v1",
          time: "2026-12-02T10:00:00Z",
          fieldsType: "FieldsV1",
          fieldsV1: { "f:metadata": { "f:labels": { ".": {}, ...(zone ? { "f:topology.kubernetes.io/zone": {} } : {}) } } },
        },
      ],
    },
    spec: { providerID: `aws:///us-east-1a/${name}` },
    status: { conditions: [{ type: "Ready", status: "True" }], nodeInfo: { kubeletVersion: "v1.34.4" } },
  };
}

/** The forms of the reply. kube-apiserver pretty-prints (json.MarshalIndent, two spaces) for a `curl` User-Agent. */
type ReplyForm = "pretty" | "compact";

describe("prepare-config, run verbatim over kubelet-style volumes", () => {
  let dir: string;
  let server: https.Server;
  let caCrt: string;
  let curlHome: string;
  let form: ReplyForm = "pretty";
  const seen: { path?: string; auth?: string; userAgent?: string }[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "es-scripts-"));
    const o = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    o(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=kubernetes", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]);
    fs.writeFileSync(path.join(dir, "server.ext"), "subjectAltName=DNS:kubernetes.default.svc,DNS:kubernetes,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    o(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=kube-apiserver"]);
    o(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1", "-out", "server.crt", "-extfile", "server.ext"]);
    caCrt = fs.readFileSync(path.join(dir, "ca.crt"), "utf8");
    server = https.createServer({ key: fs.readFileSync(path.join(dir, "server.key")), cert: fs.readFileSync(path.join(dir, "server.crt")) }, (req, res) => {
      seen.push({ path: req.url, auth: req.headers.authorization, userAgent: req.headers["user-agent"] });
      const match = /^\/api\/v1\/nodes\/([^/?]+)/.exec(req.url ?? "");
      if (req.headers.authorization !== `Bearer ${TOKEN}` || !match) {
        res.writeHead(req.headers.authorization ? 404 : 401, { "content-type": "application/json" }).end('{"kind":"Status","code":404}');
        return;
      }
      const name = decodeURIComponent(match[1]);
      const body = nodeObject(name, name === "no-zone" ? undefined : "us-east-1a");
      res.writeHead(200, { "content-type": "application/json" }).end(form === "pretty" ? `${JSON.stringify(body, null, 2)}\n` : JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    // The script asks https://kubernetes.default.svc (port 443); curl's own config file sends it here instead.
    fs.chmodSync(dir, 0o755); // the script runs as uid 1000
    curlHome = path.join(dir, "curl-home");
    fs.mkdirSync(curlHome);
    fs.writeFileSync(path.join(curlHome, ".curlrc"), `connect-to = kubernetes.default.svc:443:127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const prodVolumes = (): PodVolumes => podVolumes({ elasticsearchYml: elasticsearchYml(prodPlan), nodeReader: { token: TOKEN, caCrt } });
  const run = (script: string, volumes: PodVolumes, nodeName = "ip-10-0-1-17.ec2.internal") => runInPod(script, volumes, { NODE_NAME: nodeName, CURL_HOME: curlHome });
  const prepared = (volumes: PodVolumes) => fs.readFileSync(path.join(volumes.mounts["/mnt/elastic-internal/config"], "elasticsearch.yml"), "utf8");

  it.each<ReplyForm>(["pretty", "compact"])("appends the node's zone from the API server's %s reply", async (f) => {
    form = f;
    const volumes = prodVolumes();
    const r = await run(renderedScript(prodPlan), volumes);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(prepared(volumes)).toBe(`${elasticsearchYml(prodPlan)}\nnode.attr.zone: "us-east-1a"\n`);
    const last = seen.at(-1)!;
    expect(last.path).toMatch(/^\/api\/v1\/nodes\/ip-10-0-1-17\.ec2\.internal(\?|$)/);
    expect(last.auth).toBe(`Bearer ${TOKEN}`);
  });

  it("fails with a clear message when the node has no zone label", async () => {
    form = "pretty";
    const r = await run(renderedScript(prodPlan), prodVolumes(), "no-zone");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("node no-zone has no topology.kubernetes.io/zone label");
  });

  it.each([
    ["one node, no zone lookup", localPlan],
    ["prod: TLS, 3 nodes, zone lookup", prodPlan],
  ])("re-run over the same emptyDir (a sandbox restart) succeeds and leaves the prepared config: %s", async (_label, plan) => {
    form = "pretty";
    const script = renderedScript(plan);
    const volumes = plan.zoneSpread ? prodVolumes() : podVolumes({ elasticsearchYml: elasticsearchYml(plan) });
    const expected = elasticsearchYml(plan) + (plan.zoneSpread ? '\nnode.attr.zone: "us-east-1a"\n' : "");
    for (const attempt of [1, 2]) {
      const r = await run(script, volumes);
      expect({ attempt, code: r.code, stderr: r.stderr }).toEqual({ attempt, code: 0, stderr: "" });
      expect(prepared(volumes)).toBe(expected);
    }
    expect(prepared(volumes)).not.toContain(IMAGE_DEFAULT_YML.split("\n")[0]);
    // The main container: the file-realm Secret mounted (kubelet layout), the links resolve into it.
    const fileRealm = path.join(volumes.root, "file-realm");
    writeAtomicVolume(fileRealm, { users: "elastic:$2a$10$x\n", users_roles: "superuser:elastic\n", "roles.yml": "app: {}\n" }, 0o440);
    const check = await runInPod('cd /usr/share/elasticsearch/config && cat users users_roles roles.yml && cat jvm.options', {
      root: volumes.root,
      mounts: { "/usr/share/elasticsearch/config": volumes.mounts["/mnt/elastic-internal/config"], "/mnt/elastic-internal/file-realm": fileRealm },
    });
    expect(check).toEqual({ code: 0, stdout: "elastic:$2a$10$x\nsuperuser:elastic\napp: {}\n-XX:+UseG1GC\n", stderr: "" });
  });
});
