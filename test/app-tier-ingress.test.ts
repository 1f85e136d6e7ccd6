// Several Ingress rules per tier (issue 14): hosts and paths, each to a named port, in one Ingress (one load balancer).
import { beforeAll, describe, expect, it } from "vitest";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { AppTier, type AppTierArgs } from "../components/app-tier/app-tier";
import { ingressSpecFor, ingressUrls } from "../components/app-tier/ingress";
import { resolveTier } from "../components/app-tier/resolve";
import { parsePlatformConfig } from "../components/config/parse";
import { Platform } from "../components/platform/platform";
import { argumentErrorOf, configIssueLines, setupMocks, unwrapSecrets, valueOf, type MockEngine } from "./mocks";

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const TIER = "eks-search-platform:index:AppTier";

let engine: MockEngine;
beforeAll(async () => {
  engine = await setupMocks();
});

const base = (extra: Partial<AppTierArgs> = {}): AppTierArgs => ({ namespace: "search", image: "ghcr.io/example/app:1.0.0", ...extra });
/** hobnob: the API on 8080 and its docs on 8100, on two hosts. */
const hobnob = (expose: AppTierArgs["expose"] = {}): AppTierArgs =>
  base({
    name: "api",
    ports: [{ name: "docs", port: 8100 }],
    probes: { readiness: { path: "/health" } },
    expose: { type: "ingress", rules: [{ host: "api.example.com" }, { host: "docs.example.com", port: "docs" }], ...expose },
  });

function ingressOf(name: string): Record<string, any> {
  const parent = engine.get(TIER, name).urn;
  const found = engine.byType(INGRESS).filter((r) => r.parent === parent);
  expect(found).toHaveLength(1);
  return unwrapSecrets(found[0].state) as Record<string, any>;
}

