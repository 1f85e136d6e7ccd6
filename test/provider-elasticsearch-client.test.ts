// The component package's AppTier `elasticsearch` argument: what `Elasticsearch.clientFor(user)` returns in
// TypeScript, written out in other languages from the Elasticsearch's outputs (all but `dependsOn`: the
// program's own `dependsOn` resource option stands for it). The provider turns it into the same env, password
// reference, client label and CA mount.
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { kubeObjects, setupMocks, type MockEngine } from "./mocks";
import { ComponentPackageProvider, TYPESCRIPT_ONLY_ARGUMENTS } from "../provider/provider";
import { ArgumentError } from "../components/shared/validate";

type Property = { $ref?: string; type?: string; additionalProperties?: Property };
const schema = JSON.parse(fs.readFileSync("provider/schema.json", "utf8")) as {
  name: string;
  version: string;
  resources: Record<string, { inputProperties: Record<string, Property> }>;
  types: Record<string, { properties?: Record<string, Property>; required?: string[] }>;
};
const APP_TIER = "eks-search-platform:index:AppTier";
const typeOf = (ref: string | undefined) => schema.types[(ref ?? "").replace("#/types/", "")];

const client = { url: "https://search.search.svc.cluster.local:9200", clientLabel: { "search-client": "true" }, username: "orders", userSecretName: "search-orders", caSecretName: "search-ca" };

describe("the component package's AppTier elasticsearch argument", () => {
  let engine: MockEngine;
  const provider = new ComponentPackageProvider(schema);
  beforeAll(async () => {
    engine = await setupMocks();
  });

  it("is in the schema as ElasticsearchClientArgs, without dependsOn, and no AppTier argument is TypeScript only", () => {
    const ref = schema.resources[APP_TIER].inputProperties.elasticsearch?.$ref;
    expect(ref).toBe("#/types/eks-search-platform:index:ElasticsearchClientArgs");
    expect(Object.keys(typeOf(ref).properties ?? {})).toEqual(["url", "clientLabel", "username", "userSecretName", "userSecretRevision", "caSecretName", "caRevision"]);
    expect(typeOf(ref).required?.sort()).toEqual(["clientLabel", "url", "userSecretName", "username"]);
    expect(TYPESCRIPT_ONLY_ARGUMENTS.AppTier).toEqual([]);
  });

  it("becomes the env, password reference, client label and CA mount through construct", async () => {
    await provider.construct("orders", APP_TIER, { namespace: "search", image: "ghcr.io/example/orders:1", elasticsearch: { ...client, userSecretRevision: pulumi.output("r1") } }, {});
    await engine.settle();
    const [deployment] = kubeObjects(engine, "Deployment").filter((d) => d.metadata?.name === "orders");
    const pod = deployment.spec.template;
    const env = Object.fromEntries((pod.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[]).map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      ELASTICSEARCH_URL: client.url,
      ELASTICSEARCH_HOSTNAME: "search.search.svc.cluster.local",
      ELASTICSEARCH_USERNAME: "orders",
      ELASTICSEARCH_CA_CERT: "/etc/elasticsearch-ca/ca.crt",
      ELASTICSEARCH_PASSWORD: { secretKeyRef: { name: "search-orders", key: "password" } },
    });
    expect(pod.metadata.labels).toMatchObject(client.clientLabel);
    expect(pod.metadata.annotations["eks-search-platform/elasticsearch-user-revision"]).toBe("r1");
    expect(pod.spec.volumes).toEqual(expect.arrayContaining([expect.objectContaining({ name: "elasticsearch-ca", secret: expect.objectContaining({ secretName: "search-ca" }) })]));
  });

  it("refuses a Secret name or label fed from an output, and a missing user, in one ArgumentError", async () => {
    const bad = { namespace: "search", image: "ghcr.io/example/orders:1", elasticsearch: { url: client.url, clientLabel: pulumi.output(client.clientLabel), userSecretName: pulumi.output("search-orders") } };
    const error = await provider.construct("bad-client", APP_TIER, bad, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    for (const path of ["elasticsearch.username", "elasticsearch.userSecretName", "elasticsearch.clientLabel"]) expect(String(error)).toContain(path);
  });
});
