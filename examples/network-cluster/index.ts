/**
 * The smallest useful program on eks-search-platform: a VPC across two AZs with one NAT gateway, and an
 * EKS cluster with one managed node group in its private subnets. Copy this directory to start your own.
 *
 *   npm install && pulumi stack init dev
 *   pulumi config set aws:region us-east-1
 *   pulumi config set adminRoleArn arn:aws:iam::<account>:role/<your-admin-role>
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { Cluster, Network, type ClusterArgs, type NetworkArgs } from "eks-search-platform";

// Cluster admins come in through EKS access entries; nobody gets implicit admin, the deployer included.
const adminRoleArn = new pulumi.Config().require("adminRoleArn");

const clusterName = "example";

const networkArgs: NetworkArgs = {
  availabilityZoneCount: 2,
  natGateways: "single",
  clusterName,
  tags: { team: "search", environment: "example" },
};
const network = new Network("network", networkArgs);

const clusterArgs: ClusterArgs = {
  clusterName,
  vpcId: network.vpcId,
  publicSubnetIds: network.publicSubnetIds,
  privateSubnetIds: network.privateSubnetIds,
  nodeGroups: [{ name: "general", instanceTypes: ["t3.large"], capacityType: "SPOT", minSize: 2, desiredSize: 2, maxSize: 4 }],
  adminRoleArns: [adminRoleArn],
  tags: { team: "search", environment: "example" },
};
const cluster = new Cluster("cluster", clusterArgs);

export const vpcId = network.vpcId;
export const privateSubnetIds = network.privateSubnetIds;
export const name = cluster.clusterName;
// A secret: it carries the cluster endpoint and CA; read it with `pulumi stack output kubeconfig --show-secrets`.
export const kubeconfig = cluster.kubeconfig;
