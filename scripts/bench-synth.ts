/**
 * `npm run bench:synth`: median wall time and peak RSS of synthesizing a stack (default prod), over 5 runs
 * after warm-ups, beside a floor (scripts/bench-floor.ts: the same SDKs, mocks and resource count, none of
 * our logic), and the ratio; and beside two more floors: the same resources with their recorded inputs, and
 * those through the SDK's own resource classes, which show what of the rest is the SDK's. Each run is a fresh
 * process measured by /usr/bin/time. A benchmark, not a test: it reports and compares with the targets, and
 * exits 0 unless a run fails.
 *
 * Options: --stack <name> (default prod), --runs <n> (default 5), --tsx (run both through tsx's on-the-fly
 * transform instead of the transpiled copy `npm run synth` uses, to measure what tsx costs).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./lib/synth-paths";

const ROOT = REPO_ROOT;
const TARGET_RATIO = 1.4;
const TARGET_RSS_MB = 250;

interface Sample {
  wallMs: number;
  rssMb: number;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Runs `command` in a fresh process; wall time from here, peak RSS from /usr/bin/time (kB). */
function measure(command: string[], label: string): { sample: Sample; stdout: string } {
  const timeFile = join(work, "time.txt");
  const start = performance.now();
  const run = spawnSync("/usr/bin/time", ["-f", "%M", "-o", timeFile, ...command], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - start;
  if (run.status !== 0) throw new Error(`${label} failed (exit ${String(run.status)}):\n${run.stderr}`);
  const rssKb = Number(readFileSync(timeFile, "utf8").trim().split("\n").pop());
  return { sample: { wallMs, rssMb: rssKb / 1024 }, stdout: run.stdout };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const stack = option("--stack", "prod");
const runs = Number(option("--runs", "5"));
const tsx = process.argv.includes("--tsx");
const work = mkdtempSync(join(tmpdir(), "bench-synth-"));

try {
  if (!existsSync("/usr/bin/time")) throw new Error("needs /usr/bin/time (Debian package: time) to read peak RSS");
  // The same runner for both, the one `npm run synth` uses unless --tsx: a transpiled copy (scripts/run-compiled.mjs).
  const runner = tsx ? ["node", "--import", "tsx"] : ["node", "scripts/run-compiled.mjs"];
  const synthCommand = [...runner, "scripts/synth.ts"];
  const floorCommand = [...runner, "scripts/bench-floor.ts"];
  const synthArgs = [...synthCommand, "--stack", stack, "--out", join(work, "out"), "--json"];

  // Warm-up (builds the transpiled copy or fills the tsx cache, warms the OS file cache); its
  // resources.json gives the floors the same resources. A second one writes the bundle's code cache, which
  // the process that built the copy does not (scripts/lib/code-cache.mjs), as a user's second synth would.
  measure(synthArgs, "synth warm-up");
  const warm = measure(synthArgs, "synth warm-up");
  const doc = JSON.parse(warm.stdout) as { totalResources: number };
  const resourcesFile = join(work, "resources.json");
  copyFileSync(join(work, "out", "resources.json"), resourcesFile);
  const floorArgs = [...floorCommand, resourcesFile];
  const payloadArgs = [...floorArgs, "--inputs"];
  const classesArgs = [...floorArgs, "--classes"];
  measure(floorArgs, "floor warm-up");
  measure(payloadArgs, "floor+inputs warm-up");
  measure(classesArgs, "floor+classes warm-up");

  const synth: Sample[] = [];
  const floor: Sample[] = [];
  const payload: Sample[] = [];
  const classes: Sample[] = [];
  // Interleaved, so drift in machine load hits all alike.
  for (let i = 0; i < runs; i++) {
    synth.push(measure(synthArgs, "synth").sample);
    floor.push(measure(floorArgs, "floor").sample);
    payload.push(measure(payloadArgs, "floor+inputs").sample);
    classes.push(measure(classesArgs, "floor+classes").sample);
  }

  const row = (label: string, samples: Sample[]) => {
    const wall = median(samples.map((s) => s.wallMs));
    const rss = median(samples.map((s) => s.rssMb));
    const max = Math.max(...samples.map((s) => s.rssMb));
    return { wall, max, text: `${label.padEnd(13)} median wall ${(wall / 1000).toFixed(2)} s   median peak RSS ${rss.toFixed(0)} MB (max ${max.toFixed(0)} MB)   walls ${samples.map((s) => (s.wallMs / 1000).toFixed(2)).join(" ")}` };
  };
  const s = row("synth", synth);
  const f = row("floor", floor);
  const p = row("floor+inputs", payload);
  const c = row("floor+classes", classes);
  const ratio = s.wall / f.wall;
  const lines = [
    `bench:synth --stack ${stack}: ${doc.totalResources} resources, ${runs} runs after warm-ups, ${tsx ? "under tsx" : "transpiled copy (npm run synth)"}`,
    s.text,
    f.text,
    p.text,
    c.text,
    `ratio        ${ratio.toFixed(2)}× the floor, ${(s.wall / p.wall).toFixed(2)}× the floor with the same inputs, ${(s.wall / c.wall).toFixed(2)}× the floor with the same inputs through the SDK's classes`,
    `targets      ${ratio.toFixed(2)}× the floor (target ≤ ${TARGET_RATIO}×: ${ratio <= TARGET_RATIO ? "met" : "MISSED"}); peak RSS ${s.max.toFixed(0)} MB (target ≤ ${TARGET_RSS_MB} MB: ${s.max <= TARGET_RSS_MB ? "met" : "MISSED"})`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