describe("expose.rules: several Ingress rules, one Ingress", () => {
  it("routes each host to its named port on the tier's Service, in one Ingress that validates", async () => {
    const tier = new AppTier("hobnob-api", hobnob({ tlsSecretName: "api-tls" }));
    await engine.settle();
    const ingress = ingressOf("hobnob-api");
    const backend = (port: string) => ({ service: { name: "api", port: { name: port } } });
    expect(ingress.spec).toEqual({
      ingressClassName: "alb",
      rules: [
        { host: "api.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: backend("http") }] } },
        { host: "docs.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: backend("docs") }] } },
      ],
      tls: [{ hosts: ["api.example.com", "docs.example.com"], secretName: "api-tls" }],
    });
    expect(() => new Ingress(ingress as any).validate()).not.toThrow();
    // One Ingress is one ALB; each port is a target group, and every one checks the pod's readiness endpoint.
    expect(ingress.metadata.annotations).toMatchObject({
      "alb.ingress.kubernetes.io/healthcheck-path": "/health",
      "alb.ingress.kubernetes.io/healthcheck-port": "8080",
      "alb.ingress.kubernetes.io/ssl-redirect": "443",
    });
    expect(await valueOf(tier.urls)).toEqual(["https://api.example.com", "https://docs.example.com"]);
    expect(await valueOf(tier.url)).toBe("https://api.example.com");
  });

  it("puts the paths of one host in one rule, longest prefix first (the ALB controller evaluates them in order)", () => {
    const tier = resolveTier("t", {
      image: "x",
      ports: [{ name: "docs", port: 8100 }],
      expose: { type: "ingress", rules: [{ host: "a.example.com" }, { host: "a.example.com", path: "/docs", port: "docs" }, { path: "/status" }] },
    });
    const spec = ingressSpecFor(tier, "t");
    expect(spec.rules).toEqual([
      {
        host: "a.example.com",
        http: {
          paths: [
            { path: "/docs", pathType: "Prefix", backend: { service: { name: "t", port: { name: "docs" } } } },
            { path: "/", pathType: "Prefix", backend: { service: { name: "t", port: { name: "http" } } } },
          ],
        },
      },
      { http: { paths: [{ path: "/status", pathType: "Prefix", backend: { service: { name: "t", port: { name: "http" } } } }] } },
    ]);
    // A rule without a host is reached on the load balancer's name, once it is known.
    expect(ingressUrls(tier)).toEqual(["http://a.example.com", "http://a.example.com/docs"]);
    expect(ingressUrls(tier, "lb.example.net")).toEqual(["http://a.example.com", "http://a.example.com/docs", "http://lb.example.net/status"]);
  });

  it("keeps the one-rule form unchanged: host and path to the main port, no health-check port override", async () => {
    const tier = new AppTier("single-in", base({ name: "single", expose: { type: "ingress", host: "www.example.com", path: "/app" } }));
    await engine.settle();
    const ingress = ingressOf("single-in");
    expect(ingress.spec.rules).toEqual([{ host: "www.example.com", http: { paths: [{ path: "/app", pathType: "Prefix", backend: { service: { name: "single", port: { name: "http" } } } }] } }]);
    expect(ingress.metadata.annotations).not.toHaveProperty(["alb.ingress.kubernetes.io/healthcheck-port"]);
    expect(await valueOf(tier.urls)).toEqual(["http://www.example.com/app"]);
  });

  it("refuses rules beside host or path, unknown ports, hostless rules with TLS, a route given twice, rules without an Ingress and unknown keys", () => {
    const error = argumentErrorOf(
      () =>
        new AppTier(
          "bad-rules",
          base({
            ports: [{ name: "docs", port: 8100 }],
            expose: {
              type: "ingress",
              host: "a.example.com",
              tlsSecretName: "tls",
              rules: [{ host: "a.example.com" }, { host: "a.example.com", path: "/" }, { port: "metrics" }, { host: "Bad_Host", hots: "x" } as never],
            },
          }),
        ),
    );
    const lines = error.issues.map((i) => `${i.path}: ${i.message}`);
    expect(lines).toEqual([
      "expose.host: cannot be set with expose.rules: give each rule its own host and path",
      "expose.rules[3].hots: is not an argument (allowed: host, path, port)",
      "expose.rules[1]: routes a.example.com /, as expose.rules[0] does",
      "expose.rules[2].port: must name one of the tier's ports (http, docs)",
      "expose.rules[2].host: is required when tlsSecretName is set (the certificate is for named hosts)",
      "expose.rules[3].host: must be a DNS name such as api.example.com",
    ]);
    const notIngress = argumentErrorOf(() => new AppTier("lb-rules", base({ expose: { type: "loadBalancer", rules: [{ host: "a.example.com" }] } })));
    expect(notIngress.issues.map((i) => i.path)).toEqual(["expose.rules"]);
    expect(argumentErrorOf(() => new AppTier("empty-rules", base({ expose: { type: "ingress", rules: [] } }))).issues.map((i) => i.path)).toEqual(["expose.rules"]);
  });
});

describe("expose.rules in config", () => {
  const stack = (expose: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    target: "kubeconfig",
    elasticsearch: { enabled: false },
    apps: { tiers: { api: { image: "api:1", ports: [{ name: "docs", port: 8100 }], expose: { type: "ingress", ...expose }, ...extra } } },
  });

  it("fills each rule's defaults and reaches the tier's Ingress through the Platform", async () => {
    const config = parsePlatformConfig(stack({ rules: [{ host: "api.example.com" }, { host: "docs.example.com", port: "docs" }] }));
    expect(config.apps.tiers.api.expose.rules).toEqual([
      { host: "api.example.com", path: "/", port: "http" },
      { host: "docs.example.com", path: "/", port: "docs" },
    ]);
    const e = await setupMocks();
    const platform = new Platform("p", config, {});
    await e.settle();
    const ingresses = e.byType(INGRESS).map((r) => unwrapSecrets(r.state) as Record<string, any>);
    expect(ingresses).toHaveLength(1);
    expect(ingresses[0].spec.rules.map((r: any) => [r.host, r.http.paths[0].backend.service.port.name])).toEqual([
      ["api.example.com", "http"],
      ["docs.example.com", "docs"],
    ]);
    expect(await valueOf(platform.tierUrls)).toEqual({ api: "http://api.example.com" });
  });

  it("refuses the same mistakes as the component, by key", () => {
    expect(configIssueLines(stack({ host: "a.example.com", rules: [{ host: "a.example.com" }, { host: "a.example.com" }, { port: "metrics" }] }))).toEqual([
      "apps.tiers.api.expose.host: cannot be set with rules: give each rule its own host and path (got \"a.example.com\")",
      "apps.tiers.api.expose.rules.1: routes a.example.com /, as rules.0 does (got {\"host\":\"a.example.com\"})",
      "apps.tiers.api.expose.rules.2.port: must name one of the tier's ports (http, docs) (got \"metrics\")",
    ]);
    expect(configIssueLines(stack({ tlsSecretName: "tls", rules: [{ host: "a.example.com" }, { path: "/x" }] }))).toEqual([
      "apps.tiers.api.expose.rules.1.host: is required when tlsSecretName is set (got nothing)",
    ]);
    expect(configIssueLines(stack({ type: "loadBalancer", rules: [{ host: "a.example.com", hots: 1 }] }))).toEqual([
      "apps.tiers.api.expose.rules.0.hots: unknown key (allowed: host, path, port) (got 1)",
      'apps.tiers.api.expose.rules: only applies to expose type ingress (got [{"host":"a.example.com","hots":1}])',
    ]);
  });
});
