// The local stack on a real node (npm run test:e2e): the repository's program through the CI driver and the
// real Pulumi engine into a control plane whose only node is a real kubelet with containerd, so Elasticsearch
// 8.19.7 and the sample app (examples/search-app) run for real. The steps share one cluster and run in order.
//
// Step 5a found two defects: a rollout that could not wait for Elasticsearch to load the new password (fixed by
// the local stack's startup probe on /health), and old pods that kept answering on kept-alive connections,
// with a password Elasticsearch no longer took, after the Deployment had rolled out (fixed in the sample
// app's shutdown, examples/search-app/http-util.js). A rollout here ends when the old pods have exited.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IEvent } from "kubernetes-models/v1/Event";
import type { IPersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import type { IPod } from "kubernetes-models/v1/Pod";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import { elasticsearchNames } from "../../components/elasticsearch/names";
import { run, startControlPlane, type ControlPlane } from "./control-plane";
import { describeRun, hasCondition, PlatformProject, randomSecret, secretData, type DriverRun } from "./platform-stack";
import { defaultLayout, nodeLocalVolumes, startRealNode, type RealNode } from "./real-node";
import { nodePaths } from "./real-node-config";
import { eventually, Poller, request, type Sample } from "./real-node-http";
import { declaredObjects, liveObjects } from "./faults-harness";

const NS = "search";
const PLATFORM = "search-local";
const ES = elasticsearchNames(`${PLATFORM}-elasticsearch`);
const INDEX = "api-documents"; // the sample app's index: "<tier>-documents", inside the api role's "api-*"
const core = `/api/v1/namespaces/${NS}`;
const apps = `/apis/apps/v1/namespaces/${NS}`;

const secrets = {
  elastic: randomSecret("elastic"),
  elasticNext: randomSecret("elastic-next"),
  session: randomSecret("session"),
  apiEs: randomSecret("api-es"),
  apiEsNext: randomSecret("api-es-next"),
};

const layout = defaultLayout();
let cp: ControlPlane;
let node: RealNode;
let project: PlatformProject;

beforeAll(async () => {
  cp = await startControlPlane({ kwok: false, volumes: nodeLocalVolumes(layout), fakeLoadBalancers: false });
  node = await startRealNode(cp, { layout });
  project = new PlatformProject(cp);
}, 15 * 60_000);

afterAll(async () => {
  await node?.stop();
  await cp?.stop();
});

function reportOnFailure(): void {
  onTestFailed(() => {
    const last = project?.runs.at(-1);
    if (last) console.error(describeRun(last));
    if (node) console.error(node.logTails(30));
    if (cp) console.error(cp.logTails(20));
  });
}

function expectSucceeded(r: DriverRun): void {
  expect(r.code, describeRun(r)).toBe(0);
  expect(r.result?.outcome, describeRun(r)).toBe("succeeded");
}

async function pods(selector: string): Promise<IPod[]> {
  return (await cp.kube.list<IPod>(`${core}/pods?labelSelector=${encodeURIComponent(selector)}`)).items.filter((p) => !p.metadata?.deletionTimestamp);
}

const ready = (p: IPod): boolean => hasCondition(p, "Ready");

async function clusterIp(service: string): Promise<string> {
  const svc = await cp.kube.get<IService>(`${core}/services/${service}`);
  const ip = svc?.spec?.clusterIP;
  if (!ip || ip === "None") throw new Error(`Service ${service} has no ClusterIP`);
  return ip;
}

/** The api tier's URL through its Service's ClusterIP (kube-proxy translates it on this host too). */
async function apiUrl(): Promise<string> {
  return `http://${await clusterIp("api")}:8080`;
}

async function esUrl(scheme = "http"): Promise<string> {
  return `${scheme}://${await clusterIp(ES.clientService)}:9200`;
}

/**
 * Waits until every pod of a Deployment is Ready, from its current ReplicaSet, with none on the way out: a
 * rollout ends when the old pods have exited, not when the Deployment's status counts them out (status.replicas
 * leaves out terminating pods, which still answer on their open connections).
 */
async function rolledOut(name: string, timeoutMs = 300_000): Promise<void> {
  const d = await cp.kube.waitFor<IDeployment>(
    `${apps}/deployments/${name}`,
    (d) =>
      !!d &&
      d.status?.observedGeneration === d.metadata?.generation &&
      d.status?.updatedReplicas === d.spec?.replicas &&
      d.status?.readyReplicas === d.spec?.replicas &&
      d.status?.replicas === d.spec?.replicas,
    { timeoutMs, intervalMs: 1000, description: `Deployment ${name} rolled out` },
  );
  const selector = Object.entries(d!.spec!.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
  await eventually(`the old pods of ${name} gone`, async () => {
    const all = (await cp.kube.list<IPod>(`${core}/pods?labelSelector=${encodeURIComponent(selector)}`)).items;
    return all.length === d!.spec!.replicas && all.every((p) => !p.metadata?.deletionTimestamp && ready(p)) ? true : undefined;
  }, timeoutMs, 500);
}

/**
 * The cluster holds exactly the objects the state declares: none deleted by a replacement's delete (a rotated
 * Secret replaced create-before-delete was gone after up), none left over.
 */
async function expectStateObjectsLive(): Promise<void> {
  const exported = await project.exportStack();
  expect(await liveObjects(cp, exported)).toEqual(declaredObjects(exported));
}

async function esReady(timeoutMs = 300_000): Promise<IPod> {
  return eventually(
    "the Elasticsearch pod Ready",
    async () => {
      const [p] = await pods(`app.kubernetes.io/instance=${ES.base}`);
      return p && ready(p) ? p : undefined;
    },
    timeoutMs,
    1000,
  );
}

/** Readiness-probe failures the kubelet reported for a pod since `since` (events with reason Unhealthy). */
async function probeFailures(podName: string, since: number): Promise<string[]> {
  const events = await cp.kube.list<IEvent>(`${core}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${podName}`)}`);
  return events.items
    .filter((e) => e.reason === "Unhealthy" && Date.parse(e.lastTimestamp ?? e.eventTime ?? "") >= since - 1000)
    .map((e) => e.message ?? "");
}

function upCredentials(): string[] {
  return [
    "--secret",
    `elasticPassword=${secrets.elastic}`,
    "--secret",
    `appSecrets.api.SESSION_KEY=${secrets.session}`,
    "--secret",
    `appSecrets.api.ELASTICSEARCH_PASSWORD=${secrets.apiEs}`,
  ];
}

/** 401s of Elasticsearch the api passed on (502 with upstreamStatus 401), after `after`. */
function unauthorizedAfter(samples: Sample[], after: number): Sample[] {
  return samples.filter((s) => s.at >= after && s.upstreamStatus === 401);
}

/** Until Elasticsearch refuses `password` for `user` (the file realm reloaded); returns when it did. */
async function refused(user: string, password: string): Promise<number> {
  const url = await esUrl();
  return eventually(`Elasticsearch refusing the old password of ${user}`, async () => ((await request(`${url}/_security/_authenticate`, { user, password })).status === 401 ? Date.now() : undefined), 180_000, 1000);
}

async function authenticates(user: string, password: string): Promise<boolean> {
  return (await request(`${await esUrl()}/_security/_authenticate`, { user, password })).status === 200;
}

describe("the local stack on a real node", () => {
  let indexed: string | undefined;

  it("1. up: Elasticsearch Ready by its own probe, the migrations Job creates the index, the api Ready", async () => {
    reportOnFailure();
    const up = await project.driver("up", upCredentials(), { timeoutMs: 20 * 60_000 });
    expectSucceeded(up);

    const es = await esReady();
    expect(es.spec?.nodeName).toBe(layout.nodeName);
    const container = es.spec?.containers.find((c) => c.name === "elasticsearch");
    expect(container?.readinessProbe?.exec?.command?.[0]).toBe("bash");
    expect(es.status?.containerStatuses?.find((c) => c.name === "elasticsearch")?.ready).toBe(true);

    const jobs = (await cp.kube.list<IJob>(`/apis/batch/v1/namespaces/${NS}/jobs`)).items;
    expect(jobs).toHaveLength(1);
    expect(hasCondition(jobs[0], "Complete"), JSON.stringify(jobs[0].status)).toBe(true);
    // The index exists, with the app's mapping: the migration ran for real against Elasticsearch.
    const mapping = await request(`${await esUrl()}/${INDEX}/_mapping`, { user: "elastic", password: secrets.elastic });
    expect(mapping.status, mapping.text).toBe(200);
    expect(mapping.body).toMatchObject({ [INDEX]: { mappings: { dynamic: "strict", properties: { title: { type: "text" }, tags: { type: "keyword" } } } } });

    await rolledOut("api");
    await rolledOut("web");
    const health = await request(`${await apiUrl()}/health`);
    expect(health.status, health.text).toBe(200);
    expect(health.body).toMatchObject({ status: "ok", elasticsearch: { user: "api", index: INDEX } });
  });

  it("2. a document indexed through the api's Service is found by a search through it, and through web via cluster DNS", async () => {
    reportOnFailure();
    const api = await apiUrl();
    const put = await request(`${api}/documents`, { method: "POST", body: { id: "doc-1", title: "Offline clusters", body: "a real kubelet runs the pods", tags: ["e2e"] } });
    expect(put.status, put.text).toBe(201);
    indexed = "doc-1";
    const found = await request(`${api}/search?q=kubelet`);
    expect(found.status, found.text).toBe(200);
    expect(found.body).toMatchObject({ total: 1, hits: [{ id: "doc-1", title: "Offline clusters" }] });
    // CoreDNS answers the Service's name with its ClusterIP.
    expect(await node.resolver().resolve4(`api.${NS}.svc.cluster.local`)).toEqual([await clusterIp("api")]);
    // web reaches the api as http://api:8080: a pod resolving a Service name and going through its ClusterIP.
    const viaWeb = await request(`http://${await clusterIp("web")}:8080/search?q=offline`);
    expect(viaWeb.status, viaWeb.text).toBe(200);
    expect(viaWeb.body).toMatchObject({ hits: [{ id: "doc-1" }] });
  });

  it("3. the api's Elasticsearch user gets 403 outside its index patterns, and its probe-only neighbour cannot write", async () => {
    reportOnFailure();
    const user = secretData(await cp.kube.get<ISecret>(`${core}/secrets/${ES.userSecret("api")}`));
    const es = await esUrl();
    const own = await request(`${es}/${INDEX}/_search`, { method: "POST", user: "api", password: user.password, body: { query: { match_all: {} } } });
    expect(own.status, own.text).toBe(200);
    const other = await request(`${es}/orders-1/_doc/1`, { method: "PUT", user: "api", password: user.password, body: { title: "x" } });
    expect(other.status, other.text).toBe(403);
    expect(other.text).toMatch(/security_exception/);
    const read = await request(`${es}/orders-1/_search`, { method: "POST", user: "api", password: user.password, body: {} });
    expect(read.status).toBe(403);
    expect((await request(`${es}/_security/_authenticate`, { user: "api", password: "wrong" })).status).toBe(401);
  });

  it("4. Elasticsearch stays Ready on the probe's second path (GET /) and a second preview reports no changes", async () => {
    reportOnFailure();
    const es = await esReady();
    const since = Date.parse(es.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime ?? "") || Date.now();
    // Two probe periods after the first Ready, the probe has switched to GET /.
    await new Promise((r) => setTimeout(r, Math.max(0, since + 25_000 - Date.now())));
    expect(await probeFailures(es.metadata!.name!, since)).toEqual([]);
    expect(ready((await esReady()))).toBe(true);

    const preview = await project.driver("preview");
    expectSucceeded(preview);
    expect(preview.result?.rows).toEqual([]);
  });

  // Issue 11 defect b, fixed: the engine used to replace the api Deployment (the user Secret is replaced when its
  // data changes, and the Deployment's spec was computed from that Secret's outputs); test/platform-rotation.test.ts
  // holds the rule, this step the behaviour on a real node.
  it("5a. rotating appSecrets.api.ELASTICSEARCH_PASSWORD: the api rolls, keeps answering, no 401 beyond the rollout; the old password is refused", async () => {
    reportOnFailure();
    const api = await apiUrl();
    const before = await cp.kube.get<IDeployment>(`${apps}/deployments/api`);
    const poller = new Poller(`${api}/search?q=kubelet`);
    let ok = false;
    try {
      const up = await project.driver("up", ["--secret", `appSecrets.api.ELASTICSEARCH_PASSWORD=${secrets.apiEsNext}`]);
      expectSucceeded(up);
      await expectStateObjectsLive();
      await rolledOut("api");
      const rolloutDone = Date.now();
      await refused("api", secrets.apiEs);
      expect(await authenticates("api", secrets.apiEsNext)).toBe(true);
      // Long enough after the reload for a pod with the old password to have hit it.
      await new Promise((r) => setTimeout(r, 15_000));
      const samples = await poller.stop();
      expect(unauthorizedAfter(samples, rolloutDone), `api answers after the rollout: ${JSON.stringify(samples.slice(-5))}`).toEqual([]);
      expect(samples.at(-1)?.status).toBe(200);
      // Rolled, not replaced: the same Deployment, a new ReplicaSet, and the api answered throughout.
      const after = await cp.kube.get<IDeployment>(`${apps}/deployments/api`);
      expect(after?.metadata?.uid, "the api Deployment was replaced (deleted and created again)").toBe(before?.metadata?.uid);
      expect(Number(after?.metadata?.annotations?.["deployment.kubernetes.io/revision"])).toBeGreaterThan(Number(before?.metadata?.annotations?.["deployment.kubernetes.io/revision"]));
      expect(samples.filter((s) => s.status === 0 || s.status === 503), "requests the api did not answer during the rotation").toEqual([]);
      ok = true;
    } finally {
      await poller.stop();
      // Leave a working api for the next steps: new pods read the rotated password from the Secret.
      if (!ok) {
        for (const p of await pods("app.kubernetes.io/instance=api")) await cp.kube.delete(`${core}/pods/${p.metadata!.name}`);
        await rolledOut("api");
      }
    }
  });

  it("5b. rotating elasticPassword: the old elastic password is refused, the new one works, the api never sees a 401", async () => {
    reportOnFailure();
    const poller = new Poller(`${await apiUrl()}/search?q=kubelet`);
    const started = Date.now();
    const up = await project.driver("up", ["--secret", `elasticPassword=${secrets.elasticNext}`]);
    expectSucceeded(up);
    await expectStateObjectsLive();
    await refused("elastic", secrets.elastic);
    expect(await authenticates("elastic", secrets.elasticNext)).toBe(true);
    await new Promise((r) => setTimeout(r, 10_000));
    const samples = await poller.stop();
    expect(unauthorizedAfter(samples, started)).toEqual([]);
    expect(samples.at(-1)?.status).toBe(200);
    expect(ready(await esReady())).toBe(true);
  });

  it("6a. a deleted Elasticsearch pod returns Ready with its documents (the claim's volume is real)", async () => {
    reportOnFailure();
    const before = await esReady();
    await cp.kube.delete(`${core}/pods/${before.metadata!.name}`);
    await eventually("a new Elasticsearch pod", async () => {
      const [p] = await pods(`app.kubernetes.io/instance=${ES.base}`);
      return p && p.metadata?.uid !== before.metadata?.uid && ready(p) ? p : undefined;
    }, 300_000, 1000);
    const api = await apiUrl();
    const found = await eventually("the document found again", async () => {
      const r = await request(`${api}/search?q=kubelet`);
      return r.status === 200 && (r.body as { total: number }).total === 1 ? r : undefined;
    }, 120_000, 1000);
    expect(found.body).toMatchObject({ hits: [{ id: indexed }] });
  });

  // The prepare-config init container re-runs over the surviving emptyDir (issue 12, defect 2).
  it("6b. after a runtime restart (sandboxes recreated, init containers re-run) every pod returns Ready", async () => {
    reportOnFailure();
    const serving = async (): Promise<IPod[]> => (await pods("app.kubernetes.io/part-of")).filter((p) => p.status?.phase !== "Succeeded");
    const names = new Set((await serving()).map((p) => p.metadata!.name!));
    let ok = false;
    try {
      const restarted = Date.now();
      await node.restartRuntime();
      const startedAfter = (s: { state?: { running?: { startedAt?: string }; terminated?: { startedAt?: string } } }): boolean =>
        Date.parse(s.state?.running?.startedAt ?? s.state?.terminated?.startedAt ?? "") >= restarted - 1000;
      await eventually(
        "every pod Ready again on new sandboxes, its init containers re-run",
        async () => {
          const now = await serving();
          const same = now.length === names.size && now.every((p) => names.has(p.metadata!.name!));
          const fresh = now.every(
            (p) =>
              ready(p) &&
              (p.status?.containerStatuses ?? []).every(startedAfter) &&
              (p.status?.initContainerStatuses ?? []).every((s) => startedAfter(s) && s.state?.terminated?.exitCode === 0),
          );
          return same && fresh ? now : undefined;
        },
        180_000,
        2000,
      );
      ok = true;
    } finally {
      if (!ok) {
        const [es] = await pods(`app.kubernetes.io/instance=${ES.base}`);
        console.error(`after the runtime restart: ${JSON.stringify(es?.status?.initContainerStatuses)}`);
        // Leave a working Elasticsearch for the next steps: a new pod gets fresh emptyDirs.
        if (es) await cp.kube.delete(`${core}/pods/${es.metadata!.name}`);
        await esReady();
      }
    }
  });

  it("7. destroy leaves no pod, claim, volume or container behind", async () => {
    reportOnFailure();
    const destroy = await project.driver("destroy");
    expectSucceeded(destroy);
    await cp.kube.waitFor(`/api/v1/namespaces/${NS}`, (n) => n === undefined, { timeoutMs: 180_000, description: `namespace ${NS} deleted` });
    await cp.kube.waitFor<{ items: IPersistentVolume[] }>("/api/v1/persistentvolumes", (l) => (l?.items ?? []).length === 0, { timeoutMs: 60_000, description: "no PV left" });
    expect((await cp.kube.list<IPod>("/api/v1/pods")).items).toEqual([]);
    expect(fs.readdirSync(nodePaths(layout).volumes)).toEqual([]);
    // No container (and so no container process) is left on the node.
    await eventually("no container task on the node", async () => {
      const r = await run("ctr", ["--address", nodePaths(layout).containerdSocket, "--namespace", "k8s.io", "tasks", "ls", "-q"]);
      return r.code === 0 && r.stdout.trim() === "" ? true : undefined;
    }, 120_000, 1000);
  });
});

