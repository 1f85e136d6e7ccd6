// The todobackend book stack (Pulumi.todobackend.yaml, issue 14 Deliver 2) on a real node: the repository's program
// through the CI driver into a control plane whose only node is a real kubelet with containerd, so MariaDB
// (images/todobackend-db) and the app (the sample web image) run for real. The harness plays the cloud's load
// balancer controller (fakeLoadBalancers: a hostname in the Service's status, so the provider's await ends); the
// test reaches the app through the Service's ClusterIP on :80, which kube-proxy translates on this host.
//
// SQL runs in short-lived client Pods from the database image that meet Pod Security `restricted` (the namespace
// enforces it) and take the app's password from the app's Secret; each writes its result to /dev/termination-log,
// read back from the Pod's status, so no kubelet streaming (exec, logs) is needed. The steps run in order.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { IPersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { IPod } from "kubernetes-models/v1/Pod";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import { run, startControlPlane, type ControlPlane } from "./control-plane";
import { describeRun, hasCondition, PlatformProject, randomSecret, secretData, type DriverRun } from "./platform-stack";
import { defaultLayout, nodeLocalVolumes, startRealNode, type RealNode } from "./real-node";
import { nodePaths } from "./real-node-config";
import { eventually, request } from "./real-node-http";

const NS = "todobackend";
const DB_IMAGE = "ghcr.io/example/todobackend-db:1.0.0";
const core = `/api/v1/namespaces/${NS}`;
const apps = `/apis/apps/v1/namespaces/${NS}`;
const ROW = "survives a database pod restart";

const secrets = { db: randomSecret("todo-db"), root: randomSecret("todo-root"), key: randomSecret("todo-key") };

const layout = defaultLayout();
let cp: ControlPlane;
let node: RealNode;
let project: PlatformProject;

beforeAll(async () => {
  cp = await startControlPlane({ kwok: false, volumes: nodeLocalVolumes(layout), fakeLoadBalancers: true });
  node = await startRealNode(cp, { layout });
  project = new PlatformProject(cp, { stack: "todobackend" });
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

const ready = (p: IPod): boolean => hasCondition(p, "Ready");

async function dbPod(): Promise<IPod | undefined> {
  const p = await cp.kube.get<IPod>(`${core}/pods/db-0`);
  return p && !p.metadata?.deletionTimestamp ? p : undefined;
}

async function dbReady(other?: string): Promise<IPod> {
  return eventually("db-0 Ready", async () => {
    const p = await dbPod();
    return p && p.metadata?.uid !== other && ready(p) ? p : undefined;
  }, 300_000, 1000);
}

/** The app's Secret (the name carries a hash of its data): where the app's MYSQL_PASSWORD comes from. */
async function appSecretName(): Promise<string> {
  const d = await cp.kube.get<IDeployment>(`${apps}/deployments/todobackend`);
  const env: IEnvVar[] = d?.spec?.template.spec?.containers[0].env ?? [];
  const name = env.find((e) => e.name === "MYSQL_PASSWORD")?.valueFrom?.secretKeyRef?.name;
  if (!name) throw new Error("the todobackend Deployment takes no MYSQL_PASSWORD from a Secret");
  return name;
}

let clients = 0;

/**
 * Runs `sql` as the app's user in a client Pod (restricted, the database image's client), with the app Secret's
 * password or `password`; resolves with the exit code and what the client printed (via /dev/termination-log).
 */
async function sql(statement: string, password?: string): Promise<{ exitCode: number; output: string }> {
  const name = `e2e-sql-${++clients}`;
  const pwd: IEnvVar = password === undefined ? { name: "MYSQL_PWD", valueFrom: { secretKeyRef: { name: await appSecretName(), key: "MYSQL_PASSWORD" } } } : { name: "MYSQL_PWD", value: password };
  await cp.kube.create(`${core}/pods`, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: NS, labels: { "app.kubernetes.io/name": "e2e-sql-client" } },
    spec: {
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "sql",
          image: DB_IMAGE,
          imagePullPolicy: "IfNotPresent",
          command: ["sh", "-c", 'mariadb -h db.todobackend.svc.cluster.local -u todo todobackend --batch --skip-column-names -e "$SQL" >/dev/termination-log 2>&1'],
          env: [{ name: "SQL", value: statement }, pwd],
          resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
        },
      ],
    },
  });
  try {
    const done = await eventually(`client pod ${name} finished`, async () => {
      const p = await cp.kube.get<IPod>(`${core}/pods/${name}`);
      return p?.status?.phase === "Succeeded" || p?.status?.phase === "Failed" ? p : undefined;
    }, 120_000, 500);
    const terminated = done.status?.containerStatuses?.[0]?.state?.terminated;
    return { exitCode: terminated?.exitCode ?? -1, output: (terminated?.message ?? "").trim() };
  } finally {
    await cp.kube.delete(`${core}/pods/${name}`, { gracePeriodSeconds: 0 });
  }
}

