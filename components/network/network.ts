import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { awsTags, componentType } from "../shared/naming";
import { ArgumentChecker } from "../shared/validate";
import { MAX_AZS, planSubnets, SubnetPlanError, type SubnetPlanEntry } from "./subnet-plan";
import { serviceTrustPolicy } from "../cluster/iam";
import { isLogRetentionDays, LOG_RETENTION_DAYS } from "../shared/aws-formats";
import { AWS_NAME_LIMITS, fittedName } from "../shared/aws-names";
import { EKS_UNSUPPORTED_ZONE_IDS, ZONE_ID, selectZones, type SelectedZones } from "./zones";
import { ENDPOINT_SERVICE, PRIVATE_CLUSTER_ENDPOINTS } from "./endpoints";

export { ENDPOINT_SERVICE, NODE_ENDPOINTS, PRIVATE_CLUSTER_ENDPOINTS, SERVICE_ENDPOINTS, privateClusterEndpoints } from "./endpoints";

/**
 * How private subnets reach the internet: no NAT, one shared NAT gateway (cost), or one per AZ (availability).
 * An `as const` object, so the component package's schema analyzer sees an enum; TypeScript callers pass the strings.
 */
export const NatStrategy = { none: "none", single: "single", perAz: "perAz" } as const;
export type NatStrategy = (typeof NatStrategy)[keyof typeof NatStrategy];

/** VPC flow logs to CloudWatch Logs. */
export interface NetworkFlowLogsArgs {
  /** Turn the flow logs on. @default false */
  enabled?: boolean;
  /** Retention of the log group, in days (a CloudWatch retention period). @default 90 */
  retentionDays?: number;
}

/** Arguments of Network (docs/network.md). The component package's schema is inferred from this interface. */
export interface NetworkArgs {
  /** IPv4 CIDR of the VPC, /16 to /22. @default "10.0.0.0/16" */
  cidrBlock?: string;
  /** AZ names to use, in slot order; replaces availabilityZoneCount. Each is checked against the EKS-refused zone IDs. @default - the first availabilityZoneCount AZs of the region */
  availabilityZones?: string[];
  /** Zone IDs to use, in slot order (the same physical AZs in every account); replaces availabilityZoneCount. @default - the first availabilityZoneCount AZs of the region */
  availabilityZoneIds?: string[];
  /** How many AZs to spread over (2 to 6), the region's first AZs whose zone IDs EKS supports. @default 3 */
  availabilityZoneCount?: number;
  /** Zone IDs never to use, on top of those EKS refuses (`EKS_UNSUPPORTED_ZONE_IDS`, always excluded). @default - none */
  excludeZoneIds?: string[];
  /** NAT strategy: none, one shared NAT gateway (cost), or one per AZ (availability). @default "single" */
  natGateways?: NatStrategy;
  /** EKS cluster name for the `kubernetes.io/cluster/<name>=shared` subnet tag. @default - no cluster tag */
  clusterName?: string;
  /**
   * AWS services to reach through interface VPC endpoints in the private subnets (short names such as `ecr.api`,
   * private DNS on, HTTPS from the VPC only). Without NAT they are the nodes' only way to AWS.
   * @default - {@link PRIVATE_CLUSTER_ENDPOINTS} when natGateways is "none" and clusterName is set, else none
   */
  interfaceEndpoints?: string[];
  /** VPC flow logs to CloudWatch Logs. @default - off */
  flowLogs?: NetworkFlowLogsArgs;
  /** Tags added to every AWS resource. @default - none */
  tags?: Record<string, string>;
}

export { isLogRetentionDays, LOG_RETENTION_DAYS };

/**
 * Which NAT gateways exist and which one each AZ's private route table uses.
 * `natSlots` are the AZ slots that get a NAT gateway (in their public subnet); `routeVia[i]` is the slot
 * whose NAT gateway AZ slot `i` routes through, or undefined for no default route.
 */
export function natLayout(strategy: NatStrategy, azCount: number): { natSlots: number[]; routeVia: (number | undefined)[] } {
  const slots = Array.from({ length: azCount }, (_, i) => i);
  switch (strategy) {
    case "none":
      return { natSlots: [], routeVia: slots.map(() => undefined) };
    case "single":
      return { natSlots: [0], routeVia: slots.map(() => 0) };
    case "perAz":
      return { natSlots: slots, routeVia: slots };
  }
}

