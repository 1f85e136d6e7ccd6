import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as bcrypt from "bcryptjs";
import { pbkdf2Sync } from "node:crypto";
import { parse } from "yaml";
import { setupMocks, childrenOf as childrenUnder, kubeObjects, valueOf, isSecretOutput, plainSecretLeaks, plainOccurrences, isSecretWrapper, unwrapSecrets, argumentErrorOf, type MockEngine, type RecordedResource } from "./mocks";
import { Elasticsearch, type ElasticsearchArgs } from "../components/elasticsearch/elasticsearch";
import { esHeapSize } from "../components/elasticsearch/heap";
import { fileRealmPasswordHash } from "../components/elasticsearch/users";
import { parseQuantity } from "../components/shared/quantity";
import { ArgumentError } from "../components/shared/validate";
import { validateKubeObject, validateKubeObjects } from "./k8s-schema";

const ELASTIC_PASSWORD = "elastic-Pa55-word-xyz";
const ORDERS_PASSWORD = "orders-Pa55-word-abc";
let engine: MockEngine;

beforeAll(async () => {
  engine = await setupMocks({ secrets: { elasticPassword: ELASTIC_PASSWORD } });
});

const secretPassword = () => new pulumi.Config("eks-search-platform").requireSecret("elasticPassword");

/** Resources whose parent chain includes the named Elasticsearch component. */
const childrenOf = (name: string): RecordedResource[] => childrenUnder(engine, "eks-search-platform:index:Elasticsearch", name);

const kube = (name: string, kind: string): Record<string, any>[] => kubeObjects(engine, kind, childrenOf(name));

function one(name: string, kind: string, objectName?: string): Record<string, any> {
  const objects = kube(name, kind).filter((o) => objectName === undefined || o.metadata.name === objectName);
  expect(objects, `${kind} ${objectName ?? ""} under ${name}`).toHaveLength(1);
  return objects[0];
}

async function build(name: string, args: Partial<ElasticsearchArgs> = {}): Promise<Elasticsearch> {
  const es = new Elasticsearch(name, { namespace: "search", elasticPassword: secretPassword(), ...args });
  await engine.settle();
  return es;
}

/** Whether `obj[key]` reaches the engine as a secret (the serializer may wrap the whole containing object). */
function secretAt(obj: unknown, key: string): boolean {
  return isSecretWrapper(obj) || isSecretWrapper((obj as Record<string, unknown>)[key]);
}

function allContainers(sts: Record<string, any>): Record<string, any>[] {
  const spec = sts.spec.template.spec;
  return [...(spec.initContainers ?? []), ...spec.containers];
}

