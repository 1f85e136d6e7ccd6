/**
 * Every AWS name the platform leaves to Pulumi's auto-naming (`<logical name>-<7 random characters>`) must
 * fit AWS's limit for any valid stack name. The Network and Cluster get the names the Platform gives them
 * (`<platform>-network`, `<platform>-cluster`) for the longest platform name, 63 characters (a DNS label).
 * (The whole Platform accepts shorter names: Elasticsearch's Kubernetes names cap it at 38.)
 */
import { beforeAll, describe, expect, it } from "vitest";
import { setupMocks, unwrapSecrets, type MockEngine } from "./mocks";
import { Network } from "../components/network/network";
import { Cluster } from "../components/cluster/cluster";
import { dnsLabel } from "../components/shared/naming";
import { fitAutoNames, physicalNamePrefix } from "../components/shared/aws-names";

// AWS's limits on the names the platform's resources carry (IAM, EKS and EC2 API references).
const LIMITS: Record<string, { property: string; max: number }> = {
  "aws:iam/role:Role": { property: "name", max: 64 },
  "aws:iam/policy:Policy": { property: "name", max: 128 },
  "aws:iam/rolePolicy:RolePolicy": { property: "name", max: 128 },
  "aws:ec2/launchTemplate:LaunchTemplate": { property: "name", max: 128 },
  "aws:ec2/securityGroup:SecurityGroup": { property: "name", max: 255 },
  "aws:cloudwatch/logGroup:LogGroup": { property: "name", max: 512 },
  "eks:index:ManagedNodeGroup": { property: "nodeGroupName", max: 63 },
  "aws:ecr/pullThroughCacheRule:PullThroughCacheRule": { property: "ecrRepositoryPrefix", max: 30 },
};

const STACK = "platform-team-eu-central-production-blue-2026-canary-a12";
const GROUP = "elasticsearch-data-memory-optimized-r7i";

/** Name of `r` as AWS sees it: the explicit one, or the mock's auto-name (`<name>-<7 hex>`, like Pulumi's). */
function awsNameOf(r: { type: string; name: string; inputs: Record<string, unknown>; state: Record<string, unknown> }, property: string): string {
  const explicit = unwrapSecrets(r.inputs[property]);
  if (typeof explicit === "string") return explicit;
  const nested = (r.state.nodeGroup as Record<string, unknown> | undefined)?.nodeGroupName ?? r.state[property];
  return String(nested);
}

let engine: MockEngine;
let platformName: string;
beforeAll(async () => {
  engine = await setupMocks({ stack: STACK });
  platformName = dnsLabel("search", STACK);
  // Without NAT: interface endpoints, their security group, and the cluster's pull-through cache rules too.
  const network = new Network(`${platformName}-network`, { availabilityZoneCount: 3, natGateways: "none", clusterName: platformName, flowLogs: { enabled: true } });
  const cluster = new Cluster(`${platformName}-cluster`, {
    clusterName: platformName,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnets.map((subnet) => subnet.id),
    bootstrapCreatorAdmin: true,
    encryptSecrets: true,
    logTypes: ["api"],
    ebsKmsKeyArns: ["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
    privateNetworking: true,
    nodeGroups: [
      { name: "general", instanceTypes: ["m6i.large"], minSize: 2, maxSize: 4 },
      { name: GROUP, instanceTypes: ["r7i.large"], minSize: 1, maxSize: 3, perAvailabilityZone: true },
    ],
  });
  // The Platform's role for Elasticsearch (snapshots) is such a workload role.
  cluster.workloadRole("elasticsearch", { namespace: "search", name: `${platformName}-elasticsearch` });
  await engine.settle();
});

describe("AWS names for the longest stack name", () => {
  it("starts from the longest platform name there is", () => {
    expect(platformName).toHaveLength(63);
  });

  it("fits every named AWS resource into its limit (saw this fail: IAM roles of 70 to 99 characters, node groups of 71 and more)", () => {
    const tooLong = engine.resources.flatMap((r) => {
      const limit = LIMITS[r.type];
      if (!limit) return [];
      const name = awsNameOf(r, limit.property);
      return name.length > limit.max ? [`${r.type} ${r.name}: ${name} (${name.length} > ${limit.max})`] : [];
    });
    expect(tooLong).toEqual([]);
    expect(engine.byType("aws:iam/role:Role").length).toBeGreaterThan(5);
    expect(engine.byType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")).toHaveLength(2);
  });

  it("keeps shortened names readable and distinct, and leaves names that fit to Pulumi's auto-naming", () => {
    const roles = engine.byType("aws:iam/role:Role").map((r) => awsNameOf(r, "name"));
    expect(new Set(roles).size).toBe(roles.length);
    for (const role of roles) expect(role.startsWith(platformName.slice(0, 15)), role).toBe(true);
    expect(physicalNamePrefix("short-node", 64)).toBeUndefined();
    // The start of the name and what the resource is for, leaving the provider's 26-character unique suffix room.
    const prefix = physicalNamePrefix(`${"x".repeat(60)}-aws-load-balancer-controller`, 64)!;
    expect(prefix).toMatch(/^x+-controller-$/);
    expect(prefix.length + 26).toBeLessThanOrEqual(64);
    expect(physicalNamePrefix(`${platformName}-cluster-elasticsearch-az2`, 63)).toMatch(/^search-platform-.*-az2-$/);
  });
});

describe("fitAutoNames (for the roles @pulumi/eks creates inside its component)", () => {
  const role = (name: string, props: Record<string, unknown> = {}) => fitAutoNames({ type: "aws:iam/role:Role", name, custom: true, props, opts: {} });

  it("gives a role whose auto-name would pass 64 characters a name prefix that leaves room for the unique suffix", () => {
    const result = role(`${platformName}-cluster-eksRole-role`);
    expect((result?.props.namePrefix as string).length + 26).toBeLessThanOrEqual(64);
    expect(result?.props.namePrefix).toMatch(/^search-platform-.*-eksRole-role-$/);
  });

  it("leaves alone a role that fits or has a name, and every other type", () => {
    expect(role("search-dev-cluster-eksRole-role")).toBeUndefined();
    expect(role(`${platformName}-cluster-eksRole-role`, { name: "given" })).toBeUndefined();
    expect(fitAutoNames({ type: "aws:eks/addon:Addon", name: "x".repeat(90), custom: true, props: {}, opts: {} })).toBeUndefined();
  });
});
