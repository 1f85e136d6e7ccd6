// The local stack, deployed for real (npm run test:e2e): the repository's program through the CI driver
// (automation/, unchanged), the built Pulumi CLI and Kubernetes provider, into a local API server with
// KWOK nodes. One control plane; the steps share it and run in order (issue 8).
import * as fs from "node:fs";
import * as path from "node:path";
import * as bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IReplicaSet } from "kubernetes-models/apps/v1/ReplicaSet";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IEndpointSlice } from "kubernetes-models/discovery.k8s.io/v1/EndpointSlice";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IStorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IPersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { IPod } from "kubernetes-models/v1/Pod";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import { elasticsearchNames } from "../../components/elasticsearch/names";
import { clientLabelFor } from "../../components/elasticsearch/services";
import { stableFieldManagerName } from "../../components/shared/field-manager";
import { REPO_ROOT, startControlPlane, type ControlPlane } from "./control-plane";
import {
  describeRun,
  hasCondition,
  KubeWatch,
  PlatformProject,
  randomSecret,
  resourceRecords,
  secretData,
  type DriverRun,
} from "./platform-stack";

const NS = "search";
const PLATFORM = "search-local"; // dnsLabel("search", stack)
const ES = elasticsearchNames(`${PLATFORM}-elasticsearch`);
const STORAGE_CLASS = `${PLATFORM}-data`;
const API_IMAGE = "ghcr.io/example/search-api:1.0.0";
const API_IMAGE_NEXT = "ghcr.io/example/search-api:1.0.1";

const secrets = {
  elastic: randomSecret("elastic"),
  session: randomSecret("session"),
  sessionNext: randomSecret("session-next"),
  apiEs: randomSecret("api-es"),
};
const allSecrets = (): string[] => Object.values(secrets);

const apps = `/apis/apps/v1/namespaces/${NS}`;
const core = `/api/v1/namespaces/${NS}`;
const batch = `/apis/batch/v1/namespaces/${NS}`;

let cp: ControlPlane;
let project: PlatformProject;
let repoStackFile: string;
let jobs: KubeWatch<IJob> | undefined;
let replicaSets: KubeWatch<IReplicaSet> | undefined;

/** What each step leaves for the next. */
const seen: { apiReplicaSet?: string; webReplicaSet?: string; tierSecret?: string; jobName?: string } = {};

beforeAll(async () => {
  repoStackFile = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.local.yaml"), "utf8");
  cp = await startControlPlane();
  project = new PlatformProject(cp);
});

afterAll(async () => {
  jobs?.stop();
  replicaSets?.stop();
  await cp?.stop();
});

/** On failure: the last driver run in full, and the control plane's logs. */
function reportOnFailure(): void {
  onTestFailed(() => {
    const last = project?.runs.at(-1);
    if (last) console.error(describeRun(last));
    if (cp) console.error(cp.logTails(30));
  });
}

function expectSucceeded(r: DriverRun): void {
  expect(r.code, describeRun(r)).toBe(0);
  expect(r.result?.outcome, describeRun(r)).toBe("succeeded");
  expect(r.result?.failures).toEqual([]);
}

/** Watches Jobs and ReplicaSets of the namespace from now on (replacing earlier watches). */
async function watchRollouts(): Promise<void> {
  jobs?.stop();
  replicaSets?.stop();
  jobs = await KubeWatch.start<IJob>(cp, `${batch}/jobs`);
  replicaSets = await KubeWatch.start<IReplicaSet>(cp, `${apps}/replicasets`);
}

async function deployment(name: string): Promise<IDeployment> {
  const d = await cp.kube.get<IDeployment>(`${apps}/deployments/${name}`);
  if (!d) throw new Error(`Deployment ${name} not found`);
  return d;
}

/** The ReplicaSet that holds the Deployment's current revision. */
async function currentReplicaSet(d: IDeployment): Promise<IReplicaSet> {
  const revision = d.metadata?.annotations?.["deployment.kubernetes.io/revision"];
  const all = (await cp.kube.list<IReplicaSet>(`${apps}/replicasets`)).items;
  const rs = all.find(
    (r) => r.metadata?.ownerReferences?.some((o) => o.uid === d.metadata?.uid) && r.metadata?.annotations?.["deployment.kubernetes.io/revision"] === revision,
  );
  if (!rs) throw new Error(`no ReplicaSet of revision ${revision} for Deployment ${d.metadata?.name}`);
  return rs;
}

