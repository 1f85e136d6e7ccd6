/**
 * Makes a directory hold exactly the given files, touching only what differs: a synth of an unchanged stack
 * rewrites nothing, where emptying the directory and writing every file again cost it tens of milliseconds of
 * file-system time (more when the disk is busy).
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Leaves `dir` with exactly `files` (path relative to `dir`, `/`-separated → text): a file whose text differs
 * or that is missing is written, anything else in `dir` (files, directories) is deleted, an unchanged file is
 * left as it is. Returns the files written.
 */
export function syncDirectory(dir: string, files: ReadonlyMap<string, string>): string[] {
  const neededDirs = new Set<string>();
  for (const file of files.keys()) for (let d = dirname(file); d !== "."; d = dirname(d)) neededDirs.add(d);
  const unchanged = new Set<string>();
  const prune = (relative: string) => {
    const path = relative ? join(dir, relative) : dir;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const inner = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory() && neededDirs.has(inner)) prune(inner);
      else if (entry.isFile() && files.has(inner) && readFileSync(join(dir, inner), "utf8") === files.get(inner)) unchanged.add(inner);
      else if (entry.isDirectory()) rmSync(join(dir, inner), { recursive: true, force: true });
      else unlinkSync(join(dir, inner));
    }
  };
  mkdirSync(dir, { recursive: true });
  prune("");
  const written: string[] = [];
  for (const [file, text] of files) {
    if (unchanged.has(file)) continue;
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    writeFileSync(join(dir, file), text);
    written.push(file);
  }
  return written;
}
