// examples/local and examples/existing-cluster under the real engine (issue 16 Deliver 2): each program as a
// user has it, with the package installed from its packed tarball (prepack builds it), run by the built
// Pulumi CLI and Node.js language host into one local API server with KWOK nodes. Passwords come from secret
// config: generated ones need the random provider plugin, which the Go module proxy does not serve (403).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { ISecret } from "kubernetes-models/v1/Secret";
import { REPO_ROOT, startControlPlane, type ControlPlane, type ExecResult } from "./control-plane";
import { randomSecret } from "./platform-stack";

// Linked from this repository's node_modules, as the consumer test does: one copy of each, at the versions
// the e2e toolchain's Kubernetes plugin was built for.
const LINKED = ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random", "@pulumi/tls", "@pulumi/aws", "@pulumi/eks", "typescript", "@types/node"];

let cp: ControlPlane;
let tarball: string;
const runs: { args: readonly string[]; res: ExecResult; ms: number }[] = [];

/** A copy of examples/<name> with the packed package installed, and its own file backend. */
class ExampleProject {
  readonly dir: string;
  readonly env: Record<string, string>;

  constructor(readonly name: string) {
    const example = path.join(REPO_ROOT, "examples", name);
    this.dir = fs.mkdtempSync(path.join(cp.tmpDir, `${name}-`));
    for (const f of ["Pulumi.yaml", "index.ts", "tsconfig.json"]) fs.copyFileSync(path.join(example, f), path.join(this.dir, f));
    const pkg = JSON.parse(fs.readFileSync(path.join(example, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(pkg.dependencies["eks-search-platform"]).toBe("file:../..");
    fs.writeFileSync(path.join(this.dir, "package.json"), JSON.stringify({ ...pkg, dependencies: { "eks-search-platform": `file:${tarball}` }, devDependencies: {} }, null, 2));
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", "--legacy-peer-deps"], { cwd: this.dir, stdio: "pipe" });
    // Only the example's own dependencies (and the compiler): a Kubernetes-only example gets no @pulumi/aws.
    for (const dep of LINKED.filter((d) => d in pkg.dependencies || d === "typescript" || d === "@types/node")) {
      const target = path.join(this.dir, "node_modules", dep);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.rmSync(target, { recursive: true, force: true });
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules", dep), target, "dir");
    }
    fs.mkdirSync(path.join(this.dir, ".state"));
    this.env = {
      PULUMI_BACKEND_URL: `file://${path.join(this.dir, ".state")}`,
      PULUMI_CONFIG_PASSPHRASE: randomSecret("passphrase"),
      // ts-node without its type-check (the consumer test type-checks every example against the package).
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
  }

  async pulumi(args: readonly string[], timeoutMs = 8 * 60_000): Promise<ExecResult> {
    const started = Date.now();
    const res = await cp.pulumi([...args, "--non-interactive"], { cwd: this.dir, env: this.env, timeoutMs });
    runs.push({ args: [`(${this.name})`, ...args], res, ms: Date.now() - started });
    return res;
  }

  async ok(args: readonly string[]): Promise<ExecResult> {
    const res = await this.pulumi(args);
    expect(res.code, `pulumi ${args.join(" ")}\n${res.stdout}\n${res.stderr}`).toBe(0);
    return res;
  }
}

function reportOnFailure(): void {
  onTestFailed(() => {
    for (const r of runs.slice(-2)) console.error(`$ pulumi ${r.args.join(" ")} -> exit ${r.res.code} in ${(r.ms / 1000).toFixed(1)}s\n${r.res.stdout}\n${r.res.stderr}`);
    console.error(cp.logTails(20));
  });
}

/** `npm pack` of a clean-clone copy of the package (no dist/: prepack builds it); the tarball's path. */
function pack(into: string): string {
  const stage = path.join(into, "stage");
  fs.mkdirSync(stage);
  for (const f of ["package.json", "README.md", "CHANGELOG.md", "LICENSE", "tsconfig.json", "tsconfig.build.json"]) fs.copyFileSync(path.join(REPO_ROOT, f), path.join(stage, f));
  for (const d of ["components", "automation", "provider"]) fs.cpSync(path.join(REPO_ROOT, d), path.join(stage, d), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(stage, "node_modules"), "dir");
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", into], { cwd: stage, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return path.join(into, (JSON.parse(out) as { filename: string }[])[0].filename);
}

beforeAll(async () => {
  cp = await startControlPlane();
  tarball = pack(cp.tmpDir);
  // The cluster "you already have" comes with a StorageClass; the control plane provisions its claims.
  await cp.kube.create("/apis/storage.k8s.io/v1/storageclasses", {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "standard" },
    provisioner: "rancher.io/local-path",
    volumeBindingMode: "WaitForFirstConsumer",
  });
}, 10 * 60_000);

afterAll(async () => {
  await cp?.stop();
});

describe("examples/local under the real engine, from the packed package", () => {
  const NS = "search";
  const PLATFORM = "search"; // the Platform's name
  const secrets = { elastic: randomSecret("elastic"), api: randomSecret("api-es") };
  let project: ExampleProject;

  it("pulumi up deploys the platform's Kubernetes layers: StorageClass, Elasticsearch, the api and web tiers", async () => {
    reportOnFailure();
    project = new ExampleProject("local");
    await project.ok(["stack", "init", "dev"]);
    await project.ok(["config", "set", "--secret", "eks-search-platform:elasticPassword", secrets.elastic]);
    await project.ok(["config", "set", "--secret", "--path", "eks-search-platform:appSecrets.api.ELASTICSEARCH_PASSWORD", secrets.api]);
    await project.ok(["up", "--yes", "--skip-preview"]);

    const sts = await cp.kube.get<IStatefulSet>(`/apis/apps/v1/namespaces/${NS}/statefulsets/${PLATFORM}-elasticsearch`);
    expect(sts?.status?.readyReplicas).toBe(1);
    expect(sts?.spec?.volumeClaimTemplates?.[0]?.spec?.storageClassName).toBe(`${PLATFORM}-data`);
    for (const tier of ["api", "web"]) expect((await cp.kube.get<IDeployment>(`/apis/apps/v1/namespaces/${NS}/deployments/${tier}`))?.status?.readyReplicas, tier).toBe(1);
    const elastic = await cp.kube.get<ISecret>(`/api/v1/namespaces/${NS}/secrets/${PLATFORM}-elasticsearch-elastic-credentials`);
    expect(Buffer.from(elastic?.data?.password ?? "", "base64").toString()).toBe(secrets.elastic);

    const out = JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as { namespace: string; elasticsearchUrl: string; tierUrls: Record<string, string> };
    expect(out.namespace).toBe(NS);
    expect(out.elasticsearchUrl).toBe(`http://${PLATFORM}-elasticsearch.${NS}.svc.cluster.local:9200`);
    expect(Object.keys(out.tierUrls).sort()).toEqual(["api", "web"]);
    const exported = await project.ok(["stack", "export"]);
    for (const s of Object.values(secrets)) expect(exported.stdout).not.toContain(s);
  });

  it("a second preview has no changes", async () => {
    reportOnFailure();
    await project.ok(["preview", "--expect-no-changes"]);
  });
});

describe("examples/existing-cluster under the real engine, from the packed package", () => {
  // Its own namespace: the local example's `search` stays deployed beside it.
  const NS = "existing";
  const secrets = { elastic: randomSecret("elastic"), api: randomSecret("api") };
  let project: ExampleProject;

  it("pulumi up deploys Elasticsearch and the api tier into the existing cluster", async () => {
    reportOnFailure();
    project = new ExampleProject("existing-cluster");
    await project.ok(["stack", "init", "dev"]);
    for (const [key, value] of [["elasticPassword", secrets.elastic], ["apiPassword", secrets.api]]) await project.ok(["config", "set", "--secret", key, value]);
    await project.ok(["config", "set", "storageClassName", "standard"]);
    await project.ok(["config", "set", "namespace", NS]);
    await project.ok(["up", "--yes", "--skip-preview"]);

    const sts = await cp.kube.get<IStatefulSet>(`/apis/apps/v1/namespaces/${NS}/statefulsets/search`);
    expect(sts?.status?.readyReplicas).toBe(1);
    expect(sts?.spec?.volumeClaimTemplates?.[0]?.spec?.storageClassName).toBe("standard");
    const user = await cp.kube.get<ISecret>(`/api/v1/namespaces/${NS}/secrets/search-user-api`);
    expect(Buffer.from(user?.data?.password ?? "", "base64").toString()).toBe(secrets.api);
    const elastic = await cp.kube.get<ISecret>(`/api/v1/namespaces/${NS}/secrets/search-elastic-credentials`);
    expect(Buffer.from(elastic?.data?.password ?? "", "base64").toString()).toBe(secrets.elastic);
    const api = await cp.kube.get<IDeployment>(`/apis/apps/v1/namespaces/${NS}/deployments/api`);
    expect(api?.status?.readyReplicas).toBe(2);
    expect(api?.spec?.template.metadata?.labels?.["eks-search-platform/elasticsearch-client"]).toBe("search");

    const out = await project.ok(["stack", "output", "--json"]);
    expect(JSON.parse(out.stdout)).toEqual({
      elasticsearchUrl: `http://search.${NS}.svc.cluster.local:9200`,
      elasticCredentialsSecret: "search-elastic-credentials",
      apiUrl: `http://api.${NS}.svc.cluster.local:8080`,
    });
    const exported = await project.ok(["stack", "export"]);
    for (const s of Object.values(secrets)) expect(exported.stdout).not.toContain(s);
  });

  it("a second preview has no changes, and destroy removes everything", async () => {
    reportOnFailure();
    await project.ok(["preview", "--expect-no-changes"]);
    await project.ok(["destroy", "--yes", "--skip-preview"]);
    expect(await cp.kube.get(`/apis/apps/v1/namespaces/${NS}/statefulsets/search`)).toBeUndefined();
    expect(await cp.kube.get(`/apis/apps/v1/namespaces/${NS}/deployments/api`)).toBeUndefined();
  });
});
