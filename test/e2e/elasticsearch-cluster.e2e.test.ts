/**
 * The prod stack's Elasticsearch on three real nodes (issue 12, Deliver 1–2): the real program renders the
 * StatefulSet, ConfigMap and Secrets (es-cluster-inputs.ts); es-cluster.ts runs each pod as kubelet would, on
 * 127.0.0.11–13, with the node objects the init script reads from this file's kube-apiserver (KWOK nodes with
 * zone labels). One cluster serves every test, in order. Needs root; run alone with
 *   flock /work/coord/realnode.lock npx vitest run -c vitest.e2e.config.mts test/e2e/elasticsearch-cluster.e2e.test.ts
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane, type ControlPlane } from "./control-plane";
import { PROD_SECRETS, renderProd, renderProdVariant, type ClusterObjects, type ProdInputs } from "./es-cluster-inputs";
import { claimedStorage, clusterRoot, EsPod, esRequest, hostsFile, PodNetwork, type EsReply, type PodAddress, type PodObjects } from "./es-cluster";
import { fileRealmAccounts, usersFile } from "../../components/elasticsearch/users";

let cp: ControlPlane;
let inputs: ProdInputs;
let root: string;
let pods: EsPod[] = [];
let objects: PodObjects;
const network = new PodNetwork();
const elastic = { user: "elastic", password: PROD_SECRETS.elasticPassword };
const started = Date.now();
const api = (): { user: string; password: string } => ({ user: "api", password: inputs.users.api });

/** The image's version, from the rendered StatefulSet (`docker.elastic.co/elasticsearch/elasticsearch:<version>`). */
function versionOf(sts: ClusterObjects["statefulSet"]): string {
  return String(sts.spec.template.spec.containers[0].image).split(":").pop()!;
}

/** Polls cluster health through the client Service until stopped; counts every status seen. */
function watchHealth(): { stop: () => Promise<Record<string, number>> } {
  const seen: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    while (running) {
      const status = await svc("GET", "/_cluster/health?timeout=2s", { ...elastic, timeoutMs: 5000 }).then((r) => String(r.body?.status ?? r.status), () => "no answer");
      seen[status] = (seen[status] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return { stop: async () => { running = false; await loop; return seen; } };
}

/**
 * Starts a pod as kubelet does: with a service-account token issued for it now, for the rendered projected
 * volume's expirationSeconds (600). One token for the whole suite expired before the upgrade test's last pods
 * started on a loaded machine (the zone lookup got 401).
 */
async function startPod(pod: EsPod, objs: PodObjects): Promise<void> {
  const spec = objs.statefulSet.spec.template.spec;
  const projected = (spec.volumes as { projected?: { sources: { serviceAccountToken?: { expirationSeconds?: number } }[] } }[]).flatMap((v) => v.projected?.sources ?? []);
  const expirationSeconds = projected.find((src) => src.serviceAccountToken)?.serviceAccountToken?.expirationSeconds ?? 3607;
  const token = await cp.kube.create<{ status: { token: string } }>(`/api/v1/namespaces/${inputs.namespace}/serviceaccounts/${spec.serviceAccountName}/token`, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds } });
  await pod.create({ ...objs, nodeReader: { ...objs.nodeReader, token: token.status.token } });
}

/** Replaces every pod, one at a time from the highest ordinal (a StatefulSet's RollingUpdate), each gated on the rendered probe. */
async function rollingUpdate(next: PodObjects): Promise<{ seconds: number; health: Record<string, number> }> {
  const t0 = Date.now();
  const watch = watchHealth();
  objects = next;
  for (const pod of [...pods].reverse()) {
    await pod.delete();
    await startPod(pod, next);
    await pod.waitReady(420_000);
  }
  return { seconds: (Date.now() - t0) / 1000, health: await watch.stop() };
}

/** A request to the client Service: the first running pod answers, verified for the Service's name. */
async function svc(method: string, urlPath: string, opts: { user?: string; password?: string; body?: unknown; timeoutMs?: number } = elastic): Promise<EsReply> {
  let last: unknown;
  for (const pod of pods.filter((p) => p.main !== undefined && p.main.exitCode === undefined)) {
    try {
      return await esRequest(pod.at.address, `${inputs.services.client}.${inputs.namespace}.svc`, inputs.certs["ca.crt"], method, urlPath, opts);
    } catch (err) {
      last = err;
    }
  }
  throw new Error(`no pod answered ${method} ${urlPath}: ${String(last)}`);
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
}

