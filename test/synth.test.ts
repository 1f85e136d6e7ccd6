import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECRET_SIG_KEY, SECRET_SIG_VALUE } from "../components/shared/redact";
import type { RecordedResource } from "../scripts/lib/mock-engine";
import { parseSynthArgs, UsageError } from "../scripts/lib/synth-args";
import { loadStackFile } from "../scripts/lib/stack-config";
import {
  CLUSTER_SCOPED_DIR,
  countByType,
  kubeObject,
  knownSecretStrings,
  manifestPath,
  renderManifests,
  renderNotRendered,
  renderOutputs,
  renderResources,
} from "../scripts/lib/synth-render";
import { OUTPUT_MARKER, SynthUserError, writeSynthOutput, type synthDocument } from "../scripts/lib/synth";

const wrap = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value });

function resource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}): RecordedResource {
  return {
    urn: `urn:pulumi:test::eks-search-platform::${type}::${name}`,
    type,
    name,
    custom: true,
    dependencies: [],
    propertyDependencies: {},
    inputs,
    state: { ...inputs },
    options: { protect: false, ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false, replaceOnChanges: [], additionalSecretOutputs: [], aliasCount: 0, transformCount: 0 },
    ...extra,
  };
}

describe("parseSynthArgs", () => {
  it("reads the stack, output dir, repeated --config/--secret pairs and --json", () => {
    expect(parseSynthArgs(["--stack", "prod", "--config", "elasticsearch.replicas=3", "--config=apps.tiers.api.image=a/b:1", "--secret", "appSecrets.api.KEY=x=y", "--json"])).toEqual({
      stack: "prod",
      out: "out/prod",
      config: [["elasticsearch.replicas", "3"], ["apps.tiers.api.image", "a/b:1"]],
      secrets: [["appSecrets.api.KEY", "x=y"]],
      json: true,
    });
    expect(parseSynthArgs(["-s", "dev", "--out", "/tmp/x"])).toMatchObject({ stack: "dev", out: "/tmp/x", json: false });
    expect(parseSynthArgs(["--help"])).toBe("help");
  });

  it.each([
    [[], "--stack is required"],
    [["--stack"], "needs a value"],
    [["--stack", "dev", "--config", "novalue"], "<key>=<value>"],
    [["--stack", "dev", "--frobnicate"], "unknown argument"],
    [["--stack", "../etc"], "not a stack name"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseSynthArgs(argv)).toThrow(UsageError);
    expect(() => parseSynthArgs(argv)).toThrow(message);
  });
});

