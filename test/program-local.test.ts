import { beforeAll, describe, expect, it } from "vitest";
import { valueOf, isSecretOutput, type MockEngine } from "./mocks";
import {
  danglingReferences,
  leaks,
  ofKind,
  packagesUsed,
  restrictedViolations,
  runProgram,
  secretsHolding,
  unknownStorageClasses,
  unmatchedServiceSelectors,
  unmatchedTargets,
} from "./program-checks";

// The local stack with every secret supplied, as the real-engine e2e runs it (issue 8).
const ELASTIC = "local-elastic-Pw-4b1f";
const SESSION = "local-session-key-77aa";
const API_ES = "local-api-es-pw-9c0d";

let engine: MockEngine;
let outputs: Record<string, any>;
beforeAll(async () => {
  ({ engine, outputs } = await runProgram("local", {
    elasticPassword: ELASTIC,
    "appSecrets.api.SESSION_KEY": SESSION,
    "appSecrets.api.ELASTICSEARCH_PASSWORD": API_ES,
  }));
});

describe("program: local stack (target kubeconfig)", () => {
  it("creates no AWS or EKS resources and calls no AWS API", () => {
    const used = packagesUsed(engine);
    expect([...used].filter((p) => p === "aws" || p === "eks")).toEqual([]);
    expect(used.has("kubernetes")).toBe(true);
    expect(engine.invokes.filter((i) => i.token.startsWith("aws:"))).toEqual([]);
  });

  it("generates no secret of its own when every secret is supplied, and creates no tls resource (single node, no TLS)", () => {
    const esUrn = engine.byType("eks-search-platform:index:Elasticsearch")[0].urn;
    const outsideElasticsearch = [...engine.byType("random:index/randomPassword:RandomPassword"), ...engine.byType("random:index/randomId:RandomId")].filter(
      (r) => !engine.parentChain(r).includes(esUrn),
    );
    expect(outsideElasticsearch.map((r) => r.name)).toEqual([]);
    expect([...packagesUsed(engine)].filter((p) => p === "tls")).toEqual([]);
  });

  // Issue 8 runs this stack with only the kubernetes plugin. The Elasticsearch component (issue 4) still
  // generates its readiness-probe user's password with random.RandomPassword; when it stops, this fails:
  // make it a plain `it`.
  it("needs no random plugin at all when every secret is supplied", () => {
    expect([...packagesUsed(engine)].filter((p) => p === "random")).toEqual([]);
  });

  it("puts every Kubernetes object on one explicit provider", () => {
    const providerOf = (ref: string | undefined) => ref?.slice(0, ref.lastIndexOf("::"));
    const providers = new Set(engine.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:")).map((r) => providerOf(r.provider)));
    expect([...providers]).toEqual([engine.byType("pulumi:providers:kubernetes")[0].urn]);
  });

  it("never shows a secret in plain text, yet each one reaches a Kubernetes Secret", () => {
    expect(leaks(engine, [ELASTIC, SESSION, API_ES])).toEqual([]);
    for (const value of [ELASTIC, SESSION, API_ES]) expect(secretsHolding(engine, value), value).not.toEqual([]);
  });

  it("references only Secrets and ConfigMaps (and keys) it creates, in the same namespace", () => {
    expect(danglingReferences(engine)).toEqual([]);
  });

  it("selects pods with every Service, PDB and HPA", () => {
    expect(unmatchedServiceSelectors(engine)).toEqual([]);
    expect(unmatchedTargets(engine)).toEqual([]);
  });

  it("uses the local provisioner's StorageClass for Elasticsearch data, without taking over the cluster default", () => {
    const [storageClass] = ofKind(engine, "StorageClass");
    expect(storageClass.provisioner).toBe("rancher.io/local-path");
    expect(storageClass.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"]).not.toBe("true");
    expect(unknownStorageClasses(engine)).toEqual([]);
  });

  it("runs the seeds' two tiers: api with docs port, Elasticsearch and migrations; web reaching api by Service DNS", () => {
    const deployments = Object.fromEntries(ofKind(engine, "Deployment").map((d) => [d.metadata.name, d]));
    expect(Object.keys(deployments).sort()).toEqual(["api", "web"]);
    const api = deployments.api.spec.template.spec.containers[0];
    expect(api.ports.map((p: any) => p.containerPort)).toEqual([8080, 8100]);
    expect(api.env.map((e: any) => e.name)).toEqual(expect.arrayContaining(["ELASTICSEARCH_URL", "ELASTICSEARCH_USERNAME", "ELASTICSEARCH_PASSWORD", "SESSION_KEY"]));
    expect(api.env.find((e: any) => e.name === "ELASTICSEARCH_PASSWORD").valueFrom.secretKeyRef.key).toBe("password");
    const services = ofKind(engine, "Service").map((s) => s.metadata.name);
    const webEnv = deployments.web.spec.template.spec.containers[0].env;
    const apiUrl = new URL(webEnv.find((e: any) => e.name === "API_URL").value as string);
    expect(services).toContain(apiUrl.hostname);
    expect(ofKind(engine, "Job").map((j) => j.metadata.name)).toEqual([expect.stringMatching(/^api-migrate-/)]);
    // The api pods carry the label the Elasticsearch NetworkPolicy admits.
    const policy = ofKind(engine, "NetworkPolicy").find((p) => p.spec.ingress?.[0]?.ports?.some((port: any) => port.port === 9200))!;
    const admitted = policy.spec.ingress[0].from.map((f: any) => f.podSelector.matchLabels);
    const apiLabels = deployments.api.spec.template.metadata.labels;
    expect(admitted.some((sel: Record<string, string>) => Object.entries(sel).every(([k, v]) => apiLabels[k] === v))).toBe(true);
  });

  // Issue 11 deliverable 5: api (startWithElasticsearch) is created with Elasticsearch, not after its StatefulSet is Ready.
  it("creates api's Job and Deployment without awaiting the StatefulSet, the Deployment after the Job; up still awaits the StatefulSet", () => {
    const [statefulSet] = engine.byType("kubernetes:apps/v1:StatefulSet");
    const job = engine.byType("kubernetes:batch/v1:Job").find((r) => r.name.endsWith("-api-migrations"))!;
    const deployment = engine.byType("kubernetes:apps/v1:Deployment").find((r) => r.name.endsWith("-api-deployment"))!;
    const userSecret = engine.byType("kubernetes:core/v1:Secret").find((r) => r.name.endsWith("-user-api"))!;
    expect(job.dependencies).not.toContain(statefulSet.urn);
    expect(deployment.dependencies).not.toContain(statefulSet.urn);
    // Nor for its client Service, whose provider await is for ready endpoints (the same pods).
    const esClient = engine.byType("kubernetes:core/v1:Service").find((r) => r.name.endsWith("-elasticsearch-client"))!;
    expect(esClient, "Elasticsearch's client Service").toBeDefined();
    for (const r of [job, deployment]) expect(r.dependencies, r.name).not.toContain(esClient.urn);
    expect(deployment.dependencies).toEqual(expect.arrayContaining([job.urn, userSecret.urn]));
    // Nothing tells the provider to skip its readiness await of the StatefulSet.
    expect(ofKind(engine, "StatefulSet")[0].metadata.annotations?.["pulumi.com/skipAwait"]).toBeUndefined();
  });

  it("enforces the restricted Pod Security level, which every pod template meets", () => {
    expect(ofKind(engine, "Namespace")[0].metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(restrictedViolations(engine)).toEqual([]);
  });

  it("exports the namespace, Elasticsearch URL and each tier's URL, and no AWS identifiers", async () => {
    expect(await valueOf(outputs.namespace)).toBe("search");
    expect(await valueOf(outputs.elasticsearchUrl)).toMatch(/^http:\/\/.*\.search\.svc\.cluster\.local:9200$/);
    expect(await valueOf(outputs.tierUrls)).toEqual({ api: "http://api.search.svc.cluster.local:8080", web: "http://web.search.svc.cluster.local:8080" });
    expect(outputs.vpcId).toBeUndefined();
    expect(outputs.kubeconfig).toBeUndefined();
    expect(await isSecretOutput(outputs.tierUrls)).toBe(false);
  });
});
