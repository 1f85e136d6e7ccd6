// The component package (provider/, issue 16 Deliver 4) under the real engine: the YAML program of
// examples/yaml, run by the built Pulumi CLI and YAML language host, deploys a StorageClass, Elasticsearch
// and an application tier into a local API server with KWOK nodes through the package's provider, which
// constructs the same components TypeScript programs use. One control plane; the steps run in order.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import type { IStorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { REPO_ROOT, startControlPlane, type ControlPlane, type ExecResult } from "./control-plane";
import { randomSecret } from "./platform-stack";

const NS = "search";
const LAUNCHER = path.join(REPO_ROOT, "provider", "pulumi-resource-eks-search-platform");
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
    for (const r of runs.slice(-2)) {
      console.error(`$ pulumi ${r.args.join(" ")} -> exit ${r.res.code} in ${(r.ms / 1000).toFixed(1)}s\n${r.res.stdout}\n${r.res.stderr}`);
    }
    console.error(cp.logTails(20));
  });
}

beforeAll(async () => {
  cp = await startControlPlane();
  // The example as a user has it, with the package path made absolute (the copy lives in a temp dir).
  dir = fs.mkdtempSync(path.join(cp.tmpDir, "yaml-"));
  const program = fs.readFileSync(path.join(REPO_ROOT, "examples", "yaml", "Pulumi.yaml"), "utf8");
  const packagePath = /^ {2}eks-search-platform: (\.\.\/\.\.\/provider)$/m;
  expect(program).toMatch(packagePath);
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), program.replace(packagePath, `  eks-search-platform: ${path.join(REPO_ROOT, "provider")}`));
  fs.mkdirSync(path.join(dir, ".state"));
  env = {
    PULUMI_BACKEND_URL: `file://${path.join(dir, ".state")}`,
    PULUMI_CONFIG_PASSPHRASE: randomSecret("passphrase"),
    // The launcher runs provider/index.ts, never a dist/ left by an earlier build.
    EKS_SEARCH_PLATFORM_PROVIDER: "source",
  };
});

afterAll(async () => {
  await cp?.stop();
});

