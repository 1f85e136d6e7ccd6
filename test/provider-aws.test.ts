// The component package's AWS component (Network): the provider constructs the real one under the mock
// engine, its schema has Network's arguments and outputs, and the Kubernetes route never loads @pulumi/aws.
import * as fs from "node:fs";
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import { setupMocks, valueOf, type MockEngine } from "./mocks";
import { ComponentPackageProvider, OUTPUTS } from "../provider/provider";
import { ArgumentError } from "../components/shared/validate";

const schema = JSON.parse(fs.readFileSync("provider/schema.json", "utf8")) as {
  name: string;
  version: string;
  resources: Record<string, { inputProperties: Record<string, { $ref?: string; type?: string }>; properties: Record<string, unknown> }>;
  types: Record<string, { type: string; enum?: { value: string }[]; properties?: Record<string, unknown> }>;
};
const NETWORK = "eks-search-platform:index:Network";

describe("the component package's Network", () => {
  let engine: MockEngine;
  const provider = new ComponentPackageProvider(schema);
  beforeAll(async () => {
    engine = await setupMocks({ config: { "aws:region": "eu-west-1" } });
  });

  it("is in the schema with every argument typed, NatStrategy as an enum and flowLogs as an object", () => {
    const network = schema.resources[NETWORK];
    expect(Object.keys(network.inputProperties).sort()).toEqual(
      ["availabilityZoneCount", "availabilityZoneIds", "availabilityZones", "cidrBlock", "clusterName", "excludeZoneIds", "flowLogs", "interfaceEndpoints", "natGateways", "tags"],
    );
    expect(Object.keys(network.properties).sort()).toEqual([...OUTPUTS.Network].sort());
    const nat = schema.types[network.inputProperties.natGateways.$ref!.replace("#/types/", "")];
    expect(nat.enum?.map((e) => e.value)).toEqual(["none", "single", "perAz"]);
    const flowLogs = schema.types[network.inputProperties.flowLogs.$ref!.replace("#/types/", "")];
    expect(Object.keys(flowLogs.properties ?? {}).sort()).toEqual(["enabled", "retentionDays"]);
  });

  it("takes its descriptions from the component's own NetworkArgs, as text", () => {
    const network = schema.resources[NETWORK].inputProperties as Record<string, { description?: string }>;
    // surface-aws.ts reuses the component's interface, so its JSDoc is what other languages read
    expect(network.availabilityZones.description).toMatch(/Each is checked against the EKS-refused zone IDs/);
    // the analyzer turns a {@link} in a doc comment's text into "[object Object]"
    expect(JSON.stringify(schema)).not.toMatch(/object Object/);
  });

  it("builds the real Network from a program's inputs: subnets, NAT per AZ, flow logs, and the declared outputs", async () => {
    const result = await provider.construct(
      "vpc",
      NETWORK,
      { availabilityZoneCount: 2, natGateways: "perAz", clusterName: "search", flowLogs: { enabled: true, retentionDays: 30 }, tags: { team: "search" } },
      {},
    );
    await engine.settle();
    expect(Object.keys(result.state).sort()).toEqual([...OUTPUTS.Network].sort());
    const urn = await valueOf(result.urn);
    expect(urn).toMatch(/::eks-search-platform:index:Network::vpc$/);
    expect(engine.get("aws:ec2/vpc:Vpc", "vpc").parent).toBe(urn);
    expect(engine.byType("aws:ec2/natGateway:NatGateway").map((r) => r.name).sort()).toEqual(["vpc-nat-0", "vpc-nat-1"]);
    expect(engine.get("aws:cloudwatch/logGroup:LogGroup", "vpc-flow-logs").inputs.retentionInDays).toBe(30);
    expect(await valueOf(result.state.privateSubnetIds as pulumi.Output<string[]>)).toHaveLength(2);
    expect(await valueOf(result.state.availabilityZones as pulumi.Output<string[]>)).toHaveLength(2);
  });

  it("refuses bad arguments with Network's ArgumentError, listing each, before anything registers", async () => {
    const before = engine.resources.length;
    const error = await provider.construct("bad", NETWORK, { cidrBlock: "10.0.0.0/8", natGateways: "sometimes" }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    expect(String(error)).toMatch(/cidrBlock/);
    expect(String(error)).toMatch(/natGateways/);
    expect(engine.resources.length).toBe(before);
  });

  it("constructs a Kubernetes component without loading @pulumi/aws (AWS peers stay optional)", () => {
    const script = [
      'const { ComponentPackageProvider } = require("./provider/provider");',
      'const schema = require("./provider/schema.json");',
      "void new ComponentPackageProvider(schema);",
      'const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/]@pulumi[\\\\/](aws|eks)[\\\\/]/.test(f));',
      "process.stdout.write(JSON.stringify(loaded));",
    ].join("\n");
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual([]);
  }, 60_000);
});
