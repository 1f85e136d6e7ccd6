/**
 * The pure checks of the consumer test (scripts/consumer-test.ts): what the tarball may contain, and the
 * export list read from components/index.ts. Unit-tested in test/consumer-checks.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

// What the tarball may hold; anything else (tests, stacks, CI, scripts, examples) fails. The CI driver
// (automation/) ships compiled, as the package's bin, with its sources for the maps.
export const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^CHANGELOG\.md$/,
  /^LICENSE$/,
  /^dist\/components\/([\w-]+\/)?[\w.-]+\.(js|js\.map|d\.ts|d\.ts\.map)$/,
  /^components\/([\w-]+\/)?[\w.-]+\.ts$/, // the sources the source and declaration maps point at
  /^dist\/automation\/[\w.-]+\.(js|js\.map|d\.ts|d\.ts\.map)$/,
  /^automation\/[\w.-]+\.ts$/,
  // the component package (docs/other-languages.md): its sources and manifests, and its build
  /^provider\/([\w.-]+\.ts|schema\.json|package\.json|PulumiPlugin\.yaml|pulumi-resource-eks-search-platform)$/,
  /^dist\/provider\/([\w.-]+\.(js|js\.map|d\.ts|d\.ts\.map)|schema\.json)$/,
];
export const FORBIDDEN = /(^|\/)(test|tests|__tests__|scripts|examples|\.github|\.ci)\/|\.test\.|\.spec\.|^Pulumi\.|^index\.ts$/;

export interface ExportList {
  values: string[];
  types: string[];
}

/**
 * The names an entry point (components/index.ts) exports, split into values and type-only names, in order, each once.
 * `export * from "./x"` is followed into that module of this package (its names are this list's too); a star export
 * from a package, or a namespace re-export, would hide names from the check and is refused.
 */
export function readExports(indexFile: string, seen: Set<string> = new Set()): ExportList {
  const file = path.resolve(indexFile);
  if (seen.has(file)) return { values: [], types: [] };
  seen.add(file);
  const source = ts.createSourceFile(indexFile, fs.readFileSync(indexFile, "utf8"), ts.ScriptTarget.ES2022, true);
  const values: string[] = [];
  const types: string[] = [];
  const add = (list: string[], names: string[]) => list.push(...names.filter((n) => !list.includes(n)));
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      if (!statement.exportClause) {
        const from = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : "";
        if (!from.startsWith(".")) throw new Error(`${indexFile}: "export *" from ${JSON.stringify(from)} hides the export list; export names explicitly`);
        const inner = readExports(resolveModule(path.dirname(indexFile), from, indexFile), seen);
        add(statement.isTypeOnly ? types : values, statement.isTypeOnly ? [...inner.values, ...inner.types] : inner.values);
        if (!statement.isTypeOnly) add(types, inner.types);
        continue;
      }
      if (!ts.isNamedExports(statement.exportClause)) throw new Error(`${indexFile}: namespace re-exports are not supported here`);
      for (const element of statement.exportClause.elements) add(statement.isTypeOnly || element.isTypeOnly ? types : values, [element.name.text]);
      continue;
    }
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) add(types, [statement.name.text]);
    else if ((ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement)) && statement.name) add(values, [statement.name.text]);
    else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) add(values, [d.name.text]);
    }
  }
  return { values, types };
}

/** The source of the relative module `specifier` imported from `dir`: x.ts, else x/index.ts. */
function resolveModule(dir: string, specifier: string, from: string): string {
  const base = path.join(dir, specifier);
  for (const candidate of [`${base}.ts`, path.join(base, "index.ts")]) if (fs.existsSync(candidate)) return candidate;
  throw new Error(`${from}: cannot resolve ${specifier}`);
}

/** The .ts sources under `dir` (one folder per component), as paths relative to it, sorted. */
export function sourceFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: "utf8" })).filter((f) => f.endsWith(".ts")).map((f) => f.split(path.sep).join("/")).sort();
}

/** Every `export class X extends pulumi.ComponentResource` under components/, with whether `XArgs` is declared. */
export function findComponents(dir: string): { name: string; args?: string }[] {
  const found: { name: string; args?: string }[] = [];
  for (const file of sourceFiles(dir)) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    for (const match of text.matchAll(/export class (\w+) extends pulumi\.ComponentResource\b/g)) {
      const name = match[1];
      const args = new RegExp(`export (interface|type) ${name}Args\\b`).test(text) ? `${name}Args` : undefined;
      found.push({ name, ...(args ? { args } : {}) });
    }
  }
  return found;
}

export interface PackResult {
  filename: string;
  files: { path: string }[];
}

export function checkFileList(files: string[], where: string): void {
  const bad = files.filter((f) => !ALLOWED.some((re) => re.test(f)) || FORBIDDEN.test(f));
  if (bad.length > 0) throw new Error(`${where}: the package would ship files outside the library:\n  ${bad.join("\n  ")}`);
}


/**
 * The lowest version each peer range allows, for the peer-floor run. Only the range forms package.json
 * uses (`^X.Y.Z`, `~X.Y.Z`, `X.Y.Z`): anything else fails rather than guess a floor.
 */
export function peerFloors(ranges: Record<string, string>): Record<string, string> {
  const floors: Record<string, string> = {};
  const bad: string[] = [];
  for (const [name, range] of Object.entries(ranges)) {
    const match = /^[\^~]?(\d+\.\d+\.\d+)$/.exec(range.trim());
    if (match) floors[name] = match[1];
    else bad.push(`${name}: "${range}"`);
  }
  if (bad.length > 0) throw new Error(`peer ranges without a single floor (use ^X.Y.Z): ${bad.join(", ")}`);
  return floors;
}

/**
 * The packages an entry point can load at run time: a walk of its relative imports and re-exports,
 * skipping `import type`/`export type` and type-only specifiers. Conservative (TypeScript may elide more),
 * so a package absent from the answer is never loaded. The consumer test measures the built package too.
 */
export function runtimePackages(entry: string): string[] {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    for (const statement of source.statements) {
      let specifier: ts.Expression | undefined;
      if (ts.isImportDeclaration(statement)) {
        const clause = statement.importClause;
        const typeOnly = clause?.isTypeOnly || (clause && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.every((e) => e.isTypeOnly));
        if (!typeOnly) specifier = statement.moduleSpecifier;
      } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
        const clause = statement.exportClause;
        const typeOnly = statement.isTypeOnly || (clause && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly));
        if (!typeOnly) specifier = statement.moduleSpecifier;
      }
      if (!specifier || !ts.isStringLiteral(specifier)) continue;
      const name = specifier.text;
      if (name.startsWith(".")) {
        visit(path.resolve(resolveModule(path.dirname(file), name, file)));
      } else if (!name.startsWith("node:")) {
        packages.add(name.startsWith("@") ? name.split("/").slice(0, 2).join("/") : name.split("/")[0]);
      }
    }
  };
  visit(path.resolve(entry));
  return [...packages].sort();
}