describe("component package: examples/yaml under the real engine", () => {
  it("serves provider/schema.json (pulumi package get-schema on the launcher)", async () => {
    reportOnFailure();
    const res = await pulumi(["package", "get-schema", LAUNCHER]);
    expect(res.code, res.stderr).toBe(0);
    // The CLI prints the schema as it parsed it (spec fields only, `required` lists): compare what it means.
    type Schema = {
      name: string;
      version: string;
      resources: Record<string, { inputProperties: Record<string, unknown>; requiredInputs?: string[]; properties: Record<string, unknown> }>;
      types: Record<string, unknown>;
    };
    const summary = (s: Schema) => ({
      name: s.name,
      version: s.version,
      types: Object.keys(s.types).sort(),
      resources: Object.fromEntries(
        Object.entries(s.resources).map(([token, r]) => [token, { inputs: Object.keys(r.inputProperties).sort(), required: [...(r.requiredInputs ?? [])].sort(), outputs: Object.keys(r.properties).sort() }]),
      ),
    });
    const file = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "provider", "schema.json"), "utf8")) as Schema;
    expect(summary(JSON.parse(res.stdout) as Schema)).toEqual(summary(file));
  });

  it("pulumi up deploys the StorageClass, Elasticsearch and the tier", async () => {
    reportOnFailure();
    expect((await pulumi(["stack", "init", "dev"])).code).toBe(0);
    for (const [key, value] of [["elasticPassword", secrets.elastic], ["apiPassword", secrets.api]]) {
      expect((await pulumi(["config", "set", "--secret", key, value])).code).toBe(0);
    }
    expect((await pulumi(["config", "set", "storageProvisioner", "rancher.io/local-path"])).code).toBe(0);
    const up = await pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);

    const sc = await cp.kube.get<IStorageClass>("/apis/storage.k8s.io/v1/storageclasses/data");
    expect(sc?.provisioner).toBe("rancher.io/local-path");
    const sts = await cp.kube.get<IStatefulSet>(`/apis/apps/v1/namespaces/${NS}/statefulsets/search`);
    expect(sts?.status?.readyReplicas).toBe(1);
    expect(sts?.spec?.volumeClaimTemplates?.[0]?.spec?.storageClassName).toBe("data");
    const svc = await cp.kube.get<IService>(`/api/v1/namespaces/${NS}/services/search`);
    expect(svc?.spec?.ports?.map((p) => p.port)).toContain(9200);
    // The api user's basic-auth Secret holds the password the program passed as a secret.
    const user = await cp.kube.get<ISecret>(`/api/v1/namespaces/${NS}/secrets/search-user-api`);
    expect(Buffer.from(user?.data?.password ?? "", "base64").toString()).toBe(secrets.api);

    const api = await cp.kube.get<IDeployment>(`/apis/apps/v1/namespaces/${NS}/deployments/api`);
    expect(api?.status?.readyReplicas).toBe(2);
    const pod = api?.spec?.template;
    expect(pod?.metadata?.labels?.["eks-search-platform/elasticsearch-client"]).toBe("search");
    const container = pod?.spec?.containers[0];
    const envVar = (name: string) => container?.env?.find((e) => e.name === name);
    expect(envVar("ELASTICSEARCH_URL")?.value).toBe(`http://search.${NS}.svc.cluster.local:9200`);
    expect(envVar("ELASTICSEARCH_PASSWORD")?.valueFrom?.secretKeyRef).toEqual({ name: "search-user-api", key: "password" });
    // the schema's oneOf [integer, string] and enums, through YAML's type checker to the objects
    expect(api?.spec?.strategy?.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: "50%" });
    expect(pod?.spec?.tolerations).toEqual([{ key: "dedicated", operator: "Equal", value: "search", effect: "NoSchedule" }]);
    const pdb = await cp.kube.get<{ spec?: { minAvailable?: number | string } }>(`/apis/policy/v1/namespaces/${NS}/poddisruptionbudgets/api`);
    expect(pdb?.spec?.minAvailable).toBe("50%");

    const out = await pulumi(["stack", "output", "--json"]);
    expect(JSON.parse(out.stdout)).toEqual({
      elasticsearchUrl: `http://search.${NS}.svc.cluster.local:9200`,
      elasticCredentialsSecret: "search-elastic-credentials",
      apiUrl: `http://api.${NS}.svc.cluster.local:8080`,
    });
  });

  it("the state has the TypeScript component tree, and no secret in plain text", async () => {
    reportOnFailure();
    const exported = await pulumi(["stack", "export"]);
    expect(exported.code).toBe(0);
    const urns = (JSON.parse(exported.stdout) as { deployment: { resources: { urn: string }[] } }).deployment.resources.map((r) => r.urn);
    // The provider constructs the real components: their children sit right under them, as in a TypeScript program.
    expect(urns).toContain("urn:pulumi:dev::yaml::eks-search-platform:index:Elasticsearch::search");
    expect(urns).toContain("urn:pulumi:dev::yaml::eks-search-platform:index:Elasticsearch$kubernetes:apps/v1:StatefulSet::search");
    expect(urns).toContain("urn:pulumi:dev::yaml::eks-search-platform:index:AppTier$kubernetes:apps/v1:Deployment::api-deployment");
    expect(urns).toContain("urn:pulumi:dev::yaml::eks-search-platform:index:StorageClass$kubernetes:storage.k8s.io/v1:StorageClass::data");
    for (const s of Object.values(secrets)) expect(exported.stdout).not.toContain(s);
  });

  it("a second preview has no changes", async () => {
    reportOnFailure();
    const preview = await pulumi(["preview", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);
  });

  it("pulumi destroy removes everything", async () => {
    reportOnFailure();
    const destroy = await pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(destroy.code, destroy.stdout + destroy.stderr).toBe(0);
    expect(await cp.kube.get(`/apis/apps/v1/namespaces/${NS}/statefulsets/search`)).toBeUndefined();
    expect(await cp.kube.get("/apis/storage.k8s.io/v1/storageclasses/data")).toBeUndefined();
  });
});
