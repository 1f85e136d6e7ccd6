/**
 * `npm run synth` as a user runs it: a fresh process per call, exit codes, what reaches stdout and stderr.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");

/** The synth under tsx (as a developer debugging it runs it). */
function synth(...args: string[]) {
  return run(["--import", "tsx", "scripts/synth.ts", ...args]);
}

function run(nodeArgs: string[]) {
  const child = spawnSync(process.execPath, nodeArgs, { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

const STACK_TRACE = /^\s+at .+[(:]\d+/m;

describe("npm run synth", () => {
  it("prints every config problem by key and exits 1, without a stack trace", () => {
    const { code, stdout, stderr } = synth("--stack", "dev", "--out", join(mkdtempSync(join(tmpdir(), "synth-cli-")), "o"), "--config", "elasticsearch.replicas=2", "--config", "cluster.nodeGroups[0].maxSize=0");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain('Invalid configuration for stack "dev"');
    expect(stderr).toContain("eks-search-platform:elasticsearch.replicas: must be 1, or 3 and more");
    expect(stderr).toContain("eks-search-platform:cluster.nodeGroups.0.maxSize");
    expect(stderr).not.toMatch(STACK_TRACE);
  });

  it("names the stacks that exist when the stack is unknown", () => {
    const { code, stderr } = synth("--stack", "staging");
    expect(code).toBe(1);
    // Every stack file in the repository, in name order (the list grew with the book-app stacks).
    const stacks = readdirSync(ROOT).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((n): n is string => n !== undefined).sort();
    expect(stacks).toEqual(expect.arrayContaining(["automode", "dev", "local", "prod"]));
    expect(stderr).toContain(`unknown stack "staging": no Pulumi.staging.yaml in `);
    expect(stderr).toContain(`(stacks: ${stacks.join(", ")})`);
    expect(stderr).not.toMatch(STACK_TRACE);
  });

  it("explains its usage on a bad argument and exits 2", () => {
    const { code, stderr } = synth("--stack", "dev", "--config", "replicas");
    expect(code).toBe(2);
    expect(stderr).toContain("--config expects <key>=<value>");
    expect(stderr).toContain("Usage: npm run synth");
  });

  it("with --json prints one document and keeps injected secrets out of stdout and every file", () => {
    const out = join(mkdtempSync(join(tmpdir(), "synth-cli-")), "local");
    const password = "cli-Injected-elastic-Pa55";
    const sessionKey = "cli-Injected-session-key-0123";
    const { code, stdout, stderr } = synth("--stack", "local", "--out", out, "--json", "--secret", `elasticPassword=${password}`, "--secret", `appSecrets.api.SESSION_KEY=${sessionKey}`);
    expect(stderr).not.toMatch(STACK_TRACE);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ stack: "local", outputs: expect.any(Object), counts: expect.any(Array) });
    expect(doc.totalResources).toBe(doc.counts.reduce((n: number, c: { count: number }) => n + c.count, 0));
    const texts = [stdout, stderr, ...allFiles(out).map((f) => readFileSync(f, "utf8"))];
    for (const secret of [password, sessionKey, Buffer.from(password).toString("base64"), Buffer.from(sessionKey).toString("base64")]) {
      expect(texts.filter((t) => t.includes(secret))).toEqual([]);
    }
    const resources = JSON.parse(readFileSync(join(out, "resources.json"), "utf8"));
    expect(resources.resources).toHaveLength(doc.totalResources);
  });

  it("prints a summary: counts by resource type and the stack outputs", () => {
    const out = join(mkdtempSync(join(tmpdir(), "synth-cli-")), "dev");
    const { code, stdout } = synth("--stack", "dev", "--out", out);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Synthesized stack "dev" offline: \d+ resources, \d+ Kubernetes objects\./);
    expect(stdout).toMatch(/^resource type\s+count$/m);
    expect(stdout).toMatch(/^Outputs:$/m);
    expect(readFileSync(join(out, "summary.txt"), "utf8")).toBe(stdout);
  });

  it("renders the same output from the transpiled copy that `npm run synth` runs", () => {
    const tmp = mkdtempSync(join(tmpdir(), "synth-cli-"));
    const viaTsx = synth("--stack", "local", "--out", join(tmp, "a"), "--json");
    const compiled = run(["scripts/run-compiled.mjs", "scripts/synth.ts", "--stack", "local", "--out", join(tmp, "b"), "--json"]);
    expect([viaTsx.code, compiled.code]).toEqual([0, 0]);
    const { outDir: _a, ...a } = JSON.parse(viaTsx.stdout);
    const { outDir: _b, ...b } = JSON.parse(compiled.stdout);
    expect(b).toEqual(a);
    expect(JSON.parse(readFileSync(join(tmp, "b", "resources.json"), "utf8"))).toEqual(JSON.parse(readFileSync(join(tmp, "a", "resources.json"), "utf8")));
  });
});
