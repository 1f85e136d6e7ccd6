/**
 * Issue 13, defect 3: `natGateways: none` on target aws. Without NAT the nodes reach AWS only through VPC
 * endpoints and pull images only from private ECR; the stack must either be built that way or refused.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Platform } from "../components/platform/platform";
import { parsePlatformConfig } from "../components/config/parse";
import { setupMocks, unwrapSecrets, valueOf, argumentErrorOf, configIssueLines as configIssues, type MockEngine } from "./mocks";
import { Network, PRIVATE_CLUSTER_ENDPOINTS } from "../components/network/network";

const ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
const privateConfig = (extra: { network?: Record<string, unknown>; cluster?: Record<string, unknown>; elasticsearch?: Record<string, unknown>; image?: string } = {}) => ({
  target: "aws",
  network: { natGateways: "none", ...extra.network },
  cluster: {
    bootstrapCreatorAdmin: true,
    nodeGroups: [{ name: "general", instanceTypes: ["m6i.large"], minSize: 2, maxSize: 4 }],
    ...extra.cluster,
  },
  elasticsearch: { image: `${ECR}/elastic/elasticsearch:8.19.7`, ...extra.elasticsearch },
  apps: { tiers: { api: { image: extra.image ?? `${ECR}/search/api:1.0.0`, elasticsearch: true } } },
});

describe("a stack without NAT gateways (target aws)", () => {
  let engine: MockEngine;
  let platform: Platform;
  beforeAll(async () => {
    engine = await setupMocks({ stack: "priv" });
    platform = new Platform("search-priv", parsePlatformConfig(privateConfig()));
    await engine.settle();
  });

  it("gets an interface endpoint, in every private subnet, for each AWS API its nodes and services call", async () => {
    const endpoints = engine.byType("aws:ec2/vpcEndpoint:VpcEndpoint").map((r) => unwrapSecrets(r.state) as Record<string, any>);
    const interfaces = endpoints.filter((e) => e.vpcEndpointType === "Interface");
    const services = interfaces.map((e) => String(e.serviceName).replace("com.amazonaws.us-east-1.", "")).sort();
    // Nodes: ECR (api + dkr), EC2, STS, CloudWatch Logs, EKS auth (Pod Identity); the Load Balancer Controller:
    // elasticloadbalancing; Cluster Autoscaler: autoscaling and eks (DescribeNodegroup).
    expect(services).toEqual(["autoscaling", "ec2", "ecr.api", "ecr.dkr", "eks", "eks-auth", "elasticloadbalancing", "logs", "sts"]);
    const privateSubnets = await valueOf(platform.privateSubnetIds!);
    for (const e of interfaces) {
      expect(e.privateDnsEnabled, e.serviceName).toBe(true);
      expect(e.subnetIds, e.serviceName).toEqual(privateSubnets);
    }
    // S3 stays a (free) gateway endpoint: ECR image layers come from S3.
    expect(endpoints.filter((e) => e.vpcEndpointType === "Gateway").map((e) => e.serviceName)).toEqual(["com.amazonaws.us-east-1.s3"]);
    // The endpoints' security group admits HTTPS from the VPC only.
    const groups = new Set(interfaces.map((e) => JSON.stringify(e.securityGroupIds)));
    expect(groups.size).toBe(1);
    const sg = engine.byType("aws:ec2/securityGroup:SecurityGroup").map((r) => unwrapSecrets(r.state) as Record<string, any>);
    expect(sg).toHaveLength(1);
    expect(sg[0].ingress).toEqual([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"], description: "HTTPS from the VPC" }]);
  });

  it("pulls the cluster services' images through ECR pull-through caches, which the node role may fill", () => {
    const rules = engine.byType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").map((r) => unwrapSecrets(r.inputs) as Record<string, any>);
    expect(rules.map((r) => r.upstreamRegistryUrl).sort()).toEqual(["public.ecr.aws", "registry.k8s.io"]);
    const prefix = (upstream: string) => rules.find((r) => r.upstreamRegistryUrl === upstream)!.ecrRepositoryPrefix as string;
    for (const r of rules) expect(r.ecrRepositoryPrefix).toMatch(/^[a-z0-9][a-z0-9-]{1,29}$/);

    const values = (release: string) => unwrapSecrets(engine.byType("kubernetes:helm.sh/v3:Release").find((r) => r.name.endsWith(release))!.inputs.values) as Record<string, any>;
    expect(values("aws-load-balancer-controller").image.repository).toBe(`${ECR}/${prefix("public.ecr.aws")}/eks/aws-load-balancer-controller`);
    // WAF and Shield have no VPC endpoint the controller could reach.
    expect(values("aws-load-balancer-controller")).toMatchObject({ enableShield: false, enableWaf: false, enableWafv2: false });
    expect(values("cluster-autoscaler").image.repository).toBe(`${ECR}/${prefix("registry.k8s.io")}/autoscaling/cluster-autoscaler`);

    // The first pull creates the cache repository, as the pulling identity (the node role).
    const policies = engine.byType("aws:iam/rolePolicy:RolePolicy").map((r) => JSON.parse(String(unwrapSecrets(r.state).policy)) as { Statement: { Action: string[]; Resource: string[] }[] });
    const cache = policies.flatMap((p) => p.Statement).find((s) => s.Action.includes("ecr:BatchImportUpstreamImage"));
    expect(cache?.Action.sort()).toEqual(["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"]);
    expect(cache?.Resource.sort()).toEqual(rules.map((r) => `arn:aws:ecr:us-east-1:123456789012:repository/${r.ecrRepositoryPrefix}/*`).sort());
  });

  it("builds no NAT gateway and no default route from the private subnets", () => {
    expect(engine.byType("aws:ec2/natGateway:NatGateway")).toHaveLength(0);
    expect(engine.byType("aws:ec2/route:Route").filter((r) => r.name.includes("private"))).toHaveLength(0);
  });
});

describe("stacks with NAT gateways", () => {
  it("get no interface endpoints and no pull-through caches unless asked (NAT reaches the public registries)", async () => {
    const engine = await setupMocks({ stack: "nat" });
    new Platform("search-nat", parsePlatformConfig({ ...privateConfig(), network: { natGateways: "single" } }));
    await engine.settle();
    expect(engine.byType("aws:ec2/vpcEndpoint:VpcEndpoint").map((r) => r.inputs.vpcEndpointType)).toEqual(["Gateway"]);
    expect(engine.byType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")).toHaveLength(0);
  });

  it("can keep AWS API traffic on endpoints anyway (interfaceEndpoints.enabled), plus extra services", async () => {
    const engine = await setupMocks({ stack: "nat2" });
    new Platform("search-nat2", parsePlatformConfig({ ...privateConfig(), network: { natGateways: "single", interfaceEndpoints: { enabled: true, extraServices: ["ssm", "ssmmessages"] } } }));
    await engine.settle();
    const services = engine.byType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((r) => r.inputs.vpcEndpointType === "Interface").map((r) => String(r.inputs.serviceName).split(".").slice(3).join("."));
    expect(services).toEqual(expect.arrayContaining(["ecr.api", "ssm", "ssmmessages"]));
    // Images still come from the public registries through the NAT.
    expect(engine.byType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")).toHaveLength(0);
  });
});

describe("config: what a stack without NAT needs", () => {
  it("accepts the complete private stack", () => {
    expect(configIssues(privateConfig())).toEqual([]);
    expect(parsePlatformConfig(privateConfig()).network.interfaceEndpoints.enabled).toBe(true);
  });

  it("refuses, in one error, endpoints turned off, no private API endpoint, and images outside private ECR", () => {
    const issues = configIssues(
      privateConfig({
        network: { interfaceEndpoints: { enabled: false } },
        cluster: { endpoint: { publicAccess: true, privateAccess: false } },
        elasticsearch: { image: "docker.elastic.co/elasticsearch/elasticsearch:8.19.7" },
        image: "ghcr.io/example/api:1.0.0",
      }),
    );
    expect(issues).toEqual([
      expect.stringMatching(/^network\.interfaceEndpoints\.enabled: .*natGateways is none.*nodes could not pull images or reach EC2\/STS/),
      expect.stringMatching(/^cluster\.endpoint\.privateAccess: .*nodes register through the private endpoint/),
      expect.stringMatching(/^elasticsearch\.image: .*private ECR.*docker\.elastic\.co/),
      expect.stringMatching(/^apps\.tiers\.api\.image: .*private ECR/),
    ]);
  });

  it("requires elasticsearch.image without NAT (the default image is on docker.elastic.co)", () => {
    expect(configIssues({ ...privateConfig(), elasticsearch: {} })).toEqual([expect.stringMatching(/^elasticsearch\.image: is required when network\.natGateways is none/)]);
  });

  it("checks extra endpoint service names", () => {
    expect(configIssues(privateConfig({ network: { interfaceEndpoints: { extraServices: ["Not A Service"] } } }))).toEqual([
      expect.stringMatching(/^network\.interfaceEndpoints\.extraServices\.0: must be an AWS service endpoint name such as ssm or ecr\.api/),
    ]);
  });
});

describe("Network: interfaceEndpoints", () => {
  it("defaults to the private-cluster set for an EKS network without NAT", async () => {
    const engine = await setupMocks({ stack: "lib" });
    new Network("lib-net", { natGateways: "none", clusterName: "lib", availabilityZoneCount: 2 });
    await engine.settle();
    const services = engine.byType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((r) => r.inputs.vpcEndpointType === "Interface").map((r) => String(r.inputs.serviceName).split(".").slice(3).join("."));
    expect(services.sort()).toEqual([...PRIVATE_CLUSTER_ENDPOINTS].sort());
  });

  it("refuses bad service names and repeats with the argument path", () => {
    const error = argumentErrorOf(() => new Network("bad-net", { interfaceEndpoints: ["ecr.api", "ecr.api", "No Such"] }));
    expect(error.issues.map((i) => i.path)).toEqual(["interfaceEndpoints[1]", "interfaceEndpoints[2]"]);
  });
});
