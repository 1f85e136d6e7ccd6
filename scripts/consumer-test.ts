/**
 * The packed-package consumer test: proves the artifact `npm publish` would upload works, not only the
 * source tree. Run with `npm run test:consumer` (CI runs it as its own step in .ci/run).
 *
 *  1. the export list is read from components/index.ts; every ComponentResource under components/ and its
 *     <Name>Args type must be in it, plus a minimum set (parsePlatformConfig, ConfigError, ArgumentError);
 *  2. `npm pack --dry-run --json` in the repo ships only the library (no tests, stacks, CI, scripts);
 *  3. a staging copy laid out as a clean clone (sources, package.json, tsconfigs, no dist/) is packed with
 *     scripts on, so `prepack` must build: the tarball is checked file by file;
 *  4. a fresh temp project installs the tarball offline from the npm cache (--prefer-offline), with the
 *     peer dependencies linked from this repo's node_modules (the versions the suite runs against), or,
 *     with --peer-floor, installed at the lowest versions package.json's ranges allow;
 *  5. plain Node imports it from CommonJS (every export, ConfigError, ArgumentError, every component
 *     constructed under the shared mock engine) and from ESM (static named imports of every export of
 *     every entry point: Node's CJS named-export detection must find them all);
 *  6. each subpath entry point loads in a fresh process; `/kubernetes` and `/config` must load no module
 *     of @pulumi/aws or @pulumi/eks (module counts and load times are printed);
 *  7. tsc type-checks every exported name of every entry point (types included) and the examples against
 *     the package's .d.ts files (moduleResolution node16 through `exports`), and the subpaths again under
 *     moduleResolution node10 (through `typesVersions`).
 *
 * Flags: --keep (leave the temp directory for inspection); --peer-floor (install the peers at their floors).
 */
import { execFileSync, type ExecFileSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkFileList, findComponents, peerFloors, readExports, sourceFiles, type PackResult } from "./consumer-test/checks";

const REPO = path.resolve(__dirname, "..");
const KEEP = process.argv.includes("--keep");
const PEER_FLOOR = process.argv.includes("--peer-floor");
const MINIMUM_EXPORTS = ["parsePlatformConfig", "ConfigError", "ArgumentError"];

/** The package's entry points: subpath ("" for the root), its source, and whether it must load no AWS SDK. */
const ENTRIES = [
  { subpath: "", source: "components/index.ts", kubernetesOnly: false },
  { subpath: "kubernetes", source: "components/kubernetes.ts", kubernetesOnly: true },
  { subpath: "aws", source: "components/aws.ts", kubernetesOnly: false },
  { subpath: "config", source: "components/config/index.ts", kubernetesOnly: true },
  { subpath: "specs", source: "components/specs.ts", kubernetesOnly: false },
] as const;
const specifier = (name: string, subpath: string): string => (subpath ? `${name}/${subpath}` : name);

/** The example programs type-checked against the packed package (each a directory under examples/ with index.ts). */
function examplePrograms(): string[] {
  const dir = path.join(REPO, "examples");
  return fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, "index.ts")) && fs.existsSync(path.join(dir, d, "Pulumi.yaml"))).sort();
}

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

