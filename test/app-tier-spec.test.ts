import { tierArgsFromConfig } from "../components/platform/platform";
import { describe, expect, it } from "vitest";
import { argumentErrorOf } from "./mocks";
import { migrationJobName, secretObjectName, inClusterUrl } from "../components/app-tier/names";
import { tierNetworkPolicySpecFor } from "../components/app-tier/network-policy";
import { probeFor, topologySpreadFor, containerResourcesFor } from "../components/app-tier/pod";
import { resolveTier, resolveResources } from "../components/app-tier/resolve";
import { validateTierArgs } from "../components/app-tier/validate";
import { pdbSpecFor, deploymentSpecFor } from "../components/app-tier/workloads";
import { parsePlatformConfig, readRawPlatformConfig } from "../components/config/parse";
import { loadStackFile } from "../scripts/lib/stack-config";

const tier = (extra: Record<string, unknown> = {}) => resolveTier("api", { image: "ghcr.io/example/api:1.0.0", ...extra });

describe("secretObjectName", () => {
  const values = { SESSION_KEY: "hunter2-session", DB: "db-secret" };

  it("is a DNS label carrying a 10-hex hash, stable for the same content in any key order", () => {
    const name = secretObjectName("api", values);
    expect(name).toMatch(/^api-secrets-[0-9a-f]{10}$/);
    expect(secretObjectName("api", { DB: "db-secret", SESSION_KEY: "hunter2-session" })).toBe(name);
  });

  it("changes when any value or key changes, and differs per tier", () => {
    const name = secretObjectName("api", values);
    expect(secretObjectName("api", { ...values, DB: "db-secret2" })).not.toBe(name);
    expect(secretObjectName("api", { SESSION_KEY: "hunter2-session", DB2: "db-secret" })).not.toBe(name);
    expect(secretObjectName("web", values)).not.toBe(name.replace(/^api/, "web"));
  });

  it("is salted: the hash is not a prefix of the bare SHA-256 of the value", async () => {
    const { createHash } = await import("node:crypto");
    const bare = createHash("sha256").update("hunter2-session").digest("hex");
    const hash = secretObjectName("api", { SESSION_KEY: "hunter2-session" }).split("-").pop()!;
    expect(bare.startsWith(hash)).toBe(false);
  });
});