describe("kubeObject", () => {
  it("renders the desired state with apiVersion, kind and the emulated auto-name, without status", () => {
    const r = resource("kubernetes:apps/v1:Deployment", "api", { metadata: { namespace: "search", labels: { a: "b" } }, spec: { replicas: 2, paused: undefined }, status: { readyReplicas: 2 } });
    r.state = { ...r.state, metadata: { namespace: "search", name: "api-1234abcd" }, status: { readyReplicas: 2 } };
    const object = kubeObject(r)!;
    expect(object).toEqual({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api-1234abcd", namespace: "search", labels: { a: "b" } }, spec: { replicas: 2 } });
    expect(Object.keys(object.metadata)).toEqual(["name", "namespace", "labels"]);
    expect(Object.keys(object).slice(0, 3)).toEqual(["apiVersion", "kind", "metadata"]);
  });

  it("maps the core group to v1 and leaves Helm releases, patches and YAML groups out", () => {
    expect(kubeObject(resource("kubernetes:core/v1:ConfigMap", "c", { metadata: { name: "c" } }))?.apiVersion).toBe("v1");
    expect(kubeObject(resource("kubernetes:helm.sh/v3:Release", "m", { chart: "metrics-server" }))).toBeUndefined();
    expect(kubeObject(resource("kubernetes:storage.k8s.io/v1:StorageClassPatch", "p", {}))).toBeUndefined();
    expect(kubeObject(resource("kubernetes:yaml/v2:ConfigGroup", "g", {}, { custom: false }))).toBeUndefined();
    const listed = renderNotRendered([resource("kubernetes:helm.sh/v3:Release", "m", { chart: "metrics-server", version: "3.12.2", namespace: "kube-system", repositoryOpts: { repo: "https://charts.example" } })], []);
    expect(listed).toEqual([{ type: "kubernetes:helm.sh/v3:Release", name: "m", reason: expect.stringContaining("Helm"), details: { chart: "metrics-server", version: "3.12.2", repository: "https://charts.example", namespace: "kube-system" } }]);
  });
});

describe("manifest layout", () => {
  it("puts cluster-scoped objects in a directory that sorts before every namespace, in apply order", () => {
    const files = renderManifests(
      [
        resource("kubernetes:apps/v1:Deployment", "d", { metadata: { name: "api", namespace: "search" } }),
        resource("kubernetes:core/v1:Service", "s", { metadata: { name: "api", namespace: "search" } }),
        resource("kubernetes:core/v1:Namespace", "n", { metadata: { name: "search" } }),
        resource("kubernetes:storage.k8s.io/v1:StorageClass", "sc", { metadata: { name: "gp3" } }),
        resource("kubernetes:core/v1:ConfigMap", "c", { metadata: { name: "nons" } }),
      ],
      [],
    ).map((m) => m.file);
    expect(files).toEqual([
      `${CLUSTER_SCOPED_DIR}/00-namespace-search.yaml`,
      `${CLUSTER_SCOPED_DIR}/08-storageclass-gp3.yaml`,
      "default/07-configmap-nons.yaml",
      "search/16-service-api.yaml",
      "search/20-deployment-api.yaml",
    ]);
    // kubectl apply -R walks directories in lexical order: namespaces must come first.
    expect([...files].sort()).toEqual(files);
    expect(manifestPath({ apiVersion: "v1", kind: "Widget", metadata: { name: "w", namespace: "0a" } })).toBe("0a/31-widget-w.yaml");
  });

  it("refuses two resources that render to the same object", () => {
    const twin = () => resource("kubernetes:core/v1:ConfigMap", `c${Math.random()}`, { metadata: { name: "same", namespace: "x" } });
    expect(() => renderManifests([twin(), twin()], [])).toThrow("same object");
  });
});

describe("secret redaction", () => {
  const password = "hunter2-injected-password";
  const generated = "mockgeneratedabcdef0123456789";
  const resources = [
    resource("random:index/randomPassword:RandomPassword", "pw", { length: 24 }, { state: { length: 24, result: generated, bcryptHash: "$2a$10$hash-of-generated-value" } }),
    resource("kubernetes:core/v1:Secret", "creds", {
      metadata: { name: "creds", namespace: "search" },
      stringData: wrap({ password }), // the Kubernetes SDK wraps the whole map
      data: { generated: wrap(Buffer.from(generated).toString("base64")), plain: "cGxhaW4=" },
    }),
    // A leak the program made (an unsecret'd value in a ConfigMap): the synth still must not print it.
    resource("kubernetes:core/v1:ConfigMap", "leaky", { metadata: { name: "leaky", namespace: "search" }, data: { url: `https://elastic:${generated}@es:9200` } }),
  ];
  const known = knownSecretStrings(resources, { "eks-search-platform:elasticPassword": password, "eks-search-platform:appSecrets": JSON.stringify({ api: { SESSION_KEY: "session-key-value" } }) });

  it("knows injected secrets (JSON leaves too), generated ones and their base64 forms", () => {
    expect(known).toEqual(expect.arrayContaining([password, "session-key-value", generated, "$2a$10$hash-of-generated-value", Buffer.from(generated).toString("base64")]));
    expect(known).not.toContain("api");
    expect(known).not.toContain("SESSION_KEY");
  });

  it("shows secrets as [secret] in manifests, keeping a redacted Secret apply-able", () => {
    const manifests = renderManifests(resources, known);
    const text = JSON.stringify(manifests);
    for (const s of [password, generated, Buffer.from(generated).toString("base64")]) expect(text).not.toContain(s);
    const secret = manifests.find((m) => m.object.kind === "Secret")!.object;
    expect(secret.stringData).toEqual({ password: "[secret]", generated: "[secret]" });
    expect(secret.data).toEqual({ plain: "cGxhaW4=" });
    expect(manifests.find((m) => m.object.kind === "ConfigMap")!.object.data).toEqual({ url: "https://elastic:[secret]@es:9200" });
  });

  it("redacts resources.json inputs and secret stack outputs", () => {
    const entries = renderResources(resources, known);
    expect(JSON.stringify(entries)).not.toContain(password);
    expect(JSON.stringify(entries)).not.toContain(generated);
    expect(renderOutputs({ url: { value: `http://x/${generated}`, secret: false }, kubeconfig: { value: { a: 1 }, secret: true } }, known)).toEqual({ url: "http://x/[secret]", kubeconfig: "[secret]" });
  });
});

describe("renderResources", () => {
  it("gives each resource its parent chain outermost first and only non-default options", () => {
    const platform = resource("eks-search-platform:index:Platform", "prod", {}, { custom: false });
    const es = resource("eks-search-platform:index:Elasticsearch", "es", {}, { custom: false, parent: platform.urn });
    const sts = resource("kubernetes:apps/v1:StatefulSet", "es", {}, { parent: es.urn });
    sts.options.protect = true;
    const [, , entry] = renderResources([platform, es, sts], []);
    expect(entry.parents).toEqual(["eks-search-platform:index:Platform::prod", "eks-search-platform:index:Elasticsearch::es"]);
    expect(entry.options).toEqual({ protect: true });
    expect(countByType([platform, es, sts, sts])).toEqual([
      { type: "kubernetes:apps/v1:StatefulSet", count: 2 },
      { type: "eks-search-platform:index:Elasticsearch", count: 1 },
      { type: "eks-search-platform:index:Platform", count: 1 },
    ]);
  });
});

describe("resources.json order", () => {
  const platform = resource("eks-search-platform:index:Platform", "prod", {}, { custom: false });
  const vpc = resource("aws:ec2/vpc:Vpc", "vpc", {}, { parent: platform.urn });
  const subnet = resource("aws:ec2/subnet:Subnet", "a", {}, { parent: platform.urn, dependencies: [vpc.urn] });
  const key = resource("aws:kms/key:Key", "key", {}, { parent: platform.urn });
  const role = resource("aws:iam/role:Role", "role", {}, { parent: platform.urn, dependencies: [key.urn, "urn:pulumi:test::other::x::gone"] });

  it("is the same whatever order the engine finished the registrations in: parents and dependencies first, then by URN", () => {
    const orders = [
      [platform, vpc, subnet, key, role],
      [role, subnet, key, vpc, platform],
      [key, platform, role, vpc, subnet],
    ].map((list) => renderResources(list, []).map((e) => e.name));
    expect(orders[0]).toEqual(["prod", "vpc", "a", "key", "role"]);
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
  });
});

describe("writeSynthOutput", () => {
  const doc = {
    stack: "t",
    outDir: "out/t",
    totalResources: 1,
    counts: [],
    outputs: {},
    manifests: [{ file: "kubernetes/search/07-configmap-c.yaml", apiVersion: "v1", kind: "ConfigMap", namespace: "search", name: "c" }],
    notRendered: [],
    notes: [],
    objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "search" }, data: { a: "b" } }],
    resourceEntries: [],
  } satisfies ReturnType<typeof synthDocument>;

  it("cleans a previous synth output before writing", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "synth-")), "out");
    writeSynthOutput(doc, dir, "summary");
    writeFileSync(join(dir, "kubernetes", "stale.yaml"), "stale");
    writeSynthOutput(doc, dir, "summary");
    expect(existsSync(join(dir, "kubernetes", "stale.yaml"))).toBe(false);
    expect(readFileSync(join(dir, "kubernetes/search/07-configmap-c.yaml"), "utf8")).toBe("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: search\ndata:\n  a: b\n");
    expect(readdirSync(dir).sort()).toEqual([OUTPUT_MARKER, "kubernetes", "resources.json", "summary.txt"].sort());
  });

  it("rewrites only what changed and deletes whatever the new output does not hold", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "synth-")), "out");
    writeSynthOutput(doc, dir, "summary");
    const manifest = join(dir, "kubernetes/search/07-configmap-c.yaml");
    const before = statSync(manifest);
    mkdirSync(join(dir, "kubernetes", "gone", "deeper"), { recursive: true });
    writeFileSync(join(dir, "kubernetes", "gone", "deeper", "old.yaml"), "old");
    writeFileSync(join(dir, "summary.txt"), "edited by hand");
    writeSynthOutput(doc, dir, "summary");
    expect(statSync(manifest).ino).toBe(before.ino); // unchanged: not rewritten
    expect(statSync(manifest).mtimeMs).toBe(before.mtimeMs);
    expect(readFileSync(join(dir, "summary.txt"), "utf8")).toBe("summary\n");
    expect(existsSync(join(dir, "kubernetes", "gone"))).toBe(false);
    // A file where the output needs a directory, and the other way round.
    rmSync(join(dir, "kubernetes", "search"), { recursive: true });
    writeFileSync(join(dir, "kubernetes", "search"), "a file");
    rmSync(join(dir, "resources.json"));
    mkdirSync(join(dir, "resources.json"));
    writeSynthOutput(doc, dir, "summary");
    expect(readFileSync(manifest, "utf8")).toContain("kind: ConfigMap");
    expect(JSON.parse(readFileSync(join(dir, "resources.json"), "utf8"))).toMatchObject({ stack: "t" });
    expect(readdirSync(dir).sort()).toEqual([OUTPUT_MARKER, "kubernetes", "resources.json", "summary.txt"].sort());
  });

  it("spells out a value the object holds twice, with no YAML anchor or alias", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "synth-")), "out");
    const labels = { app: "api" };
    const object = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "search", labels }, data: { a: "b" }, spec: { selector: labels } };
    writeSynthOutput({ ...doc, objects: [object] }, dir, "summary");
    const text = readFileSync(join(dir, "kubernetes/search/07-configmap-c.yaml"), "utf8");
    expect(text).not.toMatch(/[&*]a\d/);
    expect(text.match(/app: api/g)).toHaveLength(2);
  });

  it("refuses to clean a directory that synth did not write", () => {
    const dir = mkdtempSync(join(tmpdir(), "synth-"));
    mkdirSync(join(dir, "src"));
    expect(() => writeSynthOutput(doc, dir, "summary")).toThrow(SynthUserError);
    expect(existsSync(join(dir, "src"))).toBe(true);
  });
});

describe("stack files with encrypted values", () => {
  it("drops `secure:` values at any depth and reports them, so the program generates them", () => {
    const dir = mkdtempSync(join(tmpdir(), "synth-stack-"));
    writeFileSync(
      join(dir, "Pulumi.s.yaml"),
      "config:\n  eks-search-platform:elasticPassword:\n    secure: AAA=\n  eks-search-platform:appSecrets:\n    api:\n      SESSION_KEY:\n        secure: BBB=\n      PLAIN: x\n",
    );
    const loaded = loadStackFile("s", dir);
    expect(loaded.encryptedKeys).toEqual(["eks-search-platform:elasticPassword", "eks-search-platform:appSecrets.api.SESSION_KEY"]);
    expect(loaded.config).toEqual({ "eks-search-platform:appSecrets": JSON.stringify({ api: { PLAIN: "x" } }) });
  });
});
