/**
 * Workload identity: EKS Pod Identity by default (the eks-pod-identity-agent add-on, roles trusted by
 * pods.eks.amazonaws.com for exactly one service account of this cluster, associations before the pods), IRSA
 * by one switch. Under mocks: the resources, their policies and their order, not AWS's evaluation of them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { setupMocks, argumentErrorOf, type MockEngine, type RecordedResource } from "./mocks";
import { Cluster, type ClusterArgs } from "../components/cluster/cluster";

const ADMIN = "arn:aws:iam::123456789012:role/deployer";
const T = {
  role: "aws:iam/role:Role",
  addon: "aws:eks/addon:Addon",
  association: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  release: "kubernetes:helm.sh/v3:Release",
  ng: "eks:index:ManagedNodeGroup",
  eks: "eks:index:Cluster",
};
const CONTROLLERS = [
  ["ebs-csi", "ebs-csi-controller-sa"],
  ["aws-load-balancer-controller", "aws-load-balancer-controller"],
  ["cluster-autoscaler", "cluster-autoscaler"],
] as const;

const args = (overrides: Partial<ClusterArgs> = {}): ClusterArgs => ({
  vpcId: "vpc-0abc",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
  nodeGroups: [{ name: "general", instanceTypes: ["m6i.large"], minSize: 2, maxSize: 4 }],
  adminRoleArns: [ADMIN],
  ...overrides,
});

let engine: MockEngine;
let pod: Cluster;
let irsa: Cluster;
beforeAll(async () => {
  engine = await setupMocks();
  pod = new Cluster("pod", args());
  irsa = new Cluster("irsa", args({ workloadIdentity: "irsa" }));
  await engine.settle();
});

const get = (type: string, name: string): RecordedResource => engine.get(type, name);
const trustOf = (role: RecordedResource) => JSON.parse(role.inputs.assumeRolePolicy as string).Statement as Record<string, any>[];
const eksState = (name: string) => get(T.eks, name).state as Record<string, any>;
const valuesOf = (name: string) => get(T.release, name).inputs.values as Record<string, any>;

describe("EKS Pod Identity (the default)", () => {
  it("runs the eks-pod-identity-agent add-on after the nodes, before the controllers that need it", () => {
    const agent = get(T.addon, "pod-eks-pod-identity-agent");
    expect(agent.inputs).toMatchObject({ addonName: "eks-pod-identity-agent", addonVersion: "v1.0.0-eksbuild.1.34" });
    expect(agent.dependencies).toContain(get(T.ng, "pod-general").urn);
    for (const dependent of [get(T.addon, "pod-aws-ebs-csi-driver"), get(T.release, "pod-aws-load-balancer-controller"), get(T.release, "pod-cluster-autoscaler")]) {
      expect(dependent.dependencies, dependent.name).toContain(agent.urn);
    }
  });

  it("trusts each controller's role to pods.eks.amazonaws.com (AssumeRole and TagSession), for its own service account of this cluster only", () => {
    const clusterArn = eksState("pod").eksCluster.arn;
    for (const [key, serviceAccount] of CONTROLLERS) {
      const [statement, ...rest] = trustOf(get(T.role, `pod-${key}`));
      expect(rest, key).toEqual([]);
      expect(statement, key).toEqual({
        Sid: "EksPodIdentity",
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-arn": clusterArn,
            "aws:RequestTag/kubernetes-namespace": "kube-system",
            "aws:RequestTag/kubernetes-service-account": serviceAccount,
          },
        },
      });
    }
  });

  it("binds the EBS CSI role through the add-on, the Helm controllers' through associations created before their releases, and annotates no service account", () => {
    const associations = engine.byType(T.association).filter((a) => a.name.startsWith("pod-"));
    expect(associations.map((a) => [a.name, a.inputs.namespace, a.inputs.serviceAccount]).sort()).toEqual([
      ["pod-aws-load-balancer-controller", "kube-system", "aws-load-balancer-controller"],
      ["pod-cluster-autoscaler", "kube-system", "cluster-autoscaler"],
    ]);
    for (const association of associations) {
      expect(association.inputs.roleArn).toBe(get(T.role, association.name).state.arn);
      expect(association.inputs.clusterName).toBe(eksState("pod").eksCluster.name);
      expect(get(T.release, association.name).dependencies).toContain(association.urn);
    }
    expect(get(T.addon, "pod-aws-ebs-csi-driver").inputs.podIdentityAssociations).toEqual([{ roleArn: get(T.role, "pod-ebs-csi").state.arn, serviceAccount: "ebs-csi-controller-sa" }]);
    expect(valuesOf("pod-aws-load-balancer-controller").serviceAccount.annotations).toEqual({});
    expect(valuesOf("pod-cluster-autoscaler").rbac.serviceAccount.annotations).toEqual({});
  });
});

describe("IRSA, by one switch", () => {
  it("creates no agent and no associations, and trusts each role to the cluster's OIDC provider for its own service account", () => {
    expect(engine.find(T.addon, "irsa-eks-pod-identity-agent")).toBeUndefined();
    expect(engine.byType(T.association).filter((a) => a.name.startsWith("irsa-"))).toEqual([]);
    const issuer = eksState("irsa").oidcIssuer as string;
    for (const [key, serviceAccount] of CONTROLLERS) {
      const [statement] = trustOf(get(T.role, `irsa-${key}`));
      expect(statement, key).toMatchObject({ Principal: { Federated: eksState("irsa").oidcProviderArn }, Action: "sts:AssumeRoleWithWebIdentity" });
      expect(statement.Condition.StringEquals, key).toEqual({ [`${issuer}:sub`]: `system:serviceaccount:kube-system:${serviceAccount}`, [`${issuer}:aud`]: "sts.amazonaws.com" });
    }
  });

  it("binds by the add-on's serviceAccountRoleArn and the role-arn annotation on the controllers' service accounts", () => {
    const ebs = get(T.addon, "irsa-aws-ebs-csi-driver").inputs;
    expect(ebs.serviceAccountRoleArn).toBe(get(T.role, "irsa-ebs-csi").state.arn);
    expect(ebs.podIdentityAssociations).toBeUndefined();
    expect(valuesOf("irsa-aws-load-balancer-controller").serviceAccount.annotations).toEqual({ "eks.amazonaws.com/role-arn": get(T.role, "irsa-aws-load-balancer-controller").state.arn });
    expect(valuesOf("irsa-cluster-autoscaler").rbac.serviceAccount.annotations).toEqual({ "eks.amazonaws.com/role-arn": get(T.role, "irsa-cluster-autoscaler").state.arn });
  });

  it("keeps every role's name across the switch (its trust policy changes in place) and rolls the controllers' pods, which get credentials only when created", () => {
    const names = (prefix: string) => engine.byType(T.role).filter((r) => r.name.startsWith(prefix)).map((r) => r.name.slice(prefix.length)).sort();
    expect(names("irsa-")).toEqual(names("pod-"));
    for (const release of ["aws-load-balancer-controller", "cluster-autoscaler"]) {
      expect(valuesOf(`pod-${release}`).podAnnotations).toEqual({ "eks-search-platform/workload-identity": "podIdentity" });
      expect(valuesOf(`irsa-${release}`).podAnnotations).toEqual({ "eks-search-platform/workload-identity": "irsa" });
    }
  });
});

describe("Cluster.workloadRole, for a workload of your own", () => {
  it("makes a role trusted for exactly that service account, bound as the cluster's switch says", async () => {
    const podRole = pod.workloadRole("search-snapshots", { namespace: pulumi.output("search"), name: "elasticsearch" });
    const irsaRole = irsa.workloadRole("search-snapshots", { namespace: "search", name: "elasticsearch" });
    await engine.settle();
    expect(trustOf(get(T.role, "pod-search-snapshots"))[0].Condition.StringEquals).toMatchObject({ "aws:RequestTag/kubernetes-namespace": "search", "aws:RequestTag/kubernetes-service-account": "elasticsearch" });
    expect(get(T.association, "pod-search-snapshots").inputs).toMatchObject({ namespace: "search", serviceAccount: "elasticsearch" });
    expect(podRole.association).toBeDefined();
    expect(irsaRole.association).toBeUndefined();
    expect(trustOf(get(T.role, "irsa-search-snapshots"))[0].Condition.StringEquals).toMatchObject({ [`${eksState("irsa").oidcIssuer}:sub`]: "system:serviceaccount:search:elasticsearch" });
  });

  it("refuses an unknown mode", () => {
    const error = argumentErrorOf(() => new Cluster("oidc", args({ workloadIdentity: "oidc" as never })));
    expect(error.issues.map((i) => i.path)).toEqual(["workloadIdentity"]);
  });
});
