// examples/existing-cluster under the real engine (issue 16 Deliver 2): the program as a user has it, with
// the package installed from its packed tarball (prepack builds it), run by the built Pulumi CLI and
// Node.js language host into a local API server with KWOK nodes. Both passwords come from secret config:
// generated ones need the random provider plugin, which the Go module proxy does not serve (403).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { ISecret } from "kubernetes-models/v1/Secret";
import { REPO_ROOT, startControlPlane, type ControlPlane, type ExecResult } from "./control-plane";
import { randomSecret } from "./platform-stack";

const NS = "search";
const EXAMPLE = path.join(REPO_ROOT, "examples", "existing-cluster");
// Linked from this repository's node_modules, as the consumer test does: one copy of each, at the versions
// the e2e toolchain's Kubernetes plugin was built for.
const LINKED = ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random", "@pulumi/tls", "typescript", "@types/node"];
const secrets = { elastic: randomSecret("elastic"), api: randomSecret("api") };

let cp: ControlPlane;
let dir: string;
let env: Record<string, string>;
const runs: { args: readonly string[]; res: ExecResult; ms: number }[] = [];

async function pulumi(args: readonly string[], timeoutMs = 8 * 60_000): Promise<ExecResult> {
  const started = Date.now();
  const res = await cp.pulumi([...args, "--non-interactive"], { cwd: dir, env, timeoutMs });
  runs.push({ args, res, ms: Date.now() - started });
  return res;
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
  dir = fs.mkdtempSync(path.join(cp.tmpDir, "existing-cluster-"));
  const tarball = pack(cp.tmpDir);
  for (const f of ["Pulumi.yaml", "index.ts", "tsconfig.json"]) fs.copyFileSync(path.join(EXAMPLE, f), path.join(dir, f));
  const pkg = JSON.parse(fs.readFileSync(path.join(EXAMPLE, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  expect(pkg.dependencies["eks-search-platform"]).toBe("file:../..");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ ...pkg, dependencies: { "eks-search-platform": `file:${tarball}` }, devDependencies: {} }, null, 2));
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", "--legacy-peer-deps"], { cwd: dir, stdio: "pipe" });
  for (const dep of LINKED) {
    const target = path.join(dir, "node_modules", dep);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.rmSync(target, { recursive: true, force: true });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", dep), target, "dir");
  }
  fs.mkdirSync(path.join(dir, ".state"));
  env = { PULUMI_BACKEND_URL: `file://${path.join(dir, ".state")}`, PULUMI_CONFIG_PASSPHRASE: randomSecret("passphrase") };
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

describe("examples/existing-cluster under the real engine, from the packed package", () => {
  it("pulumi up deploys Elasticsearch and the api tier into the existing cluster", async () => {
    reportOnFailure();
    expect((await pulumi(["stack", "init", "dev"])).code).toBe(0);
    for (const [key, value] of [["elasticPassword", secrets.elastic], ["apiPassword", secrets.api]]) {
      expect((await pulumi(["config", "set", "--secret", key, value])).code).toBe(0);
    }
    expect((await pulumi(["config", "set", "storageClassName", "standard"])).code).toBe(0);
    const up = await pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);

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

    const out = await pulumi(["stack", "output", "--json"]);
    expect(JSON.parse(out.stdout)).toEqual({
      elasticsearchUrl: `http://search.${NS}.svc.cluster.local:9200`,
      elasticCredentialsSecret: "search-elastic-credentials",
      apiUrl: `http://api.${NS}.svc.cluster.local:8080`,
    });
    const exported = await pulumi(["stack", "export"]);
    for (const s of Object.values(secrets)) expect(exported.stdout).not.toContain(s);
  });

  it("a second preview has no changes, and destroy removes everything", async () => {
    reportOnFailure();
    const preview = await pulumi(["preview", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
    const destroy = await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
    expect(await cp.kube.get(`/apis/apps/v1/namespaces/${NS}/statefulsets/search`)).toBeUndefined();
    expect(await cp.kube.get(`/apis/apps/v1/namespaces/${NS}/deployments/api`)).toBeUndefined();
  });
});
