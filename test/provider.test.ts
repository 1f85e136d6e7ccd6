// The component package (provider/): its schema is what @pulumi/pulumi's analyzer infers from
// provider/surface.ts, its manifests agree with the package, and its provider constructs the real
// components from a program's inputs. Under the real engine: test/e2e/component-package.e2e.test.ts.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { setupMocks, valueOf, type MockEngine } from "./mocks";
import { CLUSTER_OUTPUTS, ComponentPackageProvider, OUTPUTS } from "../provider/provider";
import { inferSchema, SCHEMA_FILE } from "../scripts/provider-schema";
import { ArgumentError } from "../components/shared/validate";

const read = (file: string): string => fs.readFileSync(path.join("provider", file), "utf8");
const schema = JSON.parse(read("schema.json")) as {
  name: string;
  version: string;
  resources: Record<string, { inputProperties: Record<string, unknown>; properties: Record<string, unknown>; requiredInputs?: string[] }>;
};

describe("provider/ manifests", () => {
  it("schema.json is what the analyzer infers from provider/surface.ts (npm run schema:provider)", async () => {
    expect(fs.readFileSync(SCHEMA_FILE, "utf8")).toBe(await inferSchema());
  }, 120_000);

  it("names the package and version of package.json, and every argument has a type (no Any)", () => {
    const root = JSON.parse(fs.readFileSync("package.json", "utf8")) as { name: string; version: string; files: string[] };
    const plugin = JSON.parse(read("package.json")) as { name: string; version: string; main: string };
    expect([schema.name, schema.version]).toEqual([root.name, root.version]);
    expect([plugin.name, plugin.version]).toEqual([root.name, root.version]);
    expect(plugin.main).toBe("../dist/provider/index.js");
    expect(root.files).toEqual(expect.arrayContaining(["provider/*.ts", "provider/schema.json", "provider/package.json", "provider/PulumiPlugin.yaml", "provider/pulumi-resource-eks-search-platform", "dist/provider/*.js", "dist/provider/schema.json"]));
    expect(read("schema.json")).not.toContain("pulumi.json#/Any");
    expect(Object.keys(schema.resources).sort()).toEqual(["eks-search-platform:index:AppTier", "eks-search-platform:index:Cluster", "eks-search-platform:index:Elasticsearch", "eks-search-platform:index:Network", "eks-search-platform:index:StorageClass"]);
    for (const [token, keys] of Object.entries(OUTPUTS)) {
      const expected: readonly string[] = token === "Cluster" ? CLUSTER_OUTPUTS : keys;
      expect(Object.keys(schema.resources[`eks-search-platform:index:${token}`].properties).sort()).toEqual([...expected].sort());
    }
  });

  it("PulumiPlugin.yaml declares the nodejs runtime running the compiled main, and the launcher is executable", () => {
    expect(parseYaml(read("PulumiPlugin.yaml"))).toEqual({ runtime: { name: "nodejs", options: { typescript: false } } });
    expect(fs.statSync(path.join("provider", "pulumi-resource-eks-search-platform")).mode & 0o111).toBe(0o111);
  });
});

describe("ComponentPackageProvider.construct", () => {
  let engine: MockEngine;
  const provider = new ComponentPackageProvider(schema);
  beforeAll(async () => {
    engine = await setupMocks();
  });

  it("serves the schema and its version", async () => {
    expect(provider.version).toBe(schema.version);
    expect(JSON.parse(await provider.getSchema())).toEqual(schema);
  });

  it("builds the real Elasticsearch from a program's inputs and returns the declared outputs", async () => {
    const result = await provider.construct("search", "eks-search-platform:index:Elasticsearch", { namespace: "search", replicas: 1, memory: "2Gi", elasticPassword: pulumi.secret("s3cret-s3cret") }, {});
    await engine.settle();
    expect(Object.keys(result.state).sort()).toEqual([...OUTPUTS.Elasticsearch].sort());
    expect(await valueOf(result.state.url as pulumi.Output<string>)).toBe("http://search.search.svc.cluster.local:9200");
    expect(engine.get("kubernetes:apps/v1:StatefulSet", "search").parent).toBe(await valueOf(result.urn));
    expect(await valueOf(result.urn)).toMatch(/::eks-search-platform:index:Elasticsearch::search$/);
  });

  it("builds AppTier and StorageClass", async () => {
    const tier = await provider.construct("api", "eks-search-platform:index:AppTier", { namespace: "search", image: "ghcr.io/example/api:1", disruptionBudget: { maxUnavailable: 1 } }, {});
    const sc = await provider.construct("data", "eks-search-platform:index:StorageClass", { type: "gp3", reclaimPolicy: "Retain" }, {});
    await engine.settle();
    expect(await valueOf(tier.state.internalUrl as pulumi.Output<string>)).toBe("http://api.search.svc.cluster.local:8080");
    expect(await valueOf(sc.state.storageClassName as pulumi.Output<string>)).toBe("data");
  });

  it("refuses bad arguments with the component's own ArgumentError, before anything registers", async () => {
    const before = engine.resources.length;
    await expect(provider.construct("bad", "eks-search-platform:index:Elasticsearch", { namespace: "search", replicas: 2, antiAffinity: "sometimes" }, {})).rejects.toThrow(ArgumentError);
    expect(engine.resources.length).toBe(before);
  });

  it("refuses a type it does not have", async () => {
    await expect(provider.construct("x", "eks-search-platform:index:Bucket", {}, {})).rejects.toThrow(/unknown resource type eks-search-platform:index:Bucket/);
  });
});