/** Subnet tags: the load-balancer role tag, the cluster tag when named, and the user's tags. */
export function subnetTags(kind: "public" | "private", name: string, clusterName: string | undefined, tags?: Record<string, string>): Record<string, string> {
  return {
    ...awsTags(tags, name),
    [kind === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1",
    ...(clusterName ? { [`kubernetes.io/cluster/${clusterName}`]: "shared" } : {}),
  };
}

/**
 * A VPC for EKS: one public and one private subnet per AZ (CIDRs from {@link planSubnets}, stable as AZs
 * are added), an internet gateway, NAT per strategy, per-AZ private route tables, a locked-down default
 * security group, a free S3 gateway endpoint, interface endpoints (the private-cluster set when there is no NAT)
 * and optional flow logs.
 */
export class Network extends pulumi.ComponentResource {
  /** The VPC ID. */
  readonly vpcId: pulumi.Output<string>;
  /** Public subnet IDs, one per AZ, in slot order. */
  readonly publicSubnetIds: pulumi.Output<string[]>;
  /** Private subnet IDs, one per AZ, in slot order. */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** The AZ names, in slot order. */
  readonly availabilityZones: pulumi.Output<string[]>;
  /** The AZs' zone IDs, in slot order. */
  readonly availabilityZoneIds: pulumi.Output<string[]>;
  /** The private subnets, one per AZ, in slot order (escape hatch; one node group per AZ uses them). */
  readonly privateSubnets: aws.ec2.Subnet[];
  /** The VPC resource (escape hatch). */
  readonly vpc: aws.ec2.Vpc;
  /** NAT gateway IDs (none, one, or one per AZ). */
  readonly natGatewayIds: pulumi.Output<string[]>;

  constructor(name: string, args: NetworkArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const cidrBlock = args.cidrBlock ?? "10.0.0.0/16";
    const natGateways = args.natGateways ?? "single";
    const azCount = args.availabilityZones?.length ?? args.availabilityZoneIds?.length ?? args.availabilityZoneCount ?? 3;
    const plan = validateNetworkArgs(name, args, cidrBlock, natGateways, azCount);
    super(componentType("Network"), name, {}, opts);

    const parent = { parent: this };
    const tags = args.tags;
    const clusterName = args.clusterName;

    // Chosen on zone IDs (names map to different IDs per account), never one EKS refuses.
    const exclude = [...EKS_UNSUPPORTED_ZONE_IDS, ...(args.excludeZoneIds ?? [])];
    const selected: pulumi.Output<SelectedZones> = aws
      .getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, parent)
      .apply((lookup) => {
        try {
          return selectZones(lookup, { names: args.availabilityZones, ids: args.availabilityZoneIds, count: azCount, exclude });
        } catch (error) {
          throw new Error(`Network "${name}": ${(error as Error).message}`);
        }
      });
    const zones = selected.names;

    this.vpc = new aws.ec2.Vpc(name, { cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: awsTags(tags, name) }, parent);
    const vpcId = this.vpc.id;

    // Adopting the default security group with no rules removes AWS's allow-all-within-group defaults.
    new aws.ec2.DefaultSecurityGroup(`${name}-default`, { vpcId, ingress: [], egress: [], tags: awsTags(tags, `${name}-default-deny`) }, parent);

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId, tags: awsTags(tags, `${name}-igw`) }, parent);
    const publicRouteTable = new aws.ec2.RouteTable(`${name}-public`, { vpcId, tags: awsTags(tags, `${name}-public`) }, parent);
    new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRouteTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, parent);

    const subnet = (kind: "public" | "private", entry: SubnetPlanEntry) => {
      const subnetName = `${name}-${kind}-${entry.index}`;
      return new aws.ec2.Subnet(
        subnetName,
        {
          vpcId,
          cidrBlock: kind === "public" ? entry.publicCidr : entry.privateCidr,
          availabilityZone: zones.apply((z) => z[entry.index]),
          mapPublicIpOnLaunch: kind === "public",
          tags: subnetTags(kind, subnetName, clusterName, tags),
        },
        parent,
      );
    };

    const publicSubnets = plan.map((entry) => {
      const s = subnet("public", entry);
      new aws.ec2.RouteTableAssociation(`${name}-public-${entry.index}`, { subnetId: s.id, routeTableId: publicRouteTable.id }, parent);
      return s;
    });

    const layout = natLayout(natGateways, azCount);
    const natGateways_ = new Map<number, aws.ec2.NatGateway>();
    for (const slot of layout.natSlots) {
      const eip = new aws.ec2.Eip(`${name}-nat-${slot}`, { domain: "vpc", tags: awsTags(tags, `${name}-nat-${slot}`) }, parent);
      natGateways_.set(
        slot,
        new aws.ec2.NatGateway(
          `${name}-nat-${slot}`,
          { allocationId: eip.id, subnetId: publicSubnets[slot].id, connectivityType: "public", tags: awsTags(tags, `${name}-nat-${slot}`) },
          { parent: this, dependsOn: [igw] },
        ),
      );
    }

    const privateRouteTables: aws.ec2.RouteTable[] = [];
    const privateSubnets = plan.map((entry) => {
      const s = subnet("private", entry);
      // One route table per AZ whatever the strategy, so switching strategy only rewrites routes.
      const routeTable = new aws.ec2.RouteTable(`${name}-private-${entry.index}`, { vpcId, tags: awsTags(tags, `${name}-private-${entry.index}`) }, parent);
      privateRouteTables.push(routeTable);
      new aws.ec2.RouteTableAssociation(`${name}-private-${entry.index}`, { subnetId: s.id, routeTableId: routeTable.id }, parent);
      const via = layout.routeVia[entry.index];
      if (via !== undefined) {
        new aws.ec2.Route(
          `${name}-private-${entry.index}-default`,
          { routeTableId: routeTable.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: natGateways_.get(via)!.id },
          parent,
        );
      }
      return s;
    });

    const region = aws.getRegionOutput({}, parent).region;
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId,
        serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: privateRouteTables.map((rt) => rt.id),
        tags: awsTags(tags, `${name}-s3`),
      },
      parent,
    );

    const interfaceEndpoints = args.interfaceEndpoints ?? (natGateways === "none" && clusterName ? [...PRIVATE_CLUSTER_ENDPOINTS] : []);
    if (interfaceEndpoints.length) {
      // One group for all of them: HTTPS from inside the VPC, nothing out (endpoints only answer).
      const endpointGroup = new aws.ec2.SecurityGroup(
        `${name}-endpoints`,
        {
          vpcId,
          description: `Interface VPC endpoints of ${name}: HTTPS from the VPC`,
          ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [cidrBlock], description: "HTTPS from the VPC" }],
          egress: [],
          tags: awsTags(tags, `${name}-endpoints`),
        },
        parent,
      );
      for (const service of interfaceEndpoints) {
        new aws.ec2.VpcEndpoint(
          `${name}-${service.replace(/\./g, "-")}`,
          {
            vpcId,
            serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Interface",
            // Private DNS: the SDKs' usual hostnames resolve to the endpoint, so nothing needs configuring.
            privateDnsEnabled: true,
            subnetIds: privateSubnets.map((s) => s.id),
            securityGroupIds: [endpointGroup.id],
            tags: awsTags(tags, `${name}-${service}`),
          },
          parent,
        );
      }
    }

    if (args.flowLogs?.enabled) this.flowLogs(name, vpcId, args.flowLogs.retentionDays ?? 90, tags);

    this.vpcId = vpcId;
    this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
    this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
    this.availabilityZones = zones;
    this.availabilityZoneIds = selected.zoneIds;
    this.privateSubnets = privateSubnets;
    this.natGatewayIds = pulumi.all([...natGateways_.values()].map((n) => n.id));
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      availabilityZones: this.availabilityZones,
      availabilityZoneIds: this.availabilityZoneIds,
      natGatewayIds: this.natGatewayIds,
    });
  }

  private flowLogs(name: string, vpcId: pulumi.Output<string>, retentionDays: number, tags?: Record<string, string>): void {
    const parent = { parent: this };
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, { name: `/aws/vpc/${name}/flow-logs`, retentionInDays: retentionDays, tags: awsTags(tags, `${name}-flow-logs`) }, parent);
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const role = new aws.iam.Role(
      `${name}-flow-logs`,
      { ...fittedName("namePrefix", `${name}-flow-logs`, AWS_NAME_LIMITS.iamRole), assumeRolePolicy: account.apply((a) => JSON.stringify(serviceTrustPolicy("vpc-flow-logs.amazonaws.com", a))), tags: awsTags(tags, `${name}-flow-logs`) },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: role.id,
        policy: logGroup.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"], Resource: [arn, `${arn}:*`] }],
          }),
        ),
      },
      parent,
    );
    new aws.ec2.FlowLog(
      `${name}-flow-logs`,
      { vpcId, trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: logGroup.arn, iamRoleArn: role.arn, tags: awsTags(tags, `${name}-flow-logs`) },
      parent,
    );
  }
}

