import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { setupMocks, valueOf, plainSecretLeaks, isSecretOutput, type MockEngine } from "./mocks";

let engine: MockEngine;
beforeAll(async () => {
  engine = await setupMocks({ config: { target: "aws" }, secrets: { elasticPassword: "s3cret-value" } });
});

class Parent extends pulumi.ComponentResource {
  constructor(name: string) {
    super("eks-search-platform:index:Parent", name);
    this.registerOutputs({});
  }
}

describe("mocks harness", () => {
  it("emulates Kubernetes auto-naming so references resolve", async () => {
    const ns = new k8s.core.v1.Namespace("ns", {});
    const cm = new k8s.core.v1.ConfigMap("cm", { metadata: { namespace: ns.metadata.name }, data: { a: "b" } });
    await engine.settle();
    const name = await valueOf(ns.metadata.name);
    expect(name).toMatch(/^ns-[0-9a-f]{8}$/);
    expect(await valueOf(cm.metadata.namespace)).toBe(name);
    expect(engine.get("kubernetes:core/v1:ConfigMap", "cm").inputs).toMatchObject({ metadata: { namespace: name } });
  });

  it("emulates AWS IDs and ARNs and resolves AZ look-ups from the region", async () => {
    const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
    const role = new aws.iam.Role("role", { assumeRolePolicy: "{}" });
    const zones = await aws.getAvailabilityZones({ state: "available" });
    expect(await valueOf(vpc.id)).toMatch(/^vpc-0[0-9a-f]{16}$/);
    expect(await valueOf(role.arn)).toMatch(/^arn:aws:iam::123456789012:role\/role-/);
    expect(zones.names.slice(0, 3)).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
  });

  it("records parents and explicit dependencies", async () => {
    const parent = new Parent("p");
    const first = new k8s.core.v1.ConfigMap("first", {}, { parent });
    new k8s.core.v1.ConfigMap("second", {}, { parent, dependsOn: [first] });
    await engine.settle();
    const second = engine.get("kubernetes:core/v1:ConfigMap", "second");
    const parentUrn = engine.get("eks-search-platform:index:Parent", "p").urn;
    expect(second.parent).toBe(parentUrn);
    expect(second.dependencies).toContain(engine.get("kubernetes:core/v1:ConfigMap", "first").urn);
    expect(engine.parentChain(second)).toEqual([parentUrn]);
  });

  it("keeps secret inputs wrapped, so a plain-text leak is detectable", async () => {
    const password = new pulumi.Config("eks-search-platform").requireSecret("elasticPassword");
    expect(await isSecretOutput(password)).toBe(true);
    new k8s.core.v1.Secret("good", { stringData: { password } });
    await engine.settle();
    expect(plainSecretLeaks(engine, "s3cret-value")).toEqual([]);
    new k8s.core.v1.ConfigMap("leaky2", { data: { password: "prefix-s3cret-value" } });
    await engine.settle();
    expect(plainSecretLeaks(engine, "s3cret-value")).toContain("kubernetes:core/v1:ConfigMap leaky2: data.password");
  });
});
