import { describe, expect, it } from "vitest";
import { nodeGroupPlan, nodeUserData, autoscalerDiscoveryTags } from "../components/cluster/nodes";
import { irsaTrustPolicy, clusterAutoscalerPolicy, ebsCsiKmsPolicy } from "../components/cluster/iam";
import { loadBalancerControllerPolicy } from "../components/cluster/lbc-policy";
import { clusterAutoscalerImageTag, clusterAutoscalerValues, loadBalancerControllerValues } from "../components/cluster/services";

describe("nodeGroupPlan", () => {
  it("fills defaults: ON_DEMAND, desired = min, 50 GiB, no labels or taints, and no autoscaler tags on a fixed-size group", () => {
    expect(nodeGroupPlan({ name: "fixed", instanceTypes: ["m6i.large"], minSize: 3, maxSize: 3 }, "c1")).toEqual({
      instanceTypes: ["m6i.large"],
      capacityType: "ON_DEMAND",
      scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 3 },
      autoscaled: false,
      diskSizeGiB: 50,
      labels: {},
      taints: [],
      tags: { Name: "c1-fixed" },
    });
  });

  it("tags an autoscaled group for discovery and maps taint effects to the EKS API's names", () => {
    const plan = nodeGroupPlan(
      { name: "g", instanceTypes: ["t3.large"], minSize: 1, desiredSize: 2, maxSize: 5, taints: [{ key: "a", effect: "PreferNoSchedule" }, { key: "b", value: "v", effect: "NoExecute" }] },
      "c1",
      { team: "t" },
    );
    expect(plan.autoscaled).toBe(true);
    expect(plan.scalingConfig).toEqual({ minSize: 1, desiredSize: 2, maxSize: 5 });
    expect(plan.taints).toEqual([{ key: "a", effect: "PREFER_NO_SCHEDULE" }, { key: "b", value: "v", effect: "NO_EXECUTE" }]);
    expect(plan.tags).toEqual({ Name: "c1-g", team: "t", ...autoscalerDiscoveryTags("c1") });
    expect(autoscalerDiscoveryTags("c1")).toEqual({ "k8s.io/cluster-autoscaler/enabled": "true", "k8s.io/cluster-autoscaler/c1": "owned" });
  });
});

describe("nodeUserData", () => {
  it("is a MIME multi-part document (what EKS merges with its nodeadm config) whose script persists and applies the sysctl", () => {
    const doc = nodeUserData(262144);
    const boundary = /boundary="([^"]+)"/.exec(doc)![1];
    expect(doc.startsWith("MIME-Version: 1.0\n")).toBe(true);
    expect(doc).toContain(`--${boundary}\nContent-Type: text/x-shellscript`);
    expect(doc.trimEnd().endsWith(`--${boundary}--`)).toBe(true);
    expect(doc).toContain("#!/bin/bash");
    expect(doc).toContain('echo "vm.max_map_count=262144" > /etc/sysctl.d/');
    expect(doc).toContain("sysctl -w vm.max_map_count=262144");
  });
});

describe("IAM documents", () => {
  it("trusts exactly one service account of one cluster, with the STS audience", () => {
    const doc = irsaTrustPolicy("arn:aws:iam::1:oidc-provider/oidc.eks.x/id/AB", "https://oidc.eks.x/id/AB", "kube-system", "sa");
    expect(doc.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::1:oidc-provider/oidc.eks.x/id/AB" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { "oidc.eks.x/id/AB:sub": "system:serviceaccount:kube-system:sa", "oidc.eks.x/id/AB:aud": "sts.amazonaws.com" } },
      },
    ]);
  });

  it("lets Cluster Autoscaler change only groups owned by its cluster", () => {
    const [scale, discover] = clusterAutoscalerPolicy("prod").Statement;
    expect(scale.Action).toEqual(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
    expect(scale.Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/prod": "owned" } });
    expect((discover.Action as string[]).every((a) => /:(Describe|Get)/.test(a))).toBe(true);
  });

  it("scopes EBS CSI KMS use to the given keys", () => {
    expect(ebsCsiKmsPolicy(["k1", "k2"]).Statement.map((s) => s.Resource)).toEqual([["k1", "k2"], ["k1", "k2"]]);
  });

  it("renders the Load Balancer Controller policy in the requested partition", () => {
    const text = JSON.stringify(loadBalancerControllerPolicy("aws-us-gov"));
    expect(text).not.toMatch(/arn:aws:/);
    expect(text).toContain("arn:aws-us-gov:elasticloadbalancing:*:*:targetgroup/*/*");
    expect(JSON.stringify(loadBalancerControllerPolicy())).toContain("arn:aws:ec2:*:*:security-group/*");
  });
});

describe("cluster service values", () => {
  it("matches the Cluster Autoscaler image to the control plane's minor version", () => {
    expect(clusterAutoscalerImageTag("1.34")).toBe("v1.34.5");
    expect(clusterAutoscalerImageTag("1.33.2")).toBe("v1.33.6");
    expect(clusterAutoscalerImageTag("1.20")).toBeUndefined();
    expect(clusterAutoscalerValues({ clusterName: "c", region: "r", serviceAccountAnnotations: {}, workloadIdentity: "podIdentity", kubernetesVersion: "1.20" })).not.toHaveProperty("image");
  });

  it("passes region and VPC to the Load Balancer Controller, which cannot read IMDS through a hop limit of 1", () => {
    expect(loadBalancerControllerValues({ clusterName: "c", region: "eu-west-1", vpcId: "vpc-1", serviceAccountAnnotations: {}, workloadIdentity: "podIdentity" })).toMatchObject({ region: "eu-west-1", vpcId: "vpc-1", clusterName: "c" });
  });
});