describe("Elasticsearch: single node (dev defaults)", () => {
  let es: Elasticsearch;
  beforeAll(async () => {
    es = await build("dev", { storageClassName: "es-data", users: [{ name: "orders", password: pulumi.secret(ORDERS_PASSWORD), indices: ["orders-*"] }] });
  });

  it("renders the StatefulSet to the Helm chart's standard", () => {
    const sts = one("dev", "StatefulSet");
    expect(sts.metadata).toMatchObject({ name: "dev", namespace: "search" });
    expect(sts.spec).toMatchObject({ serviceName: "dev-headless", replicas: 1, podManagementPolicy: "Parallel", updateStrategy: { type: "RollingUpdate" } });
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ["ReadWriteOnce"], storageClassName: "es-data", resources: { requests: { storage: "20Gi" } } });
    const pod = sts.spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(120);
    expect(pod.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe("kubernetes.io/hostname");
    expect(pod.topologySpreadConstraints).toBeUndefined();
    const main = pod.containers[0];
    expect(main.image).toBe("docker.elastic.co/elasticsearch/elasticsearch:8.19.7");
    expect(main.resources).toEqual({ requests: { cpu: "1", memory: "4Gi", "ephemeral-storage": "1Gi" }, limits: { cpu: "1", memory: "4Gi", "ephemeral-storage": "4Gi" } });
    expect(main.env).toContainEqual({ name: "ES_JAVA_OPTS", value: `-Xms${esHeapSize("4Gi")} -Xmx${esHeapSize("4Gi")}` });
    expect(main.env.map((e: any) => e.name)).not.toContain("ELASTIC_PASSWORD");
    expect(main.readinessProbe.exec.command.join(" ")).toContain("wait_for_status=yellow");
    expect(main.startupProbe.failureThreshold * main.startupProbe.periodSeconds).toBeGreaterThanOrEqual(300);
  });

  it("bounds node-local disk: every container has a disk request and limit, every emptyDir a size within the pod's limit", () => {
    const pod = one("dev", "StatefulSet").spec.template.spec;
    for (const c of allContainers(one("dev", "StatefulSet"))) {
      expect(c.resources.requests["ephemeral-storage"], c.name).toBeDefined();
      expect(c.resources.limits["ephemeral-storage"], c.name).toBeDefined();
    }
    const emptyDirs = pod.volumes.filter((v: any) => v.emptyDir);
    expect(emptyDirs.map((v: any) => v.name).sort()).toEqual(["config", "logs", "tmp"]);
    const total = emptyDirs.reduce((sum: number, v: any) => sum + parseQuantity(v.emptyDir.sizeLimit), 0);
    // GC logs alone rotate up to 32 × 64 MiB.
    expect(parseQuantity(emptyDirs.find((v: any) => v.name === "logs").emptyDir.sizeLimit)).toBeGreaterThan(2 * 1024 ** 3);
    expect(total).toBeLessThanOrEqual(parseQuantity(pod.containers[0].resources.limits["ephemeral-storage"]));
  });

  it("runs no privileged or root container by default, and drops every capability", () => {
    for (const c of allContainers(one("dev", "StatefulSet"))) {
      expect(c.securityContext.privileged, c.name).not.toBe(true);
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
    }
    expect(one("dev", "StatefulSet").spec.template.spec.initContainers.map((c: any) => c.name)).toEqual(["prepare-config"]);
  });

  it("writes a single-node elasticsearch.yml with security on and rolls pods when it changes", () => {
    const cm = one("dev", "ConfigMap");
    const yml = parse(cm.data["elasticsearch.yml"]);
    expect(yml).toMatchObject({ "discovery.type": "single-node", "xpack.security.enabled": true, "xpack.security.authc.reserved_realm.enabled": false });
    expect(yml["cluster.initial_master_nodes"]).toBeUndefined();
    expect(one("dev", "StatefulSet").spec.template.metadata.annotations["eks-search-platform/config-hash"]).toMatch(/^[0-9a-f]{10}$/);
  });

  it("creates a headless Service that publishes not-ready pods and a ClusterIP client Service", () => {
    const headless = one("dev", "Service", "dev-headless");
    expect(headless.spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true });
    expect(headless.spec.ports.map((p: any) => [p.name, p.port])).toEqual([["http", 9200], ["transport", 9300]]);
    const client = one("dev", "Service", "dev");
    expect(client.spec.type).toBe("ClusterIP");
    expect(client.spec.ports.map((p: any) => p.port)).toEqual([9200]);
  });

  it("has no PodDisruptionBudget and no TLS objects for one node", () => {
    expect(kube("dev", "PodDisruptionBudget")).toEqual([]);
    expect(childrenOf("dev").filter((r) => r.type.startsWith("tls:"))).toEqual([]);
    expect(kube("dev", "Secret").map((s) => s.metadata.name).sort()).toEqual(["dev-elastic-credentials", "dev-file-realm", "dev-user-orders"]);
  });

  it("lets 9200 in only from labelled clients and the nodes, 9300 only between nodes", async () => {
    const policy = one("dev", "NetworkPolicy");
    const label = await valueOf(es.clientLabel);
    expect(label).toEqual({ "eks-search-platform/elasticsearch-client": "dev" });
    expect(Elasticsearch.clientLabelFor("dev")).toEqual(label);
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    const [http, transport] = policy.spec.ingress;
    expect(http.ports).toEqual([{ port: 9200, protocol: "TCP" }]);
    expect(http.from).toEqual([{ podSelector: { matchLabels: label } }, { podSelector: { matchLabels: policy.spec.podSelector.matchLabels } }]);
    expect(transport).toEqual({ from: [{ podSelector: { matchLabels: policy.spec.podSelector.matchLabels } }], ports: [{ port: 9300, protocol: "TCP" }] });
  });

  it("lets out only DNS to kube-dns, 9300 to the other nodes, and HTTPS (API server zone look-up, snapshot repositories)", () => {
    const policy = one("dev", "NetworkPolicy");
    const [dns, transport, https] = policy.spec.egress;
    expect(policy.spec.egress).toHaveLength(3);
    expect(dns).toEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      ports: [
        { port: 53, protocol: "UDP" },
        { port: 53, protocol: "TCP" },
      ],
    });
    expect(transport).toEqual({ to: [{ podSelector: { matchLabels: policy.spec.podSelector.matchLabels } }], ports: [{ port: 9300, protocol: "TCP" }] });
    expect(https).toEqual({ ports: [{ port: 443, protocol: "TCP" }] });
    expect(validateKubeObject(policy)).toEqual([]);
  });

  it("outputs the service, http URL, credentials Secret, user Secrets and no CA Secret", async () => {
    expect(await valueOf(es.serviceName)).toBe("dev");
    expect(await valueOf(es.url)).toBe("http://dev.search.svc.cluster.local:9200");
    expect(await valueOf(es.credentialsSecretName)).toBe("dev-elastic-credentials");
    expect(await valueOf(es.userSecretNames)).toEqual({ orders: "dev-user-orders" });
    expect(await valueOf(es.caSecretName)).toBeUndefined();
  });

  it("keeps the elastic and user passwords out of every input except their Secrets, where they do arrive", () => {
    expect(plainSecretLeaks(engine, ELASTIC_PASSWORD)).toEqual([]);
    expect(plainSecretLeaks(engine, ORDERS_PASSWORD)).toEqual([]);
    // Not even wrapped: only a Secret may carry a password (a secret in a ConfigMap is still readable in-cluster).
    const outsideSecrets = engine.resources
      .filter((r) => r.type !== "kubernetes:core/v1:Secret" && !r.type.startsWith("eks-search-platform:"))
      .flatMap((r) => [ELASTIC_PASSWORD, ORDERS_PASSWORD].flatMap((pw) => plainOccurrences(unwrapSecrets(r.inputs), pw).map((p) => `${r.type} ${r.name}: ${p}`)));
    expect(outsideSecrets).toEqual([]);
    const credentials = childrenOf("dev").find((r) => r.name === "dev-elastic-credentials")!;
    expect(secretAt(credentials.inputs.stringData, "password")).toBe(true);
    expect(one("dev", "Secret", "dev-elastic-credentials")).toMatchObject({ type: "kubernetes.io/basic-auth", stringData: { username: "elastic", password: ELASTIC_PASSWORD } });
    expect(one("dev", "Secret", "dev-user-orders").stringData).toEqual({ username: "orders", password: ORDERS_PASSWORD });
  });

  it("stores verifiable bcrypt hashes for elastic, the probe user and app users, kept secret", () => {
    const record = childrenOf("dev").find((r) => r.name === "dev-file-realm")!;
    expect(secretAt(record.inputs.stringData, "users")).toBe(true);
    expect(secretAt(record.inputs.stringData, "probe-password")).toBe(true);
    const stringData = unwrapSecrets(record.inputs.stringData) as Record<string, unknown>;
    const users = Object.fromEntries(
      String(stringData.users).trim().split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)]),
    );
    expect(Object.keys(users)).toEqual(["elastic", "platform-probe", "orders"]);
    expect(bcrypt.compareSync(ELASTIC_PASSWORD, users.elastic)).toBe(true);
    expect(bcrypt.compareSync(ORDERS_PASSWORD, users.orders)).toBe(true);
    const [iterations, salt, key] = users["platform-probe"].replace("{PBKDF2}", "").split("$");
    expect(pbkdf2Sync(String(stringData["probe-password"]), Buffer.from(salt, "base64"), Number(iterations), 32, "sha512").toString("base64")).toBe(key);
    // A hash is a password equivalent for offline guessing: it must not leak either.
    expect(plainSecretLeaks(engine, users.elastic)).toEqual([]);
    expect(stringData.users_roles).toContain("app_orders:orders");
    expect(parse(String(stringData["roles.yml"])).app_orders.indices[0].names).toEqual(["orders-*"]);
  });

  it("mounts the users Secret as a directory (updates reach the pod) and never by subPath", () => {
    const pod = one("dev", "StatefulSet").spec.template.spec;
    expect(pod.volumes).toContainEqual(expect.objectContaining({ name: "file-realm", secret: expect.objectContaining({ secretName: "dev-file-realm" }) }));
    for (const c of allContainers(one("dev", "StatefulSet"))) for (const m of c.volumeMounts ?? []) expect(m.subPath, `${c.name} ${m.name}`).toBeUndefined();
  });

  it("marks derived outputs secret-free but the password input stays secret", async () => {
    expect(await isSecretOutput(es.url)).toBe(false);
    expect(await isSecretOutput(secretPassword())).toBe(true);
  });

  it("passes the Kubernetes schema for every object it renders", () => {
    const objects = childrenOf("dev").filter((r) => r.type.startsWith("kubernetes:")).map((r) => unwrapSecrets(r.state));
    expect(objects.map((o: any) => o.kind).sort()).toEqual(["ConfigMap", "NetworkPolicy", "Secret", "Secret", "Secret", "Service", "Service", "ServiceAccount", "StatefulSet"]);
    expect(validateKubeObjects(objects)).toEqual([]);
  });
});

