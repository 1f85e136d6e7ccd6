// The `elasticsearch` section of the stack config, through the Platform to what the component renders.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Platform } from "../components/platform/platform";
import { parsePlatformConfig } from "../components/config/parse";
import { elasticsearchPlan } from "../components/elasticsearch/elasticsearch";
import { setupMocks, kubeObjects, argumentErrorOf } from "./mocks";

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

describe("elasticsearch.version: 8.x and 9.x only", () => {
  const configError = (version: string): string => {
    try {
      parsePlatformConfig({ target: "kubeconfig", elasticsearch: { version } });
    } catch (error) {
      expect((error as Error).name).toBe("ConfigError");
      return (error as Error).message;
    }
    return "accepted";
  };

  it.each(["8.19.7", "8.0.0", "9.0.0", "9.2.0"])("accepts %s in stack config and in the component", (version) => {
    expect(configError(version)).toBe("accepted");
    expect(() => elasticsearchPlan("search", { namespace: "search", elasticPassword: "pw", version })).not.toThrow();
  });

  it.each(["6.3.2", "7.17.0", "10.0.0"])("rejects %s with one clear error in stack config and in the component", (version) => {
    expect(configError(version)).toBe(`eks-search-platform:elasticsearch.version: must be Elasticsearch 8.x or 9.x (this platform renders their settings; older majors reject them at startup) (got "${version}")`);
    const error = argumentErrorOf(() => elasticsearchPlan("search", { namespace: "search", elasticPassword: "pw", version }));
    expect(error.issues).toEqual([expect.objectContaining({ path: "version", message: "must be Elasticsearch 8.x or 9.x (this platform renders their settings; older majors reject them at startup)" })]);
  });
});