/** A Deployment rolled out completely: Available, every replica updated and ready, the latest generation observed. */
function expectAvailable(d: IDeployment): void {
  expect(hasCondition(d, "Available"), JSON.stringify(d.status)).toBe(true);
  expect(d.status?.observedGeneration).toBe(d.metadata?.generation);
  expect(d.status?.updatedReplicas).toBe(d.spec?.replicas);
  expect(d.status?.availableReplicas).toBe(d.spec?.replicas);
  expect(d.status?.readyReplicas).toBe(d.spec?.replicas);
}

/**
 * The Job completed before the ReplicaSet was created: by resourceVersion (one etcd revision counter
 * orders every write) and, as a cross-check, by the API server's one-second timestamps.
 */
async function expectJobCompletedBeforeReplicaSet(jobName: string, rs: IReplicaSet): Promise<void> {
  const rsName = rs.metadata?.name ?? "";
  const complete = await waitForEvent(jobs!, (e) => e.object.metadata?.name === jobName && hasCondition(e.object, "Complete"), `Job ${jobName} Complete`);
  const created = await waitForEvent(replicaSets!, (e) => e.type === "ADDED" && e.object.metadata?.name === rsName, `ReplicaSet ${rsName} ADDED`);
  expect(complete.rv, `Job ${jobName} completed at revision ${complete.rv}, ReplicaSet ${rsName} created at ${created.rv}`).toBeLessThan(created.rv);
  const job = complete.object;
  expect(Date.parse(job.status?.completionTime ?? "")).toBeLessThanOrEqual(Date.parse(rs.metadata?.creationTimestamp ?? ""));
}

async function waitForEvent<T>(w: KubeWatch<T>, pred: (e: { type: string; object: T; rv: number }) => boolean, what: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const e = w.first(pred);
    if (e) return e;
    if (w.error) throw new Error(`watch ${w.collectionPath} failed: ${w.error}`);
    if (Date.now() > deadline) throw new Error(`no watch event for ${what}; saw ${w.events.length} events`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function envOf(c: IContainer | undefined): Record<string, unknown> {
  return Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.valueFrom ?? e.value]));
}

async function podsOf(selector: Record<string, string>): Promise<IPod[]> {
  const s = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return (await cp.kube.list<IPod>(`${core}/pods?labelSelector=${encodeURIComponent(s)}`)).items;
}

/** Pods that run and are not on their way out. */
const serving = (p: IPod): boolean => p.status?.phase === "Running" && !p.metadata?.deletionTimestamp;

