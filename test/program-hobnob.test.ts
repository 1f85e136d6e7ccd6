// The hobnob book stack (issue 14, Deliver 2) through the real program under mocks.
import { beforeAll, describe, expect, it } from "vitest";
import { type MockEngine, valueOf } from "./mocks";
import { danglingReferences, leaks, ofKind, restrictedViolations, runProgram, unknownStorageClasses, unmatchedServiceSelectors, unmatchedTargets } from "./program-checks";

const ELASTIC = "hobnob-elastic-Pw-0a9f";
const API_ES = "hobnob-api-es-Pw-3c7d";

let engine: MockEngine;
let outputs: Record<string, any>;
beforeAll(async () => {
  ({ engine, outputs } = await runProgram("hobnob", { elasticPassword: ELASTIC, "appSecrets.api.ELASTICSEARCH_PASSWORD": API_ES }));
});

describe("program: hobnob book stack", () => {
  it("serves api. and docs. on one Ingress (one load balancer), each host to its port", async () => {
    const ingresses = ofKind(engine, "Ingress");
    expect(ingresses).toHaveLength(1);
    expect(ingresses[0].spec.rules.map((r: any) => [r.host, r.http.paths[0].backend.service.port.name])).toEqual([
      ["api.hobnob.example.com", "http"],
      ["docs.hobnob.example.com", "docs"],
    ]);
    const svc = ofKind(engine, "Service").find((s) => s.metadata.name === "api")!;
    expect(svc.spec.ports.map((p: any) => [p.name, p.port])).toEqual([["http", 8080], ["docs", 8100]]);
    expect(await valueOf(outputs.tierUrls)).toEqual({ api: "http://api.hobnob.example.com" });
  });

  it("tells the API where Elasticsearch is by host and port (and URL), with its own user", () => {
    const d = ofKind(engine, "Deployment").find((o) => o.metadata.name === "api")!;
    expect(d.spec.replicas).toBe(3);
    const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      ELASTICSEARCH_HOSTNAME: "search-hobnob-elasticsearch.hobnob.svc.cluster.local",
      ELASTICSEARCH_PORT: "9200",
      ELASTICSEARCH_URL: "http://search-hobnob-elasticsearch.hobnob.svc.cluster.local:9200",
      ELASTICSEARCH_USERNAME: "api",
      ELASTICSEARCH_PASSWORD: { secretKeyRef: { name: "search-hobnob-elasticsearch-user-api", key: "password" } },
    });
    expect(ofKind(engine, "PodDisruptionBudget").map((p) => p.metadata.name)).toContain("api");
    expect(leaks(engine, [ELASTIC, API_ES])).toEqual([]);
  });

  it("keeps every stack's invariants", () => {
    expect(danglingReferences(engine)).toEqual([]);
    expect(unmatchedServiceSelectors(engine)).toEqual([]);
    expect(unmatchedTargets(engine)).toEqual([]);
    expect(unknownStorageClasses(engine)).toEqual([]);
    expect(restrictedViolations(engine)).toEqual([]);
  });
});
