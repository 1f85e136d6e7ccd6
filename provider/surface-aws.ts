/**
 * The component package's AWS surface: what Pulumi YAML, Python, Go and .NET programs see of Network. Like
 * surface.ts (which holds the Kubernetes components), these are declarations for @pulumi/pulumi's schema
 * analyzer; the provider constructs the real Network, and loads @pulumi/aws only when a program asks for
 * one, so programs that use only the Kubernetes components do not need the AWS peers.
 *
 * Network's arguments are the component's own `NetworkArgs` (a type-only import: nothing of @pulumi/aws
 * loads): the analyzer accepts it as it is. The class declares only the outputs the provider returns (the
 * component's `vpc` and `privateSubnets` are AWS resource objects, which would make the schema depend on aws).
 */
import * as pulumi from "@pulumi/pulumi";
import type { NetworkArgs } from "../components/network/network";
import type { ClusterArgs } from "../components/cluster/cluster";

export type { ClusterArgs, NetworkArgs };

/**
 * A VPC for EKS: one public and one private subnet per AZ (CIDRs stable as AZs are added), an internet
 * gateway, NAT per strategy, per-AZ private route tables, a locked-down default security group, a free S3
 * gateway endpoint, interface endpoints and optional flow logs. See docs/network.md.
 */
export class Network extends pulumi.ComponentResource {
  /** The VPC ID. */
  declare readonly vpcId: pulumi.Output<string>;
  /** Public subnet IDs, one per AZ, in slot order. */
  declare readonly publicSubnetIds: pulumi.Output<string[]>;
  /** Private subnet IDs, one per AZ, in slot order. */
  declare readonly privateSubnetIds: pulumi.Output<string[]>;
  /** The AZ names, in slot order. */
  declare readonly availabilityZones: pulumi.Output<string[]>;
  /** The AZs' zone IDs, in slot order. */
  declare readonly availabilityZoneIds: pulumi.Output<string[]>;
  /** NAT gateway IDs (none, one, or one per AZ). */
  declare readonly natGatewayIds: pulumi.Output<string[]>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-search-platform:index:Network", name, args, opts);
  }
}

/**
 * An EKS cluster (via @pulumi/eks) with AL2023 managed node groups in private subnets (or EKS Auto Mode), access
 * entries, managed add-ons, optional KMS secrets encryption and control-plane logs, and the cluster services the
 * platform relies on. See docs/cluster.md. Other languages get the kubeconfig (a secret) instead of TypeScript's
 * Kubernetes provider object: pass it to their own Kubernetes provider.
 */
export class Cluster extends pulumi.ComponentResource {
  /** The EKS cluster's name. */
  declare readonly clusterName: pulumi.Output<string>;
  /** A kubeconfig for the cluster (secret). It runs `aws eks get-token`, so the AWS CLI must be on PATH. */
  declare readonly kubeconfig: pulumi.Output<string>;
  /** The API server endpoint URL. */
  declare readonly endpoint: pulumi.Output<string>;
  /** The cluster's IAM OIDC provider ARN (for IRSA). */
  declare readonly oidcProviderArn: pulumi.Output<string>;
  /** The cluster's OIDC issuer URL. */
  declare readonly oidcProviderUrl: pulumi.Output<string>;
  /** The security group on every node (the EKS cluster security group). */
  declare readonly nodeSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-search-platform:index:Cluster", name, args, opts);
  }
}
