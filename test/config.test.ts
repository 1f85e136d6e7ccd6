import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { ConfigError } from "../components/config/errors";
import { parsePlatformConfig, readRawPlatformConfig } from "../components/config/parse";
import { CONFIG_KEYS, SECRET_CONFIG_KEYS, type PlatformConfigInput } from "../components/config/schema";
import { loadStackFile } from "../scripts/lib/stack-config";
import { configIssues } from "./config-issues";

const group = { name: "general", instanceTypes: ["t3.large"], minSize: 1, maxSize: 3 };
/** A minimal valid aws config; each bad case below breaks exactly one thing in it. */
const valid = (): Record<string, any> => ({
  target: "aws",
  cluster: { bootstrapCreatorAdmin: true, nodeGroups: [{ ...group }] },
  apps: { tiers: { api: { image: "ghcr.io/example/api:1.0.0" } } },
});

const issuesOf = configIssues;

type Case = [label: string, mutate: (c: Record<string, any>) => void, path: string, mentions: string];
const tier = (c: Record<string, any>) => c.apps.tiers.api;

const badCases: Case[] = [
  ["unknown top-level key", (c) => (c.clsuter = {}), "clsuter", "unknown key"],
  ["unknown nested key", (c) => (c.cluster.nodeGroups[0].minsize = 1), "cluster.nodeGroups.0.minsize", "unknown key"],
  ["bad target", (c) => (c.target = "gcp"), "target", '"aws", "kubeconfig"'],
  ["min > desired", (c) => Object.assign(c.cluster.nodeGroups[0], { minSize: 3, desiredSize: 2, maxSize: 4 }), "cluster.nodeGroups.0.minSize", "desiredSize"],
  ["desired > max", (c) => Object.assign(c.cluster.nodeGroups[0], { minSize: 1, desiredSize: 5, maxSize: 4 }), "cluster.nodeGroups.0.desiredSize", "maxSize"],
  ["empty instance types", (c) => (c.cluster.nodeGroups[0].instanceTypes = []), "cluster.nodeGroups.0.instanceTypes", "at least 1"],
  ["negative minSize", (c) => (c.cluster.nodeGroups[0].minSize = -1), "cluster.nodeGroups.0.minSize", "≥ 0"],
  ["no node groups on aws", (c) => (c.cluster.nodeGroups = []), "cluster.nodeGroups", "node group is required"],
  ["duplicate node group", (c) => c.cluster.nodeGroups.push({ ...group }), "cluster.nodeGroups.1.name", "duplicate"],
  ["bad taint effect", (c) => (c.cluster.nodeGroups[0].taints = [{ key: "dedicated", effect: "Never" }]), "cluster.nodeGroups.0.taints.0.effect", "NoSchedule"],
  ["ES 2 replicas", (c) => (c.elasticsearch = { replicas: 2 }), "elasticsearch.replicas", "quorum"],
  ["ES memory too small", (c) => (c.elasticsearch = { memory: "1Gi" }), "elasticsearch.memory", "2Gi"],
  ["ES memory not a quantity", (c) => (c.elasticsearch = { memory: "4GB" }), "elasticsearch.memory", "quantity"],
  ["ES heap above 31g", (c) => (c.elasticsearch = { memory: "128Gi", heapSize: "40Gi" }), "elasticsearch.heapSize", "31Gi"],
  ["ES bad version", (c) => (c.elasticsearch = { version: "latest" }), "elasticsearch.version", "8.19.7"],
  ["invalid CIDR", (c) => (c.network = { cidrBlock: "10.0.0.0/33" }), "network.cidrBlock", "CIDR"],
  ["CIDR too small", (c) => (c.network = { cidrBlock: "10.0.0.0/24" }), "network.cidrBlock", "too small"],
  ["CIDR host bits", (c) => (c.network = { cidrBlock: "10.0.0.1/16" }), "network.cidrBlock", "host bits"],
  ["AZ count too low", (c) => (c.network = { availabilityZoneCount: 1 }), "network.availabilityZoneCount", "2 to 6"],
  ["AZ count too high", (c) => (c.network = { availabilityZoneCount: 7 }), "network.availabilityZoneCount", "2 to 6"],
  ["AZ list and count", (c) => (c.network = { availabilityZones: ["us-east-1a", "us-east-1b"], availabilityZoneCount: 2 }), "network.availabilityZoneCount", "set one of"],
  ["AZ IDs and names", (c) => (c.network = { availabilityZones: ["us-east-1a", "us-east-1b"], availabilityZoneIds: ["use1-az1", "use1-az2"] }), "network.availabilityZoneIds", "set one of"],
  ["bad zone ID", (c) => (c.network = { availabilityZoneIds: ["use1-az1", "us-east-1a"] }), "network.availabilityZoneIds.1", "zone ID"],
  ["bad excluded zone ID", (c) => (c.network = { excludeZoneIds: ["az3"] }), "network.excludeZoneIds.0", "zone ID"],
  ["bad AZ name", (c) => (c.network = { availabilityZones: ["us-east-1a", "east"] }), "network.availabilityZones.1", "AZ name"],
  ["gp3 IOPS too high", (c) => (c.storage = { iops: 20000 }), "storage.iops", "3000 to 16000"],
  ["gp3 throughput too high", (c) => (c.storage = { throughputMiBps: 1200, iops: 16000 }), "storage.throughputMiBps", "125 to 1000"],
  ["gp3 throughput above IOPS/4", (c) => (c.storage = { iops: 3000, throughputMiBps: 1000 }), "storage.throughputMiBps", "IOPS/4"],
  ["IOPS on gp2", (c) => (c.storage = { type: "gp2", iops: 3000 }), "storage.iops", "gp2"],
  ["KMS key not an ARN", (c) => (c.storage = { kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" }), "storage.kmsKeyId", "KMS key ARN"],
  ["KMS key ARN of another service", (c) => (c.storage = { kmsKeyId: "arn:aws:iam::123456789012:role/key" }), "storage.kmsKeyId", "alias ARN"],
  ["add-on version not a version", (c) => (c.cluster.addonVersions = { coredns: "latest" }), "cluster.addonVersions.coredns", "eksbuild"],
  ["unknown add-on", (c) => (c.cluster.addonVersions = { "vpc-cin": "v1.19.2-eksbuild.1" }), "cluster.addonVersions.vpc-cin", "unknown key"],
  ["Auto Mode with node groups", (c) => (c.cluster.autoMode = { enabled: true }), "cluster.nodeGroups", "must be empty with cluster.autoMode.enabled"],
  ["Auto Mode without NAT", (c) => Object.assign(c, { network: { natGateways: "none" }, cluster: { ...c.cluster, nodeGroups: [], autoMode: { enabled: true } } }), "network.natGateways", "autoMode"],
  ["Auto Mode with vm.max_map_count on the node", (c) => Object.assign(c, { elasticsearch: { vmMaxMapCount: "node" }, cluster: { ...c.cluster, nodeGroups: [], autoMode: { enabled: true } } }), "elasticsearch.vmMaxMapCount", "no user data"],
  ["Auto Mode bad node pool", (c) => (c.cluster.autoMode = { enabled: false, builtInNodePools: ["gpu"] }), "cluster.autoMode.builtInNodePools.0", "general-purpose"],
  ["provisioner on aws", (c) => (c.storage = { provisioner: "rancher.io/local-path" }), "storage.provisioner", "kubeconfig"],
  ["bad image", (c) => (tier(c).image = "Not An Image"), "apps.tiers.api.image", "image reference"],
  ["bad expose host", (c) => (tier(c).expose = { type: "ingress", host: "under_score.example.com" }), "apps.tiers.api.expose.host", "DNS name"],
  ["port out of range", (c) => (tier(c).port = 70000), "apps.tiers.api.port", "65535"],
  ["port zero", (c) => (tier(c).ports = [{ name: "docs", port: 0 }]), "apps.tiers.api.ports.0.port", "≥ 1"],
  ["HPA min > max", (c) => (tier(c).autoscaling = { minReplicas: 4, maxReplicas: 2 }), "apps.tiers.api.autoscaling.minReplicas", "maxReplicas"],
  ["EKS version form", (c) => (c.cluster.version = "1.34.1"), "cluster.version", "1.NN"],
  ["EKS version as number", (c) => (c.cluster.version = 1.34), "cluster.version", "string"],
  ["no admin at all", (c) => (c.cluster.bootstrapCreatorAdmin = false), "cluster.adminRoleArns", "administer"],
  ["bad admin ARN", (c) => (c.cluster.adminRoleArns = ["arn:aws:iam::123:user/bob"]), "cluster.adminRoleArns.0", "IAM role ARN"],
  ["admin twice", (c) => (c.cluster.adminRoleArns = ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"]), "cluster.adminRoleArns.1", "one access entry per principal"],
  ["admin also viewer", (c) => Object.assign(c.cluster, { adminRoleArns: ["arn:aws:iam::123456789012:role/a"], viewerRoleArns: ["arn:aws:iam::123456789012:role/a"] }), "cluster.viewerRoleArns.0", "one access entry per principal"],
  ["adopted but not listed", (c) => (c.cluster.adoptAccessEntries = ["arn:aws:iam::123456789012:role/a"]), "cluster.adoptAccessEntries.0", "also be listed"],
  ["bad upgrade policy", (c) => (c.cluster.upgradePolicy = "LTS"), "cluster.upgradePolicy", "STANDARD"],
  ["both endpoints off", (c) => (c.cluster.endpoint = { publicAccess: false, privateAccess: false }), "cluster.endpoint.publicAccess", "at least one"],
  ["retention not a CloudWatch period", (c) => (c.cluster.logRetentionDays = 45), "cluster.logRetentionDays", "retention periods"],
  ["bad tier name", (c) => (c.apps.tiers.API = { image: "nginx:1" }), "apps.tiers.API", "DNS label"],
  ["bad env var name", (c) => (tier(c).secretEnv = ["1BAD"]), "apps.tiers.api.secretEnv.0", "environment variable"],
  ["TLS secret without host", (c) => (tier(c).expose = { type: "ingress", tlsSecretName: "api-tls" }), "apps.tiers.api.expose.host", "tlsSecretName"],
  ["PDB with both fields", (c) => (tier(c).disruptionBudget = { minAvailable: 1, maxUnavailable: 1 }), "apps.tiers.api.disruptionBudget", "exactly one"],
  ["bad probe path", (c) => (tier(c).probes = { readiness: { path: "healthz" } }), "apps.tiers.api.probes.readiness.path", "/"],
  ["bad resource quantity", (c) => (tier(c).resources = { limits: { memory: "lots" } }), "apps.tiers.api.resources.limits.memory", "quantity"],
];

describe("parsePlatformConfig: bad input", () => {
  it("covers at least 25 cases", () => expect(badCases.length).toBeGreaterThanOrEqual(25));

  it.each(badCases)("%s → %s", (_label, mutate, path, mentions) => {
    const raw = valid();
    mutate(raw);
    const issues = issuesOf(raw);
    const issue = issues.find((i) => i.path === path);
    expect(issue, `issues were: ${JSON.stringify(issues)}`).toBeDefined();
    expect(issue!.message).toContain(mentions);
    expect(issue!.message).toMatch(/\(got .*\)$/);
    // The error's message names the full key, namespace included.
    const error = (() => { try { parsePlatformConfig(raw); } catch (e) { return e as ConfigError; } })()!;
    expect(error.name).toBe("ConfigError");
    expect(error.message).toContain(`eks-search-platform:${path}: `);
  });

  it("accepts the valid base config (so every case above fails for its own reason)", () => {
    expect(() => parsePlatformConfig(valid())).not.toThrow();
  });
});

describe("parsePlatformConfig: all problems at once", () => {
  it("reports every problem in one error, one line each, with the value found", () => {
    const raw = valid();
    raw.clsuter = {};
    raw.elasticsearch = { replicas: 2, memory: "1Gi" };
    raw.cluster.nodeGroups[0].minSize = 9;
    raw.network = { cidrBlock: "10.0.0.0/24" };
    tier(raw).port = 0;
    const issues = issuesOf(raw);
    expect(issues.map((i) => i.path).sort()).toEqual(
      ["apps.tiers.api.port", "cluster.nodeGroups.0.minSize", "clsuter", "elasticsearch.memory", "elasticsearch.replicas", "network.cidrBlock"].sort(),
    );
    const lines = (() => { try { parsePlatformConfig(raw); } catch (e) { return (e as Error).message.split("\n"); } return []; })();
    expect(lines).toHaveLength(issues.length);
    expect(lines).toContain('eks-search-platform:elasticsearch.memory: must be at least 2Gi (got "1Gi")');
    expect(lines).toContain("eks-search-platform:elasticsearch.replicas: must be 1, or 3 and more: 2 nodes cannot keep a quorum through one loss (got 2)");
  });

  it("reports a type error and a cross-section error together", () => {
    const issues = issuesOf({ target: "aws", cluster: { version: 134, nodeGroups: [] } });
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(["cluster.version", "cluster.nodeGroups", "cluster.adminRoleArns"]));
  });
});

describe("parsePlatformConfig: defaults", () => {
  it("fills production defaults", () => {
    const config = parsePlatformConfig(valid());
    expect(config.network).toMatchObject({ cidrBlock: "10.0.0.0/16", availabilityZoneCount: 3, natGateways: "single" });
    expect(config.storage).toMatchObject({ type: "gp3", iops: 3000, throughputMiBps: 125, encrypted: true, reclaimPolicy: "Delete" });
    expect(config.elasticsearch).toMatchObject({ version: "8.19.7", replicas: 1, memory: "4Gi", vmMaxMapCount: "node" });
    expect(config.cluster.nodeGroups[0]).toMatchObject({ desiredSize: 1, capacityType: "ON_DEMAND", diskSizeGiB: 50 });
    expect(config.apps.tiers.api).toMatchObject({ port: 8080, replicas: 1, expose: { type: "internal" }, strategy: { maxUnavailable: 0, maxSurge: "25%" } });
    expect(config.apps.tiers.api.security).toEqual({ runAsNonRoot: true, readOnlyRootFilesystem: true, dropAllCapabilities: true, seccompRuntimeDefault: true, automountServiceAccountToken: false });
  });

  it("protects the control plane on the AWS side exactly when the stack is protected, unless told otherwise", () => {
    expect(parsePlatformConfig(valid()).cluster.deletionProtection).toBe(false);
    expect(parsePlatformConfig({ ...valid(), protect: true }).cluster.deletionProtection).toBe(true);
    expect(parsePlatformConfig({ ...valid(), protect: true, cluster: { ...valid().cluster, deletionProtection: false } }).cluster.deletionProtection).toBe(false);
    expect(parsePlatformConfig(valid()).cluster.upgradePolicy).toBeUndefined();
  });

  it("needs no node groups or admins for the kubeconfig target, and disables mmap there", () => {
    const config = parsePlatformConfig({ target: "kubeconfig" });
    expect(config.cluster.nodeGroups).toEqual([]);
    expect(config.elasticsearch.vmMaxMapCount).toBe("disableMmap");
  });
});

describe("the committed stack files", () => {
  it.each(["dev", "prod", "local", "automode"])("Pulumi.%s.yaml parses", (stack) => {
    const { config, encryptedKeys } = loadStackFile(stack, process.cwd());
    expect(encryptedKeys).toEqual([]);
    const parsed = parsePlatformConfig(readRawPlatformConfig(config));
    expect(parsed.apps.tiers.api.elasticsearch).toBe(true);
  });

  it("follow the environments table", () => {
    const load = (stack: string) => parsePlatformConfig(readRawPlatformConfig(loadStackFile(stack, process.cwd()).config));
    const dev = load("dev");
    const prod = load("prod");
    const local = load("local");
    expect([dev.network.availabilityZoneCount, dev.network.natGateways]).toEqual([2, "single"]);
    expect([prod.network.availabilityZoneCount, prod.network.natGateways]).toEqual([3, "perAz"]);
    expect(dev.cluster.nodeGroups.every((g) => g.capacityType === "SPOT")).toBe(true);
    // At least 3 nodes per group, counting each AZ's group of a per-AZ spec.
    expect(prod.cluster.nodeGroups.every((g) => g.capacityType === "ON_DEMAND" && g.minSize * (g.perAvailabilityZone ? 3 : 1) >= 3)).toBe(true);
    expect(prod.cluster.nodeGroups.find((g) => g.name === "search")).toMatchObject({ perAvailabilityZone: true, labels: { workload: "search" } });
    expect(prod.cluster.endpoint.publicAccessCidrs).not.toContain("0.0.0.0/0");
    expect(prod.cluster.encryptSecrets).toBe(true);
    expect(prod.cluster.logTypes).toEqual(["api", "audit", "authenticator"]);
    expect(prod.storage.reclaimPolicy).toBe("Retain");
    expect(prod.protect).toBe(true);
    expect(prod.elasticsearch).toMatchObject({ replicas: 3, zoneSpread: true, tls: true });
    expect(dev.elasticsearch.replicas).toBe(1);
    expect(local.target).toBe("kubeconfig");
    expect(local.elasticsearch.replicas).toBe(1);
    for (const tierConfig of Object.values(prod.apps.tiers)) {
      expect(tierConfig.replicas >= 2 || tierConfig.autoscaling !== undefined).toBe(true);
      expect(tierConfig.disruptionBudget).toBeDefined();
    }
  });
});

describe("readRawPlatformConfig", () => {
  it("strips the namespace, parses objects, skips secrets and other namespaces, keeps typos", () => {
    const raw = readRawPlatformConfig({
      "aws:region": "us-east-1",
      "eks-search-platform:target": "kubeconfig",
      "eks-search-platform:elasticsearch": '{"replicas":3}',
      "eks-search-platform:elasticPassword": "hunter22",
      "eks-search-platform:typo": "x",
    });
    expect(raw).toEqual({ target: "kubeconfig", elasticsearch: { replicas: 3 }, typo: "x" } satisfies Record<string, unknown> & Partial<Record<keyof PlatformConfigInput, unknown>>);
  });
});

describe("Pulumi.yaml", () => {
  // The CLI refuses to run when a declared key has no default and the stack does not set it.
  it("declares every non-secret key, each with a type and a default, and no secret key", () => {
    const project = parse(readFileSync("Pulumi.yaml", "utf8")) as { config: Record<string, { type?: string; default?: unknown }> };
    expect(Object.keys(project.config).sort()).toEqual([...CONFIG_KEYS].sort());
    for (const [key, declaration] of Object.entries(project.config)) {
      expect(declaration.default, key).toBeDefined();
      expect(declaration.type, key).toBeDefined();
    }
    for (const key of SECRET_CONFIG_KEYS) expect(project.config[key]).toBeUndefined();
    // The defaults the CLI injects must parse.
    const raw = readRawPlatformConfig(Object.fromEntries(Object.entries(project.config).map(([k, d]) => [`eks-search-platform:${k}`, typeof d.default === "string" ? d.default : JSON.stringify(d.default)])));
    expect(() => parsePlatformConfig({ ...raw, target: "kubeconfig" })).not.toThrow();
  });
});
