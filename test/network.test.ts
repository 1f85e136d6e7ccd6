import { beforeAll, describe, expect, it } from "vitest";
import { setupMocks, valueOf, type MockEngine, argumentErrorOf } from "./mocks";
import { Network, natLayout, subnetTags, isLogRetentionDays, type NatStrategy } from "../components/network/network";

let engine: MockEngine;
beforeAll(async () => {
  engine = await setupMocks({ config: { "aws:region": "eu-west-1" } });
});

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  rt: "aws:ec2/routeTable:RouteTable",
  assoc: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  route: "aws:ec2/route:Route",
  nat: "aws:ec2/natGateway:NatGateway",
  eip: "aws:ec2/eip:Eip",
  igw: "aws:ec2/internetGateway:InternetGateway",
  sg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  flowLog: "aws:ec2/flowLog:FlowLog",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
};

/** Resources of one type whose parent is the given Network. */
function owned(network: string, type: string) {
  const urn = engine.get("eks-search-platform:index:Network", network).urn;
  return engine.byType(type).filter((r) => r.parent === urn);
}

describe("natLayout", () => {
  it("routes every AZ through slot 0 with a single NAT, through its own slot per AZ, and nowhere with none", () => {
    expect(natLayout("single", 3)).toEqual({ natSlots: [0], routeVia: [0, 0, 0] });
    expect(natLayout("perAz", 3)).toEqual({ natSlots: [0, 1, 2], routeVia: [0, 1, 2] });
    expect(natLayout("none", 2)).toEqual({ natSlots: [], routeVia: [undefined, undefined] });
  });
});

describe("subnetTags", () => {
  it("tags public subnets for internet-facing and private ones for internal load balancers, both for the cluster", () => {
    expect(subnetTags("public", "n-public-0", "search", { team: "x" })).toEqual({
      Name: "n-public-0",
      team: "x",
      "kubernetes.io/role/elb": "1",
      "kubernetes.io/cluster/search": "shared",
    });
    expect(subnetTags("private", "n-private-0", undefined)).toEqual({ Name: "n-private-0", "kubernetes.io/role/internal-elb": "1" });
  });
});

