import { describe, expect, it } from "vitest";
import { argumentErrorOf } from "./mocks";
import { execFileSync } from "node:child_process";
import { parse } from "yaml";
import * as bcrypt from "bcryptjs";
import { esHeapSize, javaOpts } from "../components/elasticsearch/heap";
import { parseQuantity } from "../components/shared/quantity";
import { elasticsearchNames } from "../components/elasticsearch/names";
import { podSpecFor } from "../components/elasticsearch/pod";
import { prepareConfigScript } from "../components/elasticsearch/prepare-config-script";
import { readinessScript } from "../components/elasticsearch/readiness-script";
import { certificateDnsNames } from "../components/elasticsearch/services";
import { discoverySettings, elasticsearchSettings, elasticsearchYml, type ElasticsearchPlan } from "../components/elasticsearch/settings";
import { elasticsearchPlan } from "../components/elasticsearch/elasticsearch";
import { pbkdf2Sync } from "node:crypto";
import {
  derivedPassword,
  fileRealmPasswordHash,
  fileRealmRoleBindings,
  rolesYml,
  usersFile,
  usersRolesFile,
  fileRealmAccounts,
} from "../components/elasticsearch/users";

const plan = (overrides: Partial<Parameters<typeof elasticsearchPlan>[1]> = {}): ElasticsearchPlan =>
  elasticsearchPlan("search", { namespace: "search", elasticPassword: "pw", ...overrides });

describe("esHeapSize", () => {
  it.each([
    ["2Gi", "1g"],
    ["4Gi", "2g"],
    ["8Gi", "4g"],
    ["3Gi", "1536m"],
    ["96Gi", "31g"],
    ["64Gi", "31g"],
  ])("gives half of %s, capped at 31g: %s", (memory, heap) => {
    expect(esHeapSize(memory)).toBe(heap);
  });

  it("sets Xms = Xmx in ES_JAVA_OPTS from the memory limit", () => {
    const container = (podSpecFor(plan({ memory: "8Gi" })) as any).containers[0];
    expect(container.env).toContainEqual({ name: "ES_JAVA_OPTS", value: javaOpts("4g") });
    expect(javaOpts("4g")).toBe("-Xms4g -Xmx4g");
    expect(container.resources.limits.memory).toBe("8Gi");
  });

  it("uses an explicit heapSize over the 50% rule", () => {
    expect(plan({ memory: "8Gi", heapSize: "3Gi" }).heap).toBe("3g");
  });
});

type QosResources = { requests?: Record<string, string>; limits?: Record<string, string> };
type QosPod = { initContainers?: { name: string; resources?: QosResources }[]; containers: { name: string; resources?: QosResources }[] };

/**
 * The pod's QoS class as Kubernetes computes it (GetPodQOS): init containers count; only cpu and memory do;
 * a request left out is defaulted to the limit by the API server. Guaranteed: every container has cpu and
 * memory limits equal to its requests. BestEffort: no container requests or limits either.
 */
function qosClass(pod: QosPod): "Guaranteed" | "Burstable" | "BestEffort" {
  let any = false;
  let guaranteed = true;
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    for (const resource of ["cpu", "memory"]) {
      const limit = c.resources?.limits?.[resource];
      const request = c.resources?.requests?.[resource] ?? limit;
      if ((request !== undefined && parseQuantity(request) > 0) || (limit !== undefined && parseQuantity(limit) > 0)) any = true;
      if (limit === undefined || request === undefined || parseQuantity(request) !== parseQuantity(limit)) guaranteed = false;
    }
  }
  return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
}

describe("QoS class", () => {
  it.each([
    ["dev defaults", {}],
    ["prod (3 nodes, TLS, zones)", { replicas: 3, tls: true, zoneSpread: true, memory: "8Gi", cpu: "2" }],
    ["with the sysctl init container", { vmMaxMapCount: "initContainer" as const }],
  ])("is Guaranteed for %s: every container, init containers included, has cpu and memory requests = limits", (_, overrides) => {
    expect(qosClass(podSpecFor(plan(overrides)) as QosPod)).toBe("Guaranteed");
  });

  it("is Burstable only when the user sets requests below limits", () => {
    expect(qosClass(podSpecFor(plan({ resources: { requests: { cpu: "500m" }, limits: { cpu: "1" } } })) as QosPod)).toBe("Burstable");
  });
});