/** Checks the plain arguments and returns the subnet plan; throws one ArgumentError listing every problem. */
function validateNetworkArgs(name: string, args: NetworkArgs, cidrBlock: string, natGateways: string, azCount: number): SubnetPlanEntry[] {
  const check = new ArgumentChecker("Network", name);
  const given = (["availabilityZones", "availabilityZoneIds", "availabilityZoneCount"] as const).filter((key) => args[key] !== undefined);
  check.that(given.length <= 1, given[1] ?? "availabilityZoneCount", "set one of availabilityZones, availabilityZoneIds and availabilityZoneCount", given.map((key) => args[key]));
  const listKey = args.availabilityZones ? "availabilityZones" : args.availabilityZoneIds ? "availabilityZoneIds" : undefined;
  const countOk = check.that(
    Number.isInteger(azCount) && azCount >= 2 && azCount <= MAX_AZS,
    listKey ?? "availabilityZoneCount",
    `must give 2 to ${MAX_AZS} AZs`,
    listKey ? args[listKey] : args.availabilityZoneCount,
  );
  if (listKey) {
    const list = args[listKey]!;
    check.that(new Set(list).size === list.length, listKey, "must not repeat an AZ", list);
  }
  (args.availabilityZoneIds ?? []).forEach((id, i) => check.that(ZONE_ID.test(id), `availabilityZoneIds[${i}]`, "must be a zone ID such as use1-az1", id));
  (args.excludeZoneIds ?? []).forEach((id, i) => check.that(ZONE_ID.test(id), `excludeZoneIds[${i}]`, "must be a zone ID such as use1-az1", id));
  const services = new Set<string>();
  (args.interfaceEndpoints ?? []).forEach((service, i) => {
    if (check.that(typeof service === "string" && ENDPOINT_SERVICE.test(service), `interfaceEndpoints[${i}]`, "must be an AWS service endpoint name such as ecr.api or eks-auth", service)) {
      check.that(!services.has(service), `interfaceEndpoints[${i}]`, "is listed already", service);
    }
    services.add(service);
  });
  check.that((Object.values(NatStrategy) as string[]).includes(natGateways), "natGateways", 'must be one of "none", "single", "perAz"', args.natGateways);
  const prefix = Number(cidrBlock.split("/")[1]);
  check.that(!(prefix < 16), "cidrBlock", "AWS VPCs can be at most a /16", cidrBlock);
  let plan: SubnetPlanEntry[] = [];
  try {
    plan = planSubnets(cidrBlock, countOk ? azCount : 2);
  } catch (error) {
    if (!(error instanceof SubnetPlanError)) throw error;
    check.that(false, "cidrBlock", error.message, cidrBlock);
  }
  if (args.flowLogs?.enabled) {
    const days = args.flowLogs.retentionDays ?? 90;
    check.that(isLogRetentionDays(days), "flowLogs.retentionDays", `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`, days);
  }
  if (args.clusterName !== undefined) {
    check.that(/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(args.clusterName), "clusterName", "must be an EKS cluster name: letters, digits, '-' and '_', at most 100 characters", args.clusterName);
  }
  check.done();
  return plan;
}