describe("Elasticsearch: three-node production cluster", () => {
  let es: Elasticsearch;
  beforeAll(async () => {
    es = await build("prod", { replicas: 3, tls: true, zoneSpread: true, antiAffinity: "soft", memory: "8Gi", volumeClaimRetention: "Retain" });
  });

  it("bootstraps from the headless Service with every node as initial master, and reports ready on green", () => {
    const yml = parse(one("prod", "ConfigMap").data["elasticsearch.yml"]);
    expect(yml["discovery.seed_hosts"]).toEqual(["prod-headless"]);
    expect(yml["cluster.initial_master_nodes"]).toEqual(["prod-0", "prod-1", "prod-2"]);
    expect(yml["discovery.type"]).toBeUndefined();
    expect(one("prod", "StatefulSet").spec.template.spec.containers[0].readinessProbe.exec.command.join(" ")).toContain("wait_for_status=green");
  });

  it("has a PodDisruptionBudget allowing one node down", () => {
    const pdb = one("prod", "PodDisruptionBudget");
    expect(pdb.apiVersion).toBe("policy/v1");
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: one("prod", "StatefulSet").spec.selector.matchLabels } });
  });

  it("spreads over zones, prefers distinct hosts, and gives Elasticsearch each pod's zone", () => {
    const pod = one("prod", "StatefulSet").spec.template.spec;
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: one("prod", "StatefulSet").spec.selector.matchLabels } },
    ]);
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]).toMatchObject({ weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname" } });
    expect(parse(one("prod", "ConfigMap").data["elasticsearch.yml"])["cluster.routing.allocation.awareness.attributes"]).toBe("zone");
    const init = pod.initContainers.find((c: any) => c.name === "prepare-config");
    expect(init.command.join(" ")).toContain("node.attr.zone");
    expect(init.volumeMounts.map((m: any) => m.name)).toContain("node-reader");
    // Only the init container gets an API token, and it may only read nodes.
    expect(pod.containers[0].volumeMounts.map((m: any) => m.name)).not.toContain("node-reader");
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(one("prod", "ClusterRole").rules).toEqual([{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }]);
    expect(one("prod", "ClusterRoleBinding").subjects).toEqual([{ kind: "ServiceAccount", name: "prod", namespace: "search" }]);
    // The zone look-up reaches the API server through the NetworkPolicy: 443 (EKS) or 6443 (kubeadm-style).
    const egressPorts = one("prod", "NetworkPolicy").spec.egress.flatMap((r: any) => (r.to ? [] : r.ports.map((p: any) => p.port)));
    expect(egressPorts).toEqual([443, 6443]);
  });

  it("generates a CA and node certificate with SANs for the Services and every pod, valid one year and renewed 30 days early", () => {
    const tlsTypes = childrenOf("prod").filter((r) => r.type.startsWith("tls:")).map((r) => r.type).sort();
    expect(tlsTypes).toEqual(["tls:index/certRequest:CertRequest", "tls:index/locallySignedCert:LocallySignedCert", "tls:index/privateKey:PrivateKey", "tls:index/privateKey:PrivateKey", "tls:index/selfSignedCert:SelfSignedCert"]);
    const request = childrenOf("prod").find((r) => r.type === "tls:index/certRequest:CertRequest")!;
    expect(request.inputs.dnsNames).toEqual(expect.arrayContaining(["prod.search.svc", "prod-headless.search.svc.cluster.local", "*.prod-headless.search.svc.cluster.local", "*.prod-headless.search.svc"]));
    expect(request.inputs.ipAddresses).toEqual(["127.0.0.1"]);
    const cert = childrenOf("prod").find((r) => r.type === "tls:index/locallySignedCert:LocallySignedCert")!;
    expect(cert.inputs).toMatchObject({ validityPeriodHours: 8760, earlyRenewalHours: 720 });
    expect(cert.inputs.allowedUses).toEqual(expect.arrayContaining(["server_auth", "client_auth"]));
    const ca = childrenOf("prod").find((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert")!;
    expect(ca.inputs).toMatchObject({ isCaCertificate: true, validityPeriodHours: 87600, earlyRenewalHours: 8760 });
  });

  it("turns on transport and HTTP TLS from the mounted certificate Secret, and exposes the CA to clients", async () => {
    const yml = parse(one("prod", "ConfigMap").data["elasticsearch.yml"]);
    expect(yml).toMatchObject({ "xpack.security.transport.ssl.enabled": true, "xpack.security.http.ssl.enabled": true, "xpack.security.transport.ssl.key": "certs/tls.key" });
    const certs = one("prod", "Secret", "prod-certs");
    expect(certs.type).toBe("kubernetes.io/tls");
    expect(Object.keys(certs.stringData).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
    expect(one("prod", "Secret", "prod-ca").stringData).toEqual({ "ca.crt": certs.stringData["ca.crt"] });
    expect(await valueOf(es.caSecretName)).toBe("prod-ca");
    expect(await valueOf(es.url)).toBe("https://prod.search.svc.cluster.local:9200");
    const main = one("prod", "StatefulSet").spec.template.spec.containers[0];
    expect(main.volumeMounts).toContainEqual({ name: "certs", mountPath: "/usr/share/elasticsearch/config/certs", readOnly: true });
  });

  it("keeps the node private key out of every plain input", () => {
    const key = String(unwrapSecrets(childrenOf("prod").find((r) => r.name === "prod-certs")!.inputs.stringData as any)["tls.key"]);
    expect(key).toContain("PRIVATE KEY");
    expect(plainSecretLeaks(engine, key)).toEqual([]);
  });

  it("creates the config and Secrets before the pods that mount them", () => {
    const sts = childrenOf("prod").find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!;
    const urnOf = (name: string) => childrenOf("prod").find((r) => r.name === name)!.urn;
    expect(sts.dependencies).toEqual(expect.arrayContaining([urnOf("prod-config"), urnOf("prod-file-realm"), urnOf("prod-certs"), urnOf("prod-headless")]));
  });

  it("passes the Kubernetes schema for every object it renders", () => {
    const objects = childrenOf("prod").filter((r) => r.type.startsWith("kubernetes:")).map((r) => unwrapSecrets(r.state));
    expect(new Set(objects.map((o: any) => o.kind))).toEqual(new Set(["ConfigMap", "NetworkPolicy", "Secret", "Service", "StatefulSet", "PodDisruptionBudget", "ServiceAccount", "ClusterRole", "ClusterRoleBinding"]));
    expect(validateKubeObjects(objects)).toEqual([]);
  });
});

describe("Elasticsearch: options", () => {
  it("drops initial_master_nodes once bootstrapped", async () => {
    await build("boot", { replicas: 3, clusterBootstrapped: true });
    expect(parse(one("boot", "ConfigMap").data["elasticsearch.yml"])["cluster.initial_master_nodes"]).toBeUndefined();
  });

  it("adds the privileged sysctl init container only when asked", async () => {
    await build("sysctl", { vmMaxMapCount: "initContainer" });
    const init = one("sysctl", "StatefulSet").spec.template.spec.initContainers;
    expect(init[0]).toMatchObject({ name: "sysctl", securityContext: { privileged: true } });
    expect(init[0].command.join(" ")).toContain("vm.max_map_count=262144");
  });

  it("disables mmap for disableMmap, with no init container for it", async () => {
    await build("local", { vmMaxMapCount: "disableMmap", storageClassName: undefined });
    const sts = one("local", "StatefulSet");
    expect(parse(one("local", "ConfigMap").data["elasticsearch.yml"])["node.store.allow_mmap"]).toBe(false);
    expect(sts.spec.template.spec.initContainers.map((c: any) => c.name)).toEqual(["prepare-config"]);
    // No class named: the cluster's default StorageClass applies.
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBeUndefined();
  });

  it("wraps a plain-string password as a secret anyway", async () => {
    await build("plain", { elasticPassword: "plain-text-pw-123" });
    expect(plainSecretLeaks(engine, "plain-text-pw-123")).toEqual([]);
    expect(one("plain", "Secret", "plain-elastic-credentials").stringData.password).toBe("plain-text-pw-123");
  });

  it("rejects bad args with one ArgumentError before registering anything", async () => {
    const before = engine.resources.length;
    let error: unknown;
    try {
      new Elasticsearch("bad", {
        namespace: "Not_A_Namespace",
        elasticPassword: "",
        replicas: 2,
        memory: "lots",
        vmMaxMapCount: "sysctl" as never,
        users: [{ name: "a", password: "x", indices: ["a-*"] }, { name: "a", password: "y", indices: ["a-*"], privileges: ["everything"] }],
      });
    } catch (e) {
      error = e;
    }
    await engine.settle();
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).issues.map((i) => i.path)).toEqual(["namespace", "replicas", "memory", "vmMaxMapCount", "elasticPassword", "users[1].name", "users[1].privileges[0]"]);
    expect(engine.resources.length).toBe(before);
  });
});

