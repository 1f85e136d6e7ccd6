// Deploy state that stays true (issue 15, defect 1), through the CI driver and the real engine into a
// local API server: deploy image digests with --config (as the deploy workflow does), then a preview and
// a drift check from a checkout that still names the committed tags report no changes with
// --keep-deployed, and would roll back without it. Then a saved plan (preview --plan) applied by up.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { ExitCode } from "../../automation/exit-codes";
import { startControlPlane, type ControlPlane } from "./control-plane";
import { describeRun, PlatformProject, randomSecret, resourceRecords } from "./platform-stack";

const PLATFORM = "search-local";
const API_DIGEST = `ghcr.io/example/search-api@sha256:${"1".repeat(64)}`;
const WEB_DIGEST = `ghcr.io/example/search-web@sha256:${"2".repeat(64)}`;
const KEEP = ["--keep-deployed", "apps.tiers.*.image"];

let cp: ControlPlane;
let project: PlatformProject;

beforeAll(async () => {
  cp = await startControlPlane();
  project = new PlatformProject(cp);
});

afterAll(async () => {
  await cp?.stop();
});

function reportOnFailure(): void {
  onTestFailed(() => {
    for (const r of project?.runs.slice(-3) ?? []) console.error(describeRun(r));
    if (cp) console.error(cp.logTails(30));
  });
}

/** The checkout a later CI run gets: the committed stack file (the secrets and salt of the first up kept, the digests not). */
function resetCheckoutImages(): void {
  const file = path.join(project.dir, `Pulumi.${project.stack}.yaml`);
  const text = fs.readFileSync(file, "utf8").replace(API_DIGEST, "ghcr.io/example/search-api:1.0.0").replace(WEB_DIGEST, "ghcr.io/example/search-web:1.0.0");
  fs.writeFileSync(file, text);
}

describe("deployed digests stay deployed", () => {
  it("1. up deploys both tiers by digest (--config, as the deploy workflow does)", async () => {
    reportOnFailure();
    const up = await project.driver("up", [
      "--secret",
      `elasticPassword=${randomSecret("elastic")}`,
      "--secret",
      `appSecrets.api.SESSION_KEY=${randomSecret("session")}`,
      "--secret",
      `appSecrets.api.ELASTICSEARCH_PASSWORD=${randomSecret("api-es")}`,
      "--config",
      `apps.tiers.api.image=${API_DIGEST}`,
      "--config",
      `apps.tiers.web.image=${WEB_DIGEST}`,
      "--message",
      "deploy digests",
    ]);
    expect(up.code, describeRun(up)).toBe(0);
    resetCheckoutImages();
  });

  it("2. without --keep-deployed, a preview from the checkout plans to roll both tiers back (the defect)", async () => {
    reportOnFailure();
    const preview = await project.driver("preview");
    expect(preview.code, describeRun(preview)).toBe(0);
    const updated = resourceRecords(preview).filter((r) => r.status === "planned" && r.op === "update").map((r) => r.name);
    expect(updated).toEqual(expect.arrayContaining([`${PLATFORM}-api-deployment`, `${PLATFORM}-web-deployment`]));
  });

  it("3. with --keep-deployed, preview (--expect-no-changes) and drift report no changes, and the checkout is untouched", async () => {
    reportOnFailure();
    const before = project.stackFile();
    const preview = await project.driver("preview", [...KEEP, "--expect-no-changes"]);
    expect(preview.code, describeRun(preview)).toBe(0);
    expect(preview.result?.rows, describeRun(preview)).toEqual([]);
    expect(preview.records.filter((r) => r.event === "config" && r.kept === true).map((r) => r.key)).toEqual(["apps.tiers.api.image", "apps.tiers.web.image"]);
    const drift = await project.driver("drift", KEEP);
    expect(drift.code, describeRun(drift)).toBe(ExitCode.Success);
    expect(drift.result?.outcome).toBe("no changes");
    expect(project.stackFile()).toBe(before);
    const unkept = await project.driver("drift");
    expect(unkept.code, describeRun(unkept)).toBe(ExitCode.Changes);
  });

  it("4. a saved plan: preview --plan, then up --plan applies exactly it; the digests stay", async () => {
    reportOnFailure();
    const plan = path.join(project.dir, "plan.json");
    const change = ["--config", "apps.tiers.web.env.FEATURE_FLAG=on"];
    const preview = await project.driver("preview", [...KEEP, ...change, "--plan", plan]);
    expect(preview.code, describeRun(preview)).toBe(0);
    expect(fs.existsSync(plan)).toBe(true);
    expect(resourceRecords(preview).filter((r) => r.status === "planned").map((r) => `${r.op} ${r.name}`)).toEqual([`update ${PLATFORM}-web-deployment`]);
    const up = await project.driver("up", [...KEEP, ...change, "--plan", plan]);
    expect(up.code, describeRun(up)).toBe(0);
    expect(resourceRecords(up).filter((r) => r.status === "done").map((r) => `${r.op} ${r.name}`)).toEqual([`update ${PLATFORM}-web-deployment`]);
    const web = await cp.kube.get<{ spec: { template: { spec: { containers: { image: string }[] } } } }>(`/apis/apps/v1/namespaces/search/deployments/web`);
    expect(web?.spec.template.spec.containers[0].image).toBe(WEB_DIGEST);
    const after = await project.driver("drift", KEEP);
    expect(after.code, describeRun(after)).toBe(ExitCode.Success);
  });
});
