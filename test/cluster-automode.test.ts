/**
 * The Cluster on EKS Auto Mode, as a library: what it registers instead of node groups and controllers, and the
 * argument errors that keep the two modes apart. The whole program on Auto Mode: test/program-automode.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { setupMocks, argumentErrorOf, childrenOf, unwrapSecrets, type MockEngine } from "./mocks";
import { Cluster, type ClusterArgs } from "../components/cluster/cluster";
import { nodePoolSpec } from "../components/cluster/auto-mode";

const args = (overrides: Partial<ClusterArgs> = {}): ClusterArgs => ({
  vpcId: "vpc-0abc",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
  adminRoleArns: ["arn:aws:iam::123456789012:role/deployer"],
  autoMode: { enabled: true },
  ...overrides,
});

let engine: MockEngine;
beforeAll(async () => {
  engine = await setupMocks();
  new Cluster("auto", args());
  new Cluster("auto-nolb", args({ services: { loadBalancerController: false, metricsServer: false } }));
  await engine.settle();
});

const types = (name: string) => childrenOf(engine, "eks-search-platform:index:Cluster", name).filter((r) => r.custom).map((r) => r.type);

describe("Cluster with autoMode", () => {
  it("registers the NetworkPolicy switch, NodeClass, NodePool, alb IngressClass and metrics-server, and no node role, add-on role or Helm release", () => {
    const registered = types("auto");
    expect(registered).toEqual(
      expect.arrayContaining(["kubernetes:core/v1:ConfigMap", "kubernetes:eks.amazonaws.com/v1:NodeClass", "kubernetes:karpenter.sh/v1:NodePool", "kubernetes:networking.k8s.io/v1:IngressClass", "aws:eks/addon:Addon"]),
    );
    for (const absent of ["aws:iam/role:Role", "kubernetes:helm.sh/v3:Release", "aws:ec2/launchTemplate:LaunchTemplate", "aws:eks/podIdentityAssociation:PodIdentityAssociation"]) expect(registered).not.toContain(absent);
    const [metrics] = engine.byType("aws:eks/addon:Addon").filter((a) => a.name.startsWith("auto-"));
    expect(metrics.inputs.addonName).toBe("metrics-server");
    // Its pods need the NodePool.
    expect(metrics.dependencies).toContain(engine.byType("kubernetes:karpenter.sh/v1:NodePool").find((r) => r.name === "auto-node-pool")!.urn);
  });

  it("creates no IngressClass when load balancing is switched off", () => {
    expect(types("auto-nolb")).not.toContain("kubernetes:networking.k8s.io/v1:IngressClass");
    expect(types("auto-nolb")).not.toContain("aws:eks/addon:Addon");
  });

  it("gives the NodePool the default capacity and instance categories", () => {
    const pool = unwrapSecrets(engine.get("kubernetes:karpenter.sh/v1:NodePool", "auto-node-pool").inputs) as Record<string, any>;
    expect(pool.spec).toEqual(nodePoolSpec({}));
    expect(pool.spec.template.spec.requirements).toContainEqual({ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] });
  });

  it("refuses node groups, private networking and unknown node pools beside Auto Mode, and no compute at all without it", () => {
    const group = { name: "general", instanceTypes: ["m6i.large"], minSize: 1, maxSize: 2 };
    const error = argumentErrorOf(() => new Cluster("both", args({ nodeGroups: [group], privateNetworking: true, autoMode: { enabled: true, builtInNodePools: ["gpu" as never], capacityTypes: [] } })));
    expect(error.issues.map((i) => i.path)).toEqual(["nodeGroups", "privateNetworking", "autoMode.builtInNodePools[0]", "autoMode.capacityTypes"]);
    expect(argumentErrorOf(() => new Cluster("none", args({ autoMode: { enabled: false } }))).issues.map((i) => i.path)).toEqual(["nodeGroups"]);
  });
});
