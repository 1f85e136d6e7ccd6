/**
 * Where things are, whether the scripts run from the repository under tsx or from the transpiled copy in
 * node_modules/.cache (scripts/run-compiled.mjs): the program sits two levels above this file in both,
 * the stack files and npm scripts only in the repository.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Where index.ts (or, in the transpiled copy, index.js) is. */
export const PROGRAM_DIR = resolve(__dirname, "..", "..");

function findUp(dir: string, file: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, file))) return current;
    if (dirname(current) === current) return undefined;
  }
}

/** The repository: the nearest directory with Pulumi.yaml, holding the stack files. */
export const REPO_ROOT = findUp(PROGRAM_DIR, "Pulumi.yaml") ?? PROGRAM_DIR;