/** `npm pack --json` output, after any lifecycle-script output npm printed before it. */
function packResult(stdout: string): PackResult {
  const start = stdout.search(/^\[\s*$/m);
  if (start < 0) throw new Error(`npm pack printed no JSON:\n${stdout}`);
  return (JSON.parse(stdout.slice(start)) as PackResult[])[0];
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
  console.log(`consumer test${PEER_FLOOR ? " (peer floors)" : ""} passed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

interface PackageJson {
  name: string;
  version: string;
  peerDependencies: Record<string, string>;
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
}

function run(temp: string): void {
  const pkgJson = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as PackageJson;

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

  const entries = step("every entry point is in package.json exports and typesVersions, and its export list is read", () => {
    const subpaths = ENTRIES.map((e) => (e.subpath ? `./${e.subpath}` : "."));
    const declared = Object.keys(pkgJson.exports).filter((k) => k !== "./package.json");
    if (JSON.stringify([...declared].sort()) !== JSON.stringify([...subpaths].sort())) {
      throw new Error(`package.json exports ${declared.join(", ")}; this test knows ${subpaths.join(", ")}`);
    }
    const typesVersions = Object.keys(pkgJson.typesVersions["*"] ?? {}).sort();
    const expected = ENTRIES.flatMap((e) => (e.subpath ? [e.subpath] : [])).sort();
    if (JSON.stringify(typesVersions) !== JSON.stringify(expected)) throw new Error(`typesVersions maps ${typesVersions.join(", ")}, expected ${expected.join(", ")}`);
    return ENTRIES.map((e) => ({ ...e, list: readExports(path.join(REPO, e.source)) }));
  });

  step("npm pack --dry-run in the repo ships only the library", () => {
    const result = packResult(exec(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO }));
    checkFileList(result.files.map((f) => f.path), "npm pack --dry-run");
  });

  const stage = path.join(temp, "stage");
  const tarball = step("a clean-clone copy (no dist/) packed with scripts on: prepack builds, the tarball has the build", () => {
    fs.mkdirSync(stage);
    for (const f of ["package.json", "README.md", "CHANGELOG.md", "LICENSE", "tsconfig.json", "tsconfig.build.json"]) fs.copyFileSync(path.join(REPO, f), path.join(stage, f));
    fs.cpSync(path.join(REPO, "components"), path.join(stage, "components"), { recursive: true });
    fs.cpSync(path.join(REPO, "automation"), path.join(stage, "automation"), { recursive: true });
    fs.cpSync(path.join(REPO, "provider"), path.join(stage, "provider"), { recursive: true });
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(stage, "node_modules"), "dir");
    const result = packResult(exec(npm, ["pack", "--json", "--pack-destination", temp], { cwd: stage }));
    const files = result.files.map((f) => f.path);
    checkFileList(files, "npm pack");
    const sources = sourceFiles(path.join(REPO, "components"));
    const required = ["LICENSE", "README.md", "CHANGELOG.md", "package.json", "dist/automation/cli.js", "dist/provider/index.js", "dist/provider/schema.json", "provider/PulumiPlugin.yaml", "provider/pulumi-resource-eks-search-platform", ...sources.flatMap((s) => ["js", "js.map", "d.ts"].map((ext) => `dist/components/${s.replace(/\.ts$/, `.${ext}`)}`))];
    const missing = required.filter((f) => !files.includes(f));
    if (missing.length > 0) throw new Error(`the tarball lacks:\n  ${missing.join("\n  ")}`);
    return path.join(temp, result.filename);
  });

  const consumer = path.join(temp, "consumer");
  const peers = PEER_FLOOR ? peerFloors(pkgJson.peerDependencies) : undefined;
  step(
    peers
      ? `fresh project installs the tarball offline (npm cache) with the peers at their floors: ${Object.entries(peers).map(([n, v]) => `${n}@${v}`).join(" ")}`
      : "fresh project installs the tarball offline (npm cache) with peers from this repo",
    () => {
      fs.mkdirSync(consumer);
      fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "0.0.0", private: true }, null, 2));
      const common = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"];
      if (peers) {
        // Exact floors, resolved together with the tarball: npm refuses the install if they conflict.
        exec(npm, [...common, tarball, ...Object.entries(peers).map(([n, v]) => `${n}@${v}`)], { cwd: consumer });
        // Some Pulumi provider SDKs write their version as "v4.16.0".
        const versionOf = (n: string): string => (JSON.parse(fs.readFileSync(path.join(consumer, "node_modules", n, "package.json"), "utf8")) as { version: string }).version.replace(/^v/, "");
        const got = Object.keys(peers).filter((n) => versionOf(n) !== peers[n]);
        if (got.length > 0) throw new Error(`installed other versions than the floors: ${got.map((n) => `${n}@${versionOf(n)}`).join(", ")}`);
      } else {
        exec(npm, [...common, "--legacy-peer-deps", tarball], { cwd: consumer });
      }
      const linked = [...(peers ? [] : Object.keys(pkgJson.peerDependencies)), "@types/node"];
      for (const dep of linked) {
        const target = path.join(consumer, "node_modules", dep);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.rmSync(target, { recursive: true, force: true }); // a peer install may have brought its own @types/node
        fs.symlinkSync(path.join(REPO, "node_modules", dep), target, "dir");
      }
      const installed = JSON.parse(fs.readFileSync(path.join(consumer, "node_modules", pkgJson.name, "package.json"), "utf8")) as { version: string };
      if (installed.version !== pkgJson.version) throw new Error(`installed ${installed.version}, expected ${pkgJson.version}`);
    },
  );

  step("the CI driver's bin: installed on the path, --help and a command's --help run from the compiled package", () => {
    const bin = path.join(consumer, "node_modules", ".bin", "eks-search-platform-deploy");
    const global = exec(bin, ["--help"], { cwd: consumer });
    const preview = exec(bin, ["preview", "--help"], { cwd: consumer });
    if (!global.includes("Usage: eks-search-platform-deploy <command>") || !preview.includes("--plan <file>")) throw new Error(`unexpected help:\n${global}\n${preview}`);
  });

  step("the component package (provider/): its launcher is executable and the compiled provider serves the shipped schema", () => {
    const dir = path.join(consumer, "node_modules", pkgJson.name);
    fs.accessSync(path.join(dir, "provider", "pulumi-resource-eks-search-platform"), fs.constants.X_OK);
    const script = [
      `const { ComponentPackageProvider } = require(${JSON.stringify(path.join(dir, "dist", "provider", "provider.js"))});`,
      `const schema = require(${JSON.stringify(path.join(dir, "dist", "provider", "schema.json"))});`,
      `new ComponentPackageProvider(schema).getSchema().then((s) => console.log(Object.keys(JSON.parse(s).resources).join(",")));`,
    ].join("\n");
    const out = exec(process.execPath, ["-e", script], { cwd: consumer }).trim();
    const expected = Object.keys((JSON.parse(fs.readFileSync(path.join(REPO, "provider", "schema.json"), "utf8")) as { resources: object }).resources).join(",");
    if (out !== expected) throw new Error(`the packed provider serves ${out}, expected ${expected}`);
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
    for (const f of ["construct.js", "load.js"]) fs.copyFileSync(path.join(__dirname, "consumer-test", f), path.join(consumer, f));
    fs.writeFileSync(path.join(consumer, "expected.json"), JSON.stringify(exportsList));
  });

  step("CommonJS: every export present; ConfigError, ArgumentError and every component work under mocks", () => {
    const out = exec(process.execPath, ["construct.js", "expected.json"], { cwd: consumer });
    console.log(`    ${out.trim().split("\n").pop()}`);
  });

  step("CommonJS, one fresh process per entry point: its exports present; /kubernetes and /config load no @pulumi/aws or @pulumi/eks module", () => {
    const reports = entries.map((e) => {
      const report = JSON.parse(exec(process.execPath, ["load.js", specifier(pkgJson.name, e.subpath), e.list.values.join(",")], { cwd: consumer }).trim()) as {
        specifier: string;
        modules: number;
        aws: number;
        eks: number;
        kubernetes: number;
        ms: number;
        missing: string[];
      };
      console.log(`    ${report.specifier}: ${report.modules} modules (@pulumi/aws ${report.aws}, @pulumi/eks ${report.eks}, @pulumi/kubernetes ${report.kubernetes}) in ${report.ms} ms`);
      if (report.missing.length > 0) throw new Error(`${report.specifier} lacks at runtime: ${report.missing.join(", ")}`);
      if (e.kubernetesOnly && report.aws + report.eks > 0) throw new Error(`${report.specifier} loaded ${report.aws} @pulumi/aws and ${report.eks} @pulumi/eks modules`);
      return report;
    });
    const root = reports[0];
    const kubernetes = reports[ENTRIES.findIndex((e) => e.subpath === "kubernetes")];
    if (root.aws === 0 || kubernetes.modules >= root.modules) throw new Error("the measurement cannot tell: the root entry loaded no @pulumi/aws, or /kubernetes loaded no fewer modules than the root");
  });

  step("ESM: static named imports of every export of every entry point (Node's CJS named-export detection)", () => {
    const lines: string[] = [];
    entries.forEach((e, i) => {
      const names = e.list.values.map((n) => `${n} as e${i}_${n}`);
      lines.push(`import { ${names.join(", ")} } from "${specifier(pkgJson.name, e.subpath)}";`);
    });
    lines.push(`import pkg from "${pkgJson.name}";`);
    entries.forEach((e, i) => lines.push(`const v${i} = { ${e.list.values.map((n) => `${n}: e${i}_${n}`).join(", ")} };`));
    lines.push(
      `const missing = [${entries.map((_, i) => `v${i}`).join(", ")}].flatMap((v) => Object.entries(v).filter(([, x]) => x === undefined).map(([k]) => k));`,
      `if (missing.length) throw new Error("ESM exports undefined: " + missing.join(", "));`,
      `if (pkg.parsePlatformConfig !== e0_parsePlatformConfig) throw new Error("default and named exports differ");`,
      `console.log(JSON.stringify({ esmNamedImports: ${entries.reduce((n, e) => n + e.list.values.length, 0)} }));`,
      "",
    );
    fs.writeFileSync(path.join(consumer, "esm.mjs"), lines.join("\n"));
    const out = exec(process.execPath, ["esm.mjs"], { cwd: consumer });
    console.log(`    ${out.trim()}`);
  });

  const examples = examplePrograms();
  step(`TypeScript (node16, through exports): every exported name of every entry point and the examples (${examples.join(", ")}) type-check against the .d.ts`, () => {
    const imports = entries.map((e, i) => {
      const names = [...e.list.types.map((t) => `type ${t} as T${i}_${t}`), ...e.list.values.map((v) => `${v} as V${i}_${v}`)];
      return `import { ${names.join(", ")} } from "${specifier(pkgJson.name, e.subpath)}";`;
    });
    fs.writeFileSync(path.join(consumer, "types.ts"), `${imports.join("\n")}\nexport {};\n`);
    for (const name of examples) {
      const example = path.join(consumer, "examples", name);
      fs.mkdirSync(example, { recursive: true });
      for (const f of fs.readdirSync(path.join(REPO, "examples", name)).filter((f) => f.endsWith(".ts") || f === "tsconfig.json")) {
        fs.copyFileSync(path.join(REPO, "examples", name, f), path.join(example, f));
      }
    }
    // One program (the @pulumi/aws typings dominate the time): the examples with the first one's compiler
    // options (they share them), plus the export lists.
    fs.writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({ extends: `./examples/${examples[0]}/tsconfig.json`, compilerOptions: { noEmit: true }, files: ["types.ts", ...examples.map((e) => `examples/${e}/index.ts`)] }),
    );
    exec(process.execPath, [tsc, "-p", consumer]);
  });

  step("TypeScript (node10, through typesVersions): every subpath's names resolve", () => {
    const subpaths = entries.filter((e) => e.subpath);
    const imports = subpaths.map((e, i) => `import { ${[...e.list.types.map((t) => `type ${t} as T${i}_${t}`), ...e.list.values.map((v) => `${v} as V${i}_${v}`)].join(", ")} } from "${specifier(pkgJson.name, e.subpath)}";`);
    fs.writeFileSync(path.join(consumer, "types-node10.ts"), `${imports.join("\n")}\nexport {};\n`);
    fs.writeFileSync(
      path.join(consumer, "tsconfig.node10.json"),
      JSON.stringify({ compilerOptions: { module: "commonjs", moduleResolution: "node10", target: "ES2022", strict: true, esModuleInterop: true, skipLibCheck: true, noEmit: true, types: ["node"] }, files: ["types-node10.ts"] }),
    );
    exec(process.execPath, [tsc, "-p", path.join(consumer, "tsconfig.node10.json")]);
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