/** A binary-unit Kubernetes quantity (Ki, Mi, Gi, Ti) in bytes. */
function quantityBytes(quantity: string): number {
  const m = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(quantity);
  if (!m) throw new Error(`unsupported quantity ${quantity}`);
  return Number(m[1]) * 1024 ** (["Ki", "Mi", "Gi", "Ti"].indexOf(m[2]) + 1);
}

beforeAll(async () => {
  inputs = await renderProd();
  root = clusterRoot();
  cp = await startControlPlane({ installKubernetesPlugin: false });
  const ns = inputs.namespace;
  await cp.kube.create("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
  // The rendered node-reader RBAC, applied as the program would: the init script's token is only as good as it.
  for (const o of inputs.rbac) {
    const body = { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace, labels: o.metadata.labels }, ...(o.rules ? { rules: o.rules } : {}), ...(o.roleRef ? { roleRef: o.roleRef, subjects: o.subjects } : {}) };
    const url = o.kind === "ServiceAccount" ? `/api/v1/namespaces/${ns}/serviceaccounts` : `/apis/rbac.authorization.k8s.io/v1/${o.kind === "ClusterRole" ? "clusterroles" : "clusterrolebindings"}`;
    await cp.kube.create(url, body);
  }
  const sts = inputs.statefulSet;
  const caConfigMap = await waitFor("kube-root-ca.crt", () => cp.kube.get<{ data: Record<string, string> }>(`/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`));
  objects = { statefulSet: sts, config: inputs.config, fileRealm: inputs.fileRealm, certs: inputs.certs, nodeReader: { token: "", "ca.crt": caConfigMap.data["ca.crt"] }, version: versionOf(sts) };
  const addresses: PodAddress[] = Array.from({ length: sts.spec.replicas as number }, (_, i) => ({ ordinal: i, name: `${sts.metadata.name}-${i}`, address: `127.0.0.${11 + i}`, uid: 1011 + i, nodeName: cp.nodeNames[i] }));
  const hosts = path.join(root, "hosts");
  fs.writeFileSync(hosts, hostsFile(addresses, ns, inputs.services), { mode: 0o644 });
  network.install(addresses, Number(new URL(cp.server).port));
  pods = addresses.map((a) => new EsPod(root, a, hosts));
  // podManagementPolicy: Parallel: all pods at once.
  await Promise.all(pods.map((p) => startPod(p, objects)));
  await Promise.all(pods.map((p) => p.waitReady()));
  process.stderr.write(`[es-cluster] 3 nodes Ready ${((Date.now() - started) / 1000).toFixed(0)} s after start\n`);
}, 600_000);

