// Issue 11, deliverable 5: a tier can be created together with its Elasticsearch instead of after the
// StatefulSet is Ready (`clientFor(user, { startWithCluster: true })`, config `startWithElasticsearch`), so
// `up` is not one serial chain (StatefulSet Ready → Job → Deployment). The wiring under the mock engine:
// what each object of the tier depends on, by default and opted in. The local stack's api tier: test/program-local.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { AppTier, type AppTierArgs } from "../components/app-tier/app-tier";
import { Elasticsearch } from "../components/elasticsearch/elasticsearch";
import { argumentErrorOf, setupMocks, valueOf, type MockEngine } from "./mocks";
import { configIssues } from "./config-issues";
import { parsePlatformConfig } from "../components/config/parse";

const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const JOB = "kubernetes:batch/v1:Job";
const SECRET = "kubernetes:core/v1:Secret";
const SERVICE = "kubernetes:core/v1:Service";

describe("Elasticsearch.clientFor(user, { startWithCluster })", () => {
  let engine: MockEngine;
  let search: Elasticsearch;
  beforeAll(async () => {
    engine = await setupMocks();
    search = new Elasticsearch("search", { namespace: "search", tls: true, memory: "2Gi", users: [{ name: "api", password: "api-password-0123456789", indices: ["api-*"] }, { name: "batch", password: "batch-password-0123456789", indices: ["batch-*"] }] });
    await engine.settle();
  });
  const tier = (extra: Partial<AppTierArgs>): AppTierArgs => ({ namespace: "search", image: "ghcr.io/example/app:1.0.0", migrations: { command: ["node", "migrate.js"] }, ...extra });
  const deps = (type: string, name: string) => engine.get(type, name).dependencies;

  it("creates the tier's Job and Deployment without awaiting the StatefulSet or the client Service, after the Secrets its pods reference", async () => {
    const client = search.clientFor("api", { startWithCluster: true });
    new AppTier("api", tier({ elasticsearch: client }));
    await engine.settle();
    // The provider awaits the StatefulSet's pods Ready, and the client Service's ready endpoints (the same pods).
    const awaited = [engine.get(STATEFUL_SET, "search").urn, engine.get(SERVICE, "search-client").urn];
    const referenced = [engine.get(SECRET, "search-user-api").urn, engine.get(SECRET, "search-ca").urn];
    for (const [type, name] of [[JOB, "api-migrations"], [DEPLOYMENT, "api-deployment"]]) {
      for (const urn of awaited) expect(deps(type, name), name).not.toContain(urn);
      expect(deps(type, name), name).toEqual(expect.arrayContaining(referenced));
    }
    expect(await valueOf(client.url)).toBe(await valueOf(search.url));
    // The Deployment still rolls only after the migrations Job completed.
    expect(deps(DEPLOYMENT, "api-deployment")).toContain(engine.get(JOB, "api-migrations").urn);
  });

  it("by default (and with startWithCluster: false) still waits for the StatefulSet", async () => {
    new AppTier("batch", tier({ elasticsearch: search.clientFor("batch", { startWithCluster: false }) }));
    await engine.settle();
    const statefulSet = engine.get(STATEFUL_SET, "search").urn;
    expect(deps(JOB, "batch-migrations")).toContain(statefulSet);
    expect(deps(DEPLOYMENT, "batch-deployment")).toContain(statefulSet);
  });

  it("refuses a bad option, listing every problem", () => {
    const error = argumentErrorOf(() => search.clientFor("web", { startWithCluster: "yes", startWithClustre: true } as never));
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "clientFor(username): must be one of the declared users (users: api, batch); each client gets its own least-privilege user",
      "clientFor(options).startWithClustre: is not an argument (allowed: startWithCluster)",
      "clientFor(options).startWithCluster: must be a boolean",
    ]);
  });
});

describe("config apps.tiers.<name>.startWithElasticsearch", () => {
  const raw = (tier: Record<string, unknown>) => ({ target: "kubeconfig", apps: { tiers: { api: { image: "ghcr.io/example/api:1.0.0", ...tier } } } });

  it("defaults to false and needs elasticsearch: true", () => {
    expect(parsePlatformConfig(raw({ elasticsearch: true })).apps.tiers.api.startWithElasticsearch).toBe(false);
    expect(parsePlatformConfig(raw({ elasticsearch: true, startWithElasticsearch: true })).apps.tiers.api.startWithElasticsearch).toBe(true);
    expect(configIssues(raw({ startWithElasticsearch: true })).map((i) => `${i.path}: ${i.message}`)).toEqual([
      "apps.tiers.api.startWithElasticsearch: requires elasticsearch: true (got true)",
    ]);
  });
});
