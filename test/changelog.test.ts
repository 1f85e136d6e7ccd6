import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// CHANGELOG.md in Keep a Changelog form: one [Unreleased] at the top, dated releases newest first, every
// heading with a compare (or tag) link. The release steps are in docs/publishing.md#releasing.

function changelogProblems(text: string, repository: string): string[] {
  const problems: string[] = [];
  const headings = [...text.matchAll(/^## \[([^\]]+)\](.*)$/gm)].map((m) => ({ name: m[1], rest: m[2].trim() }));
  const definitions = new Map([...text.matchAll(/^\[([^\]]+)\]: (\S+)$/gm)].map((m) => [m[1], m[2]]));
  if (headings[0]?.name !== "Unreleased") problems.push("the first section is not [Unreleased]");
  if (headings.filter((h) => h.name === "Unreleased").length !== 1) problems.push("not exactly one [Unreleased] section");
  const releases = headings.filter((h) => h.name !== "Unreleased");
  for (const r of releases) {
    if (!/^\d+\.\d+\.\d+$/.test(r.name)) problems.push(`[${r.name}]: not a version`);
    if (!/^- \d{4}-\d{2}-\d{2}$/.test(r.rest)) problems.push(`[${r.name}]: "${r.rest}" is not "- YYYY-MM-DD"`);
  }
  const names = releases.map((r) => r.name);
  if (new Set(names).size !== names.length) problems.push(`duplicate release sections: ${names.join(", ")}`);
  const key = (v: string): number[] => v.split(".").map(Number);
  for (let i = 1; i < names.length; i++) {
    const [a, b] = [key(names[i - 1]), key(names[i])];
    if (a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] <= b[2])))) problems.push(`[${names[i - 1]}] is not newer than [${names[i]}]`);
  }
  for (const h of headings) {
    const url = definitions.get(h.name);
    if (!url) problems.push(`[${h.name}] has no link definition`);
    else if (!url.startsWith(`${repository}/`)) problems.push(`[${h.name}] links outside ${repository}: ${url}`);
  }
  if (releases.length > 0 && definitions.get("Unreleased") !== `${repository}/compare/v${names[0]}...HEAD`) {
    problems.push(`[Unreleased] should compare v${names[0]}...HEAD`);
  }
  return problems;
}

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { repository: { url: string } };
const repository = pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");

describe("CHANGELOG.md", () => {
  it("is in Keep a Changelog form: one [Unreleased] first, dated releases newest first, every heading linked into the repository", () => {
    expect(changelogProblems(readFileSync("CHANGELOG.md", "utf8"), repository)).toEqual([]);
  });

  it("catches the defects it is for", () => {
    const bad = [
      "## [Unreleased]",
      "## [0.1.0] - Unreleased",
      "## [0.1.0] - 2026-01-01",
      "## [0.2.0] - 2026-02-01",
      `[Unreleased]: ${repository}/commits/main`,
      "[0.1.0]: https://elsewhere.example/x",
    ].join("\n");
    expect(changelogProblems(bad, repository)).toEqual([
      '[0.1.0]: "- Unreleased" is not "- YYYY-MM-DD"',
      "duplicate release sections: 0.1.0, 0.1.0, 0.2.0",
      "[0.1.0] is not newer than [0.1.0]",
      "[0.1.0] is not newer than [0.2.0]",
      `[0.1.0] links outside ${repository}: https://elsewhere.example/x`,
      `[0.1.0] links outside ${repository}: https://elsewhere.example/x`,
      "[0.2.0] has no link definition",
      "[Unreleased] should compare v0.1.0...HEAD",
    ]);
  });
});
