/**
 * Scans a stack's synth output (default prod) with kube-score, a widely used third-party Kubernetes
 * manifest scanner, under the policy in .kube-score.yaml: every finding fails unless that file excludes it
 * with a reason or lists it as pending with the file that must fix it. Run by .ci/run.
 *
 * kube-score is built from the Go module proxy once per version and cached outside the repository, in
 * ${XDG_CACHE_HOME:-~/.cache}/eks-search-platform/tools/kube-score-<version>/.
 * Usage: node --import tsx scripts/scan-manifests.ts [--stack prod]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./lib/synth-paths";
import { parse } from "yaml";

export const KUBE_SCORE_VERSION = "v1.20.0";
/** The Kubernetes version the stacks pin (cluster.version). */
const KUBERNETES_VERSION = "v1.34";
const ROOT = REPO_ROOT;

interface Rule {
  check: string;
  /** `Kind/namespace/name` patterns (`*` matches anything); all objects when absent. */
  objects?: string[];
  reason?: string;
  owner?: string;
  fix?: string;
}

interface Policy {
  flags: { flag: string; reason: string }[];
  exclusions: Rule[];
  pending: Rule[];
}

export interface Finding {
  object: string;
  check: string;
  severity: "CRITICAL" | "WARNING";
  messages: string[];
}

interface KubeScoreObject {
  object_name: string;
  type_meta: { kind: string };
  object_meta: { name?: string; namespace?: string };
  checks: { check: { id: string }; grade: number; skipped: boolean; comments: { path?: string; summary: string }[] | null }[];
}

function kubeScoreBinary(): string {
  const tools = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "eks-search-platform", "tools");
  const dir = join(tools, `kube-score-${KUBE_SCORE_VERSION}`);
  const bin = join(dir, "kube-score");
  if (existsSync(bin)) return bin;
  process.stderr.write(`scan: building kube-score ${KUBE_SCORE_VERSION} into ${dir}\n`);
  const built = spawnSync("go", ["install", `github.com/zegl/kube-score/cmd/kube-score@${KUBE_SCORE_VERSION}`], {
    stdio: "inherit",
    env: { ...process.env, GOBIN: dir, GOFLAGS: "-mod=mod" },
  });
  if (built.status !== 0 || !existsSync(bin)) throw new Error(`could not build kube-score (go install exited ${String(built.status)}); is the Go toolchain installed?`);
  return bin;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? yamlFiles(path) : path.endsWith(".yaml") ? [path] : [];
    })
    .sort();
}

function matches(rule: Rule, finding: Finding): boolean {
  if (rule.check !== finding.check) return false;
  if (!rule.objects) return true;
  return rule.objects.some((pattern) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(finding.object));
}

/** Findings (grade below OK, not skipped) from kube-score's JSON report. */
export function findingsOf(report: KubeScoreObject[]): Finding[] {
  return report.flatMap((o) => {
    const object = `${o.type_meta.kind}/${o.object_meta.namespace ?? "-"}/${o.object_meta.name ?? "?"}`;
    return o.checks
      .filter((c) => !c.skipped && c.grade > 0 && c.grade < 10)
      .map((c): Finding => ({
        object,
        check: c.check.id,
        severity: c.grade <= 1 ? "CRITICAL" : "WARNING",
        messages: (c.comments ?? []).map((m) => (m.path ? `(${m.path}) ${m.summary}` : m.summary)),
      }));
  });
}

/** Splits findings by the policy: excluded (with reason), pending (with owner), and unjustified. */
export function classify(findings: Finding[], policy: Policy) {
  const excluded: Finding[] = [];
  const pending: { finding: Finding; rule: Rule }[] = [];
  const unjustified: Finding[] = [];
  for (const finding of findings) {
    const pendingRule = policy.pending.find((r) => matches(r, finding));
    if (policy.exclusions.some((r) => matches(r, finding))) excluded.push(finding);
    else if (pendingRule) pending.push({ finding, rule: pendingRule });
    else unjustified.push(finding);
  }
  return { excluded, pending, unjustified };
}

function loadPolicy(): Policy {
  const raw = (parse(readFileSync(join(ROOT, ".kube-score.yaml"), "utf8")) ?? {}) as Partial<Policy>;
  const policy: Policy = { flags: raw.flags ?? [], exclusions: raw.exclusions ?? [], pending: raw.pending ?? [] };
  const unexplained = [...policy.flags.filter((f) => !f.reason?.trim()).map((f) => f.flag), ...policy.exclusions.filter((r) => !r.reason?.trim()).map((r) => r.check), ...policy.pending.filter((r) => !r.owner?.trim()).map((r) => r.check)];
  if (unexplained.length > 0) throw new Error(`.kube-score.yaml: every flag and exclusion needs a reason, every pending entry an owner: ${unexplained.join(", ")}`);
  return policy;
}

function main(): number {
  const i = process.argv.indexOf("--stack");
  const stack = i >= 0 ? process.argv[i + 1] : "prod";
  const policy = loadPolicy();
  const bin = kubeScoreBinary();
  const out = join(ROOT, "out", `scan-${stack}`);
  const synth = spawnSync(process.execPath, ["scripts/run-compiled.mjs", "scripts/synth.ts", "--stack", stack, "--out", out, "--json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (synth.status !== 0) {
    process.stderr.write(synth.stderr);
    return 1;
  }
  const files = yamlFiles(join(out, "kubernetes"));
  const args = ["score", "-o", "json", "--kubernetes-version", KUBERNETES_VERSION, "--enable-optional-test", "container-seccomp-profile", ...policy.flags.map((f) => f.flag), ...files];
  const run = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`kube-score failed (exit ${String(run.status)}): ${run.stderr}`);
  const report = JSON.parse(run.stdout) as KubeScoreObject[];
  writeFileSync(join(out, "kube-score.json"), run.stdout);
  const findings = findingsOf(report);
  const { excluded, pending, unjustified } = classify(findings, policy);
  const line = (f: Finding) => `  [${f.severity}] ${f.object} ${f.check}: ${f.messages.join("; ")}`;
  process.stdout.write(`kube-score ${KUBE_SCORE_VERSION} (Kubernetes ${KUBERNETES_VERSION}) over ${files.length} objects of the ${stack} synth: ${findings.length} findings, ${excluded.length} excluded with a reason, ${pending.length} pending, ${unjustified.length} unjustified\n`);
  if (pending.length > 0) {
    process.stdout.write("Pending fixes (.kube-score.yaml pending):\n");
    for (const { finding, rule } of pending) process.stdout.write(`${line(finding)}\n      → ${rule.owner}${rule.fix ? `: ${rule.fix}` : ""}\n`);
  }
  if (unjustified.length > 0) {
    process.stdout.write("Unjustified findings: fix them in the component that renders the object, or exclude the check in .kube-score.yaml with a reason:\n");
    for (const f of unjustified) process.stdout.write(`${line(f)}\n`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  try {
    process.exit(main());
  } catch (error) {
    process.stderr.write(`scan: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