describe("migrationJobName", () => {
  it("changes with the image and the command, and stays a DNS label for long names", () => {
    const a = migrationJobName("api", "ghcr.io/example/api:1.0.0", ["node", "migrate.js"]);
    expect(a).toBe(migrationJobName("api", "ghcr.io/example/api:1.0.0", ["node", "migrate.js"]));
    expect(migrationJobName("api", "ghcr.io/example/api:1.0.1", ["node", "migrate.js"])).not.toBe(a);
    expect(migrationJobName("api", "ghcr.io/example/api:1.0.0", ["node", "migrate2.js"])).not.toBe(a);
    const long = migrationJobName("a".repeat(60), "img:1", ["x"]);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it("changes with the template when one is given", () => {
    const template = { spec: { containers: [{ name: "migrate", env: [{ name: "K", valueFrom: { secretKeyRef: { name: "api-secrets-0123456789", key: "K" } } }] }] } };
    const a = migrationJobName("api", "img:1", ["m"], template);
    expect(a).toBe(migrationJobName("api", "img:1", ["m"], structuredClone(template)));
    expect(migrationJobName("api", "img:1", ["m"], { spec: { containers: [{ name: "migrate", env: [] }] } })).not.toBe(a);
    expect(a).not.toBe(migrationJobName("api", "img:1", ["m"]));
  });
});

describe("probeFor", () => {
  it("uses HTTP GET for a path, exec for a command, TCP otherwise", () => {
    expect(probeFor("readiness", { path: "/ready" }, 8080, false)).toMatchObject({ httpGet: { path: "/ready", port: 8080 } });
    expect(probeFor("readiness", { command: ["check"] }, 8080, false)).toMatchObject({ exec: { command: ["check"] } });
    expect(probeFor("readiness", undefined, 8080, false)).toMatchObject({ tcpSocket: { port: 8080 } });
    expect(probeFor("liveness", { path: "/live", port: 9000 }, 8080, false)).toMatchObject({ httpGet: { path: "/live", port: 9000 } });
  });

  it("delays liveness unless a startup probe holds it off, and gives startup room for a cold start", () => {
    expect(probeFor("liveness", undefined, 8080, false).initialDelaySeconds).toBe(10);
    expect(probeFor("liveness", undefined, 8080, true).initialDelaySeconds).toBe(0);
    const startup = probeFor("startup", { path: "/" }, 8080, true);
    expect(Number(startup.periodSeconds) * Number(startup.failureThreshold)).toBeGreaterThanOrEqual(120);
    expect(probeFor("readiness", { periodSeconds: 1, failureThreshold: 9 }, 1, false)).toMatchObject({ periodSeconds: 1, failureThreshold: 9 });
  });
});

describe("resolveResources and containerResourcesFor", () => {
  it("fills CPU and memory only when resources are absent, disk always, in Kubernetes' spelling", () => {
    expect(containerResourcesFor(resolveResources(undefined))).toEqual({
      requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
      limits: { memory: "256Mi", "ephemeral-storage": "1Gi" },
    });
    expect(containerResourcesFor(resolveResources({ limits: { memory: "1Gi", ephemeralStorage: "4Gi" } }))).toEqual({
      requests: { "ephemeral-storage": "64Mi" },
      limits: { memory: "1Gi", "ephemeral-storage": "4Gi" },
    });
  });
});

describe("tierNetworkPolicySpecFor", () => {
  it.each([
    ["none", false],
    ["internal", false],
    ["loadBalancer", true],
    ["ingress", true],
  ] as const)("expose %s: ingress from any source is %s", (type, open) => {
    const rule = tierNetworkPolicySpecFor(tier({ expose: { type } })).ingress as { from?: unknown }[];
    expect(rule).toHaveLength(1);
    expect(rule[0].from === undefined).toBe(open);
  });
});

describe("pdbSpecFor and topologySpreadFor", () => {
  it.each([
    ["one replica", { replicas: 1 }, undefined],
    ["two replicas", { replicas: 2 }, { maxUnavailable: 1 }],
    ["HPA from one", { replicas: 3, autoscaling: { minReplicas: 1, maxReplicas: 5 }, resources: { requests: { cpu: "100m" } } }, undefined],
    ["HPA from two", { replicas: 1, autoscaling: { minReplicas: 2, maxReplicas: 5 }, resources: { requests: { cpu: "100m" } } }, { maxUnavailable: 1 }],
    ["explicit", { replicas: 1, disruptionBudget: { minAvailable: 1 } }, { minAvailable: 1 }],
  ])("%s", (_label, args, expected) => {
    const spec = pdbSpecFor(tier(args));
    if (expected === undefined) expect(spec).toBeUndefined();
    else expect(spec).toMatchObject(expected);
  });

  it("spreads when more than one pod may run (replicas or HPA maximum), unless turned off", () => {
    expect(topologySpreadFor(tier({ replicas: 1 }))).toEqual([]);
    expect(topologySpreadFor(tier({ replicas: 2 }))).toHaveLength(2);
    expect(topologySpreadFor(tier({ replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 3 } }))).toHaveLength(2);
    expect(topologySpreadFor(tier({ replicas: 3, topologySpread: false }))).toEqual([]);
  });
});

describe("deploymentSpecFor", () => {
  it("sets replicas without an HPA and leaves them to the HPA with one", () => {
    expect(deploymentSpecFor(tier({ replicas: 2 }), undefined, "api").replicas).toBe(2);
    expect(deploymentSpecFor(tier({ replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 4 } }), undefined, "api")).not.toHaveProperty("replicas");
  });

  it("never lets pod labels override the selector labels", () => {
    const spec = deploymentSpecFor(tier({ podLabels: { "app.kubernetes.io/name": "other", client: "yes" } }), undefined, "api");
    const labels = (spec.template as { metadata: { labels: Record<string, string> } }).metadata.labels;
    expect(labels["app.kubernetes.io/name"]).toBe("api");
    expect(labels.client).toBe("yes");
  });

  it("builds in-cluster URLs from Service DNS", () => {
    expect(inClusterUrl("api", "search", 8080)).toBe("http://api.search.svc.cluster.local:8080");
  });
});

describe("validateTierArgs", () => {
  it("accepts every tier of the committed stacks, as parsed from config", () => {
    for (const stack of ["dev", "prod", "local"]) {
      const { config } = loadStackFile(stack, ".");
      const platform = parsePlatformConfig(readRawPlatformConfig(config));
      for (const [name, t] of Object.entries(platform.apps.tiers)) {
        // The Platform's own mapping from config to arguments (it drops the keys only the Platform reads).
        const args = tierArgsFromConfig(name, t);
        const secrets = Object.fromEntries([...t.secretEnv, ...(t.secretFiles?.keys ?? [])].map((k) => [k, "v"]));
        expect(() => validateTierArgs(name, args, Object.keys(secrets)), `${stack}/${name}`).not.toThrow();
      }
    }
  });

  it("reports a missing secret value, an undeclared one, and a mount clash together", () => {
    const error = argumentErrorOf(() => {
      validateTierArgs("api", { image: "a:1", secretFiles: { keys: ["k"], mountPath: "/data" }, sharedVolumes: { data: "/data" }, secretEnv: ["A"] }, ["B"]);
    });
    expect(error.issues.map((i) => i.path).sort()).toEqual(["secrets.A", "secrets.B", "secrets.k", "sharedVolumes.data"]);
  });

  it("requires a CPU request for a CPU autoscaler and rejects a zero-progress rollout", () => {
    expect(() => validateTierArgs("api", { image: "a:1", autoscaling: { minReplicas: 1, maxReplicas: 2 }, resources: { requests: { memory: "1Gi" } } }, [])).toThrow(/resources.requests.cpu/);
    expect(() => validateTierArgs("api", { image: "a:1", strategy: { maxUnavailable: "0%", maxSurge: 0 } }, [])).toThrow(/cannot both be 0/);
    expect(() => validateTierArgs("api", { image: "a:1", disruptionBudget: { maxUnavailable: 0 } }, [])).toThrow(/drained/);
  });
});
