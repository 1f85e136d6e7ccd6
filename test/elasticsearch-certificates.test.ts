// Certificates the user brings (issue 11, item 4): an existing Secret replaces the generated CA and node
// certificate. The real-node e2e proves HTTPS against a user CA made with openssl; this file proves the
// wiring and the validation under mocks.
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { setupMocks, childrenOf as childrenUnder, kubeObjects, valueOf, argumentErrorOf, type MockEngine, type RecordedResource } from "./mocks";
import { Elasticsearch, type ElasticsearchArgs } from "../components/elasticsearch/elasticsearch";
import { parsePlatformConfig as parseConfig } from "../components/config/parse";

let engine: MockEngine;

beforeAll(async () => {
  engine = await setupMocks();
});

const childrenOf = (name: string): RecordedResource[] => childrenUnder(engine, "eks-search-platform:index:Elasticsearch", name);
const kube = (name: string, kind: string): Record<string, any>[] => kubeObjects(engine, kind, childrenOf(name));

async function build(name: string, args: Partial<ElasticsearchArgs>): Promise<Elasticsearch> {
  const es = new Elasticsearch(name, { namespace: "search", elasticPassword: "elastic-Pa55-word", ...args });
  await engine.settle();
  return es;
}

describe("Elasticsearch: certificates the user brings", () => {
  let es: Elasticsearch;
  beforeAll(async () => {
    es = await build("byo", { replicas: 3, tls: true, certificates: { secretName: "corp-es-tls" } });
  });

  it("generates no CA, key or certificate, and creates no certificate Secret of its own", () => {
    expect(childrenOf("byo").filter((r) => r.type.startsWith("tls:"))).toEqual([]);
    expect(kube("byo", "Secret").map((s) => s.metadata.name)).not.toContain("byo-certs");
    expect(kube("byo", "Secret").map((s) => s.metadata.name)).not.toContain("byo-ca");
    expect(es.certificatesSecret).toBeUndefined();
  });

  it("mounts the user's Secret where the generated one would be, so transport and HTTP TLS use it", () => {
    const [sts] = kube("byo", "StatefulSet");
    const certs = sts.spec.template.spec.volumes.find((v: { name: string }) => v.name === "certs");
    expect(certs.secret.secretName).toBe("corp-es-tls");
    const yml = parse(kube("byo", "ConfigMap")[0].data["elasticsearch.yml"]);
    expect(yml).toMatchObject({ "xpack.security.transport.ssl.enabled": true, "xpack.security.http.ssl.enabled": true, "xpack.security.http.ssl.certificate": "certs/tls.crt" });
  });

  it("gives clients the user's Secret for the CA (it holds ca.crt) and an https URL", async () => {
    expect(await valueOf(es.caSecretName)).toBe("corp-es-tls");
    expect(await valueOf(es.url)).toMatch(/^https:\/\//);
    expect(await valueOf(es.caRevision)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("uses them for transport TLS alone when HTTP stays plain: no CA for clients", async () => {
    const plain = await build("byo-transport", { replicas: 3, certificates: { secretName: "corp-es-tls" } });
    const [sts] = kube("byo-transport", "StatefulSet");
    expect(sts.spec.template.spec.volumes.find((v: { name: string }) => v.name === "certs").secret.secretName).toBe("corp-es-tls");
    expect(await valueOf(plain.caSecretName)).toBeUndefined();
    expect(await valueOf(plain.caRevision)).toBeUndefined();
  });

  it("refuses certificates that nothing would use, a bad Secret name, and generated-certificate settings beside them", () => {
    const error = argumentErrorOf(
      () => new Elasticsearch("bad-certs", { namespace: "search", elasticPassword: "x", certificates: { secretName: "Not_A_Name" }, certificateValidityHours: 48 }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(["certificates.secretName", "certificates", "certificateValidityHours"]);
    expect(error.message).toContain("Not_A_Name");
    expect(error.message).toContain("tls: true");
  });
});

describe("config: elasticsearch.certificates", () => {
  const base = { target: "kubeconfig" };

  it("accepts a Secret name with tls or 3+ replicas", () => {
    const config = parseConfig({ ...base, elasticsearch: { tls: true, certificates: { secretName: "corp-es-tls" } } });
    expect(config.elasticsearch.certificates).toEqual({ secretName: "corp-es-tls" });
  });

  it("refuses it without tls and with one node, naming the key", () => {
    expect(() => parseConfig({ ...base, elasticsearch: { certificates: { secretName: "corp-es-tls" } } })).toThrow(/elasticsearch\.certificates.*has no effect/);
  });
});
