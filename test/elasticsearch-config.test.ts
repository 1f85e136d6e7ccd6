// The `elasticsearch` section of the stack config, through the Platform to what the component renders.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Platform } from "../components/platform/platform";
import { parsePlatformConfig } from "../components/config/parse";
import { setupMocks, kubeObjects } from "./mocks";

async function renderedYml(elasticsearch: Record<string, unknown>): Promise<Record<string, unknown>> {
  const engine = await setupMocks();
  const config = parsePlatformConfig({ target: "kubeconfig", elasticsearch, apps: { tiers: { api: { image: "ghcr.io/example/api:1.0.0", elasticsearch: true } } } });
  new Platform("p", config, {}, { kubeContext: "kind-search" });
  await engine.settle();
  const map = kubeObjects(engine, "ConfigMap").find((c) => c.data?.["elasticsearch.yml"] !== undefined)!;
  return parse(map.data["elasticsearch.yml"]) as Record<string, unknown>;
}

describe("elasticsearch.clusterBootstrapped (stack config)", () => {
  it("lists every node as cluster.initial_master_nodes by default, for the first formation", async () => {
    expect(parsePlatformConfig({ target: "kubeconfig" }).elasticsearch.clusterBootstrapped).toBe(false);
    expect((await renderedYml({ replicas: 3 }))["cluster.initial_master_nodes"]).toEqual(["p-elasticsearch-0", "p-elasticsearch-1", "p-elasticsearch-2"]);
  });

  it("drops cluster.initial_master_nodes once set, keeping discovery by the headless Service", async () => {
    const yml = await renderedYml({ replicas: 3, clusterBootstrapped: true });
    expect(yml["cluster.initial_master_nodes"]).toBeUndefined();
    expect(yml["discovery.seed_hosts"]).toEqual(["p-elasticsearch-headless"]);
  });
});
