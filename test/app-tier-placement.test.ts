// Issue 14, pod placement and metadata: tolerations, affinity, topology spread overrides, labels and annotations on
// the objects, through the AppTier arguments (under mocks), the config schema and the Platform.
import { beforeAll, describe, expect, it } from "vitest";
import { configIssues } from "./config-issues";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { AppTier, type AppTierArgs } from "../components/app-tier/app-tier";
import { parsePlatformConfig } from "../components/config/parse";
import { Platform } from "../components/platform/platform";
import { argumentErrorOf, setupMocks, unwrapSecrets, type MockEngine } from "./mocks";

const T = {
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  job: "kubernetes:batch/v1:Job",
  tier: "eks-search-platform:index:AppTier",
};

let engine: MockEngine;
beforeAll(async () => {
  engine = await setupMocks();
});

const base = (extra: Partial<AppTierArgs> = {}): AppTierArgs => ({ namespace: "search", image: "ghcr.io/example/app:1.0.0", ...extra });
const state = (r: { state: unknown }): Record<string, any> => unwrapSecrets(r.state) as Record<string, any>;
function children(name: string): { type: string; state: Record<string, any> }[] {
  const parent = engine.get(T.tier, name).urn;
  return engine.resources.filter((r) => r.parent === parent).map((r) => ({ type: r.type, state: state(r) }));
}
const one = (name: string, type: string) => children(name).find((c) => c.type === type)!.state;

const tolerations = [{ key: "dedicated", operator: "Equal" as const, value: "search", effect: "NoSchedule" as const }, { operator: "Exists" as const, effect: "NoExecute" as const, tolerationSeconds: 300 }];
const affinity = {
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/arch", operator: "In" as const, values: ["arm64"] }] }] } },
  podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { "app.kubernetes.io/name": "db" } } } }] },
};

describe("tolerations and affinity", () => {
  it("are set on the tier's pods and the migrations Job's, and the objects stay valid Kubernetes", async () => {
    new AppTier("placed", base({ tolerations, affinity, migrations: { command: ["migrate"] } }));
    await engine.settle();
    const deployment = one("placed", T.deployment);
    const job = one("placed", T.job);
    for (const spec of [deployment.spec.template.spec, job.spec.template.spec]) expect(spec).toMatchObject({ tolerations, affinity });
    expect(() => new Deployment(deployment as any).validate()).not.toThrow();
    expect(() => new Job(job as any).validate()).not.toThrow();
  });

  it("refuses operators, effects and shapes Kubernetes would refuse, each with its path", () => {
    const error = argumentErrorOf(
      () =>
        new AppTier(
          "bad-placement",
          base({
            tolerations: [{ operator: "Exists", value: "x" }, { effect: "NoSchedul" as "NoSchedule" }, { value: "v" }, { key: "k", tolerationSeconds: 5, effect: "NoSchedule" }],
            affinity: {
              nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In" }, { key: "cpu", operator: "Gt", values: ["many"] }] }] } },
              podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 500, podAffinityTerm: { topologyKey: "" } }] },
            },
          }),
        ),
    );
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values",
      "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].values",
      "affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey",
      "affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
      "tolerations[0].value",
      "tolerations[1].effect",
      "tolerations[2].key",
      "tolerations[3].tolerationSeconds",
    ]);
    expect(error.message).toContain('args.tolerations[1].effect: must be one of "NoSchedule", "PreferNoSchedule", "NoExecute" (got "NoSchedul")');
    expect(error.message).toContain("args.tolerations[3].tolerationSeconds: only applies to effect NoExecute (got 5)");
  });
});

