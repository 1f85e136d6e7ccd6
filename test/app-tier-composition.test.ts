// Composition for library users (issue 14, Deliver 3): one argument wires a tier to an Elasticsearch
// component (URL and its parts, user Secret, CA, client label, revisions, ordering); Input-typed labels.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { AppTier, type AppTierArgs } from "../components/app-tier/app-tier";
import { Elasticsearch } from "../components/elasticsearch/elasticsearch";
import { CLIENT_LABEL_KEY } from "../components/elasticsearch/names";
import { argumentErrorOf, setupMocks, unwrapSecrets, valueOf, type MockEngine } from "./mocks";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const TIER = "eks-search-platform:index:AppTier";

let engine: MockEngine;
let search: Elasticsearch;
let plain: Elasticsearch;
beforeAll(async () => {
  engine = await setupMocks();
  search = new Elasticsearch("search", { namespace: "search", tls: true, memory: "2Gi", users: [{ name: "api", password: "api-password-0123456789", indices: ["documents-*"] }] });
  plain = new Elasticsearch("logs", { namespace: "search", memory: "2Gi", users: [{ name: "shipper", password: "shipper-password-0123456789", indices: ["logs-*"] }] });
  await engine.settle();
});

const base = (extra: Partial<AppTierArgs> = {}): AppTierArgs => ({ namespace: "search", image: "ghcr.io/example/app:1.0.0", ...extra });

function deploymentOf(name: string): Record<string, any> {
  const parent = engine.get(TIER, name).urn;
  const found = engine.byType(DEPLOYMENT).find((r) => r.parent === parent);
  return unwrapSecrets(found!.state) as Record<string, any>;
}

describe("AppTier elasticsearch: search.clientFor(user)", () => {
  it("gives the tier the URL and its parts, its user and password Secret, the CA, the client label and revision annotations", async () => {
    const api = new AppTier("api", base({ env: { LOG_LEVEL: "info" }, migrations: { command: ["node", "migrate.js"] }, elasticsearch: search.clientFor("api") }));
    await engine.settle();
    const d = deploymentOf("api");
    const pod = d.spec.template;
    const env = Object.fromEntries(pod.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toEqual({
      LOG_LEVEL: "info",
      ELASTICSEARCH_URL: "https://search.search.svc.cluster.local:9200",
      ELASTICSEARCH_HOSTNAME: "search.search.svc.cluster.local",
      ELASTICSEARCH_PORT: "9200",
      ELASTICSEARCH_SCHEME: "https",
      ELASTICSEARCH_USERNAME: "api",
      ELASTICSEARCH_CA_CERT: "/etc/elasticsearch-ca/ca.crt",
      ELASTICSEARCH_PASSWORD: { secretKeyRef: { name: "search-user-api", key: "password" } },
    });
    expect(await valueOf(search.userSecretNames)).toEqual({ api: "search-user-api" });
    expect(pod.spec.volumes).toContainEqual({ name: "elasticsearch-ca", secret: { secretName: "search-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } });
    expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: "elasticsearch-ca", mountPath: "/etc/elasticsearch-ca", readOnly: true });
    expect(pod.metadata.labels[CLIENT_LABEL_KEY]).toBe("search");
    expect(pod.metadata.annotations["eks-search-platform/elasticsearch-user-revision"]).toBe((await valueOf(search.userSecretRevisions)).api);
    expect(pod.metadata.annotations["eks-search-platform/elasticsearch-ca-revision"]).toBe(await valueOf(search.caRevision));
    expect(() => new Deployment(d as any).validate()).not.toThrow();
    // The component, its Deployment and its migrations Job come after the cluster (the SDK expands a
    // component dependency to its children: the StatefulSet and the user's Secret among them).
    const esUrn = engine.get("kubernetes:apps/v1:StatefulSet", "search").urn;
    expect(engine.get("kubernetes:apps/v1:Deployment", "api-deployment").dependencies).toContain(engine.get("kubernetes:core/v1:Secret", "search-user-api").urn);
    expect(engine.get(TIER, "api").dependencies).toContain(esUrn);
    expect(engine.get(DEPLOYMENT, "api-deployment").dependencies).toContain(esUrn);
    expect(engine.get("kubernetes:batch/v1:Job", "api-migrations").dependencies).toContain(esUrn);
    expect(await valueOf(api.internalUrl)).toBe("http://api.search.svc.cluster.local:8080");
  });

  it("over plain HTTP mounts no CA and sets no CA path", async () => {
    new AppTier("shipper", base({ elasticsearch: plain.clientFor("shipper") }));
    await engine.settle();
    const pod = deploymentOf("shipper").spec.template;
    const names = pod.spec.containers[0].env.map((e: any) => e.name);
    expect(names).toContain("ELASTICSEARCH_SCHEME");
    expect(names).not.toContain("ELASTICSEARCH_CA_CERT");
    expect(pod.spec.volumes.map((v: any) => v.name)).not.toContain("elasticsearch-ca");
    expect(pod.metadata.annotations).not.toHaveProperty(["eks-search-platform/elasticsearch-ca-revision"]);
    expect(pod.metadata.labels[CLIENT_LABEL_KEY]).toBe("logs");
  });

  it("refuses a user the cluster does not declare, naming the declared ones", () => {
    const error = argumentErrorOf(() => search.clientFor("web"));
    expect(error.message).toContain('Invalid arguments for Elasticsearch "search"');
    expect(error.issues).toEqual([{ path: "clientFor(username)", message: "must be one of the declared users (users: api); each client gets its own least-privilege user", got: "web" }]);
  });

  it("refuses tier settings it would overwrite, and unknown keys in a hand-built client", () => {
    const error = argumentErrorOf(
      () =>
        new AppTier(
          "clash",
          base({
            env: { ELASTICSEARCH_URL: "http://elsewhere:9200" },
            secretEnvRefs: { ELASTICSEARCH_PASSWORD: { secretName: "mine", key: "password" } },
            podLabels: { [CLIENT_LABEL_KEY]: "other" },
            secretVolumes: [{ name: "ca", secretName: "mine", mountPath: "/etc/elasticsearch-ca" }],
            elasticsearch: { ...search.clientFor("api"), usernmae: "x" } as never,
          }),
        ),
    );
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "elasticsearch.usernmae: is not an argument (allowed: url, clientLabel, username, userSecretName, userSecretRevision, caSecretName, caRevision, dependsOn)",
      "env.ELASTICSEARCH_URL: sets ELASTICSEARCH_URL, which the elasticsearch argument sets",
      "secretEnvRefs.ELASTICSEARCH_PASSWORD: sets ELASTICSEARCH_PASSWORD, which the elasticsearch argument sets",
      `podLabels.${CLIENT_LABEL_KEY}: sets ${CLIENT_LABEL_KEY}, which the elasticsearch argument sets`,
      "secretVolumes[0].mountPath: sets /etc/elasticsearch-ca, which the elasticsearch argument sets",
    ]);
  });
});