describe("discovery", () => {
  it("runs one replica as a single node, without initial masters or seed hosts", () => {
    expect(discoverySettings({ replicas: 1, statefulSetName: "es", headlessServiceName: "es-headless" })).toEqual({ "discovery.type": "single-node" });
  });

  it.each([3, 5])("with %i replicas seeds from the headless Service and lists every ordinal as initial master", (replicas) => {
    const settings = discoverySettings({ replicas, statefulSetName: "es", headlessServiceName: "es-headless" });
    expect(settings["discovery.seed_hosts"]).toEqual(["es-headless"]);
    expect(settings["cluster.initial_master_nodes"]).toEqual(Array.from({ length: replicas }, (_, i) => `es-${i}`));
    expect(settings["discovery.type"]).toBeUndefined();
  });

  it("drops initial_master_nodes once the cluster is bootstrapped, keeping the seed hosts", () => {
    const settings = discoverySettings({ replicas: 3, statefulSetName: "es", headlessServiceName: "es-headless", clusterBootstrapped: true });
    expect(settings).toEqual({ "discovery.seed_hosts": ["es-headless"] });
  });

  it("uses the StatefulSet's real names in the rendered config", () => {
    const yml = parse(elasticsearchYml(plan({ replicas: 3 })));
    expect(yml["cluster.initial_master_nodes"]).toEqual(["search-0", "search-1", "search-2"]);
    expect(yml["discovery.seed_hosts"]).toEqual(["search-headless"]);
    expect(yml["node.name"]).toBe("${POD_NAME}");
  });
});

describe("elasticsearch.yml", () => {
  it("turns security on, keeps every user in the file realm and needs no transport TLS for one node", () => {
    const s = elasticsearchSettings(plan());
    expect(s["xpack.security.enabled"]).toBe(true);
    expect(s["xpack.security.authc.reserved_realm.enabled"]).toBe(false);
    expect(s["xpack.security.transport.ssl.enabled"]).toBe(false);
    expect(s["xpack.security.http.ssl.enabled"]).toBe(false);
    expect(s["node.store.allow_mmap"]).toBeUndefined();
  });

  it("always uses transport TLS for a cluster, and HTTP TLS only when asked", () => {
    const s = elasticsearchSettings(plan({ replicas: 3 }));
    expect(s["xpack.security.transport.ssl.enabled"]).toBe(true);
    expect(s["xpack.security.transport.ssl.certificate"]).toBe("certs/tls.crt");
    expect(s["xpack.security.http.ssl.enabled"]).toBe(false);
    const withTls = elasticsearchSettings(plan({ replicas: 3, tls: true }));
    expect(withTls["xpack.security.http.ssl.enabled"]).toBe(true);
  });

  it("renders no no-op HTTP TLS setting: no certificate_authorities, since HTTP client authentication is off", () => {
    // On the HTTP layer the CA list only verifies client certificates; with client_authentication at its
    // default (none) Elasticsearch never reads it. Transport TLS does use it (the nodes verify each other).
    const withTls = elasticsearchSettings(plan({ replicas: 3, tls: true }));
    const http = Object.keys(withTls).filter((k) => k.startsWith("xpack.security.http.ssl.")).sort();
    expect(http).toEqual(["xpack.security.http.ssl.certificate", "xpack.security.http.ssl.enabled", "xpack.security.http.ssl.key"]);
    expect(withTls["xpack.security.transport.ssl.certificate_authorities"]).toEqual(["certs/ca.crt"]);
  });

  it("turns mmap off for disableMmap and adds zone awareness for zoneSpread", () => {
    expect(elasticsearchSettings(plan({ vmMaxMapCount: "disableMmap" }))["node.store.allow_mmap"]).toBe(false);
    expect(elasticsearchSettings(plan({ zoneSpread: true }))["cluster.routing.allocation.awareness.attributes"]).toBe("zone");
    expect(prepareConfigScript({ zoneSpread: true })).toContain("node.attr.zone");
    expect(prepareConfigScript({ zoneSpread: false })).not.toContain("node.attr.zone");
  });
});

