/**
 * The packed-package consumer test: proves the artifact `npm publish` would upload works, not only the
 * source tree. Run with `npm run test:consumer` (CI runs it as its own step in .ci/run).
 *
 *  1. the export list is read from components/index.ts; every ComponentResource under components/ and its
 *     <Name>Args type must be in it, plus a minimum set (parsePlatformConfig, ConfigError, ArgumentError);
 *  2. `npm pack --dry-run --json` in the repo ships only the library (no tests, stacks, CI, scripts);
 *  3. a clean build in a staging copy is packed into a real tarball and checked file by file;
 *  4. a fresh temp project installs the tarball offline from the npm cache (--prefer-offline), with the
 *     peer dependencies linked from this repo's node_modules (the versions the suite runs against);
 *  5. plain Node imports it from CommonJS (every export, ConfigError, ArgumentError, every component
 *     constructed under the shared mock engine) and from ESM (static named imports of every export:
 *     Node's CJS named-export detection must find them all);
 *  6. tsc type-checks every exported name (types included) and examples/network-cluster against the
 *     package's .d.ts files.
 *
 * Flags: --keep (leave the temp directory for inspection).
 */
import { execFileSync, type ExecFileSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkFileList, findComponents, readExports, sourceFiles, type PackResult } from "./consumer-test/checks";

const REPO = path.resolve(__dirname, "..");
const KEEP = process.argv.includes("--keep");
const MINIMUM_EXPORTS = ["parsePlatformConfig", "ConfigError", "ArgumentError"];

const started = Date.now();
function step<T>(title: string, run: () => T): T {
  const t = Date.now();
  const result = run();
  console.log(`ok  ${title} (${((Date.now() - t) / 1000).toFixed(1)}s)`);
  return result;
}

function exec(file: string, args: string[], options: ExecFileSyncOptions = {}): string {
  try {
    return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options }).toString();
  } catch (error) {
    const e = error as { stdout?: Buffer | string; stderr?: Buffer | string; message: string };
    throw new Error(`${[file, ...args].join(" ")} failed:\n${String(e.stdout ?? "")}${String(e.stderr ?? "")}`.trim());
  }
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const tsc = path.join(REPO, "node_modules", "typescript", "bin", "tsc");