describe("Input-typed labels", () => {
  it("takes Outputs as pod and object label values, and still checks keys and plain values", async () => {
    const team = pulumi.output("search-team");
    new AppTier("labelled", base({ podLabels: { "example.com/client": search.clientLabel.apply((l) => l[CLIENT_LABEL_KEY]) }, labels: { "example.com/team": team } }));
    await engine.settle();
    const d = deploymentOf("labelled");
    expect(d.metadata.labels["example.com/team"]).toBe("search-team");
    expect(d.spec.template.metadata.labels).toMatchObject({ "example.com/client": "search", "example.com/team": "search-team" });
    const error = argumentErrorOf(() => new AppTier("bad-labels", base({ podLabels: { "app.kubernetes.io/name": team, ok: "not a label value!" } })));
    expect(error.issues.map((i) => i.path)).toEqual(["podLabels.app.kubernetes.io/name", "podLabels.ok"]);
  });
});

describe("Elasticsearch exposes every child it creates", () => {
  it("has a property for each recorded child (TLS resources and the zone look-up's RBAC included)", async () => {
    const ha = new Elasticsearch("ha", { namespace: "search", replicas: 3, tls: true, zoneSpread: true, memory: "2Gi", users: [{ name: "api", password: "api-password-0123456789", indices: ["a-*"] }] });
    await engine.settle();
    const exposed: pulumi.Resource[] = [];
    const collect = (value: unknown, depth = 0): void => {
      if (pulumi.Resource.isInstance(value)) exposed.push(value);
      else if (depth < 2 && typeof value === "object" && value !== null && !pulumi.Output.isInstance(value)) Object.values(value).forEach((v) => collect(v, depth + 1));
    };
    Object.values(ha).forEach((v) => collect(v));
    const exposedUrns = new Set(await Promise.all(exposed.map((r) => valueOf(r.urn))));
    const parent = engine.get("eks-search-platform:index:Elasticsearch", "ha").urn;
    const children = engine.resources.filter((r) => r.parent === parent).map((r) => r.urn);
    expect(children.length).toBeGreaterThan(15);
    expect(children.filter((urn) => !exposedUrns.has(urn))).toEqual([]);
    expect(ha.nodeReaderRole).toBeDefined();
    expect(ha.certificateResources?.ca).toBeDefined();
  });
});