describe("Elasticsearch: arguments for library users (issue 14)", () => {
  it("generates the elastic password when none is given, secret and 32 characters, and uses it for the superuser", async () => {
    const es = new Elasticsearch("generated", { namespace: "search" });
    await engine.settle();
    expect(es.generatedElasticPassword).toBeDefined();
    const generated = childrenOf("generated").filter((r) => r.type === "random:index/randomPassword:RandomPassword");
    expect(generated.map((r) => r.name)).toEqual(["generated-elastic-password"]);
    expect(generated[0].inputs).toMatchObject({ length: 32, special: false });
    const state = unwrapSecrets(generated[0].state) as { result: string; bcryptHash: string };
    expect(state.result).toHaveLength(32);
    expect(one("generated", "Secret", "generated-elastic-credentials").stringData.password).toBe(state.result);
    expect(plainSecretLeaks(engine, state.result)).toEqual([]);
    // The superuser's hash is the provider's, computed once and kept in state: no run hashes it again.
    const usersLine = String(one("generated", "Secret", "generated-file-realm").stringData.users).split("\n")[0];
    expect(usersLine).toBe(`elastic:${state.bcryptHash}`);
    expect(bcrypt.compareSync(state.result, state.bcryptHash)).toBe(true);
    expect(plainSecretLeaks(engine, state.bcryptHash)).toEqual([]);
  });

  it("generates nothing when the password is supplied, and hashes the supplied one here", async () => {
    const es = await build("supplied");
    expect(es.generatedElasticPassword).toBeUndefined();
    expect(childrenOf("supplied").filter((r) => r.type.startsWith("random:"))).toEqual([]);
    const usersLine = String(one("supplied", "Secret", "supplied-file-realm").stringData.users).split("\n")[0];
    expect(usersLine).toBe(`elastic:${fileRealmPasswordHash("elastic", ELASTIC_PASSWORD, "search/supplied")}`);
  });

  it("takes a user's hash computed elsewhere (passwordHash) as is", async () => {
    const known = bcrypt.hashSync(ORDERS_PASSWORD, 4);
    await build("known-hash", { users: [{ name: "orders", password: pulumi.secret(ORDERS_PASSWORD), passwordHash: pulumi.secret(known), indices: ["orders-*"] }] });
    const lines = String(one("known-hash", "Secret", "known-hash-file-realm").stringData.users).trim().split("\n");
    expect(lines[2]).toBe(`orders:${known}`);
    expect(plainSecretLeaks(engine, known)).toEqual([]);
  });

  it("takes requests and limits apart, and sizes the heap from the memory limit", async () => {
    await build("burstable", { resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } } });
    const c = one("burstable", "StatefulSet").spec.template.spec.containers[0];
    expect(c.resources.requests).toMatchObject({ cpu: "500m", memory: "2Gi" });
    expect(c.resources.limits).toMatchObject({ cpu: "2", memory: "4Gi" });
    expect(c.env.find((e: any) => e.name === "ES_JAVA_OPTS").value).toContain("-Xmx2g");
    // Unset halves fall back to cpu / memory, so the default stays Guaranteed.
    await build("half", { cpu: "1", memory: "4Gi", resources: { requests: { cpu: "250m" } } });
    const h = one("half", "StatefulSet").spec.template.spec.containers[0];
    expect(h.resources.requests).toMatchObject({ cpu: "250m", memory: "4Gi" });
    expect(h.resources.limits).toMatchObject({ cpu: "1", memory: "4Gi" });
  });

  it("adds the user's NetworkPolicy rules to the defaults, or creates none when disabled", async () => {
    const monitoring = { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ port: 9200, protocol: "TCP" }] };
    const snapshots = { to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ port: 9000, protocol: "TCP" }] };
    const es = await build("extended", { networkPolicy: { ingress: [monitoring], egress: [snapshots] } });
    const policy = one("extended", "NetworkPolicy");
    expect(policy.spec.ingress).toHaveLength(3);
    expect(policy.spec.ingress[2]).toEqual(monitoring);
    expect(policy.spec.egress.at(-1)).toEqual(snapshots);
    expect(es.networkPolicy).toBeDefined();
    const off = await build("no-policy", { networkPolicy: { enabled: false } });
    expect(kube("no-policy", "NetworkPolicy")).toEqual([]);
    expect(off.networkPolicy).toBeUndefined();
  });

  it("exposes every child it creates", async () => {
    const es = await build("children", { replicas: 3, tls: true, users: [{ name: "orders", password: pulumi.secret(ORDERS_PASSWORD), indices: ["orders-*"] }] });
    const exposed = [es.statefulSet, es.headlessService, es.clientService, es.configMap, es.fileRealmSecret, es.credentialsSecret, es.userSecrets.orders, es.certificatesSecret, es.caSecret, es.disruptionBudget, es.networkPolicy, es.serviceAccount];
    expect(exposed.every((r) => r !== undefined)).toBe(true);
    const kubeChildren = childrenOf("children").filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    const urns = await Promise.all(exposed.map((r) => valueOf(r!.urn)));
    expect(kubeChildren.map((r) => r.urn).filter((urn) => !urns.includes(urn))).toEqual([]);
  });

  it("publishes per-user Secret revisions: not secret, one per password, changing with it, and a CA revision with TLS", async () => {
    const users = (pw: string) => [{ name: "orders", password: pulumi.secret(pw), indices: ["orders-*"] }];
    const a = await build("rev-a", { users: users(ORDERS_PASSWORD) });
    const b = await build("rev-b", { users: users("another-Pa55-word") });
    const again = await build("rev-a2", { users: users(ORDERS_PASSWORD) });
    const revA = (await valueOf(a.userSecretRevisions)).orders;
    expect(revA).toMatch(/^[0-9a-f]{16}$/);
    expect(await isSecretOutput(a.userSecretRevisions)).toBe(false);
    expect((await valueOf(b.userSecretRevisions)).orders).not.toBe(revA);
    // The installation (namespace, name) is in the salt: equal passwords elsewhere give other revisions.
    expect((await valueOf(again.userSecretRevisions)).orders).not.toBe(revA);
    expect(await valueOf(a.caRevision)).toBeUndefined();
    const tls = await build("rev-tls", { tls: true });
    expect(await valueOf(tls.caRevision)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("refuses unknown arguments (a typo is not a silent default), without echoing their values", () => {
    const error = argumentErrorOf(() => new Elasticsearch("typo", { namespace: "search", replica: 3, resources: { request: { cpu: "1" } }, networkPolicy: { enable: false } } as never));
    expect(error.issues.map((i) => i.path)).toEqual(["replica", "resources.request", "networkPolicy.enable"]);
    expect(error.message).toContain("is not an argument (allowed: namespace, version,");
    expect(error.message).not.toContain('"1"');
  });

  it("refuses requests above limits and a memory limit below 2Gi", () => {
    const error = argumentErrorOf(() => new Elasticsearch("over", { namespace: "search", resources: { requests: { cpu: "4", memory: "8Gi" }, limits: { cpu: "2", memory: "1Gi" } } }));
    expect(error.issues.map((i) => i.path)).toEqual(["resources.requests.cpu", "resources.requests.memory", "resources.limits.memory"]);
  });
});

describe("validateKubeObject (the shared schema helper)", () => {
  it("reports wrong types and missing required fields", () => {
    const errors = validateKubeObject({ apiVersion: "v1", kind: "Service", metadata: { name: "x" }, spec: { ports: [{ port: "9200" }] } });
    expect(errors.join("\n")).toMatch(/Service\/spec\/ports\/0\/port: must be integer/);
    expect(validateKubeObject({ apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "x" }, spec: { serviceName: "x" } }).join("\n")).toMatch(/selector|template/);
  });

  it("refuses unknown kinds and removed API versions instead of passing them", () => {
    expect(validateKubeObject({ apiVersion: "example.com/v1", kind: "Widget" })[0]).toMatch(/unknown to the Kubernetes schema/);
    expect(validateKubeObject({ apiVersion: "policy/v1beta1", kind: "PodDisruptionBudget" })[0]).toMatch(/removed.*use policy\/v1/);
    expect(validateKubeObject({ kind: "Secret" })[0]).toMatch(/missing apiVersion/);
  });

  it("accepts a valid object", () => {
    expect(validateKubeObject({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "b" } })).toEqual([]);
  });
});

