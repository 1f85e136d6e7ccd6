// Smoke test of the local control plane and the built Pulumi toolchain (npm run test:e2e).
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { INode } from "kubernetes-models/v1/Node";
import type { IPersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { IPod } from "kubernetes-models/v1/Pod";
import { REPO_ROOT, startControlPlane, type ControlPlane } from "./control-plane";

const NS = "e2e-smoke";
const IMAGE = "registry.k8s.io/pause:3.10";

let cp: ControlPlane;

beforeAll(async () => {
  cp = await startControlPlane();
  await cp.kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
});

afterAll(async () => {
  await cp?.stop();
});

/** Print the control plane's process logs when a test fails. */
function dumpLogsOnFailure(): void {
  onTestFailed(() => {
    console.error(cp.logTails(40));
  });
}

function condition(obj: { status?: { conditions?: { type: string; status: string }[] } } | undefined, type: string): boolean {
  return obj?.status?.conditions?.some((c) => c.type === type && c.status === "True") ?? false;
}

async function podsOf(selector: string): Promise<IPod[]> {
  return (await cp.kube.list<IPod>(`/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent(selector)}`)).items;
}

async function zoneOf(nodeName: string | undefined): Promise<string | undefined> {
  const node = await cp.kube.get<INode>(`/api/v1/nodes/${nodeName ?? ""}`);
  return node?.metadata?.labels?.["topology.kubernetes.io/zone"];
}

describe("local control plane", () => {
  it("serves the built Kubernetes version with three Ready KWOK nodes in three zones", async () => {
    dumpLogsOnFailure();
    const version = await cp.kube.get<{ gitVersion: string }>("/version");
    expect(version?.gitVersion).toBe(cp.tools.kubernetesVersion);
    const nodes = (await cp.kube.list<INode>("/api/v1/nodes")).items;
    expect(nodes).toHaveLength(3);
    expect(nodes.every((n) => condition(n, "Ready"))).toBe(true);
    const zones = new Set(nodes.map((n) => n.metadata?.labels?.["topology.kubernetes.io/zone"]));
    expect(zones.size).toBe(3);
    expect(nodes[0].status?.allocatable).toMatchObject({ cpu: "32", memory: "256Gi", pods: "110" });
  });

  it("rolls a Deployment out to Available, spread over hosts and zones", async () => {
    dumpLogsOnFailure();
    const labels = { app: "web" };
    const deployment: IDeployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: NS },
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: "kubernetes.io/hostname" }],
              },
            },
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels } },
            ],
            containers: [{ name: "web", image: IMAGE, resources: { requests: { cpu: "500m", memory: "512Mi" } } }],
          },
        },
      },
    };
    await cp.kube.apply(deployment);
    const done = await cp.kube.waitFor<IDeployment>(
      `/apis/apps/v1/namespaces/${NS}/deployments/web`,
      (d) => condition(d, "Available") && d?.status?.availableReplicas === 3 && d?.status?.updatedReplicas === 3,
      { timeoutMs: 120_000, description: "Deployment web Available" },
    );
    expect(done?.status?.readyReplicas).toBe(3);
    const pods = await podsOf("app=web");
    expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(3);
    expect(new Set(await Promise.all(pods.map((p) => zoneOf(p.spec?.nodeName)))).size).toBe(3);
    expect(pods.every((p) => p.status?.podIP)).toBe(true);
  });

  it("runs a Job to Complete", async () => {
    dumpLogsOnFailure();
    const job: IJob = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "migrate", namespace: NS },
      spec: {
        backoffLimit: 0,
        template: { spec: { restartPolicy: "Never", containers: [{ name: "migrate", image: IMAGE }] } },
      },
    };
    await cp.kube.apply(job);
    const done = await cp.kube.waitFor<IJob>(`/apis/batch/v1/namespaces/${NS}/jobs/migrate`, (j) => condition(j, "Complete"), {
      timeoutMs: 120_000,
      description: "Job migrate Complete",
    });
    expect(done?.status?.succeeded).toBe(1);
    expect(done?.status?.completionTime).toBeTruthy();
  });

  it("binds a StatefulSet's claims through a WaitForFirstConsumer class and makes its pods Ready", async () => {
    dumpLogsOnFailure();
    // Shaped like the stack's EBS class: an external provisioner and WaitForFirstConsumer.
    await cp.kube.apply({
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "e2e-gp3" },
      provisioner: "ebs.csi.aws.com",
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: "Delete",
      allowVolumeExpansion: true,
      parameters: { type: "gp3", encrypted: "true" },
    });
    const labels = { app: "search" };
    await cp.kube.apply({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "search-headless", namespace: NS },
      spec: { clusterIP: "None", selector: labels, ports: [{ name: "http", port: 9200 }] },
    });
    const sts: IStatefulSet = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "search", namespace: NS },
      spec: {
        serviceName: "search-headless",
        replicas: 3,
        podManagementPolicy: "Parallel",
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels } },
            ],
            containers: [{ name: "es", image: IMAGE, volumeMounts: [{ name: "data", mountPath: "/data" }] }],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: "data" },
            spec: { accessModes: ["ReadWriteOnce"], storageClassName: "e2e-gp3", resources: { requests: { storage: "10Gi" } } },
          },
        ],
      },
    };
    await cp.kube.apply(sts);
    await cp.kube.waitFor<IStatefulSet>(
      `/apis/apps/v1/namespaces/${NS}/statefulsets/search`,
      (s) => s?.status?.readyReplicas === 3 && s.status.currentRevision === s.status.updateRevision,
      { timeoutMs: 180_000, description: "StatefulSet search ready" },
    );
    const pvcs = (await cp.kube.list<IPersistentVolumeClaim>(`/api/v1/namespaces/${NS}/persistentvolumeclaims`)).items.filter((c) =>
      c.metadata?.name?.startsWith("data-search-"),
    );
    expect(pvcs).toHaveLength(3);
    for (const pvc of pvcs) {
      expect(pvc.status?.phase).toBe("Bound");
      expect(pvc.status?.capacity?.storage).toBe("10Gi");
      // The volume sits in the zone of the node its pod was scheduled to.
      const pod = await cp.kube.get<IPod>(`/api/v1/namespaces/${NS}/pods/${pvc.metadata?.name?.replace(/^data-/, "")}`);
      const pv = await cp.kube.get<IPersistentVolume>(`/api/v1/persistentvolumes/${pvc.spec?.volumeName}`);
      const pvZone = pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions?.[0]?.values?.[0];
      expect(pvZone).toBe(await zoneOf(pod?.spec?.nodeName));
    }

    // Deleting the StatefulSet and its claims releases the volumes, which the provisioner deletes.
    await cp.kube.delete(`/apis/apps/v1/namespaces/${NS}/statefulsets/search`, { propagationPolicy: "Foreground" });
    for (const pvc of pvcs) await cp.kube.delete(`/api/v1/namespaces/${NS}/persistentvolumeclaims/${pvc.metadata?.name}`);
    for (const pvc of pvcs) {
      await cp.kube.waitFor(`/api/v1/persistentvolumes/${pvc.spec?.volumeName}`, (pv) => pv === undefined, {
        timeoutMs: 120_000,
        description: `PV ${pvc.spec?.volumeName} deleted`,
      });
    }
  });

  it("binds claims to static PVs of a no-provisioner class", async () => {
    dumpLogsOnFailure();
    await cp.kube.apply({
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "e2e-static" },
      provisioner: "kubernetes.io/no-provisioner",
      volumeBindingMode: "WaitForFirstConsumer",
    });
    const [pvName] = await cp.ensureStaticPVs("e2e-static", 1, "20Gi");
    const labels = { app: "static" };
    await cp.kube.apply({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "static", namespace: NS },
      spec: {
        serviceName: "static",
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: "c", image: IMAGE }] } },
        volumeClaimTemplates: [
          { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "e2e-static", resources: { requests: { storage: "5Gi" } } } },
        ],
      },
    });
    const pvc = await cp.kube.waitFor<IPersistentVolumeClaim>(
      `/api/v1/namespaces/${NS}/persistentvolumeclaims/data-static-0`,
      (c) => c?.status?.phase === "Bound",
      { timeoutMs: 120_000, description: "PVC data-static-0 Bound" },
    );
    expect(pvc?.spec?.volumeName).toBe(pvName);
    await cp.kube.waitFor<IStatefulSet>(`/apis/apps/v1/namespaces/${NS}/statefulsets/static`, (s) => s?.status?.readyReplicas === 1, {
      timeoutMs: 120_000,
      description: "StatefulSet static ready",
    });
  });

  it("runs the built Pulumi CLI with the Kubernetes provider registered in its PULUMI_HOME", async () => {
    dumpLogsOnFailure();
    const version = await cp.pulumi(["version"]);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toMatch(/^v3\.\d+\.\d+/);
    const plugins = await cp.pulumi(["plugin", "ls", "--json"]);
    expect(plugins.code, plugins.stderr).toBe(0);
    const list = JSON.parse(plugins.stdout) as { name: string; kind: string; version: string }[];
    expect(list).toContainEqual(expect.objectContaining({ name: "kubernetes", kind: "resource", version: cp.tools.kubernetesProviderVersion }));
    expect(cp.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).toBe("true");
    expect(cp.env.PULUMI_HOME).toBe(cp.pulumiHome);
  });

  it("deploys through the real engine: language host, Kubernetes provider and API server", async () => {
    dumpLogsOnFailure();
    // A throwaway project using the repository's node_modules and the same runtime options as
    // the repository's Pulumi.yaml (tsx as the loader, no vendored TypeScript).
    const dir = fs.mkdtempSync(path.join(cp.tmpDir, "project-"));
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      ["name: e2e-smoke", "runtime:", "  name: nodejs", "  options:", "    typescript: false", '    nodeargs: "--import tsx"', "main: index.ts", ""].join("\n"),
    );
    fs.writeFileSync(
      path.join(dir, "index.ts"),
      [
        'import * as k8s from "@pulumi/kubernetes";',
        'import * as pulumi from "@pulumi/pulumi";',
        "const cfg = new pulumi.Config();",
        `const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: "${NS}-pulumi" } });`,
        'const secret = new k8s.core.v1.Secret("s", { metadata: { namespace: ns.metadata.name }, stringData: { token: cfg.requireSecret("token") } });',
        'const labels: Record<string, string> = { app: "api" };',
        'const dep = new k8s.apps.v1.Deployment("api", { metadata: { namespace: ns.metadata.name }, spec: { replicas: 2, selector: { matchLabels: labels },',
        `  template: { metadata: { labels }, spec: { containers: [{ name: "api", image: "${IMAGE}" }] } } } });`,
        "export const secretName = secret.metadata.name;",
        "export const ready = dep.status.readyReplicas;",
        "",
      ].join("\n"),
    );
    const env = { PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase", PULUMI_BACKEND_URL: `file://${path.join(dir, ".state")}` };
    fs.mkdirSync(path.join(dir, ".state"));
    const step = async (args: string[]): Promise<string> => {
      const res = await cp.pulumi([...args, "--non-interactive"], { cwd: dir, env, timeoutMs: 5 * 60_000 });
      expect(res.code, `pulumi ${args.join(" ")}\n${res.stdout}\n${res.stderr}`).toBe(0);
      return res.stdout;
    };
    await step(["stack", "init", "e2e"]);
    await step(["config", "set", "--secret", "token", "t0p-s3cret"]);
    await step(["up", "--yes", "--skip-preview"]);
    const outputs = JSON.parse(await step(["stack", "output", "--json", "--show-secrets"])) as Record<string, unknown>;
    expect(outputs.ready).toBe(2);
    const secret = await cp.kube.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${NS}-pulumi/secrets/${String(outputs.secretName)}`);
    expect(Buffer.from(secret?.data?.token ?? "", "base64").toString()).toBe("t0p-s3cret");
    expect(await step(["stack", "export"])).not.toContain("t0p-s3cret");
    const preview = await step(["preview", "--diff", "--expect-no-changes"]);
    expect(preview).toMatch(/unchanged/);
    await step(["destroy", "--yes", "--skip-preview"]);
    await cp.kube.waitFor(`/api/v1/namespaces/${NS}-pulumi`, (n) => n === undefined, { timeoutMs: 120_000, description: "namespace deleted" });
  });
});
