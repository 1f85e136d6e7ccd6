// The component package's Elasticsearch networkPolicy: the extra ingress and egress rules are in the schema as
// the networking.k8s.io/v1 shapes (named types; protocol an enum, port a number or a named port), and the
// provider adds them to the real NetworkPolicy.
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { kubeObjects, setupMocks, type MockEngine } from "./mocks";
import { ComponentPackageProvider } from "../provider/provider";

type Property = { $ref?: string; type?: string; items?: Property; oneOf?: { type: string }[] };
const schema = JSON.parse(fs.readFileSync("provider/schema.json", "utf8")) as {
  name: string;
  version: string;
  resources: Record<string, { inputProperties: Record<string, Property> }>;
  types: Record<string, { enum?: { value: string }[]; properties?: Record<string, Property>; required?: string[] }>;
};
const tokenOf = (ref: string | undefined): string => (ref ?? "").replace("#/types/", "");
const propsOf = (ref: string | undefined): Record<string, Property> => schema.types[tokenOf(ref)]?.properties ?? {};

const monitoring = { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ port: 9200, protocol: "TCP" }] };
const snapshots = { to: [{ ipBlock: { cidr: "10.20.0.0/16", except: ["10.20.9.0/24"] } }], ports: [{ port: "https", protocol: "TCP" }, { port: 9000, endPort: 9010 }] };

describe("the component package's Elasticsearch networkPolicy rules", () => {
  let engine: MockEngine;
  const provider = new ComponentPackageProvider(schema);
  beforeAll(async () => {
    engine = await setupMocks();
  });

  it("lists ingress and egress rules in the networking.k8s.io/v1 shapes", () => {
    const policy = propsOf(schema.resources["eks-search-platform:index:Elasticsearch"].inputProperties.networkPolicy.$ref);
    expect(Object.keys(policy)).toEqual(["enabled", "ingress", "egress"]);
    const ingress = propsOf(policy.ingress.items?.$ref);
    const egress = propsOf(policy.egress.items?.$ref);
    expect(Object.keys(ingress)).toEqual(["from", "ports"]);
    expect(Object.keys(egress)).toEqual(["to", "ports"]);
    expect(ingress.from.items?.$ref).toBe(egress.to.items?.$ref);
    const peer = propsOf(ingress.from.items?.$ref);
    expect(Object.keys(peer)).toEqual(["podSelector", "namespaceSelector", "ipBlock"]);
    expect(tokenOf(peer.podSelector.$ref)).toBe("eks-search-platform:index:LabelSelectorArgs");
    expect(schema.types[tokenOf(peer.ipBlock.$ref)].required).toEqual(["cidr"]);
    const port = propsOf(ingress.ports.items?.$ref);
    expect(ingress.ports.items?.$ref).toBe(egress.ports.items?.$ref);
    expect(port.port).toMatchObject({ oneOf: [{ type: "integer" }, { type: "string" }] });
    expect(schema.types[tokenOf(port.protocol.$ref)].enum?.map((e) => e.value).sort()).toEqual(["SCTP", "TCP", "UDP"]);
    expect(port.endPort.type).toBe("number");
  });

  it("adds them through construct to the nodes' NetworkPolicy, after the defaults", async () => {
    const inputs = { namespace: "search", memory: "2Gi", elasticPassword: pulumi.secret("s3cret-s3cret"), networkPolicy: { ingress: [monitoring], egress: [snapshots] } };
    await provider.construct("ruled", "eks-search-platform:index:Elasticsearch", inputs, {});
    await engine.settle();
    const policy = kubeObjects(engine, "NetworkPolicy").find((o) => o.metadata.name === "ruled")!;
    expect(policy.spec.ingress.at(-1)).toEqual(monitoring);
    expect(policy.spec.egress.at(-1)).toEqual(snapshots);
    expect(policy.spec.ingress.length).toBeGreaterThan(1);
  });
});
