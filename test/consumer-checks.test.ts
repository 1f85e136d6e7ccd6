import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { checkFileList, findComponents, peerFloors, readExports, runtimePackages } from "../scripts/consumer-test/checks";

// The packed-package consumer test itself is slow (build, pack, install, tsc): it runs in .ci/run as its
// own step (`npm run test:consumer`). These are its pure checks.

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-checks-"));
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

describe("tarball file list", () => {
  it("accepts the library: build output, its sources, and the package documents", () => {
    expect(() =>
      checkFileList(
        ["package.json", "README.md", "CHANGELOG.md", "LICENSE", "dist/components/index.js", "dist/components/index.d.ts", "dist/components/index.js.map", "dist/components/index.d.ts.map", "components/index.ts"],
        "pack",
      ),
    ).not.toThrow();
  });

  it("accepts the CI driver, compiled, with its sources (the package's bin)", () => {
    expect(() => checkFileList(["package.json", "dist/automation/cli.js", "dist/automation/cli.js.map", "dist/automation/cli.d.ts", "automation/cli.ts"], "pack")).not.toThrow();
  });

  it("rejects tests, stacks, CI, scripts and examples, naming each", () => {
    const leaked = [
      "test/config.test.ts",
      "dist/test/config.test.js",
      "Pulumi.prod.yaml",
      ".github/workflows/deploy.yml",
      "scripts/synth.ts",
      "automation/sub/cli.ts",
      "examples/network-cluster/index.ts",
      "components/network.test.ts",
      "index.ts",
    ];
    for (const file of leaked) expect(() => checkFileList(["package.json", file], "pack"), file).toThrow(file);
  });
});

describe("export list", () => {
  it("reads value and type-only exports from re-exports and local declarations", () => {
    const file = tempFile(
      "index.ts",
      [
        'export { Network, planSubnets, type NetworkArgs } from "./network";',
        'export type { ClusterArgs } from "./cluster";',
        "export const VERSION = 1;",
        "export function helper() {}",
        "export interface Local {}",
      ].join("\n"),
    );
    expect(readExports(file)).toEqual({ values: ["Network", "planSubnets", "VERSION", "helper"], types: ["NetworkArgs", "ClusterArgs", "Local"] });
  });

  it("follows `export *` into the package's own modules, each name once", () => {
    const index = tempFile("index.ts", ['export * from "./kubernetes";', 'export { Network, type NetworkArgs } from "./network";', 'export { AppTier } from "./app-tier";'].join("\n"));
    fs.writeFileSync(path.join(path.dirname(index), "kubernetes.ts"), 'export { AppTier, type AppTierArgs } from "./app-tier";\nexport type * from "./types";\n');
    fs.mkdirSync(path.join(path.dirname(index), "types"));
    fs.writeFileSync(path.join(path.dirname(index), "types", "index.ts"), "export interface Probe {}\nexport const LIMIT = 1;\n");
    expect(readExports(index)).toEqual({ values: ["AppTier", "Network"], types: ["AppTierArgs", "LIMIT", "Probe", "NetworkArgs"] });
  });

  it("refuses `export *` from a package, which would hide names from the check", () => {
    expect(() => readExports(tempFile("index.ts", 'export * from "@pulumi/kubernetes";'))).toThrow(/export \*/);
  });

  it("matches the real components/index.ts: every component and its Args type is exported", () => {
    const list = readExports("components/index.ts");
    const components = findComponents("components");
    expect(components.map((c) => c.name)).toEqual(expect.arrayContaining(["Network", "Cluster"]));
    for (const c of components) {
      expect(list.values).toContain(c.name);
      if (c.args) expect(list.types).toContain(c.args);
    }
    expect(list.values).toEqual(expect.arrayContaining(["parsePlatformConfig", "ConfigError", "ArgumentError"]));
  });
});

describe("peer floors", () => {
  it("takes the lowest version a caret, tilde or exact range allows", () => {
    expect(peerFloors({ "@pulumi/aws": "^7.2.0", "@pulumi/tls": "~5.0.1", "@pulumi/eks": "4.2.0" })).toEqual({ "@pulumi/aws": "7.2.0", "@pulumi/tls": "5.0.1", "@pulumi/eks": "4.2.0" });
  });

  it("refuses ranges whose floor is not one version, naming each", () => {
    expect(() => peerFloors({ a: ">=1.0.0 <2", b: "^1.0.0 || ^2.0.0", c: "^1.2.3" })).toThrow(/a: ">=1.0.0 <2", b: "\^1.0.0 \|\| \^2.0.0"/);
  });

  it("reads the real package.json: every peer has a floor", () => {
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { peerDependencies: Record<string, string> };
    expect(Object.keys(peerFloors(pkg.peerDependencies)).sort()).toEqual(Object.keys(pkg.peerDependencies).sort());
  });
});

describe("what each entry point loads (static walk of runtime imports)", () => {
  it("eks-search-platform/kubernetes loads neither @pulumi/aws nor @pulumi/eks", () => {
    const packages = runtimePackages("components/kubernetes.ts");
    expect(packages).toEqual(expect.arrayContaining(["@pulumi/kubernetes", "@pulumi/pulumi"]));
    expect(packages).not.toContain("@pulumi/aws");
    expect(packages).not.toContain("@pulumi/eks");
  });

  it("eks-search-platform/config loads no Pulumi provider SDK", () => {
    expect(runtimePackages("components/config/index.ts").filter((p) => p.startsWith("@pulumi/") && p !== "@pulumi/pulumi")).toEqual([]);
  });

  it("sees the AWS SDKs where they are loaded (the root entry point), so the checks above can fail", () => {
    expect(runtimePackages("components/index.ts")).toEqual(expect.arrayContaining(["@pulumi/aws", "@pulumi/eks"]));
  });

  it("skips type-only imports and follows re-exports", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-walk-"));
    fs.writeFileSync(path.join(dir, "entry.ts"), 'export { a } from "./a";\nimport type * as aws from "@pulumi/aws";\nimport { type Foo } from "@pulumi/eks";\n');
    fs.writeFileSync(path.join(dir, "a.ts"), 'import * as k8s from "@pulumi/kubernetes";\nexport const a = k8s;\n');
    expect(runtimePackages(path.join(dir, "entry.ts"))).toEqual(["@pulumi/kubernetes"]);
  });
});
