// examples/kubernetes-components, the library user's program (issue 14, Done when), under mocks: the
// StorageClass, Elasticsearch on it and a tier wired in one argument, through the program's own provider.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { kubeObjects, setupMocks, valueOf, type MockEngine } from "./mocks";

// The example imports the package by name, as users do; here the name means the source.
vi.mock("eks-search-platform/kubernetes", () => import("../components/kubernetes.js"));

let engine: MockEngine;
let outputs: Record<string, any>;
beforeAll(async () => {
  engine = await setupMocks({ stack: "dev", config: { provisioner: "rancher.io/local-path" } });
  outputs = await import("../examples/kubernetes-components/index.js");
  await engine.settle();
});

describe("examples/kubernetes-components", () => {
  it("puts Elasticsearch's claims on the program's StorageClass, all through the program's own provider", async () => {
    const [storageClass] = kubeObjects(engine, "StorageClass");
    expect(storageClass).toMatchObject({ provisioner: "rancher.io/local-path", reclaimPolicy: "Retain" });
    const [sts] = kubeObjects(engine, "StatefulSet");
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe(storageClass.metadata.name);
    const providers = new Set(engine.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:")).map((r) => r.provider?.split("::")[3]));
    expect([...providers]).toEqual(["cluster"]);
    expect(await valueOf(outputs.elasticsearchUrl)).toBe("https://search.search.svc.cluster.local:9200");
  });

  it("wires the tier to Elasticsearch in one argument: URL parts, user Secret, CA, client label", () => {
    const api = kubeObjects(engine, "Deployment").find((d) => d.metadata.name === "api")!;
    const pod = api.spec.template;
    const env = Object.fromEntries(pod.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      ELASTICSEARCH_URL: "https://search.search.svc.cluster.local:9200",
      ELASTICSEARCH_SCHEME: "https",
      ELASTICSEARCH_USERNAME: "api",
      ELASTICSEARCH_CA_CERT: "/etc/elasticsearch-ca/ca.crt",
      ELASTICSEARCH_PASSWORD: { secretKeyRef: { name: "search-user-api", key: "password" } },
    });
    expect(pod.metadata.labels["eks-search-platform/elasticsearch-client"]).toBe("search");
    const policy = kubeObjects(engine, "NetworkPolicy").find((p) => p.metadata.name === "search")!;
    expect(JSON.stringify(policy.spec.ingress)).toContain('"eks-search-platform/elasticsearch-client":"search"');
  });
});
