// The component package's Cluster (AWS EKS): its schema comes from the component's own ClusterArgs (named
// types and enums where TypeScript had inline shapes and string unions), the provider constructs the real
// Cluster under the mock engine, refuses bad arguments before anything registers, and returns the kubeconfig
// as a secret output instead of TypeScript's Kubernetes provider object.
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import { isSecretOutput, setupMocks, valueOf, type MockEngine } from "./mocks";
import { CLUSTER_OUTPUTS, ComponentPackageProvider } from "../provider/provider";
import { ArgumentError } from "../components/shared/validate";

type Property = { $ref?: string; type?: string; items?: { $ref?: string } };
const schema = JSON.parse(fs.readFileSync("provider/schema.json", "utf8")) as {
  name: string;
  version: string;
  resources: Record<string, { inputProperties: Record<string, Property>; requiredInputs: string[]; properties: Record<string, unknown> }>;
  types: Record<string, { type: string; enum?: { value: string }[]; properties?: Record<string, Property> }>;
};
const CLUSTER = "eks-search-platform:index:Cluster";
const typeOf = (ref: string | undefined) => schema.types[(ref ?? "").replace("#/types/", "")];
const enumOf = (ref: string | undefined) => typeOf(ref)?.enum?.map((e) => e.value);
const ADMIN = "arn:aws:iam::123456789012:role/platform-admin";
const DEPLOYER = "arn:aws:iam::123456789012:role/deployer"; // the mock caller
const inputs = {
  vpcId: "vpc-0abc",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
  nodeGroups: [{ name: "search", instanceTypes: ["r6i.xlarge"], capacityType: "SPOT", minSize: 3, maxSize: 3, taints: [{ key: "dedicated", value: "search", effect: "NoSchedule" }] }],
  adminRoleArns: [ADMIN, DEPLOYER],
  endpoint: { publicAccess: false, privateAccess: true },
  upgradePolicy: "STANDARD",
  logTypes: ["api", "audit"],
  services: { clusterAutoscaler: false },
};

describe("the component package's Cluster", () => {
  let engine: MockEngine;
  const provider = new ComponentPackageProvider(schema);
  beforeAll(async () => {
    engine = await setupMocks();
  });

  it("is in the schema with every ClusterArgs argument, named types for the nested shapes and enums for the unions", () => {
    const cluster = schema.resources[CLUSTER];
    const args = cluster.inputProperties;
    expect(Object.keys(args)).toEqual(expect.arrayContaining(["vpcId", "nodeGroups", "autoMode", "endpoint", "services", "upgradePolicy", "logTypes", "workloadIdentity", "addonVersions", "kubeconfigCredentials", "volumeDeletionWait", "tags"]));
    expect(cluster.requiredInputs.sort()).toEqual(["privateSubnetIds", "publicSubnetIds", "vpcId"]);
    expect(Object.keys(typeOf(args.endpoint.$ref).properties ?? {})).toEqual(["publicAccess", "publicAccessCidrs", "privateAccess"]);
    expect(Object.keys(typeOf(args.services.$ref).properties ?? {})).toEqual(["metricsServer", "loadBalancerController", "clusterAutoscaler"]);
    expect(enumOf(args.upgradePolicy.$ref)).toEqual(["STANDARD", "EXTENDED"]);
    expect(enumOf(args.logTypes.items?.$ref)).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    expect(enumOf(args.workloadIdentity.$ref)).toEqual(["podIdentity", "irsa"]);
    expect(enumOf(args.viewerAccessPolicy.$ref)).toEqual(["AmazonEKSViewPolicy", "AmazonEKSAdminViewPolicy"]);
    const nodeGroup = typeOf(args.nodeGroups.items?.$ref).properties!;
    expect(enumOf(nodeGroup.capacityType.$ref)).toEqual(["ON_DEMAND", "SPOT"]);
    expect(enumOf(typeOf(nodeGroup.taints.items?.$ref).properties!.effect.$ref)).toEqual(["NoSchedule", "PreferNoSchedule", "NoExecute"]);
    const autoMode = typeOf(args.autoMode.$ref).properties!;
    expect(enumOf(autoMode.builtInNodePools.items?.$ref)).toEqual(["general-purpose", "system"]);
    expect(enumOf(autoMode.capacityTypes.items?.$ref)).toEqual(["on-demand", "spot"]);
    expect(Object.keys(typeOf(args.addonVersions.$ref).properties ?? {})).toContain("aws-ebs-csi-driver");
    // outputs: names and the kubeconfig, never TypeScript's `provider` (a Kubernetes provider object)
    expect(Object.keys(cluster.properties).sort()).toEqual([...CLUSTER_OUTPUTS].sort());
    expect(cluster.properties).not.toHaveProperty("provider");
  });

  it("builds the real Cluster from a program's inputs, parented to the package's Cluster, and returns the schema's outputs", async () => {
    const result = await provider.construct("search", CLUSTER, inputs, {});
    await engine.settle();
    expect(Object.keys(result.state).sort()).toEqual([...CLUSTER_OUTPUTS].sort());
    const urn = await valueOf(result.urn);
    expect(urn).toMatch(/::eks-search-platform:index:Cluster::search$/);
    const eksCluster = engine.get("eks:index:Cluster", "search");
    expect(eksCluster.parent).toBe(urn);
    expect(eksCluster.inputs).toMatchObject({ endpointPublicAccess: false, endpointPrivateAccess: true, enabledClusterLogTypes: ["api", "audit"] });
    expect(engine.byType("eks:index:ManagedNodeGroup").map((r) => r.name)).toEqual(["search-search"]);
    expect(engine.byType("kubernetes:helm.sh/v3:Release").map((r) => r.name)).not.toContain("search-cluster-autoscaler");
    expect(await valueOf(result.state.clusterName as pulumi.Output<string>)).toBe("search");
    expect(typeof (await valueOf(result.state.endpoint as pulumi.Output<string>))).toBe("string");
  });

  it("returns the kubeconfig as a secret output", async () => {
    const result = await provider.construct("secretive", CLUSTER, inputs, {});
    await engine.settle();
    const kubeconfig = result.state.kubeconfig as pulumi.Output<string>;
    expect(await isSecretOutput(kubeconfig)).toBe(true);
    expect(await valueOf(kubeconfig)).toMatch(/get-token/);
  });

  it("refuses bad arguments with Cluster's ArgumentError, listing each, before anything registers", async () => {
    const before = engine.resources.length;
    const bad = { ...inputs, upgradePolicy: "FOREVER", logTypes: ["everything"], endpoint: { publicAccess: false, privateAccess: false } };
    const error = await provider.construct("bad", CLUSTER, bad, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    for (const path of ["upgradePolicy", "logTypes[0]", "endpoint"]) expect(String(error)).toContain(`args.${path}`);
    expect(engine.resources.length).toBe(before);
  });
});