describe.each([2, 3])("Network over %i AZs", (azs) => {
  describe.each(["single", "perAz", "none"] as NatStrategy[])("with natGateways %s", (strategy) => {
    const name = `net${azs}${strategy}`;
    let network: Network;
    beforeAll(async () => {
      network = new Network(name, { availabilityZoneCount: azs, natGateways: strategy, clusterName: "search", tags: { team: "search" } });
      await engine.settle();
    });

    it("has one public and one private subnet per AZ, in slot order, with the region's AZ names", async () => {
      const zones = ["a", "b", "c"].slice(0, azs).map((s) => `eu-west-1${s}`);
      expect(await valueOf(network.availabilityZones)).toEqual(zones);
      for (let i = 0; i < azs; i++) {
        const pub = engine.get(T.subnet, `${name}-public-${i}`).inputs;
        const priv = engine.get(T.subnet, `${name}-private-${i}`).inputs;
        expect(pub.availabilityZone).toBe(zones[i]);
        expect(priv.availabilityZone).toBe(zones[i]);
        expect(pub.mapPublicIpOnLaunch).toBe(true);
        expect(priv.mapPublicIpOnLaunch).toBe(false);
      }
      expect(await valueOf(network.privateSubnetIds)).toEqual(Array.from({ length: azs }, (_, i) => engine.get(T.subnet, `${name}-private-${i}`).id));
      expect(await valueOf(network.publicSubnetIds)).toEqual(Array.from({ length: azs }, (_, i) => engine.get(T.subnet, `${name}-public-${i}`).id));
    });

    it("routes public subnets to the internet gateway", () => {
      const publicRt = engine.get(T.rt, `${name}-public`);
      const igw = engine.get(T.igw, `${name}-igw`);
      expect(engine.get(T.route, `${name}-public-default`).inputs).toMatchObject({ routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
      for (let i = 0; i < azs; i++) {
        expect(engine.get(T.assoc, `${name}-public-${i}`).inputs).toMatchObject({ subnetId: engine.get(T.subnet, `${name}-public-${i}`).id, routeTableId: publicRt.id });
      }
    });

    it("routes each private subnet per the NAT strategy, resource by resource", () => {
      const nats = owned(name, T.nat);
      const expectedNats = strategy === "none" ? 0 : strategy === "single" ? 1 : azs;
      expect(nats).toHaveLength(expectedNats);
      expect(owned(name, T.eip)).toHaveLength(expectedNats);
      for (const nat of nats) {
        const eip = engine.get(T.eip, nat.name);
        expect(nat.inputs.allocationId).toBe(eip.id);
        expect(nat.dependencies).toContain(engine.get(T.igw, `${name}-igw`).urn);
      }
      for (let i = 0; i < azs; i++) {
        const privateSubnet = engine.get(T.subnet, `${name}-private-${i}`);
        const rt = engine.get(T.rt, `${name}-private-${i}`);
        expect(engine.get(T.assoc, `${name}-private-${i}`).inputs).toMatchObject({ subnetId: privateSubnet.id, routeTableId: rt.id });
        const route = engine.find(T.route, `${name}-private-${i}-default`);
        if (strategy === "none") {
          expect(route).toBeUndefined();
          continue;
        }
        expect(route!.inputs.routeTableId).toBe(rt.id);
        expect(route!.inputs.destinationCidrBlock).toBe("0.0.0.0/0");
        const nat = nats.find((n) => n.id === route!.inputs.natGatewayId)!;
        expect(nat, `private route ${i} names a NAT gateway of this network`).toBeDefined();
        const natSubnet = engine.resources.find((r) => r.type === T.subnet && r.id === nat.inputs.subnetId)!;
        expect(natSubnet.name).toMatch(new RegExp(`^${name}-public-\\d$`));
        if (strategy === "perAz") expect(natSubnet.inputs.availabilityZone).toBe(privateSubnet.inputs.availabilityZone);
        if (strategy === "single") expect(natSubnet.name).toBe(`${name}-public-0`);
      }
      expect(owned(name, T.route)).toHaveLength(1 + (strategy === "none" ? 0 : azs));
    });

    it("tags subnets for load balancers and the cluster, and every AWS resource with the user's tags", () => {
      for (let i = 0; i < azs; i++) {
        expect(engine.get(T.subnet, `${name}-public-${i}`).inputs.tags).toMatchObject({ "kubernetes.io/role/elb": "1", "kubernetes.io/cluster/search": "shared", team: "search" });
        expect(engine.get(T.subnet, `${name}-private-${i}`).inputs.tags).toMatchObject({ "kubernetes.io/role/internal-elb": "1", "kubernetes.io/cluster/search": "shared", team: "search" });
        expect(engine.get(T.subnet, `${name}-private-${i}`).inputs.tags).not.toHaveProperty("kubernetes.io/role/elb");
      }
      const urn = engine.get("eks-search-platform:index:Network", name).urn;
      const taggable = engine.resources.filter((r) => r.parent === urn && ![T.route, T.assoc].includes(r.type));
      expect(taggable.length).toBeGreaterThan(0);
      for (const r of taggable) expect(r.inputs.tags, `${r.type} ${r.name}`).toMatchObject({ team: "search", Name: expect.any(String) });
    });

    it("locks down the default security group and adds an S3 gateway endpoint on the private route tables", () => {
      expect(engine.get(T.sg, `${name}-default`).inputs).toMatchObject({ ingress: [], egress: [], vpcId: engine.get(T.vpc, name).id });
      const endpoint = engine.get(T.endpoint, `${name}-s3`).inputs;
      expect(endpoint).toMatchObject({ serviceName: "com.amazonaws.eu-west-1.s3", vpcEndpointType: "Gateway" });
      expect(endpoint.routeTableIds).toEqual(Array.from({ length: azs }, (_, i) => engine.get(T.rt, `${name}-private-${i}`).id));
    });
  });
});

describe("Network options", () => {
  it("enables DNS on the VPC and uses the given CIDR and explicit AZ names", async () => {
    const network = new Network("explicit", { cidrBlock: "10.8.0.0/20", availabilityZones: ["eu-west-1b", "eu-west-1c"] });
    await engine.settle();
    expect(engine.get(T.vpc, "explicit").inputs).toMatchObject({ cidrBlock: "10.8.0.0/20", enableDnsSupport: true, enableDnsHostnames: true });
    expect(engine.get(T.subnet, "explicit-private-1").inputs).toMatchObject({ cidrBlock: "10.8.2.0/23", availabilityZone: "eu-west-1c" });
    expect(await valueOf(network.availabilityZones)).toEqual(["eu-west-1b", "eu-west-1c"]);
    expect(owned("explicit", T.nat)).toHaveLength(1); // default: single
    expect(owned("explicit", T.flowLog)).toHaveLength(0);
  });

  it("sends flow logs to a log group with retention, through a role only the flow-logs service can assume", async () => {
    new Network("logged", { availabilityZoneCount: 2, flowLogs: { enabled: true, retentionDays: 30 } });
    await engine.settle();
    const logGroup = engine.get(T.logGroup, "logged-flow-logs");
    expect(logGroup.inputs).toMatchObject({ retentionInDays: 30 });
    const role = engine.get(T.role, "logged-flow-logs");
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
    expect(trust.Statement[0].Principal).toEqual({ Service: "vpc-flow-logs.amazonaws.com" });
    const flowLog = engine.get(T.flowLog, "logged-flow-logs").inputs;
    expect(flowLog).toMatchObject({ trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: logGroup.state.arn, iamRoleArn: role.state.arn, vpcId: engine.get(T.vpc, "logged").id });
  });

  it("rejects bad arguments with one ArgumentError listing every problem, before registering anything", () => {
    const before = engine.resources.length;
    const error = argumentErrorOf(() => {
      new Network("bad", {
        cidrBlock: "10.0.0.0/26",
        availabilityZoneCount: 7,
        natGateways: "many" as NatStrategy,
        flowLogs: { enabled: true, retentionDays: 10 },
        clusterName: "bad name!",
      });
    });
    const paths = error.issues.map((i) => i.path);
    expect(paths).toEqual(["availabilityZoneCount", "natGateways", "cidrBlock", "flowLogs.retentionDays", "clusterName"]);
    expect(error.message).toMatch(/args\.natGateways: must be one of "none", "single", "perAz" \(got "many"\)/);
    expect(engine.resources.length).toBe(before);
    expect(engine.find("eks-search-platform:index:Network", "bad")).toBeUndefined();
  });

  it("accepts only CloudWatch retention periods", () => {
    expect(isLogRetentionDays(90)).toBe(true);
    expect(isLogRetentionDays(10)).toBe(false);
  });
});
