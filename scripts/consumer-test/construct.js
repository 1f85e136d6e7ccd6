// The CommonJS consumer of the packed package, run by scripts/consumer-test.ts with plain Node (no tsx, no
// TypeScript) from a fresh project that installed the tarball. It proves the published JavaScript loads,
// exports what components/index.ts exports, validates input, and builds every component under mocks.
//
//   node construct.js expected.json      (expected.json: { "values": [...], "components": [...] })
"use strict";
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
// The repo's shared mock engine, compiled into this project by the orchestrator (test tooling, not the package).
const { MockEngine } = require("./tooling/scripts/lib/mock-engine.js");

process.on("unhandledRejection", (error) => {
  console.error("unhandled rejection while constructing:", error);
  process.exit(1);
});

const SECRET = "consumer-secret-value-7f3a";

// Minimal valid arguments per component, as a user would write them. A new component needs an entry here.
const FIXTURES = {
  Network: () => [{ availabilityZones: ["us-east-1a", "us-east-1b"], natGateways: "single", clusterName: "consumer" }],
  Cluster: () => [
    {
      clusterName: "consumer",
      vpcId: "vpc-0123456789abcdef0",
      publicSubnetIds: ["subnet-0a", "subnet-0b"],
      privateSubnetIds: ["subnet-1a", "subnet-1b"],
      nodeGroups: [{ name: "general", instanceTypes: ["t3.large"], minSize: 2, maxSize: 3 }],
      adminRoleArns: ["arn:aws:iam::111122223333:role/platform-admin"],
    },
  ],
  StorageClass: () => [{}],
  Elasticsearch: (pkg, pulumi) => [{ namespace: "search", elasticPassword: pulumi.secret(SECRET) }],
  AppTier: () => [{ namespace: "search", image: "ghcr.io/example/search-api:1.0.0", port: 8080 }],
  Platform: (pkg) => [
    pkg.parsePlatformConfig({
      target: "aws",
      network: { availabilityZoneCount: 2 },
      cluster: {
        adminRoleArns: ["arn:aws:iam::111122223333:role/platform-admin"],
        nodeGroups: [{ name: "general", instanceTypes: ["t3.large"], minSize: 2, maxSize: 4 }],
      },
      apps: { tiers: { api: { image: "ghcr.io/example/search-api:1.0.0", elasticsearch: true } } },
    }),
    { elasticPassword: SECRET },
  ],
};

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** True when `needle` occurs in a string of `value` that is not inside a Pulumi secret wrapper. */
function hasPlain(value, needle) {
  if (value && typeof value === "object" && SECRET_SIG in value) return false;
  if (typeof value === "string") return value.includes(needle);
  if (Array.isArray(value)) return value.some((v) => hasPlain(v, needle));
  if (value && typeof value === "object") return Object.values(value).some((v) => hasPlain(v, needle));
  return false;
}

async function main() {
  const expected = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const engine = new MockEngine();
  await engine.install({ project: "consumer", stack: "test", config: { "aws:region": "us-east-1" } });

  const resolved = require.resolve("eks-search-platform");
  assert.ok(resolved.includes(path.join("node_modules", "eks-search-platform", "dist")), `resolved to ${resolved}, not the installed package`);
  const pkg = require("eks-search-platform");
  const pulumi = require("@pulumi/pulumi");

  const missing = expected.values.filter((name) => pkg[name] === undefined);
  assert.deepEqual(missing, [], `CommonJS exports missing: ${missing.join(", ")}`);

  // Behaviour through the published build: every config problem at once, as a ConfigError.
  assert.throws(
    () => pkg.parsePlatformConfig({ elasticsearch: { replicas: 2 }, bogus: true }),
    (error) => error instanceof pkg.ConfigError && error.issues.length >= 2,
  );

  const components = Object.keys(pkg).filter((name) => typeof pkg[name] === "function" && pkg[name].prototype instanceof pulumi.ComponentResource);
  assert.deepEqual(components.slice().sort(), expected.components.slice().sort(), "ComponentResource classes exported at runtime differ from components/*.ts");
  const noFixture = components.filter((name) => !FIXTURES[name]);
  assert.deepEqual(noFixture, [], `add a fixture to scripts/consumer-test/construct.js for: ${noFixture.join(", ")}`);

  // Bad plain arguments: one ArgumentError before anything is registered.
  if (components.includes("Elasticsearch")) {
    const before = engine.resources.length;
    assert.throws(() => new pkg.Elasticsearch("bad", { namespace: "search", elasticPassword: "x", replicas: 2 }), pkg.ArgumentError);
    assert.equal(engine.resources.length, before, "an invalid component registered resources");
  }

  const built = {};
  for (const name of components) {
    const resourceName = `consumer-${name.toLowerCase()}`;
    built[name] = { resourceName, instance: new pkg[name](resourceName, ...FIXTURES[name](pkg, pulumi)) };
  }
  await engine.settle();

  const report = {};
  for (const [name, { resourceName }] of Object.entries(built)) {
    const type = `eks-search-platform:index:${name}`;
    const self = engine.resources.find((r) => r.type === type && r.name === resourceName);
    assert.ok(self, `${name} did not register as ${type}`);
    const children = engine.resources.filter((r) => r.parent === self.urn);
    assert.ok(children.length > 0, `${name} registered no children`);
    report[name] = children.length;
  }
  if (built.Elasticsearch) {
    const plain = engine.resources.filter((r) => hasPlain(r.inputs, SECRET)).map((r) => r.urn);
    assert.deepEqual(plain, [], "the Elasticsearch password reached a resource outside a secret");
    assert.ok(engine.resources.some((r) => JSON.stringify(r.inputs).includes(SECRET)), "the password reached no resource at all");
  }
  console.log(JSON.stringify({ cjsExports: expected.values.length, childrenByComponent: report, resources: engine.resources.length }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
