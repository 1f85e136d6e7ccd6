// The component package's schema marks its secrets `secret: true` (the analyzer cannot; scripts/provider-schema.ts
// adds SECRET_PROPERTIES): the outputs are exactly those the provider returns as secret Outputs (Cluster's
// kubeconfig), and the inputs are the passwords and secret values, which generated SDKs then wrap as secrets.
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { isSecretOutput, setupMocks, type MockEngine } from "./mocks";
import { ComponentPackageProvider, SECRET_PROPERTIES } from "../provider/provider";
import { withSecrets } from "../scripts/provider-schema";

type Property = { $ref?: string; secret?: boolean };
type Schema = {
  name: string;
  version: string;
  resources: Record<string, { inputProperties: Record<string, Property>; properties: Record<string, Property> }>;
  types: Record<string, { properties?: Record<string, Property> }>;
};
const schema = JSON.parse(fs.readFileSync("provider/schema.json", "utf8")) as Schema;
const token = (name: string) => `eks-search-platform:index:${name}`;
const secretKeys = (properties: Record<string, Property> | undefined) =>
  Object.entries(properties ?? {})
    .filter(([, p]) => p.secret === true)
    .map(([k]) => k)
    .sort();

const clusterInputs = {
  vpcId: "vpc-0abc",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
  nodeGroups: [{ name: "general", instanceTypes: ["t3.large"], minSize: 2, maxSize: 2 }],
  adminRoleArns: ["arn:aws:iam::123456789012:role/deployer"],
  services: { clusterAutoscaler: false },
};
const examples: Record<string, pulumi.Inputs> = {
  Cluster: clusterInputs,
  Elasticsearch: { namespace: "search", memory: "2Gi", elasticPassword: pulumi.secret("s3cret-s3cret"), tls: true },
  AppTier: { namespace: "search", image: "ghcr.io/example/api:1", secrets: { TOKEN: pulumi.secret("t0ken") }, secretEnv: ["TOKEN"] },
  StorageClass: {},
  Network: { availabilityZones: ["us-east-1a", "us-east-1b"] },
};

describe("secrets in the component package's schema", () => {
  let engine: MockEngine;
  const provider = new ComponentPackageProvider(schema);
  beforeAll(async () => {
    engine = await setupMocks();
  });

  it("marks Cluster's kubeconfig output secret, and no other output", () => {
    expect(schema.resources[token("Cluster")].properties.kubeconfig.secret).toBe(true);
    for (const [name, resource] of Object.entries(schema.resources)) expect([name, secretKeys(resource.properties)]).toEqual([name, name === token("Cluster") ? ["kubeconfig"] : []]);
  });

  it("marks the password and secret-value inputs secret, in the resources and in ElasticsearchUser", () => {
    expect(secretKeys(schema.resources[token("Elasticsearch")].inputProperties)).toEqual(["elasticPassword", "elasticPasswordHash"]);
    expect(secretKeys(schema.resources[token("AppTier")].inputProperties)).toEqual(["secrets"]);
    expect(secretKeys(schema.types[token("ElasticsearchUser")].properties)).toEqual(["password", "passwordHash"]);
    for (const c of ["Cluster", "Network", "StorageClass"]) expect(secretKeys(schema.resources[token(c)].inputProperties)).toEqual([]);
  });

  it.each(Object.keys(examples))("%s: the schema's secret outputs are exactly the ones construct returns as secrets", async (component) => {
    const result = await provider.construct(`secrets-${component.toLowerCase()}`, token(component), examples[component], {});
    await engine.settle();
    const returned: string[] = [];
    for (const [key, value] of Object.entries(result.state)) if (pulumi.Output.isInstance(value) && (await isSecretOutput(value))) returned.push(key);
    expect(returned.sort()).toEqual(secretKeys(schema.resources[token(component)].properties));
  });

  it("refuses a secret property the inferred schema does not have", () => {
    const inferred = JSON.parse(JSON.stringify(schema)) as Schema;
    delete inferred.resources[token("Cluster")].properties.kubeconfig;
    expect(() => withSecrets(inferred, SECRET_PROPERTIES)).toThrow(/Cluster output kubeconfig is not in the schema/);
  });
});
