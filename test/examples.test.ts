import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

// The example programs under examples/: each a Pulumi project depending on this package by local path, with
// a README whose inputs and outputs are the program's. Their type-check against the packed package is in
// `npm run test:consumer`; here, that they are complete and their READMEs true.

const EXAMPLES = ["complete", "network-cluster", "existing-cluster", "kubernetes-components", "elasticsearch-ha-tls", "app-tier-ingress", "local"];
// Pulumi YAML programs, through the component package in provider/ (docs/other-languages.md).
const YAML_EXAMPLES = ["yaml"];
const dir = (name: string): string => path.join("examples", name);
const read = (name: string, file: string): string => readFileSync(path.join(dir(name), file), "utf8");

/** The backticked names in the first column of the table under `## <heading>`. */
function tableNames(readme: string, heading: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith(`${heading}\n`)) ?? "";
  return section
    .split("\n")
    .filter((l) => l.startsWith("| `"))
    .flatMap((l) => [...l.split("|")[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
}

describe("examples", () => {
  it("every Pulumi program under examples/ is one of the documented examples", () => {
    const programs = readdirSync("examples").filter((d) => existsSync(path.join(dir(d), "Pulumi.yaml")));
    expect(programs.sort()).toEqual([...EXAMPLES, ...YAML_EXAMPLES].sort());
  });

  for (const name of YAML_EXAMPLES) {
    describe(name, () => {
      const program = parseYaml(read(name, "Pulumi.yaml")) as {
        name: string;
        runtime: string;
        packages: Record<string, string>;
        config: Record<string, { type: string; secret?: boolean; default?: unknown }>;
        resources: Record<string, { type: string }>;
        outputs: Record<string, string>;
      };

      it("is a Pulumi YAML program using the component package by local path", () => {
        expect([program.name, program.runtime]).toEqual([name, "yaml"]);
        expect(program.packages).toEqual({ "eks-search-platform": "../../provider" });
        expect(existsSync(path.join(dir(name), program.packages["eks-search-platform"], "PulumiPlugin.yaml"))).toBe(true);
        // Every component type it uses is in the package's schema.
        const schema = JSON.parse(readFileSync(path.join("provider", "schema.json"), "utf8")) as { resources: Record<string, unknown> };
        const used = Object.values(program.resources).map((r) => r.type).filter((t) => t.startsWith("eks-search-platform:"));
        expect(used.length).toBeGreaterThan(0);
        for (const t of used) expect(Object.keys(schema.resources), t).toContain(t);
      });

      it("README: what it builds, a cost warning, and the program's own inputs and outputs", () => {
        const readme = read(name, "README.md");
        expect(readme).toMatch(new RegExp(`^# ${name}\\n`));
        expect(readme).toMatch(/^> \*\*Cost:\*\*/m);
        expect(tableNames(readme, "Outputs").sort()).toEqual(Object.keys(program.outputs).sort());
        expect(tableNames(readme, "Inputs").sort()).toEqual(Object.keys(program.config).sort());
      });
    });
  }

  for (const name of EXAMPLES) {
    describe(name, () => {
      it("is a Pulumi TypeScript project depending on the package by local path, installed as a copy", () => {
        for (const f of ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json", "README.md", ".npmrc"]) expect(existsSync(path.join(dir(name), f)), f).toBe(true);
        expect(read(name, "Pulumi.yaml")).toMatch(new RegExp(`^name: ${name}\\n[\\s\\S]*runtime:\\n  name: nodejs`));
        const pkg = JSON.parse(read(name, "package.json")) as { dependencies: Record<string, string> };
        expect(pkg.dependencies["eks-search-platform"]).toBe("file:../..");
        expect(read(name, ".npmrc")).toMatch(/^install-links=true$/m);
        // Every package the program imports is a dependency; Kubernetes-only examples do without the AWS SDKs.
        const imported = [...read(name, "index.ts").matchAll(/^import .* from "((?:@[\w-]+\/)?[\w-]+)[^"]*";$/gm)].map((m) => m[1]);
        for (const p of imported) expect(pkg.dependencies, p).toHaveProperty([p]);
        if (/from "eks-search-platform\/kubernetes"/.test(read(name, "index.ts")) && !/from "eks-search-platform"/.test(read(name, "index.ts"))) {
          expect(Object.keys(pkg.dependencies)).not.toContain("@pulumi/aws");
          expect(Object.keys(pkg.dependencies)).not.toContain("@pulumi/eks");
        }
        // Without @pulumi/aws installed, only the entry points that never load it (/kubernetes, /config) will do:
        // the root and /specs require it at run time (the existing-cluster e2e found /specs so).
        if (!("@pulumi/aws" in pkg.dependencies)) {
          const entries = [...read(name, "index.ts").matchAll(/from "(eks-search-platform[^"]*)"/g)].map((m) => m[1]);
          for (const e of entries) expect(["eks-search-platform/kubernetes", "eks-search-platform/config"], e).toContain(e);
        }
      });

      it("README: what it builds, a cost warning, and the program's own inputs and outputs", () => {
        const readme = read(name, "README.md");
        const program = read(name, "index.ts");
        expect(readme).toMatch(new RegExp(`^# ${name}\\n`));
        expect(readme).toMatch(/^> \*\*Cost:\*\*/m);
        const outputs = [...program.matchAll(/^export const (\w+)/gm)].map((m) => m[1]);
        expect(tableNames(readme, "Outputs").sort()).toEqual(outputs.sort());
        const inputs = new Set([...program.matchAll(/\.(?:get|require)(?:Secret|Boolean|Number|Object)?\("([\w:]+)"\)/g)].map((m) => m[1]));
        const documented = tableNames(readme, "Inputs").filter((n) => !n.includes(":"));
        expect(documented.sort()).toEqual([...inputs].sort());
      });
    });
  }
});
