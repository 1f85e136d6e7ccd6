/**
 * Scans a stack's synth output (default prod) with kube-score, a widely used third-party Kubernetes
 * manifest scanner, under the policy in .kube-score.yaml: every finding fails unless that file excludes it
 * with a reason. There is no "pending" state: a finding is fixed in the component or justified. Run by .ci/run.
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

export interface Rule {
  check: string;
  /** `Kind/namespace/name` patterns (`*` matches anything); all objects when absent. */
  objects?: string[];
  /** Text every message of the finding must contain, so the rule never hides another failure of the same check. */
  message?: string;
  reason: string;
}

export interface Policy {
  flags: { flag: string; reason: string }[];
  exclusions: Rule[];
}

const POLICY_KEYS = ["flags", "exclusions"];
const FLAG_KEYS = ["flag", "reason"];
const RULE_KEYS = ["check", "objects", "message", "reason"];

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
  const text = rule.message;
  if (text !== undefined && (finding.messages.length === 0 || !finding.messages.every((m) => m.includes(text)))) return false;
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

/** Splits findings by the policy: excluded (with a reason) and unjustified. */
export function classify(findings: Finding[], policy: Policy) {
  const excluded: Finding[] = [];
  const unjustified: Finding[] = [];
  for (const finding of findings) (policy.exclusions.some((r) => matches(r, finding)) ? excluded : unjustified).push(finding);
  return { excluded, unjustified };
}

/**
 * Checks the parsed .kube-score.yaml: only `flags` and `exclusions`, each entry with a reason and no unknown
 * keys (a leftover `pending` list or `owner` field is an error, not a silent pass). Throws one error listing all.
 */
export function parsePolicy(raw: unknown): Policy {
  const problems: string[] = [];
  const doc = (raw ?? {}) as Record<string, unknown>;
  const unknown = (obj: object, allowed: string[], where: string) => {
    for (const key of Object.keys(obj)) if (!allowed.includes(key)) problems.push(`${where}: unknown key "${key}" (allowed: ${allowed.join(", ")})`);
  };
  unknown(doc, POLICY_KEYS, "top level");
  if ("pending" in doc) problems.push('"pending" is not a state: fix the finding in the component that renders it, or exclude the check with a reason');
  const flags = (doc.flags ?? []) as Policy["flags"];
  const exclusions = (doc.exclusions ?? []) as Rule[];
  flags.forEach((f, i) => {
    unknown(f, FLAG_KEYS, `flags[${i}]`);
    if (!f.reason?.trim()) problems.push(`flags[${i}] (${f.flag}): needs a reason`);
  });
  exclusions.forEach((r, i) => {
    unknown(r, RULE_KEYS, `exclusions[${i}]`);
    if (!r.check?.trim()) problems.push(`exclusions[${i}]: needs a check`);
    if (!r.reason?.trim()) problems.push(`exclusions[${i}] (${r.check}): needs a reason`);
  });
  if (problems.length > 0) throw new Error(`.kube-score.yaml:\n  ${problems.join("\n  ")}`);
  return { flags, exclusions };
}

function loadPolicy(): Policy {
  return parsePolicy(parse(readFileSync(join(ROOT, ".kube-score.yaml"), "utf8")));
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
  const { excluded, unjustified } = classify(findings, policy);
  const line = (f: Finding) => `  [${f.severity}] ${f.object} ${f.check}: ${f.messages.join("; ")}`;
  process.stdout.write(`kube-score ${KUBE_SCORE_VERSION} (Kubernetes ${KUBERNETES_VERSION}) over ${files.length} objects of the ${stack} synth: ${findings.length} findings, ${excluded.length} excluded with a reason, ${unjustified.length} unjustified\n`);
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