/** Ready addresses of a Service, from its EndpointSlices (kube-controller-manager fills them from the selected pods). */
async function readyEndpoints(service: string): Promise<string[]> {
  const slices = await cp.kube.list<IEndpointSlice>(
    `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${service}`)}`,
  );
  return slices.items.flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready).flatMap((e) => e.addresses));
}

describe("the local stack through the real engine", () => {
  it("1. up: the driver deploys the local stack with its secrets set as secret config", async () => {
    reportOnFailure();
    await watchRollouts();
    const up = await project.driver("up", [
      "--secret",
      `elasticPassword=${secrets.elastic}`,
      "--secret",
      `appSecrets.api.SESSION_KEY=${secrets.session}`,
      "--secret",
      `appSecrets.api.ELASTICSEARCH_PASSWORD=${secrets.apiEs}`,
    ]);
    expectSucceeded(up);
    const created = Object.fromEntries(up.result!.rows.filter((r) => r.op === "create").map((r) => [r.type, r.count]));
    expect(created).toMatchObject({
      "kubernetes:core/v1:Namespace": 1,
      "kubernetes:storage.k8s.io/v1:StorageClass": 1,
      "kubernetes:apps/v1:StatefulSet": 1,
      "kubernetes:apps/v1:Deployment": 2,
      "kubernetes:batch/v1:Job": 1,
    });
    // Only the kubernetes provider: no aws, eks, tls or random resources (the secrets came from config).
    const types = up.result!.rows.map((r) => r.type);
    expect(types.filter((t) => /^(aws|eks|tls|random):/.test(t) || /providers:(aws|eks|tls|random)$/.test(t))).toEqual([]);
    // The engine created the api Deployment only after the migrations Job was done.
    const records = resourceRecords(up);
    const jobDone = records.findIndex((r) => r.type === "kubernetes:batch/v1:Job" && r.status === "done");
    const apiStarted = records.findIndex((r) => r.name === `${PLATFORM}-api-deployment` && r.status === "started");
    expect(jobDone).toBeGreaterThanOrEqual(0);
    expect(apiStarted).toBeGreaterThan(jobDone);
    // Secrets are stored encrypted in the stack file and never printed.
    const stackFile = project.stackFile();
    for (const s of allSecrets()) {
      expect(stackFile).not.toContain(s);
      expect(up.stdout + up.stderr).not.toContain(s);
    }
    expect(stackFile).toMatch(/elasticPassword:\s*\n?\s*secure: /);
  });

  it("2a. the namespace, StorageClass and Elasticsearch (StatefulSet, claim, Services, NetworkPolicy, no PDB) are there as promised", async () => {
    reportOnFailure();
    const ns = await cp.kube.get<INamespace>(`/api/v1/namespaces/${NS}`);
    expect(ns?.status?.phase).toBe("Active");
    expect(ns?.metadata?.labels?.["pod-security.kubernetes.io/enforce"]).toBe("restricted");

    const sc = await cp.kube.get<IStorageClass>(`/apis/storage.k8s.io/v1/storageclasses/${STORAGE_CLASS}`);
    expect(sc).toMatchObject({ provisioner: "rancher.io/local-path", reclaimPolicy: "Delete", volumeBindingMode: "WaitForFirstConsumer", allowVolumeExpansion: true });
    // Someone else's cluster: never take over the default class.
    expect(sc?.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"]).not.toBe("true");

    const sts = await cp.kube.get<IStatefulSet>(`${apps}/statefulsets/${ES.statefulSet}`);
    expect(sts?.spec).toMatchObject({ replicas: 1, serviceName: ES.headlessService, podManagementPolicy: "Parallel" });
    expect(sts?.status?.readyReplicas).toBe(1);
    const pod = sts!.spec!.template.spec!;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      expect(c.securityContext, c.name).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
      expect(c.securityContext?.privileged ?? false, c.name).toBe(false);
      // Passwords come from the file realm, not the bootstrap-only ELASTIC_PASSWORD env.
      expect(Object.keys(envOf(c)), c.name).not.toContain("ELASTIC_PASSWORD");
    }
    expect(sts?.spec?.volumeClaimTemplates?.[0].spec).toMatchObject({ storageClassName: STORAGE_CLASS, resources: { requests: { storage: "5Gi" } } });
    const pvc = await cp.kube.get<IPersistentVolumeClaim>(`${core}/persistentvolumeclaims/data-${ES.statefulSet}-0`);
    expect(pvc?.status?.phase).toBe("Bound");
    const config = await cp.kube.get<IConfigMap>(`${core}/configmaps/${ES.configMap}`);
    expect(config?.data?.["elasticsearch.yml"]).toMatch(/discovery\.type: single-node/);
    expect(config?.data?.["elasticsearch.yml"]).toMatch(/node\.store\.allow_mmap: false/);

    const headless = await cp.kube.get<IService>(`${core}/services/${ES.headlessService}`);
    expect(headless?.spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true });
    expect(headless?.spec?.ports?.map((p) => p.port)).toEqual([9200, 9300]);
    const client = await cp.kube.get<IService>(`${core}/services/${ES.clientService}`);
    expect(client?.spec?.type).toBe("ClusterIP");
    expect(client?.spec?.ports?.map((p) => p.port)).toEqual([9200]);
    const esPods = await podsOf(sts!.spec!.selector.matchLabels!);
    expect(esPods).toHaveLength(1);
    expect(await readyEndpoints(ES.clientService)).toEqual([esPods[0].status?.podIP]);
    // The API server's own QoS class (it counts init containers; issue 12 defect 5 was Burstable): the last pods
    // a node evicts under memory pressure.
    expect(esPods[0].status?.qosClass).toBe("Guaranteed");

    const policy = await cp.kube.get<INetworkPolicy>(`/apis/networking.k8s.io/v1/namespaces/${NS}/networkpolicies/${ES.networkPolicy}`);
    expect(policy?.spec?.podSelector.matchLabels).toEqual(sts?.spec?.selector.matchLabels);
    const http = policy?.spec?.ingress?.find((r) => r.ports?.some((p) => p.port === 9200));
    expect(http?.from).toContainEqual({ podSelector: { matchLabels: clientLabelFor(ES) } });

    // One node: a PDB with maxUnavailable 1 would let a drain take the only node; the tiers run one replica each.
    const pdbs = await cp.kube.list<IPodDisruptionBudget>(`/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets`);
    expect(pdbs.items).toEqual([]);
  });

  it("2b. the Secrets hold the configured values (and the file realm only bcrypt hashes of them)", async () => {
    reportOnFailure();
    const credentials = await cp.kube.get<ISecret>(`${core}/secrets/${ES.credentialsSecret}`);
    expect(credentials?.type).toBe("kubernetes.io/basic-auth");
    expect(secretData(credentials)).toEqual({ username: "elastic", password: secrets.elastic });
    const apiUser = await cp.kube.get<ISecret>(`${core}/secrets/${ES.userSecret("api")}`);
    expect(secretData(apiUser)).toEqual({ username: "api", password: secrets.apiEs });

    const realm = secretData(await cp.kube.get<ISecret>(`${core}/secrets/${ES.fileRealmSecret}`));
    const hashes = Object.fromEntries(realm.users.trim().split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]));
    expect(Object.keys(hashes)).toEqual(expect.arrayContaining(["elastic", "api"]));
    expect(bcrypt.compareSync(secrets.elastic, hashes.elastic)).toBe(true);
    expect(bcrypt.compareSync(secrets.apiEs, hashes.api)).toBe(true);
    for (const s of allSecrets()) expect(JSON.stringify(realm)).not.toContain(s);

    const api = await deployment("api");
    const ref = (envOf(api.spec?.template.spec?.containers[0]).SESSION_KEY as { secretKeyRef: { name: string } }).secretKeyRef;
    expect(ref.name).toMatch(/^api-secrets-[0-9a-f]{10}$/);
    const tierSecret = await cp.kube.get<ISecret>(`${core}/secrets/${ref.name}`);
    expect(tierSecret?.immutable).toBe(true);
    expect(secretData(tierSecret)).toEqual({ SESSION_KEY: secrets.session });
    seen.tierSecret = ref.name;
  });

  it("2c. the tiers: Deployments Available with the promised specs, Services selecting their pods, the migrations Job Complete", async () => {
    reportOnFailure();
    for (const name of ["api", "web"]) {
      const d = await deployment(name);
      expectAvailable(d);
      expect(d.spec?.replicas).toBe(1);
      expect(d.spec?.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } });
      const pod = d.spec!.template.spec!;
      expect(pod).toMatchObject({ automountServiceAccountToken: false, enableServiceLinks: false, serviceAccountName: name });
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      const c = pod.containers[0];
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
      expect(c.readinessProbe).toMatchObject({ tcpSocket: { port: 8080 }, periodSeconds: 5 });
      expect(c.resources?.requests).toMatchObject({ cpu: "100m", memory: "128Mi" });
      expect(c.resources?.limits).toMatchObject({ memory: "256Mi" });
      expect(pod.volumes).toContainEqual(expect.objectContaining({ name: "tmp", emptyDir: expect.anything() }));
      // No secret value anywhere in the object (env, annotations, labels).
      for (const s of allSecrets()) expect(JSON.stringify(d)).not.toContain(s);

      const svc = await cp.kube.get<IService>(`${core}/services/${name}`);
      expect(svc?.spec?.type).toBe("ClusterIP");
      expect(svc?.spec?.selector).toEqual(d.spec?.selector.matchLabels);
      const pods = (await podsOf(d.spec!.selector.matchLabels!)).filter(serving);
      expect(pods).toHaveLength(1);
      expect(await readyEndpoints(name)).toEqual([pods[0].status?.podIP]);
      const sa = await cp.kube.get<{ automountServiceAccountToken?: boolean }>(`${core}/serviceaccounts/${name}`);
      expect(sa?.automountServiceAccountToken).toBe(false);
    }

    const api = await deployment("api");
    const c = api.spec!.template.spec!.containers[0];
    expect(c.image).toBe(API_IMAGE);
    expect(c.ports?.map((p) => [p.name, p.containerPort])).toEqual([
      ["http", 8080],
      ["docs", 8100],
    ]);
    const env = envOf(c);
    expect(env.SESSION_KEY).toEqual({ secretKeyRef: { name: seen.tierSecret, key: "SESSION_KEY" } });
    expect(env.ELASTICSEARCH_PASSWORD).toEqual({ secretKeyRef: { name: ES.userSecret("api"), key: "password" } });
    expect(env.ELASTICSEARCH_USERNAME).toBe("api");
    expect(env.ELASTICSEARCH_URL).toBe(`http://${ES.clientService}.${NS}.svc.cluster.local:9200`);
    // The api pods carry the label the Elasticsearch NetworkPolicy admits; web's do not.
    const [clientKey, clientValue] = Object.entries(clientLabelFor(ES))[0];
    expect(api.spec?.template.metadata?.labels?.[clientKey]).toBe(clientValue);
    expect((await deployment("web")).spec?.template.metadata?.labels?.[clientKey]).toBeUndefined();
    expect(envOf((await deployment("web")).spec?.template.spec?.containers[0]).API_URL).toBe("http://api:8080");

    const jobList = (await cp.kube.list<IJob>(`${batch}/jobs`)).items;
    expect(jobList).toHaveLength(1);
    const job = jobList[0];
    expect(job.metadata?.name).toMatch(/^api-migrate-[0-9a-f]{8}$/);
    expect(hasCondition(job, "Complete")).toBe(true);
    expect(job.status?.succeeded).toBe(1);
    expect(job.spec?.backoffLimit).toBe(4);
    const jobPod = job.spec!.template.spec!;
    expect(jobPod.restartPolicy).toBe("Never");
    expect(jobPod.containers[0]).toMatchObject({ image: API_IMAGE, command: ["node", "migrate.js"] });
    expect(envOf(jobPod.containers[0]).SESSION_KEY).toEqual(env.SESSION_KEY);

    // Completed before the Deployment rolled: before its ReplicaSet existed.
    const rs = await currentReplicaSet(api);
    await expectJobCompletedBeforeReplicaSet(job.metadata!.name!, rs);
    seen.apiReplicaSet = rs.metadata?.name;
    seen.webReplicaSet = (await currentReplicaSet(await deployment("web"))).metadata?.name;
    seen.jobName = job.metadata?.name;

    // The stack outputs agree with the live objects.
    const outputs = await project.driver("outputs");
    expect(outputs.code, describeRun(outputs)).toBe(0);
    const record = outputs.records.find((r) => r.event === "outputs") as { outputs: Record<string, unknown> } | undefined;
    expect(record?.outputs).toMatchObject({
      target: "kubeconfig",
      namespace: NS,
      storageClassName: STORAGE_CLASS,
      elasticsearchUrl: env.ELASTICSEARCH_URL,
      tierUrls: { api: `http://api.${NS}.svc.cluster.local:8080`, web: `http://web.${NS}.svc.cluster.local:8080` },
    });
  });

  it("3. the exported state and the backend hold no secret in plain text (nor base64)", async () => {
    reportOnFailure();
    const exported = await project.exportStack();
    const state = JSON.parse(exported) as { deployment: { resources: unknown[] } };
    expect(state.deployment.resources.length).toBeGreaterThan(20);
    // The secrets are there, encrypted: Pulumi's secret signature appears.
    expect(exported).toContain("4dabf18193072939515e22adb298388d");
    const backend = project.backendFiles();
    for (const s of allSecrets()) {
      for (const form of [s, Buffer.from(s).toString("base64")]) {
        expect(exported).not.toContain(form);
        expect(backend).not.toContain(form);
      }
    }
  });

  it("4. a second preview reports no changes: the program is idempotent against the server's defaulting", async () => {
    reportOnFailure();
    const preview = await project.driver("preview");
    expectSucceeded(preview);
    expect(preview.result?.rows).toEqual([]);
    expect(preview.result?.unchanged.preview).toBeGreaterThan(20);
    expect(resourceRecords(preview).filter((r) => r.op !== "same")).toEqual([]);
  });

  it("4b. every object the stack applied has one Apply manager, its stable name (an interrupted run and its recovery share it)", async () => {
    reportOnFailure();
    const state = JSON.parse(await project.exportStack()) as { deployment: { resources?: { urn: string; type: string; delete?: boolean; outputs?: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } } }[] } };
    const objects = (state.deployment.resources ?? []).filter((r) => r.type.startsWith("kubernetes:") && !r.delete && r.outputs?.kind);
    expect(objects.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const r of objects) {
      const { apiVersion = "", kind = "", metadata = {} } = r.outputs!;
      const live = await cp.kube.get<{ metadata?: { managedFields?: { manager?: string; operation?: string }[] } }>(await cp.kube.pathFor(apiVersion, kind, metadata.namespace, metadata.name));
      const appliers = (live?.metadata?.managedFields ?? []).filter((f) => f.operation === "Apply").map((f) => f.manager);
      const expected = stableFieldManagerName("eks-search-platform", project.stack, r.type, r.urn.slice(r.urn.lastIndexOf("::") + 2));
      if (appliers.length !== 1 || appliers[0] !== expected) wrong.push(`${kind} ${metadata.name}: ${JSON.stringify(appliers)}, want ${expected}`);
    }
    expect(wrong).toEqual([]);
  });

  it("5. rotating the app secret rolls the api pods onto a new Secret and deletes the old one", async () => {
    reportOnFailure();
    await watchRollouts();
    const up = await project.driver("up", ["--secret", `appSecrets.api.SESSION_KEY=${secrets.sessionNext}`]);
    expectSucceeded(up);
    expect(up.result?.rows).toContainEqual(expect.objectContaining({ op: "replace", type: "kubernetes:core/v1:Secret", count: 1 }));

    const api = await deployment("api");
    expectAvailable(api);
    const rs = await currentReplicaSet(api);
    expect(rs.metadata?.name).not.toBe(seen.apiReplicaSet);
    const ref = (envOf(api.spec?.template.spec?.containers[0]).SESSION_KEY as { secretKeyRef: { name: string } }).secretKeyRef;
    expect(ref.name).not.toBe(seen.tierSecret);
    expect(secretData(await cp.kube.get<ISecret>(`${core}/secrets/${ref.name}`))).toEqual({ SESSION_KEY: secrets.sessionNext });
    expect(await cp.kube.get(`${core}/secrets/${seen.tierSecret}`)).toBeUndefined();
    // Every running api pod is from the new ReplicaSet; the old one is scaled to zero.
    const pods = (await podsOf(api.spec!.selector.matchLabels!)).filter(serving);
    expect(pods.map((p) => p.metadata?.ownerReferences?.[0].name)).toEqual([rs.metadata?.name]);
    expect((await cp.kube.get<IReplicaSet>(`${apps}/replicasets/${seen.apiReplicaSet}`))?.spec?.replicas).toBe(0);
    // web does not use the Secret: it did not roll.
    expect((await currentReplicaSet(await deployment("web"))).metadata?.name).toBe(seen.webReplicaSet);
    // The Job's pods read the Secret too: a new Job ran with it, before the new pods.
    const jobList = (await cp.kube.list<IJob>(`${batch}/jobs`)).items;
    expect(jobList.map((j) => j.metadata?.name)).not.toContain(seen.jobName);
    expect(jobList).toHaveLength(1);
    await expectJobCompletedBeforeReplicaSet(jobList[0].metadata!.name!, rs);
    seen.apiReplicaSet = rs.metadata?.name;
    seen.jobName = jobList[0].metadata?.name;
  });

  it("6. a new api image runs a new migrations Job to completion before the new pods", async () => {
    reportOnFailure();
    await watchRollouts();
    const up = await project.driver("up", ["--config", `apps.tiers.api.image=${API_IMAGE_NEXT}`]);
    expectSucceeded(up);

    const api = await deployment("api");
    expectAvailable(api);
    const rs = await currentReplicaSet(api);
    expect(rs.metadata?.name).not.toBe(seen.apiReplicaSet);
    expect(rs.spec?.template?.spec?.containers[0].image).toBe(API_IMAGE_NEXT);
    const jobList = (await cp.kube.list<IJob>(`${batch}/jobs`)).items;
    expect(jobList).toHaveLength(1);
    const job = jobList[0];
    expect(job.metadata?.name).not.toBe(seen.jobName);
    expect(job.spec?.template.spec?.containers[0].image).toBe(API_IMAGE_NEXT);
    expect(hasCondition(job, "Complete")).toBe(true);
    await expectJobCompletedBeforeReplicaSet(job.metadata!.name!, rs);
    // The new Job was created while the old pods still served: created before the new ReplicaSet too.
    const jobAdded = jobs!.first((e) => e.type === "ADDED" && e.object.metadata?.name === job.metadata?.name);
    const rsAdded = replicaSets!.first((e) => e.type === "ADDED" && e.object.metadata?.name === rs.metadata?.name);
    expect(jobAdded!.rv).toBeLessThan(rsAdded!.rv);
  });

  it("7. drift: 0 when nothing changed; 2 after a Deployment without an HPA is scaled by hand", async () => {
    reportOnFailure();
    const clean = await project.driver("drift");
    expect(clean.code, describeRun(clean)).toBe(0);
    expect(clean.result?.outcome).toBe("no changes");

    const hpas = await cp.kube.list(`/apis/autoscaling/v2/namespaces/${NS}/horizontalpodautoscalers`);
    expect(hpas.items).toEqual([]);
    await cp.kube.patch(`${apps}/deployments/web/scale`, { spec: { replicas: 2 } });
    await cp.kube.waitFor<IDeployment>(`${apps}/deployments/web`, (d) => d?.status?.readyReplicas === 2, { description: "web scaled to 2" });
    const drifted = await project.driver("drift");
    expect(drifted.code, describeRun(drifted)).toBe(2);
    expect(drifted.result?.outcome).toBe("changes");
    expect(drifted.result?.rows).toEqual([{ phase: "refresh preview", op: "update", type: "kubernetes:apps/v1:Deployment", count: 1 }]);
    expect(resourceRecords(drifted).filter((r) => r.status === "planned" && r.op === "update").map((r) => r.name)).toEqual([`${PLATFORM}-web-deployment`]);

    // Undone by hand, the drift is gone: the check wrote no state of its own.
    await cp.kube.patch(`${apps}/deployments/web/scale`, { spec: { replicas: 1 } });
    await cp.kube.waitFor<IDeployment>(`${apps}/deployments/web`, (d) => d?.status?.replicas === 1, { description: "web back to 1" });
    const again = await project.driver("drift");
    expect(again.code, describeRun(again)).toBe(0);
  });

  it("8. destroy removes everything and the namespace is gone", async () => {
    reportOnFailure();
    const destroy = await project.driver("destroy");
    expectSucceeded(destroy);
    expect(destroy.result?.rows.every((r) => r.op === "delete")).toBe(true);
    await cp.kube.waitFor(`/api/v1/namespaces/${NS}`, (n) => n === undefined, { timeoutMs: 120_000, description: `namespace ${NS} deleted` });
    expect(await cp.kube.get(`/apis/storage.k8s.io/v1/storageclasses/${STORAGE_CLASS}`)).toBeUndefined();
    // The claim went with the namespace (retention Delete) and its volume with it.
    await cp.kube.waitFor<{ items: IPersistentVolume[] }>(
      "/api/v1/persistentvolumes",
      (l) => (l?.items ?? []).every((pv) => pv.spec?.storageClassName !== STORAGE_CLASS),
      { timeoutMs: 60_000, description: "the stack's volumes deleted" },
    );
    const state = JSON.parse(await project.exportStack()) as { deployment: { resources?: unknown[] } };
    expect(state.deployment.resources ?? []).toEqual([]);
  });

  it("leaves the repository's stack file untouched (config went to the project copy)", () => {
    expect(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.local.yaml"), "utf8")).toBe(repoStackFile);
    expect(project.stackFile()).toContain(API_IMAGE_NEXT);
  });
});
