// The VolumeDeletionGuard's provider serialized as Pulumi does it when the package is installed, not run from this
// repository: the module compiled to CommonJS as `npm run build` does, under node_modules/eks-search-platform with the
// package's own `exports` map. Vitest's transform of the TypeScript source is not what users run: a captured
// `exports` object only exists in the compiled module, and Pulumi then tries to `require` the module by an export
// path the package does not have (the consumer test's failure on 6cff222).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = resolve(__dirname, "..");
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "volume-guard-packaged-"));
  const manifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { name: string; exports: unknown };
  const pkg = join(root, "node_modules", manifest.name);
  const compiled = join(pkg, "dist/components/cluster/volume-deletions.js");
  mkdirSync(dirname(compiled), { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: manifest.name, version: "0.0.0", exports: manifest.exports }));
  const source = readFileSync(join(repo, "components/cluster/volume-deletions.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  writeFileSync(compiled, outputText);
  // Installed next to it, as npm does with the package's dependency.
  symlinkSync(join(repo, "node_modules/@kubernetes"), join(root, "node_modules/@kubernetes"));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Serializes the provider from the installed copy, then runs the text's delete in a directory without the package. */
function serializeAndDelete(): { status: number | null; text: string; stderr: string } {
  const elsewhere = mkdtempSync(join(tmpdir(), "volume-guard-elsewhere-"));
  const script = `
    const sc = require(${JSON.stringify(join(repo, "node_modules/@pulumi/pulumi/runtime/closure/serializeClosure"))});
    const fromString = require(${JSON.stringify(join(repo, "node_modules/require-from-string"))});
    const { volumeGuardProvider } = require(${JSON.stringify(join(root, "node_modules/eks-search-platform/dist/components/cluster/volume-deletions.js"))});
    sc.serializeFunction(() => volumeGuardProvider, { allowSecrets: true }).then(async (sf) => {
      process.stdout.write(sf.text);
      process.chdir(${JSON.stringify(elsewhere)});
      const provider = fromString(sf.text).handler();
      await provider.delete("guard", { clusterName: "packaged", kubeconfig: "{}", timeoutSeconds: 30, driver: "ebs.csi.aws.com" });
    }).catch((error) => { console.error(String((error && error.message) || error)); process.exit(3); });`;
  try {
    const run = spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8", env: { ...process.env, EKS_SEARCH_PLATFORM_SKIP_VOLUME_WAIT: "1", NODE_PATH: join(root, "node_modules") } });
    return { status: run.status, text: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
}

describe("the VolumeDeletionGuard's provider from the installed package", () => {
  it("serializes by value, with no require of the package's own modules, and its delete runs where the package is not installed", () => {
    const { status, text, stderr } = serializeAndDelete();
    expect(stderr).not.toContain("export path");
    expect(status, stderr).toBe(0);
    // The delete ran from the text alone: the skip is the serialized code's own message.
    expect(stderr).toContain("EKS cluster packaged: EKS_SEARCH_PLATFORM_SKIP_VOLUME_WAIT=1, not waiting");
    // A require of our own module would need the package (and that export path) wherever the destroy runs.
    expect(text).not.toMatch(/require\(["'][^"']*eks-search-platform/);
    expect(text).not.toMatch(/require\(["'][^"']*volume-deletions/);
  }, 60_000);
});
