import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

/** Markdown files whose links must resolve: README.md, CHANGELOG.md, docs/ and every example's README. */
function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) return e.name === "node_modules" || e.name === "api" ? [] : walk(p);
          return e.name.endsWith(".md") ? [p] : [];
        })
      : [];
  return ["README.md", "CHANGELOG.md", ...walk("docs"), ...walk("examples")].filter((f) => existsSync(f));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, duplicates numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fence = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fence = !fence;
    const m = !fence && /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const base = m[1].trim().toLowerCase().replace(/<[^>]+>/g, "").replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Every relative link `[text](target)` outside code, with its line. */
function links(markdown: string): { target: string; line: number }[] {
  const found: { target: string; line: number }[] = [];
  let fence = false;
  markdown.split("\n").forEach((line, i) => {
    if (line.startsWith("```")) fence = !fence;
    if (fence) return;
    const text = line.replace(/`[^`]*`/g, "");
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (!/^(https?:|mailto:)/.test(m[1])) found.push({ target: m[1], line: i + 1 });
    }
  });
  return found;
}

describe("documentation links", () => {
  const files = markdownFiles();

  it("finds the README and the docs", () => {
    expect(files).toContain("README.md");
    expect(files.some((f) => f.startsWith("docs"))).toBe(true);
  });

  it("every relative link and anchor in README.md, docs/ and examples/ resolves", () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const { target, line } of links(readFileSync(file, "utf8"))) {
        const [rel, anchor] = target.split("#", 2) as [string, string | undefined];
        const dest = rel === "" ? file : path.normalize(path.join(path.dirname(file), decodeURIComponent(rel)));
        if (!existsSync(dest)) {
          broken.push(`${file}:${line}: ${target} (no such file)`);
          continue;
        }
        if (anchor && statSync(dest).isFile() && dest.endsWith(".md") && !anchors(readFileSync(dest, "utf8")).has(anchor.toLowerCase())) {
          broken.push(`${file}:${line}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("the checker itself catches a broken file link and a broken anchor", () => {
    expect(links("see [x](nowhere.md) and [y](#here) and `[z](code.md)`").map((l) => l.target)).toEqual(["nowhere.md", "#here"]);
    expect(anchors("# Hello, World!\n## Hello, World!\n```\n# not a heading\n```")).toEqual(new Set(["hello-world", "hello-world-1"]));
  });
});
