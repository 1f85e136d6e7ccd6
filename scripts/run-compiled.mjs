// Runs one of our TypeScript scripts from a transpiled copy: `node scripts/run-compiled.mjs scripts/synth.ts ...args`.
//
// Why: `npm run synth` is the tool people run most. Under tsx every run pays for tsx's module hooks, its
// ESM loader thread and source-mapped stack traces (the Pulumi SDK takes a stack trace per resource), about
// 0.7 s of a 2.5 s synth. Here esbuild transpiles (no type-check: `npm run typecheck` does that) the
// program, components/ and scripts/ into node_modules/.cache/eks-search-platform/js/<stamp>/ only when a
// source (or this file) changed (~0.3 s), bundles the scripts it is meant for over that copy, and the script
// runs as plain CommonJS. Plain JS on purpose: it must run
// before anything is compiled. `node --import tsx scripts/synth.ts` still works (and maps stack traces to
// TypeScript lines).
import { createHash } from "node:crypto";
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { requireWithCodeCache } from "./lib/code-cache.mjs";

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

/** The scripts run through this runner (npm run synth, npm run bench:synth and its floor), each bundled. */
const BUNDLED = ["scripts/synth.ts", "scripts/bench-synth.ts", "scripts/bench-floor.ts"];
/** Modules with a dynamic provider, whose functions' text Pulumi serializes into the resource. */
const SERIALIZED = ["components/cluster/volume-deletions.ts"];

const sources = [join(root, "index.ts"), ...tsFiles(join(root, "components"), true), ...tsFiles(join(root, "scripts"), false), ...tsFiles(join(root, "scripts", "lib"), true)].sort();
const stamp = createHash("sha256");
for (const file of [fileURLToPath(import.meta.url), ...sources]) { // this file too: it decides what the copy is
  const { mtimeMs, size } = statSync(file);
  stamp.update(`${relative(root, file)}\0${mtimeMs}\0${size}\n`);
}
const cacheRoot = join(root, "node_modules", ".cache", "eks-search-platform", "js");
const outDir = join(cacheRoot, stamp.digest("hex").slice(0, 16));

if (!existsSync(join(outDir, ".complete"))) {
  const { build } = await import("esbuild");
  // Build beside the final directory, then rename: concurrent runs never see a half-written copy.
  const tmp = `${outDir}.tmp-${process.pid}`;
  const options = { format: "cjs", platform: "node", target: "node20", logLevel: "error" };
  await build({ ...options, entryPoints: sources, outdir: tmp, outbase: root });
  // The scripts this runs (BUNDLED) once more, bundled over the per-file copy: with our modules, zod and yaml in
  // one file, a synth resolves and reads about 250 fewer files (about 50 ms). Outside the bundle: the Pulumi SDKs
  // (one instance for the program, the providers and the mock engine), and the modules whose functions Pulumi
  // serializes (SERIALIZED), which keep their per-file text: a bundle renames their locals and re-indents them,
  // and the serialized provider would differ from the package's.
  const serialized = new Set(SERIALIZED.map((file) => join(root, file)));
  const keepSerializedApart = {
    name: "keep-serialized-apart",
    setup(plugin) {
      plugin.onResolve({ filter: /^\./ }, (args) => {
        const target = resolve(args.resolveDir, args.path).replace(/\.[jt]s$/, "");
        if (!serialized.has(`${target}.ts`)) return undefined;
        const fromBundle = `${relative(join(tmp, "scripts"), join(tmp, relative(root, target)))}.js`; // the per-file copy
        return { path: fromBundle.startsWith("..") ? fromBundle : `./${fromBundle}`, external: true };
      });
    },
  };
  // zod's translations of its messages (about 390 kB of the bundle's 1.5 MB, each compiled and initialized on
  // every run) are left out, as webpack users leave out moment's locales: the program uses zod's English
  // messages (zod imports those apart from the others) and never `z.locales`, which is empty in the bundle.
  const noZodLocales = {
    name: "no-zod-locales",
    setup(plugin) {
      plugin.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => (/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: "zod-locales", namespace: "empty" } : undefined));
      plugin.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "", loader: "js" }));
    },
  };
  await build({ ...options, entryPoints: BUNDLED.map((file) => join(root, file)), outdir: join(tmp, "scripts"), bundle: true, external: ["@pulumi/*", "@kubernetes/*"], plugins: [keepSerializedApart, noZodLocales], allowOverwrite: true });
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
// With a V8 code cache kept beside the copy (scripts/lib/code-cache.mjs): a bundle is not compiled again each run.
requireWithCodeCache(compiled);
