/**
 * Where things are, whether the scripts run from the repository under tsx or from the transpiled copy in
 * node_modules/.cache (scripts/run-compiled.mjs, where a script may be bundled): the program is in both, the
 * stack files and npm scripts only in the repository.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

function findUp(dir: string, ...files: string[]): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (files.some((file) => existsSync(join(current, file)))) return current;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * Where index.ts (or, in the transpiled copy, index.js) is: the nearest directory above this file (scripts/lib/,
 * or in a bundled script scripts/) that holds one.
 */
export const PROGRAM_DIR = findUp(__dirname, "index.ts", "index.js") ?? resolve(__dirname, "..", "..");

/** The repository: the nearest directory with Pulumi.yaml, holding the stack files. */
export const REPO_ROOT = findUp(PROGRAM_DIR, "Pulumi.yaml") ?? PROGRAM_DIR;