/** A CA and an Elasticsearch node/HTTP certificate made with openssl, as a corporate CA would issue them. */
function userCertificates(dir: string): { ca: string; cert: string; key: string } {
  const o = (args: string[]): void => void execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  o(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=Example Corp Test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  const names = [ES.clientService, `${ES.clientService}.${NS}`, `${ES.clientService}.${NS}.svc`, `${ES.clientService}.${NS}.svc.cluster.local`, `*.${ES.headlessService}.${NS}.svc.cluster.local`];
  fs.writeFileSync(path.join(dir, "node.ext"), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=${names.map((n) => `DNS:${n}`).join(",")},IP:127.0.0.1\n`);
  o(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "node.key", "-out", "node.csr", "-subj", `/CN=${ES.clientService}`]);
  o(["x509", "-req", "-in", "node.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-out", "node.crt", "-extfile", "node.ext"]);
  const read = (f: string): string => fs.readFileSync(path.join(dir, f), "utf8");
  return { ca: read("ca.crt"), cert: read("node.crt"), key: read("node.key") };
}

describe("the local stack on a real node, with TLS from certificates the user brings", () => {
  // Certificates the user brings (issue 11 item 4): config elasticsearch.certificates.secretName names a Secret
  // with tls.crt, tls.key and ca.crt in the stack's namespace (docs/elasticsearch.md, "Certificates you bring").
  it("up with elasticsearch.tls and the user's certificates: HTTPS verified against the user's CA, the api indexes and searches over it", async () => {
    reportOnFailure();
    const tls = new PlatformProject(cp, { stack: "local" });
    const certs = userCertificates(fs.mkdtempSync(path.join(os.tmpdir(), "es-user-certs-")));
    const secretName = "search-es-user-certs";
    await cp.kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
    await cp.kube.apply({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: secretName, namespace: NS },
      type: "kubernetes.io/tls",
      stringData: { "ca.crt": certs.ca, "tls.crt": certs.cert, "tls.key": certs.key },
    });
    try {
      const up = await tls.driver("up", [...upCredentials(), "--config", "elasticsearch.tls=true", "--config", `elasticsearch.certificates.secretName=${secretName}`], { timeoutMs: 20 * 60_000 });
      expectSucceeded(up);
      await esReady();
      // HTTPS on 9200 with the user's certificate, verified against the user's CA (by DNS name).
      const es = await esUrl("https");
      const auth = await request(`${es}/_security/_authenticate`, { user: "elastic", password: secrets.elastic, ca: certs.ca, servername: `${ES.clientService}.${NS}.svc.cluster.local` });
      expect(auth.status, auth.text).toBe(200);
      const d = await cp.kube.get<IDeployment>(`${apps}/deployments/api`);
      const env = Object.fromEntries((d?.spec?.template.spec?.containers[0].env ?? []).map((e) => [e.name, e.value]));
      expect(env.ELASTICSEARCH_URL).toMatch(/^https:\/\//);
      await rolledOut("api");
      const api = await apiUrl();
      expect((await request(`${api}/documents`, { method: "POST", body: { id: "tls-1", title: "over https" } })).status).toBe(201);
      expect((await request(`${api}/search?q=https`)).body).toMatchObject({ hits: [{ id: "tls-1" }] });
      const sts = await cp.kube.get<IStatefulSet>(`${apps}/statefulsets/${ES.statefulSet}`);
      expect(JSON.stringify(sts?.spec?.template.spec?.volumes)).toContain(secretName);
    } finally {
      await tls.driver("destroy");
      await cp.kube.delete(`/api/v1/namespaces/${NS}`);
      await cp.kube.waitFor(`/api/v1/namespaces/${NS}`, (n) => n === undefined, { timeoutMs: 180_000, description: `namespace ${NS} deleted` });
    }
  });
});
