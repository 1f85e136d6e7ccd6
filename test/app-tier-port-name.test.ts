// The main port's name (`portName`, default "http"): a MySQL or gRPC tier names it for what it carries, since
// service meshes and `appProtocol`-less tooling read the protocol from the port name (Istio takes `http*` as HTTP).
import { beforeAll, describe, expect, it } from "vitest";
import { AppTier, type AppTierArgs } from "../components/app-tier/app-tier";
import { configIssues } from "./config-issues";
import { parsePlatformConfig } from "../components/config/parse";
import { argumentErrorOf, setupMocks, unwrapSecrets, type MockEngine } from "./mocks";

let engine: MockEngine;
beforeAll(async () => {
  engine = await setupMocks();
});

const base = (extra: Partial<AppTierArgs> = {}): AppTierArgs => ({ namespace: "shop", image: "ghcr.io/example/db:1.0.0", ...extra });
const objects = (tier: string, type: string): Record<string, any>[] => {
  const parent = engine.get("eks-search-platform:index:AppTier", tier).urn;
  return engine.byType(type).filter((r) => r.parent === parent).map((r) => unwrapSecrets(r.state) as Record<string, any>);
};

describe("portName: the main port's name", () => {
  it("names the container port, every Service's port and its target, and the Ingress backend by it", async () => {
    new AppTier("db", base({ stateful: true, port: 3306, portName: "mysql" }));
    new AppTier("api", base({ port: 9090, portName: "grpc", ports: [{ name: "docs", port: 8100 }], expose: { type: "ingress", rules: [{ host: "api.example.com" }, { host: "docs.example.com", port: "docs" }] } }));
    await engine.settle();
    const db = objects("db", "kubernetes:apps/v1:StatefulSet")[0].spec.template.spec.containers[0];
    expect(db.ports).toEqual([{ name: "mysql", containerPort: 3306, protocol: "TCP" }]);
    const services = objects("db", "kubernetes:core/v1:Service");
    expect(services.map((s) => s.spec.ports)).toEqual([
      [{ name: "mysql", port: 3306, targetPort: "mysql", protocol: "TCP" }],
      [{ name: "mysql", port: 3306, targetPort: "mysql", protocol: "TCP" }],
    ]);
    const ingress = objects("api", "kubernetes:networking.k8s.io/v1:Ingress")[0];
    expect(ingress.spec.rules.map((r: any) => r.http.paths[0].backend.service.port.name)).toEqual(["grpc", "docs"]);
    // A rule to the main port routes to no port other than it: no separate health-check port.
    expect(ingress.metadata.annotations["alb.ingress.kubernetes.io/healthcheck-port"]).toBe("9090");
  });

  it("stays http when unset (objects unchanged)", async () => {
    new AppTier("web", base({ port: 8080 }));
    await engine.settle();
    expect(objects("web", "kubernetes:core/v1:Service")[0].spec.ports).toEqual([{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }]);
  });

  it("refuses a name that is not a port name, an extra port of the same name, and rules to http once it is renamed", () => {
    const error = argumentErrorOf(() => new AppTier("bad-name", base({ portName: "MySQL_1", ports: [{ name: "grpc", port: 9000 }] })));
    expect(error.message).toContain('args.portName: must be a port name: a DNS label of at most 15 characters with a letter (got "MySQL_1")');
    const clash = argumentErrorOf(() => new AppTier("clash", base({ portName: "grpc", ports: [{ name: "grpc", port: 9000 }], expose: { type: "ingress", rules: [{ host: "a.example.com", port: "http" }] } })));
    expect(clash.issues.map((i) => i.path).sort()).toEqual(["expose.rules[0].port", "ports[0].name"]);
    expect(clash.message).toContain('args.ports[0].name: must be unique and not "grpc" (the main port\'s name) (got "grpc")');
    expect(clash.message).toContain(`args.expose.rules[0].port: must name one of the tier's ports (grpc) (got "http")`);
  });

  it("is config too: apps.tiers.<name>.portName, validated, with rules defaulting to it", () => {
    const config = parsePlatformConfig({ target: "kubeconfig", apps: { tiers: { db: { image: "db:1", port: 3306, portName: "mysql" }, web: { image: "web:1", portName: "web", expose: { type: "ingress", rules: [{ host: "a.example.com" }] } } } } });
    expect(config.apps.tiers.db.portName).toBe("mysql");
    expect(config.apps.tiers.web.expose.rules?.[0].port ?? config.apps.tiers.web.portName).toBe("web");
    expect(configIssues({ target: "kubeconfig", apps: { tiers: { db: { image: "db:1", portName: "-x" } } } }).map((i) => i.path)).toEqual(["apps.tiers.db.portName"]);
    expect(configIssues({ target: "kubeconfig", apps: { tiers: { web: { image: "web:1", portName: "web", ports: [{ name: "web", port: 9000 }], expose: { type: "ingress", rules: [{ host: "a.example.com", port: "http" }] } } } } }).map((i) => i.path).sort()).toEqual(["apps.tiers.web.expose.rules.0.port", "apps.tiers.web.ports"]);
  });
});
