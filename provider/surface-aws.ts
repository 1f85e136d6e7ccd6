/**
 * The component package's AWS surface: what Pulumi YAML, Python, Go and .NET programs see of Network. Like
 * surface.ts (which holds the Kubernetes components), these are declarations for @pulumi/pulumi's schema
 * analyzer; the provider constructs the real Network, and loads @pulumi/aws only when a program asks for
 * one, so programs that use only the Kubernetes components do not need the AWS peers.
 */
import * as pulumi from "@pulumi/pulumi";

/** How private subnets reach the internet: no NAT, one shared NAT gateway (cost), or one per AZ (availability). */
export const NatStrategy = { none: "none", single: "single", perAz: "perAz" } as const;
export type NatStrategy = (typeof NatStrategy)[keyof typeof NatStrategy];

/** VPC flow logs to CloudWatch Logs. */
export interface NetworkFlowLogsArgs {
  /** Turn the flow logs on. @default false */
  enabled?: boolean;
  /** Retention of the log group, in days (a CloudWatch retention period). @default 90 */
  retentionDays?: number;
}

/** Arguments of Network: those of TypeScript's `NetworkArgs` (docs/network.md). */
export interface NetworkArgs {
  /** IPv4 CIDR of the VPC, /16 to /22. @default "10.0.0.0/16" */
  cidrBlock?: string;
  /** AZ names to use, in slot order; replaces availabilityZoneCount. @default - the first availabilityZoneCount AZs of the region */
  availabilityZones?: string[];
  /** Zone IDs to use, in slot order (the same physical AZs in every account); replaces availabilityZoneCount. @default - the first availabilityZoneCount AZs of the region */
  availabilityZoneIds?: string[];
  /** How many AZs to spread over (2 to 6), the region's first AZs whose zone IDs EKS supports. @default 3 */
  availabilityZoneCount?: number;
  /** Zone IDs never to use, on top of those EKS refuses (always excluded). @default - none */
  excludeZoneIds?: string[];
  /** NAT strategy. @default "single" */
  natGateways?: NatStrategy;
  /** EKS cluster name for the `kubernetes.io/cluster/<name>=shared` subnet tag. @default - no cluster tag */
  clusterName?: string;
  /** AWS services reached through interface VPC endpoints in the private subnets (short names such as `ecr.api`). @default - the private-cluster set when natGateways is "none" and clusterName is set, else none */
  interfaceEndpoints?: string[];
  /** VPC flow logs to CloudWatch Logs. @default - off */
  flowLogs?: NetworkFlowLogsArgs;
  /** Tags added to every AWS resource. @default - none */
  tags?: Record<string, string>;
}

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
