// Issue 14's tier features: each through the AppTier arguments (specs under mocks), the config schema and the Platform.
import { beforeAll, describe, expect, it } from "vitest";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Service } from "kubernetes-models/v1/Service";
import { AppTier, type AppTierArgs } from "../components/app-tier/app-tier";
import { ConfigError } from "../components/config/errors";
import { parsePlatformConfig } from "../components/config/parse";
import { Platform } from "../components/platform/platform";
import { argumentErrorOf, setupMocks, unwrapSecrets, type MockEngine, type RecordedResource } from "./mocks";

export const T = {
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  service: "kubernetes:core/v1:Service",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  job: "kubernetes:batch/v1:Job",
  tier: "eks-search-platform:index:AppTier",
};

let engine: MockEngine;
beforeAll(async () => {
  engine = await setupMocks();
});

const base = (extra: Partial<AppTierArgs> = {}): AppTierArgs => ({ namespace: "search", image: "ghcr.io/example/app:1.0.0", ...extra });

async function build(name: string, args: AppTierArgs): Promise<AppTier> {
  const tier = new AppTier(name, args);
  await engine.settle();
  return tier;
}

const state = (r: RecordedResource | undefined): Record<string, any> => unwrapSecrets(r!.state) as Record<string, any>;
/** The recorded objects of one type that belong to the tier component `name`. */
function children(name: string, type: string): Record<string, any>[] {
  const parent = engine.get(T.tier, name).urn;
  return engine.byType(type).filter((r) => r.parent === parent).map(state);
}
const one = (name: string, type: string) => children(name, type)[0];

export function configIssues(raw: unknown): ConfigError["issues"] {
  try {
    parsePlatformConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("stateful tiers: a StatefulSet, a headless Service and a claim per pod", () => {
  beforeAll(async () => {
    await build("db", base({ stateful: true, port: 3306, persistentVolumes: { data: { mountPath: "/var/lib/mysql", size: "8Gi", storageClassName: "fast" } }, autoscaling: { minReplicas: 1, maxReplicas: 2 }, resources: { requests: { cpu: "100m" } } }));
  });

  it("creates a StatefulSet (no Deployment) whose claims outlive scale-down and deletion", () => {
    expect(children("db", T.deployment)).toEqual([]);
    const sts = one("db", T.statefulSet);
    expect(() => new StatefulSet(sts as any).validate()).not.toThrow();
    expect(sts.spec.serviceName).toBe("db-headless");
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    expect(sts.spec.volumeClaimTemplates).toEqual([
      { metadata: { name: "data", labels: expect.objectContaining({ "app.kubernetes.io/component": "data" }) }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "fast", resources: { requests: { storage: "8Gi" } } } },
    ]);
    const container = sts.spec.template.spec.containers[0];
    expect(container.volumeMounts).toContainEqual({ name: "data", mountPath: "/var/lib/mysql" });
    // The claim template provides the volume; the pod spec must not declare it.
    expect(sts.spec.template.spec.volumes.map((v: { name: string }) => v.name)).not.toContain("data");
    // The HPA owns replicas, and scales the StatefulSet.
    expect(sts.spec.replicas).toBeUndefined();
    expect(one("db", T.hpa).spec.scaleTargetRef).toMatchObject({ kind: "StatefulSet", name: "db" });
  });

  it("adds a headless Service (pod DNS names, ready or not) beside the ClusterIP one", () => {
    const services = children("db", T.service);
    const headless = services.find((s) => s.metadata.name === "db-headless")!;
    expect(() => new Service(headless as any).validate()).not.toThrow();
    expect(headless.spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true, ports: [{ name: "http", port: 3306, targetPort: "http" }] });
    expect(services.map((s) => s.metadata.name).sort()).toEqual(["db", "db-headless"]);
  });

  it("refuses persistent volumes on a Deployment tier, bad sizes and clashing names or paths", () => {
    const error = argumentErrorOf(() => new AppTier("bad-pv", base({ sharedVolumes: { data: "/data" }, persistentVolumes: { data: { mountPath: "/data", size: "lots", accessMode: "Sometimes" as never } } })));
    expect(error.issues.map((i) => i.path).sort()).toEqual(["persistentVolumes", "persistentVolumes.data", "persistentVolumes.data.accessMode", "persistentVolumes.data.mountPath", "persistentVolumes.data.size"]);
    expect(error.message).toContain("need stateful: true");
  });

  it("is config too: stateful and persistentVolumes, validated", () => {
    const config = parsePlatformConfig({ target: "kubeconfig", apps: { tiers: { db: { image: "mariadb:11", stateful: true, persistentVolumes: { data: { mountPath: "/var/lib/mysql", size: "8Gi" } } } } } });
    expect(config.apps.tiers.db.persistentVolumes.data).toEqual({ mountPath: "/var/lib/mysql", size: "8Gi", accessMode: "ReadWriteOnce" });
    const issues = configIssues({ target: "kubeconfig", apps: { tiers: { db: { image: "mariadb:11", persistentVolumes: { data: { mountPath: "var", size: "x" } } } } } });
    expect(issues.map((i) => i.path).sort()).toEqual(["apps.tiers.db.persistentVolumes", "apps.tiers.db.persistentVolumes.data.mountPath", "apps.tiers.db.persistentVolumes.data.size"].sort());
  });
});

describe("Platform: stateful tiers get the platform's StorageClass and its protection", () => {
  it("fills the claim's class, waits for the class, and protects the StatefulSet with protect: true", async () => {
    const e = await setupMocks();
    const config = parsePlatformConfig({
      target: "kubeconfig",
      protect: true,
      storage: { provisioner: "rancher.io/local-path" },
      apps: { tiers: { db: { image: "mariadb:11", stateful: true, persistentVolumes: { data: { mountPath: "/var/lib/mysql", size: "8Gi" } } } } },
    });
    new Platform("p", config, {});
    await e.settle();
    const sts = e.get(T.statefulSet, "p-db-statefulset");
    expect((unwrapSecrets(sts.state) as any).spec.volumeClaimTemplates[0].spec.storageClassName).toBe("p-data");
    // The engine applies transforms to descendants, the mocks do not: the option on the component is what shows.
    expect(e.get(T.tier, "p-db").options.transformCount).toBe(1);
    const storageClass = e.byType("kubernetes:storage.k8s.io/v1:StorageClass")[0];
    expect(sts.dependencies).toContain(storageClass.urn);
  });
});
