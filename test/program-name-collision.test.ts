// Derived names a user can still make collide (issue 14, Deliver 4): a tier named like one of the platform's
// Elasticsearch objects. The pure check, then the stack program: a clear error before anything registers.
import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { parsePlatformConfig } from "../components/config/parse";
import { elasticsearchNameCollisions } from "../components/platform/name-collisions";
import { programError } from "./program-checks";

const config = (tiers: Record<string, unknown>, elasticsearch: Record<string, unknown> = {}) =>
  parsePlatformConfig({ target: "kubeconfig", elasticsearch, apps: { tiers } });

describe("tier names against the platform's Elasticsearch objects", () => {
  it("names each tier whose workload, Service, headless Service or migrations policy takes an Elasticsearch object's name", () => {
    const issues = elasticsearchNameCollisions(
      "p",
      config({
        "p-elasticsearch": { image: "a:1" },
        "p-elasticsearch-headless": { image: "b:1" },
        "p-elastic": { image: "c:1" },
        web: { image: "d:1" },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(["apps.tiers.p-elasticsearch", "apps.tiers.p-elasticsearch-headless"]);
    expect(issues[0].message).toBe(
      "would name an object p-elasticsearch, as Elasticsearch's StatefulSet, client Service, ServiceAccount, NetworkPolicy and PodDisruptionBudget in namespace search are named (the platform is p): rename the tier",
    );
    // Without Elasticsearch nothing is taken.
    expect(elasticsearchNameCollisions("p", config({ "p-elasticsearch": { image: "a:1" } }, { enabled: false }))).toEqual([]);
  });

  it("stops the stack program with the configuration error, no stack trace and nothing registered", async () => {
    const { engine, error } = await programError("local", (config) => {
      const apps = JSON.parse(config["eks-search-platform:apps"]) as { tiers: Record<string, unknown> };
      apps.tiers["search-local-elasticsearch"] = { image: "ghcr.io/example/app:1.0.0" };
      config["eks-search-platform:apps"] = JSON.stringify(apps);
    });
    expect(pulumi.RunError.isInstance(error as Error)).toBe(true);
    expect((error as Error).message).toContain('Invalid configuration for stack "local" (1 problem)');
    expect((error as Error).message).toContain("eks-search-platform:apps.tiers.search-local-elasticsearch: would name an object search-local-elasticsearch");
    expect(engine.resources.filter((r) => r.custom)).toEqual([]);
  });
});