afterAll(async () => {
  for (const p of pods) p.kill();
  await new Promise((r) => setTimeout(r, 500));
  network.remove();
  for (const p of pods) p.release();
  await cp?.stop();
  if (root && process.env.E2E_KEEP_TMP !== "1") fs.rmSync(root, { recursive: true, force: true });
  process.stderr.write(`[es-cluster] suite took ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}, 180_000);

describe("the prod Elasticsearch on three real nodes", () => {
  it("bootstraps once (one cluster UUID on every node) and goes green with all three", async () => {
    const uuids = new Set<string>();
    for (const pod of pods) {
      const health = await esRequest(pod.at.address, `${pod.at.name}.${inputs.services.headless}.${inputs.namespace}.svc`, inputs.certs["ca.crt"], "GET", "/_cluster/health?wait_for_status=green&timeout=60s", elastic);
      expect(health.body, JSON.stringify(health.body)).toMatchObject({ status: "green", number_of_nodes: 3 });
      const state = await esRequest(pod.at.address, `${pod.at.name}.${inputs.services.headless}.${inputs.namespace}`, inputs.certs["ca.crt"], "GET", "/_cluster/state/metadata?local=true&filter_path=metadata.cluster_uuid", elastic);
      uuids.add(state.body.metadata.cluster_uuid);
    }
    expect(uuids.size).toBe(1);
    const nodes = await svc("GET", "/_cat/nodes?h=name&format=json");
    expect(nodes.body.map((n: { name: string }) => n.name).sort()).toEqual(pods.map((p) => p.at.name));
    // Each node's data path is its own claim's filesystem (of the claimed size), not the host's disk, whose
    // fill level would decide the disk watermarks for all three.
    const fsStats = await svc("GET", "/_nodes/stats/fs?filter_path=nodes.*.name,nodes.*.fs.total.total_in_bytes", elastic);
    const claimed = quantityBytes(claimedStorage(objects));
    for (const n of Object.values(fsStats.body.nodes as Record<string, { name: string; fs: { total: { total_in_bytes: number } } }>)) expect(n.fs.total.total_in_bytes, n.name).toBe(claimed);
  });

  it("serves HTTPS and transport TLS that verify against the CA by the Service and pod names, and nothing else", async () => {
    const ca = inputs.certs["ca.crt"];
    const ns = inputs.namespace;
    for (const name of [inputs.services.client, `${inputs.services.client}.${ns}.svc.cluster.local`, `${inputs.services.headless}.${ns}.svc`]) {
      expect((await esRequest(pods[0].at.address, name, ca, "GET", "/_cluster/health", elastic)).status, name).toBe(200);
    }
    await expect(esRequest(pods[0].at.address, "elasticsearch.example.com", ca, "GET", "/", elastic)).rejects.toThrow(/altnames|Hostname/);
    const transport = (pod: EsPod, withClientCert: boolean) =>
      new Promise<{ authorized: boolean; closedEarly: boolean }>((resolve, reject) => {
        const socket = tls.connect({ host: pod.at.address, port: 9300, ca, servername: `${pod.at.name}.${inputs.services.headless}.${ns}.svc.cluster.local`, ...(withClientCert ? { cert: inputs.certs["tls.crt"], key: inputs.certs["tls.key"] } : {}) }, () => {
          const authorized = socket.authorized;
          // Without a client certificate the node ends the connection after the handshake (TLS 1.3 checks it late).
          const timer = setTimeout(() => { socket.destroy(); resolve({ authorized, closedEarly: false }); }, 1500);
          socket.once("close", () => { clearTimeout(timer); resolve({ authorized, closedEarly: true }); });
          socket.once("error", () => undefined);
        });
        socket.once("error", reject);
      });
    for (const pod of pods) {
      expect(await transport(pod, true), pod.at.name).toEqual({ authorized: true, closedEarly: false });
      const anonymous = await transport(pod, false).catch((err: Error) => ({ authorized: false, closedEarly: true, err: err.message }));
      expect(anonymous.closedEarly, pod.at.name).toBe(true);
    }
  });

  it("puts each node in its Kubernetes node's zone (read by the init script from the API server) and allocates by zone", async () => {
    const zones: Record<string, string> = {};
    for (const pod of pods) {
      const node = await cp.kube.get<{ metadata: { labels: Record<string, string> } }>(`/api/v1/nodes/${pod.at.nodeName}`);
      zones[pod.at.name] = node!.metadata.labels["topology.kubernetes.io/zone"];
    }
    expect(new Set(Object.values(zones)).size).toBe(3);
    const info = await svc("GET", "/_nodes?filter_path=nodes.*.name,nodes.*.attributes.zone,nodes.*.settings.cluster.routing");
    const seen = Object.fromEntries(Object.values(info.body.nodes as Record<string, any>).map((n) => [n.name, n.attributes.zone]));
    expect(seen).toEqual(zones);
    for (const n of Object.values(info.body.nodes as Record<string, any>)) expect(n.settings.cluster.routing.allocation.awareness.attributes).toBe("zone");
    expect((await svc("PUT", "/zones-check", { ...elastic, body: { settings: { number_of_shards: 1, number_of_replicas: 1 } } })).status).toBe(200);
    await svc("GET", "/_cluster/health/zones-check?wait_for_status=green&timeout=60s");
    const explain = await svc("GET", "/_cluster/allocation/explain?include_yes_decisions=true", { ...elastic, body: { index: "zones-check", shard: 0, primary: false } });
    const deciders = (explain.body.node_allocation_decisions ?? []).flatMap((d: any) => d.deciders ?? []);
    const awareness = deciders.filter((d: any) => d.decider === "awareness");
    expect(awareness.length, JSON.stringify(explain.body).slice(0, 3000)).toBeGreaterThan(0);
    // The node holding the primary is refused by the same-shard decider; the awareness decider speaks of zones.
    expect(JSON.stringify(awareness)).toMatch(/awareness/);
    await svc("DELETE", "/zones-check");
  });

  it("authenticates every user; the app user may use its indices and gets 403 elsewhere", async () => {
    const api = { user: "api", password: inputs.users.api };
    expect(Object.keys(inputs.users).sort()).toEqual(["api", "elastic"]);
    expect((await svc("GET", "/_security/_authenticate", elastic)).body).toMatchObject({ username: "elastic", roles: ["superuser"] });
    expect((await svc("GET", "/_security/_authenticate", api)).body).toMatchObject({ username: "api" });
    expect((await svc("GET", "/_security/_authenticate", { user: "api", password: `${api.password}x` })).status).toBe(401);
    const probe = { user: "platform-probe", password: inputs.fileRealm["probe-password"] };
    expect((await svc("GET", "/_cluster/health", probe)).status).toBe(200);
    expect((await svc("GET", "/api-orders/_search", probe)).status).toBe(403);

    expect((await svc("PUT", "/api-orders", { ...api, body: { settings: { number_of_shards: 1, number_of_replicas: 1 } } })).status).toBe(200);
    expect((await svc("PUT", "/api-orders/_mapping", { ...api, body: { properties: { sku: { type: "keyword" } } } })).status).toBe(200);
    expect((await svc("POST", "/api-orders/_doc?refresh=true", { ...api, body: { sku: "a-1" } })).status).toBe(201);
    expect((await svc("GET", "/api-orders/_search", api)).body.hits.total.value).toBe(1);

    expect((await svc("PUT", "/other-index", elastic)).status).toBe(200);
    for (const [method, urlPath, body] of [
      ["GET", "/other-index/_search", undefined],
      ["POST", "/other-index/_doc", { x: 1 }],
      ["PUT", "/_cluster/settings", { persistent: { "cluster.routing.allocation.enable": "all" } }],
      ["GET", "/_security/user", undefined],
      ["DELETE", "/api-orders", undefined],
    ] as const) {
      expect((await svc(method, urlPath, { ...api, body })).status, `${method} ${urlPath}`).toBe(403);
    }
    await svc("DELETE", "/other-index");
  });

  it("picks up a new elastic password when kubelet swaps the Secret's files, without a restart, and the probe keeps passing", async () => {
    const apiLine = inputs.fileRealm.users.split("\n").find((l) => l.startsWith("api:"))!;
    const realm = (password: string) =>
      fileRealmAccounts({ elastic: { password }, installation: `${inputs.namespace}/${inputs.services.client}`, users: [{ name: "api", password: inputs.users.api, hash: apiLine.slice("api:".length) }] });
    // The pure function the component uses reproduces the rendered Secret, so the swapped files are what a re-render would give.
    expect(usersFile(realm(elastic.password).accounts)).toBe(inputs.fileRealm.users);
    const next = realm("prod-elastic-rotated-Pw-51c0");
    const fileRealm = { ...inputs.fileRealm, users: usersFile(next.accounts), "probe-password": next.probePassword };
    const pid1s = pods.map((p) => p.main!.pid1);
    const swapped = Date.now();
    for (const pod of pods) pod.updateVolume("file-realm", fileRealm, objects.statefulSet.spec.template.spec.volumes.find((v: any) => v.name === "file-realm").secret.defaultMode);
    objects = { ...objects, fileRealm };
    const rotated = { user: "elastic", password: "prod-elastic-rotated-Pw-51c0" };
    // Kubelet marks a pod unready after failureThreshold failed probes, periodSeconds apart: the probe runs all along.
    const { periodSeconds, failureThreshold } = objects.statefulSet.spec.template.spec.containers[0].readinessProbe;
    const failingSince: (number | undefined)[] = pods.map(() => undefined);
    const longestFailure = pods.map(() => 0);
    let probing = true;
    const prober = (async () => {
      while (probing) {
        await Promise.all(pods.map(async (pod, i) => {
          const r = await pod.probe();
          if (r.ok) failingSince[i] = undefined;
          else failingSince[i] ??= Date.now();
          if (failingSince[i] !== undefined) longestFailure[i] = Math.max(longestFailure[i], Date.now() - failingSince[i]);
        }));
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    for (const pod of pods) {
      const name = `${pod.at.name}.${inputs.services.headless}.${inputs.namespace}.svc`;
      await waitFor(`${pod.at.name} to accept the new password`, async () => ((await esRequest(pod.at.address, name, inputs.certs["ca.crt"], "GET", "/_security/_authenticate", rotated)).status === 200 ? true : undefined), 60_000);
      expect((await esRequest(pod.at.address, name, inputs.certs["ca.crt"], "GET", "/_security/_authenticate", elastic)).status, `${pod.at.name}: old password`).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 3000));
    probing = false;
    await prober;
    for (const pod of pods) {
      const r = await pod.probe();
      expect(r.ok, `${pod.at.name}: ${r.output}\n${pod.log().slice(-3000)}`).toBe(true);
    }
    expect(Math.max(...longestFailure), "longest probe failure (ms)").toBeLessThan(periodSeconds * (failureThreshold - 1) * 1000);
    process.stderr.write(`[es-cluster] new password accepted by all nodes ${((Date.now() - swapped) / 1000).toFixed(1)} s after the swap; longest probe failure per pod: ${longestFailure.join(", ")} ms\n`);
    expect(pods.map((p) => p.main!.pid1)).toEqual(pid1s);
    elastic.password = rotated.password;
  });

  it("loses no acknowledged write when a node is lost: every write acknowledged with wait_for_active_shards=2 is found, and health returns to green", async () => {
    expect((await svc("PUT", "/api-loss", { ...api(), body: { settings: { number_of_shards: 1, number_of_replicas: 2 } } })).status).toBe(200);
    await svc("GET", "/_cluster/health/api-loss?wait_for_status=green&timeout=60s");
    const shards = (await svc("GET", "/_cat/shards/api-loss?format=json&h=prirep,node")).body as { prirep: string; node: string }[];
    // The node holding the primary: its loss makes Elasticsearch promote a replica.
    const victim = pods.find((p) => p.at.name === shards.find((s) => s.prirep === "p")!.node)!;
    const acked: string[] = [];
    let attempts = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        const id = `doc-${attempts++}`;
        const r = await svc("PUT", `/api-loss/_doc/${id}?wait_for_active_shards=2&timeout=10s`, { ...api(), body: { n: attempts, at: Date.now() }, timeoutMs: 15_000 }).catch(() => undefined);
        if (r !== undefined && (r.status === 201 || r.status === 200)) acked.push(id);
      }
    })();
    const ackedAtLeast = (n: number) => waitFor(`${n} acknowledged writes`, () => Promise.resolve(acked.length >= n ? true : undefined), 120_000);
    await ackedAtLeast(50);
    victim.kill();
    await victim.main!.exited;
    const atKill = acked.length;
    await ackedAtLeast(atKill + 100);
    // The StatefulSet controller recreates the pod with its claim: same name, same data, fresh emptyDirs.
    await victim.delete();
    await startPod(victim, objects);
    await victim.waitReady(420_000);
    await ackedAtLeast(acked.length + 50);
    writing = false;
    await writer;
    expect((await svc("GET", "/_cluster/health?wait_for_status=green&timeout=120s")).body.status).toBe("green");
    // Every copy of the shard (primary and both replicas), each asked on its own after a refresh: a search
    // through the Service reads whichever copy adaptive replica selection picks, so one answer proves one copy.
    const perCopy = async () => {
      await svc("POST", "/api-loss/_refresh", api());
      const out: { node: string; found: number; count: number }[] = [];
      for (const p of pods) {
        const pref = `preference=${encodeURIComponent(`_only_nodes:${p.at.name}`)}`;
        const found = await svc("POST", `/api-loss/_search?${pref}`, { ...api(), body: { size: 0, track_total_hits: true, query: { ids: { values: acked } } } });
        const total = await svc("GET", `/api-loss/_count?${pref}`, api());
        out.push({ node: p.at.name, found: found.body.hits.total.value, count: total.body.count });
      }
      return out;
    };
    const first = await perCopy();
    // A copy that has just finished recovering may answer from a reader opened before its last operations; it
    // converges (a copy that lost acknowledged writes would not).
    const copies = await waitFor("every copy holding every acknowledged write", async () => {
      const c = await perCopy();
      return c.every((x) => x.found === acked.length && x.count >= acked.length) ? c : undefined;
    }, 60_000).catch(() => perCopy());
    process.stderr.write(`[es-cluster] node loss (${victim.at.name}, the primary's): ${attempts} writes attempted, ${acked.length} acknowledged (${atKill} before the kill); per copy, acknowledged found / documents: first ${first.map((c) => `${c.node} ${c.found}/${c.count}`).join(", ")}; then ${copies.map((c) => `${c.node} ${c.found}/${c.count}`).join(", ")}\n`);
    for (const c of copies) {
      expect(c.found, `acknowledged writes found on ${c.node}`).toBe(acked.length);
      expect(c.count, `documents on ${c.node}`).toBeGreaterThanOrEqual(acked.length);
    }
  });

  it("rolls the nodes one at a time in StatefulSet order, gated on the probe, without going red (clusterBootstrapped: initial_master_nodes dropped)", async () => {
    // A node restarted with cluster.initial_master_nodes (the node-loss test's) warns of it (issue 12 defect 3).
    const warning = /\[cluster\.initial_master_nodes\] is set/;
    await waitFor("the initial_master_nodes warning of a restarted node", () => Promise.resolve(pods.some((p) => warning.test(p.log())) ? true : undefined), 60_000);
    const variant = renderProdVariant({ "elasticsearch.clusterBootstrapped": "true" });
    expect(inputs.config["elasticsearch.yml"]).toContain("cluster.initial_master_nodes");
    expect(variant.config["elasticsearch.yml"]).not.toContain("cluster.initial_master_nodes");
    const { seconds, health } = await rollingUpdate({ ...objects, ...variant, version: versionOf(variant.statefulSet) });
    process.stderr.write(`[es-cluster] rolling restart: ${seconds.toFixed(0)} s, health seen ${JSON.stringify(health)}\n`);
    expect(health.red ?? 0).toBe(0);
    expect((await svc("GET", "/_cluster/health?wait_for_status=green&timeout=120s")).body.status).toBe("green");
    const settings = await svc("GET", "/_nodes/settings?filter_path=nodes.*.settings.cluster");
    expect(JSON.stringify(settings.body)).not.toContain("initial_master_nodes");
    for (const pod of pods) expect(pod.log()).not.toMatch(warning);
  });

  it("upgrades 8.19.7 to 9.2.0 by the component's version, one node at a time: keeps the data, ends green", async () => {
    const before = { loss: (await svc("GET", "/api-loss/_count", api())).body.count, orders: (await svc("GET", "/api-orders/_count", api())).body.count };
    const variant = renderProdVariant({ "elasticsearch.clusterBootstrapped": "true", "elasticsearch.version": "9.2.0" });
    expect(versionOf(variant.statefulSet)).toBe("9.2.0");
    const { seconds, health } = await rollingUpdate({ ...objects, ...variant, version: "9.2.0" });
    process.stderr.write(`[es-cluster] upgrade to 9.2.0: ${seconds.toFixed(0)} s, health seen ${JSON.stringify(health)}\n`);
    expect(health.red ?? 0).toBe(0);
    expect((await svc("GET", "/_cluster/health?wait_for_status=green&timeout=120s")).body.status).toBe("green");
    const versions = (await svc("GET", "/_cat/nodes?h=name,version&format=json")).body as { version: string }[];
    expect(versions.map((n) => n.version)).toEqual(["9.2.0", "9.2.0", "9.2.0"]);
    expect({ loss: (await svc("GET", "/api-loss/_count", api())).body.count, orders: (await svc("GET", "/api-orders/_count", api())).body.count }).toEqual(before);
    expect((await svc("GET", "/_security/_authenticate", api())).status).toBe(200);
  });
});
