/**
 * `npm run bench:e2e`: on one local control plane (test/e2e/control-plane.ts), the first `up` of the local
 * stack through the CI driver beside the floor for this layer, `kubectl apply -R` of the same stack's synth
 * output, and a no-change `preview`. Prints the times and the ratios against the targets (up ≤ 2× the
 * floor, no-change preview ≤ 10 s). A benchmark, not a test: it exits 0 unless a step fails.
 *
 * The floor is measured twice over: `kubectl apply` alone (the API writes), and apply followed by waiting
 * for what `pulumi up` waits for (StatefulSet ready, Deployments Available, the migrations Job complete),
 * which is the like-for-like comparison. The floor runs first on a fresh namespace, then everything is
 * deleted (namespace gone) before the driver's `up`.
 *
 * Then the real node (scripts/bench-real-node.ts): `up` until every workload is Ready through the driver
 * against `kubectl apply` of the same objects plus the same wait, on a real kubelet (target ≤ 1.3×).
 *
 * Options: --previews <n> no-change previews to time (default 3; the median is reported);
 * --real-node-runs <n> alternating runs on the real node (default 3; 0 skips it; it needs root);
 * --real-node-only skips the KWOK part.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT, startControlPlane, type ControlPlane, type ExecResult } from "../test/e2e/control-plane";
import { describeRun, PlatformProject, randomSecret, spawnCollect } from "../test/e2e/platform-stack";
import { benchRealNode } from "./bench-real-node";

const NS = "search";
const TARGET_RATIO = 2;
const TARGET_PREVIEW_S = 10;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await f();
  return { value, ms: performance.now() - start };
}

async function kubectl(cp: ControlPlane, args: string[]): Promise<ExecResult> {
  const res = await cp.kubectl(args, { timeoutMs: 5 * 60_000 });
  if (res.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${res.code}):\n${res.stdout}\n${res.stderr}`);
  return res;
}

async function main(): Promise<void> {
  if (!process.argv.includes("--real-node-only")) await benchKwok();
  const realNodeRuns = Number(option("--real-node-runs", "3"));
  if (realNodeRuns > 0) process.stdout.write(`${(await benchRealNode(realNodeRuns)).lines.join("\n")}\n`);
}

/** The KWOK part: the floor, the first up and no-change previews on one control plane with fake nodes. */
async function benchKwok(): Promise<void> {
  const previews = Number(option("--previews", "3"));
  const cp = await startControlPlane({ log: (m) => process.stderr.write(`[control-plane] ${m}\n`) });
  try {
    // ----- the floor: kubectl apply of the synth output -------------------------------------------
    const synthDir = path.join(cp.tmpDir, "synth-local");
    const synth = await spawnCollect(process.execPath, [path.join(REPO_ROOT, "scripts", "run-compiled.mjs"), "scripts/synth.ts", "--stack", "local", "--out", synthDir], {
      cwd: REPO_ROOT,
      env: cp.env,
    });
    if (synth.code !== 0) throw new Error(`synth failed (${synth.code}):\n${synth.stdout}\n${synth.stderr}`);
    const manifests = path.join(synthDir, "kubernetes");
    const files = fs.readdirSync(manifests, { recursive: true }).filter((f) => String(f).endsWith(".yaml")).length;

    const apply = await timed(() => kubectl(cp, ["apply", "-R", "-f", manifests]));
    const settle = await timed(async () => {
      await kubectl(cp, ["-n", NS, "wait", "--for=jsonpath={.status.readyReplicas}=1", "statefulset", "--all", "--timeout=300s"]);
      await kubectl(cp, ["-n", NS, "wait", "--for=condition=Available", "deployment", "--all", "--timeout=300s"]);
      await kubectl(cp, ["-n", NS, "wait", "--for=condition=Complete", "job", "--all", "--timeout=300s"]);
    });
    const floorMs = apply.ms + settle.ms;

    // Back to an empty cluster: objects, claims, volumes, the namespace.
    await kubectl(cp, ["delete", "-R", "-f", manifests, "--wait=true", "--ignore-not-found"]);
    await cp.kube.waitFor(`/api/v1/namespaces/${NS}`, (n) => n === undefined, { timeoutMs: 180_000, description: `namespace ${NS} deleted` });

    // ----- the driver: first up, then no-change previews -----------------------------------------
    const project = new PlatformProject(cp);
    const up = await timed(() =>
      project.driver("up", [
        "--secret",
        `elasticPassword=${randomSecret("elastic")}`,
        "--secret",
        `appSecrets.api.SESSION_KEY=${randomSecret("session")}`,
        "--secret",
        `appSecrets.api.ELASTICSEARCH_PASSWORD=${randomSecret("api-es")}`,
      ]),
    );
    if (up.value.code !== 0) throw new Error(`up failed:\n${describeRun(up.value)}`);
    const previewMs: number[] = [];
    const previewEngineS: number[] = [];
    for (let i = 0; i < previews; i++) {
      const p = await timed(() => project.driver("preview"));
      if (p.value.code !== 0 || (p.value.result?.rows.length ?? 0) > 0) throw new Error(`preview failed or found changes:\n${describeRun(p.value)}`);
      previewMs.push(p.ms);
      previewEngineS.push(p.value.result?.durationSeconds ?? NaN);
    }
    const destroy = await project.driver("destroy");
    if (destroy.code !== 0) throw new Error(`destroy failed:\n${describeRun(destroy)}`);

    const ratio = up.ms / floorMs;
    const applyRatio = up.ms / apply.ms;
    const preview = median(previewMs);
    const resources = (up.value.result?.rows ?? []).filter((r) => r.op === "create" && r.type.startsWith("kubernetes:")).reduce((n, r) => n + r.count, 0);
    const lines = [
      "",
      `bench:e2e — local stack on a local API server (Kubernetes ${cp.tools.kubernetesVersion}, 3 KWOK nodes), Pulumi CLI ${cp.tools.pulumiVersion} via the CI driver`,
      "",
      `  floor: kubectl apply -R (${files} objects)           ${seconds(apply.ms)}`,
      `  floor: apply + wait (sts ready, deploys Available, job Complete)   ${seconds(floorMs)}`,
      `  up (driver, first, ${resources} Kubernetes objects)  ${seconds(up.ms)}   (engine ${up.value.result?.durationSeconds ?? "?"} s)`,
      `  ratio up / (apply + wait)                   ${ratio.toFixed(2)}   target ≤ ${TARGET_RATIO}  ${ratio <= TARGET_RATIO ? "met" : "MISSED"}`,
      `  ratio up / apply alone                      ${applyRatio.toFixed(2)}`,
      `  no-change preview (median of ${previews})         ${seconds(preview)}   (engine ${median(previewEngineS)} s; runs ${previewMs.map((m) => (m / 1000).toFixed(1)).join(", ")})   target ≤ ${TARGET_PREVIEW_S} s  ${preview <= TARGET_PREVIEW_S * 1000 ? "met" : "MISSED"}`,
      "",
    ];
    process.stdout.write(lines.join("\n"));
  } finally {
    await cp.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:e2e failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