/** Every pod of the Deployment Ready from its current ReplicaSet, none on the way out. */
async function rolledOut(name: string): Promise<void> {
  const d = await cp.kube.waitFor<IDeployment>(
    `${apps}/deployments/${name}`,
    (d) => !!d && d.status?.observedGeneration === d.metadata?.generation && d.status?.updatedReplicas === d.spec?.replicas && d.status?.readyReplicas === d.spec?.replicas && d.status?.replicas === d.spec?.replicas,
    { timeoutMs: 300_000, intervalMs: 1000, description: `Deployment ${name} rolled out` },
  );
  const selector = Object.entries(d!.spec!.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
  await eventually(`the old pods of ${name} gone`, async () => {
    const all = (await cp.kube.list<IPod>(`${core}/pods?labelSelector=${encodeURIComponent(selector)}`)).items;
    return all.length === d!.spec!.replicas && all.every((p) => !p.metadata?.deletionTimestamp && ready(p)) ? true : undefined;
  }, 300_000, 500);
}

/** A file list of one of a pod's volumes in the kubelet's directory on this host (the `..data` links left out). */
function podVolumeFiles(pod: IPod, plugin: string, volume: string): string[] {
  const dir = path.join(nodePaths(layout).kubeletRoot, "pods", pod.metadata!.uid!, "volumes", plugin, volume);
  return fs.readdirSync(dir).filter((f) => !f.startsWith(".."));
}

describe("the todobackend book stack on a real node", () => {
  it("1. up: db-0 Ready by its own probe on a real node-local volume, the migrations create the table, the app answers through its Service", async () => {
    reportOnFailure();
    const up = await project.driver(
      "up",
      ["--secret", `sharedSecrets.db.MYSQL_PASSWORD=${secrets.db}`, "--secret", `appSecrets.db.MYSQL_ROOT_PASSWORD=${secrets.root}`, "--secret", `appSecrets.todobackend.SECRET_KEY=${secrets.key}`],
      { timeoutMs: 20 * 60_000 },
    );
    expectSucceeded(up);

    const db = await dbReady();
    expect(db.spec?.nodeName).toBe(layout.nodeName);
    expect(db.spec?.containers[0].readinessProbe?.tcpSocket?.port).toBe(3306);
    expect(db.status?.containerStatuses?.[0]?.ready).toBe(true);

    // The claim is bound to a local PV in the node's volume directory, and MariaDB's data directory is on it.
    const pvc = await cp.kube.get<IPersistentVolumeClaim>(`${core}/persistentvolumeclaims/data-db-0`);
    expect(pvc?.status?.phase).toBe("Bound");
    const pv = await cp.kube.get<IPersistentVolume>(`/api/v1/persistentvolumes/${pvc!.spec!.volumeName!}`);
    const dir = pv?.spec?.local?.path ?? "";
    expect(path.dirname(dir)).toBe(nodePaths(layout).volumes);
    expect(fs.readdirSync(dir)).toEqual(expect.arrayContaining(["mysql", "todobackend"]));

    const jobs = (await cp.kube.list<IJob>(`/apis/batch/v1/namespaces/${NS}/jobs`)).items;
    expect(jobs).toHaveLength(1);
    expect(hasCondition(jobs[0], "Complete"), JSON.stringify(jobs[0].status)).toBe(true);
    expect(jobs[0].spec?.template.spec?.containers[0].image).toBe(DB_IMAGE);
    // The migration created the app's table, as the app's user with the shared password.
    expect(await sql("SHOW TABLES")).toEqual({ exitCode: 0, output: "todo_item" });

    // One password in both tiers' Secrets.
    const dbSts = await cp.kube.get<IStatefulSet>(`${apps}/statefulsets/db`);
    const dbSecret = dbSts?.spec?.template.spec?.containers[0].env?.find((e) => e.name === "MYSQL_PASSWORD")?.valueFrom?.secretKeyRef?.name;
    expect(secretData(await cp.kube.get<ISecret>(`${core}/secrets/${dbSecret}`)).MYSQL_PASSWORD).toBe(secrets.db);
    expect(secretData(await cp.kube.get<ISecret>(`${core}/secrets/${await appSecretName()}`)).MYSQL_PASSWORD).toBe(secrets.db);

    await rolledOut("todobackend");
    const svc = await cp.kube.get<IService>(`${core}/services/todobackend`);
    expect(svc?.spec?.type).toBe("LoadBalancer");
    const health = await request(`http://${svc!.spec!.clusterIP!}:80/healthz`);
    expect(health.status, health.text).toBe(200);

    // On the node: only SECRET_KEY is a file, and collectstatic filled the shared static volume.
    const [app] = (await cp.kube.list<IPod>(`${core}/pods?labelSelector=${encodeURIComponent("app.kubernetes.io/instance=todobackend")}`)).items;
    expect(podVolumeFiles(app, "kubernetes.io~secret", "secrets")).toEqual(["SECRET_KEY"]);
    expect(podVolumeFiles(app, "kubernetes.io~empty-dir", "static").length).toBeGreaterThan(0);
  });

  it("2. a row written as the app's user survives deleting the database pod; a wrong password is refused", async () => {
    reportOnFailure();
    expect(await sql(`INSERT INTO todo_item (title) VALUES ('${ROW}')`)).toEqual({ exitCode: 0, output: "" });
    expect(await sql("SELECT title FROM todo_item")).toEqual({ exitCode: 0, output: ROW });

    const before = await dbReady();
    await cp.kube.delete(`${core}/pods/db-0`);
    const after = await dbReady(before.metadata?.uid);
    expect(after.spec?.volumes?.find((v) => v.name === "data")?.persistentVolumeClaim?.claimName).toBe("data-db-0");
    const read = await eventually("the row read back from the new db-0", async () => {
      const r = await sql("SELECT title FROM todo_item");
      return r.exitCode === 0 ? r : undefined;
    }, 120_000, 2000);
    expect(read.output).toBe(ROW);

    const wrong = await sql("SELECT 1", "not-the-password");
    expect(wrong.exitCode).toBe(1);
    expect(wrong.output).toMatch(/Access denied for user 'todo'/);
  });

  it("3. a second preview reports no changes", async () => {
    reportOnFailure();
    const preview = await project.driver("preview");
    expectSucceeded(preview);
    expect(preview.result?.rows).toEqual([]);
  });

  it("4. destroy leaves no pod, claim, volume or container behind", async () => {
    reportOnFailure();
    const destroy = await project.driver("destroy");
    expectSucceeded(destroy);
    await cp.kube.waitFor(`/api/v1/namespaces/${NS}`, (n) => n === undefined, { timeoutMs: 180_000, description: `namespace ${NS} deleted` });
    await cp.kube.waitFor<{ items: IPersistentVolume[] }>("/api/v1/persistentvolumes", (l) => (l?.items ?? []).length === 0, { timeoutMs: 60_000, description: "no PV left" });
    expect((await cp.kube.list<IPod>("/api/v1/pods")).items).toEqual([]);
    expect((await cp.kube.list<IPersistentVolumeClaim>("/api/v1/persistentvolumeclaims")).items).toEqual([]);
    expect(fs.readdirSync(nodePaths(layout).volumes)).toEqual([]);
    await eventually("no container task on the node", async () => {
      const r = await run("ctr", ["--address", nodePaths(layout).containerdSocket, "--namespace", "k8s.io", "tasks", "ls", "-q"]);
      return r.code === 0 && r.stdout.trim() === "" ? true : undefined;
    }, 120_000, 1000);
  });
});