describe("readiness", () => {
  it("waits for yellow on a single node and green on a cluster, then GET /", () => {
    expect(readinessScript({ replicas: 1, httpTls: false })).toContain("wait_for_status=yellow");
    expect(readinessScript({ replicas: 3, httpTls: false })).toContain("wait_for_status=green");
    expect(readinessScript({ replicas: 3, httpTls: false })).toContain('path="/"');
  });

  it("authenticates as the probe user from the mounted file, never elastic, and verifies TLS against the CA", () => {
    const script = readinessScript({ replicas: 3, httpTls: true });
    expect(script).toContain("platform-probe:");
    expect(script).toContain("/mnt/elastic-internal/file-realm/probe-password");
    expect(script).not.toMatch(/elastic:|ELASTIC_PASSWORD/);
    expect(script).toContain(`--cacert /usr/share/elasticsearch/config/certs/ca.crt "https://127.0.0.1:9200$path"`);
  });
});

describe("shell scripts", () => {
  const bash = (script: string, env: Record<string, string> = {}) =>
    execFileSync("bash", ["-c", script], { env: { PATH: process.env.PATH ?? "", ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

  it.each([
    ["readiness, one node", readinessScript({ replicas: 1, httpTls: false })],
    ["readiness, TLS cluster", readinessScript({ replicas: 3, httpTls: true })],
    ["prepare-config", prepareConfigScript({ zoneSpread: false })],
    ["prepare-config with zone lookup", prepareConfigScript({ zoneSpread: true })],
  ])("%s parses as bash", (_label, script) => {
    expect(() => execFileSync("bash", ["-n", "-c", script])).not.toThrow();
  });

  it("finds the zone label in the node object the API server returns, and fails without one", () => {
    const script = prepareConfigScript({ zoneSpread: true });
    const lookup = script.slice(script.indexOf('zone=""'), script.indexOf("printf '\\nnode.attr.zone"));
    const node = JSON.stringify({ kind: "Node", metadata: { labels: { "kubernetes.io/hostname": "ip-10-0-1-1", "topology.kubernetes.io/zone": "us-east-1b" } } });
    expect(bash(`set -eu; node='${node}'; ${lookup} echo "$zone"`, { NODE_NAME: "n1" }).trim()).toBe("us-east-1b");
    expect(() => bash(`set -eu; node='{"metadata":{"labels":{}}}'; ${lookup}`, { NODE_NAME: "n1" })).toThrow(/has no topology.kubernetes.io\/zone label/);
  });
});

describe("certificate names", () => {
  it("covers the client and headless Services and every pod under the headless Service", () => {
    const dns = certificateDnsNames(elasticsearchNames("search"), "prod", "cluster.local");
    expect(dns).toEqual(expect.arrayContaining(["search", "search.prod.svc", "search.prod.svc.cluster.local", "search-headless", "*.search-headless.prod.svc.cluster.local", "*.search-headless.prod.svc"]));
  });

  // Found on three real nodes (test/e2e/elasticsearch-cluster.e2e.test.ts): `*.search-headless` matches nothing, since
  // OpenSSL and Node accept a wildcard only with at least two labels after it (openssl x509 -checkhost: "does NOT match").
  it("has no wildcard a client could never match (a wildcard needs two labels after it)", () => {
    const dns = certificateDnsNames(elasticsearchNames("search"), "prod", "cluster.local");
    const useless = dns.filter((d) => d.startsWith("*.") && !d.slice(2).includes("."));
    expect(useless).toEqual([]);
    expect(dns).toContain("*.search-headless.prod");
  });
});

describe("argument validation", () => {
  it("reports every problem at once", () => {
    const error = argumentErrorOf(() => {
      plan({ replicas: 2, memory: "1Gi", antiAffinity: "maybe" as never, users: [{ name: "elastic", password: "", indices: [] }] });
    });
    const paths = error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["replicas", "memory", "antiAffinity", "users[0].name", "users[0].password", "users[0].indices"]));
    expect(error.message).toContain("args.replicas: must be 1, or 3 and more");
  });

  it("rejects a heap above 31Gi or 75% of memory, and a base name too long for pod names", () => {
    expect(() => plan({ memory: "64Gi", heapSize: "40Gi" })).toThrow(/heapSize: must be at most 31Gi/);
    expect(() => plan({ memory: "4Gi", heapSize: "4Gi" })).toThrow(/at most 75% of memory/);
    expect(() => elasticsearchPlan("x".repeat(60), { namespace: "a", elasticPassword: "pw" })).toThrow(/\(name\)/);
  });

  it("accepts index action names as privileges (indices:admin/mapping/put) and rejects anything else", () => {
    expect(() => plan({ users: [{ name: "app", password: "x", indices: ["a-*"], privileges: ["read", "indices:admin/mapping/put", "indices:admin/mapping/*"] }] })).not.toThrow();
    const error = argumentErrorOf(() => plan({ users: [{ name: "app", password: "x", indices: ["a-*"], privileges: ["indices:admin/mapping put", "cluster:admin/settings/update"] }] }));
    expect(error.issues.map((i) => i.path)).toEqual(["users[0].privileges[0]", "users[0].privileges[1]"]);
    expect(error.message).toContain("or an index action such as indices:admin/mapping/put");
  });
});

describe("file-realm users", () => {
  it("hashes with bcrypt, verifiably, and deterministically", () => {
    const hash = fileRealmPasswordHash("orders", "correct horse");
    expect(hash).toMatch(/^\$2a\$10\$/);
    expect(bcrypt.compareSync("correct horse", hash)).toBe(true);
    expect(bcrypt.compareSync("wrong", hash)).toBe(false);
    expect(fileRealmPasswordHash("orders", "correct horse")).toBe(hash);
  });

  it("salts per user and per password", () => {
    const salt = (h: string) => bcrypt.getSalt(h);
    expect(salt(fileRealmPasswordHash("a", "same"))).not.toBe(salt(fileRealmPasswordHash("b", "same")));
    expect(salt(fileRealmPasswordHash("a", "one"))).not.toBe(salt(fileRealmPasswordHash("a", "two")));
    // Same user and password in another installation: another salt, so precomputed tables don't carry over.
    expect(salt(fileRealmPasswordHash("elastic", "changeme", "search/prod-es"))).not.toBe(salt(fileRealmPasswordHash("elastic", "changeme", "search/dev-es")));
  });

  it("uses a hash computed elsewhere as is and hashes only the passwords without one", () => {
    const known = bcrypt.hashSync("e", 4);
    const { accounts } = fileRealmAccounts({ elastic: { password: "e", hash: known }, users: [{ name: "app", password: "app-pw" }] });
    expect(accounts[0].passwordHash).toBe(known);
    expect(accounts[2].passwordHash).toBe(fileRealmPasswordHash("app", "app-pw"));
    expect(accounts[2].passwordHash.slice(0, 7)).toBe("$2a$10$");
  });

  it("derives the probe's password from elastic's hash (it rotates with elastic) and stores it as Elasticsearch's PBKDF2", () => {
    const realm = (elastic: string) => fileRealmAccounts({ elastic: { password: elastic }, users: [], installation: "search/es" });
    const one = realm("elastic-pass-1");
    expect(one.probePassword).toHaveLength(32);
    expect(one.probePassword).toBe(derivedPassword(one.accounts[0].passwordHash, "probe"));
    expect(one.probePassword).not.toBe(realm("elastic-pass-2").probePassword);
    expect(realm("elastic-pass-1")).toEqual(one);
    const probeHash = one.accounts[1].passwordHash;
    const [iterations, salt, key] = probeHash.replace("{PBKDF2}", "").split("$");
    expect(probeHash.startsWith("{PBKDF2}10000$")).toBe(true);
    expect(pbkdf2Sync(one.probePassword, Buffer.from(salt, "base64"), Number(iterations), 32, "sha512").toString("base64")).toBe(key);
  });

  it("renders users, users_roles and least-privilege roles", () => {
    const users = [{ name: "orders-api", indices: ["orders-*"] }, { name: "reports", indices: ["orders-*", "stats"], privileges: ["read"], clusterPrivileges: ["monitor"] }];
    const { accounts } = fileRealmAccounts({ elastic: { password: "e" }, users: users.map((u) => ({ name: u.name, password: "x" })) });
    expect(usersFile(accounts).trim().split("\n").map((l) => l.split(":")[0])).toEqual(["elastic", "platform-probe", "orders-api", "reports"]);
    expect(usersRolesFile(fileRealmRoleBindings(users))).toBe("superuser:elastic\nplatform_probe:platform-probe\napp_orders_api:orders-api\napp_reports:reports\n");
    expect(parse(rolesYml(users))).toEqual({
      platform_probe: { cluster: ["monitor"] },
      app_orders_api: { cluster: [], indices: [{ names: ["orders-*"], privileges: ["read", "write", "create_index", "view_index_metadata", "indices:admin/mapping/put"] }] },
      app_reports: { cluster: ["monitor"], indices: [{ names: ["orders-*", "stats"], privileges: ["read"] }] },
    });
  });
});