function main(): void {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "eks-search-platform-consumer-"));
  try {
    run(temp);
  } finally {
    if (KEEP) console.log(`kept ${temp}`);
    else fs.rmSync(temp, { recursive: true, force: true });
  }
  console.log(`consumer test passed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

function run(temp: string): void {
  const pkgJson = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as {
    name: string;
    version: string;
    peerDependencies: Record<string, string>;
  };

  const exportsList = step("export list read from components/index.ts covers every component and its Args", () => {
    const list = readExports(path.join(REPO, "components", "index.ts"));
    const components = findComponents(path.join(REPO, "components"));
    const required = [...MINIMUM_EXPORTS, ...components.map((c) => c.name)];
    const missingValues = required.filter((n) => !list.values.includes(n));
    const missingTypes = components.flatMap((c) => (c.args && !list.types.includes(c.args) ? [c.args] : []));
    if (missingValues.length + missingTypes.length > 0) {
      throw new Error(`components/index.ts does not export: ${[...missingValues, ...missingTypes].join(", ")}`);
    }
    return { ...list, components: components.map((c) => c.name) };
  });

  step("npm pack --dry-run in the repo ships only the library", () => {
    const [result] = JSON.parse(exec(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO })) as PackResult[];
    checkFileList(result.files.map((f) => f.path), "npm pack --dry-run");
  });

  const stage = path.join(temp, "stage");
  const tarball = step("clean build in a staging copy, packed into a tarball", () => {
    fs.mkdirSync(stage);
    for (const f of ["package.json", "README.md", "CHANGELOG.md", "LICENSE"]) fs.copyFileSync(path.join(REPO, f), path.join(stage, f));
    fs.cpSync(path.join(REPO, "components"), path.join(stage, "components"), { recursive: true });
    fs.cpSync(path.join(REPO, "automation"), path.join(stage, "automation"), { recursive: true });
    exec(process.execPath, [tsc, "-p", path.join(REPO, "tsconfig.build.json"), "--outDir", path.join(stage, "dist")], { cwd: REPO });
    const [result] = JSON.parse(exec(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", temp], { cwd: stage })) as PackResult[];
    const files = result.files.map((f) => f.path);
    checkFileList(files, "npm pack");
    const sources = sourceFiles(path.join(REPO, "components"));
    const required = ["LICENSE", "README.md", "CHANGELOG.md", "package.json", "dist/automation/cli.js", ...sources.flatMap((s) => ["js", "js.map", "d.ts"].map((ext) => `dist/components/${s.replace(/\.ts$/, `.${ext}`)}`))];
    const missing = required.filter((f) => !files.includes(f));
    if (missing.length > 0) throw new Error(`the tarball lacks:\n  ${missing.join("\n  ")}`);
    return path.join(temp, result.filename);
  });

  const consumer = path.join(temp, "consumer");
  step("fresh project installs the tarball offline (npm cache) with peers from this repo", () => {
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "0.0.0", private: true }, null, 2));
    exec(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps", "--no-package-lock", tarball], { cwd: consumer });
    const linked = [...Object.keys(pkgJson.peerDependencies), "@types/node"];
    for (const dep of linked) {
      const target = path.join(consumer, "node_modules", dep);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.symlinkSync(path.join(REPO, "node_modules", dep), target, "dir");
    }
    const installed = JSON.parse(fs.readFileSync(path.join(consumer, "node_modules", pkgJson.name, "package.json"), "utf8")) as { version: string };
    if (installed.version !== pkgJson.version) throw new Error(`installed ${installed.version}, expected ${pkgJson.version}`);
  });

  step("the CI driver's bin: installed on the path, --help and a command's --help run from the compiled package", () => {
    const bin = path.join(consumer, "node_modules", ".bin", "eks-search-platform-deploy");
    const global = exec(bin, ["--help"], { cwd: consumer });
    const preview = exec(bin, ["preview", "--help"], { cwd: consumer });
    if (!global.includes("Usage: eks-search-platform-deploy <command>") || !preview.includes("--plan <file>")) throw new Error(`unexpected help:\n${global}\n${preview}`);
  });

  step("test tooling: the shared mock engine compiled into the consumer project", () => {
    exec(process.execPath, [
      tsc,
      path.join(REPO, "scripts", "lib", "mock-engine.ts"),
      "--outDir", path.join(consumer, "tooling"),
      "--rootDir", REPO,
      "--module", "commonjs",
      "--moduleResolution", "node10",
      "--target", "ES2022",
      "--esModuleInterop",
      "--skipLibCheck",
      "--types", "node",
    ]);
    fs.copyFileSync(path.join(__dirname, "consumer-test", "construct.js"), path.join(consumer, "construct.js"));
    fs.writeFileSync(path.join(consumer, "expected.json"), JSON.stringify(exportsList));
  });

  step("CommonJS: every export present; ConfigError, ArgumentError and every component work under mocks", () => {
    const out = exec(process.execPath, ["construct.js", "expected.json"], { cwd: consumer });
    console.log(`    ${out.trim().split("\n").pop()}`);
  });

  step("ESM: static named imports of every export (Node's CJS named-export detection)", () => {
    const names = exportsList.values;
    fs.writeFileSync(
      path.join(consumer, "esm.mjs"),
      [
        `import { ${names.join(", ")} } from "eks-search-platform";`,
        `import pkg from "eks-search-platform";`,
        `const values = { ${names.join(", ")} };`,
        `const missing = Object.entries(values).filter(([, v]) => v === undefined).map(([k]) => k);`,
        `if (missing.length) throw new Error("ESM exports undefined: " + missing.join(", "));`,
        `if (pkg.parsePlatformConfig !== parsePlatformConfig) throw new Error("default and named exports differ");`,
        `console.log(JSON.stringify({ esmNamedImports: ${names.length} }));`,
        "",
      ].join("\n"),
    );
    const out = exec(process.execPath, ["esm.mjs"], { cwd: consumer });
    console.log(`    ${out.trim()}`);
  });

  step("TypeScript: every exported name and examples/network-cluster type-check against the .d.ts", () => {
    const typeNames = [...exportsList.types.map((t) => `type ${t}`), ...exportsList.values];
    fs.writeFileSync(path.join(consumer, "types.ts"), `import { ${typeNames.join(", ")} } from "eks-search-platform";\nexport {};\n`);
    const example = path.join(consumer, "example");
    fs.mkdirSync(example);
    for (const f of ["index.ts", "tsconfig.json", "package.json"]) fs.copyFileSync(path.join(REPO, "examples", "network-cluster", f), path.join(example, f));
    // One program (the @pulumi/aws typings dominate the time): the example with its own compiler options,
    // plus the export list.
    fs.writeFileSync(path.join(consumer, "tsconfig.json"), JSON.stringify({ extends: "./example/tsconfig.json", files: ["types.ts", "example/index.ts"] }));
    exec(process.execPath, [tsc, "-p", consumer]);
  });
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`consumer test FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