describe("topology spread overrides", () => {
  it("replace the default spread, over the tier's pods of one revision, whatever the pod count", async () => {
    new AppTier("spread-default", base({ replicas: 3 }));
    new AppTier("spread-own", base({ replicas: 1, topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", minDomains: 3 }] }));
    new AppTier("spread-none", base({ replicas: 3, topologySpreadConstraints: [] }));
    await engine.settle();
    const spread = (name: string) => one(name, T.deployment).spec.template.spec.topologySpreadConstraints;
    expect(spread("spread-default").map((c: { topologyKey: string }) => c.topologyKey)).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
    expect(spread("spread-own")).toEqual([
      {
        topologyKey: "topology.kubernetes.io/zone",
        maxSkew: 1,
        whenUnsatisfiable: "DoNotSchedule",
        minDomains: 3,
        labelSelector: { matchLabels: { "app.kubernetes.io/name": "spread-own", "app.kubernetes.io/instance": "spread-own" } },
        matchLabelKeys: ["pod-template-hash"],
      },
    ]);
    expect(spread("spread-none")).toBeUndefined();
  });

  it("refuses minDomains without DoNotSchedule, a bad key, and overrides with topologySpread: false", () => {
    const error = argumentErrorOf(() => new AppTier("bad-spread", base({ topologySpread: false, topologySpreadConstraints: [{ topologyKey: "zone key", minDomains: 2, maxSkew: 0 }] })));
    expect(error.issues.map((i) => i.path).sort()).toEqual(["topologySpreadConstraints", "topologySpreadConstraints[0].maxSkew", "topologySpreadConstraints[0].minDomains", "topologySpreadConstraints[0].topologyKey"]);
  });
});

describe("labels and annotations on the objects", () => {
  it("go on every object of the tier (labels on its pods too), never over the platform's labels", async () => {
    new AppTier(
      "meta",
      base({
        labels: { team: "search", "example.com/cost-center": "42" },
        annotations: { "example.com/owner": "search-team", "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" },
        podLabels: { tier: "web" },
        expose: { type: "loadBalancer", annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" } },
        migrations: { command: ["migrate"] },
        secretEnv: ["TOKEN"],
        secrets: { TOKEN: "t" },
        replicas: 2,
      }),
    );
    await engine.settle();
    const objects = children("meta");
    // ServiceAccount, 2 NetworkPolicies, Secret, Job, Deployment, PDB, Service.
    expect(objects.map((o) => o.type.split(":")[2]).sort()).toEqual(["Deployment", "Job", "NetworkPolicy", "NetworkPolicy", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"]);
    for (const { type, state: s } of objects) {
      expect(s.metadata.labels, type).toMatchObject({ team: "search", "example.com/cost-center": "42", "app.kubernetes.io/part-of": "eks-search-platform" });
      expect(s.metadata.annotations, type).toMatchObject({ "example.com/owner": "search-team" });
    }
    const deployment = one("meta", T.deployment);
    expect(deployment.spec.template.metadata.labels).toMatchObject({ team: "search", tier: "web", "app.kubernetes.io/name": "meta" });
    // Object annotations stay off the pods (podAnnotations is for those): changing them rolls nothing.
    expect(deployment.spec.template.metadata.annotations).toBeUndefined();
    expect(one("meta", T.job).spec.template.metadata.labels).toMatchObject({ team: "search", "app.kubernetes.io/instance": "meta-migrations" });
    // The tier's annotations override the load balancer defaults; expose.annotations override them.
    expect(one("meta", T.service).metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internet-facing");
  });

  it("refuses the platform's and the controllers' label keys, bad keys and bad values", () => {
    const error = argumentErrorOf(
      () =>
        new AppTier(
          "bad-meta",
          base({
            labels: { "app.kubernetes.io/name": "other", "bad key": "v" },
            podLabels: { "pod-template-hash": "x", ok: "not a value!" },
            annotations: { "not/valid/key": "v" },
          }),
        ),
    );
    expect(error.issues.map((i) => i.path).sort()).toEqual(["annotations.not/valid/key", "labels.app.kubernetes.io/name", "labels.bad key", "podLabels.ok", "podLabels.pod-template-hash"]);
    expect(error.message).toContain("args.labels.app.kubernetes.io/name: is not an allowed name: is set by the platform or Kubernetes");
  });
});

describe("config: apps.tiers.<t> placement and metadata keys", () => {
  it("reach the tier through the Platform, the Elasticsearch client label added to the tier's podLabels", async () => {
    const e = await setupMocks();
    const config = parsePlatformConfig({
      target: "kubeconfig",
      apps: { tiers: { api: { image: "api:1", elasticsearch: true, tolerations, affinity, labels: { team: "search" }, annotations: { "example.com/owner": "me" }, podLabels: { tier: "api" }, topologySpreadConstraints: [{ topologyKey: "kubernetes.io/hostname" }] } } },
    });
    new Platform("p", config, {});
    await e.settle();
    const d = state(e.get(T.deployment, "p-api-deployment"));
    expect(d.metadata).toMatchObject({ labels: { team: "search" }, annotations: { "example.com/owner": "me" } });
    expect(d.spec.template.metadata.labels).toMatchObject({ team: "search", tier: "api", "eks-search-platform/elasticsearch-client": "p-elasticsearch" });
    expect(d.spec.template.spec).toMatchObject({ tolerations, affinity });
    expect(d.spec.template.spec.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey)).toEqual(["kubernetes.io/hostname"]);
  });

  it("refuses bad shapes, reserved labels and the Elasticsearch client label with their key paths", () => {
    const issues = configIssues({
      target: "kubeconfig",
      apps: {
        tiers: {
          web: {
            image: "web:1",
            tolerations: [{ operator: "Sometimes" }],
            affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } },
            labels: { "app.kubernetes.io/instance": "x" },
          },
          // Rules across a tier's keys run once its keys parse.
          api: { image: "api:1", podLabels: { "eks-search-platform/elasticsearch-client": "p-elasticsearch" } },
        },
      },
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      "apps.tiers.api.podLabels.eks-search-platform/elasticsearch-client",
      "apps.tiers.web.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.0.weight",
      "apps.tiers.web.labels.app.kubernetes.io/instance",
      "apps.tiers.web.tolerations.0.operator",
    ]);
  });
});
