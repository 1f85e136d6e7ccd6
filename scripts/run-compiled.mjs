// Runs one of our TypeScript scripts from a transpiled copy: `node scripts/run-compiled.mjs scripts/synth.ts ...args`.
//
// Why: `npm run synth` is the tool people run most. Under tsx every run pays for tsx's module hooks, its
// ESM loader thread and source-mapped stack traces (the Pulumi SDK takes a stack trace per resource), about
// 0.7 s of a 2.5 s synth. Here esbuild transpiles (no type-check: `npm run typecheck` does that) the
// program, components/ and scripts/ into node_modules/.cache/eks-search-platform/js/<stamp>/ only when a
// source changed (~0.1 s), and the script runs as plain CommonJS. Plain JS on purpose: it must run
// before anything is compiled. `node --import tsx scripts/synth.ts` still works (and maps stack traces to
// TypeScript lines).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [script, ...args] = process.argv.slice(2);
if (!script || !script.endsWith(".ts")) {
  process.stderr.write("usage: node scripts/run-compiled.mjs <script.ts> [args...]\n");
  process.exit(2);
}

function tsFiles(dir, recursive) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return recursive ? tsFiles(path, true) : [];
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

const sources = [join(root, "index.ts"), ...tsFiles(join(root, "components"), true), ...tsFiles(join(root, "scripts"), false), ...tsFiles(join(root, "scripts", "lib"), true)].sort();
const stamp = createHash("sha256");
for (const file of sources) {
  const { mtimeMs, size } = statSync(file);
  stamp.update(`${relative(root, file)}\0${mtimeMs}\0${size}\n`);
}
const cacheRoot = join(root, "node_modules", ".cache", "eks-search-platform", "js");
const outDir = join(cacheRoot, stamp.digest("hex").slice(0, 16));

if (!existsSync(join(outDir, ".complete"))) {
  const { build } = await import("esbuild");
  // Build beside the final directory, then rename: concurrent runs never see a half-written copy.
  const tmp = `${outDir}.tmp-${process.pid}`;
  await build({ entryPoints: sources, outdir: tmp, outbase: root, format: "cjs", platform: "node", target: "node20", logLevel: "error" });
  writeFileSync(join(tmp, ".complete"), "");
  try {
    renameSync(tmp, outDir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run finished the same copy first
  }
  // Copies from older sources, left by earlier runs; recent ones may still be in use by a running process.
  for (const entry of readdirSync(cacheRoot)) {
    const path = join(cacheRoot, entry);
    if (path !== outDir && Date.now() - statSync(path).mtimeMs > 10 * 60_000) rmSync(path, { recursive: true, force: true });
  }
}

const compiled = join(outDir, relative(root, script).replace(/\.ts$/, ".js"));
if (!existsSync(compiled)) {
  process.stderr.write(`run-compiled: ${script} is not among the compiled sources (index.ts, components/, scripts/)\n`);
  process.exit(2);
}
process.argv = [process.argv[0], compiled, ...args];
createRequire(import.meta.url)(compiled);
