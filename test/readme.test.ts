import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configKeyDocs, configTableMarkdown } from "../scripts/lib/config-table";

const readme = readFileSync("README.md", "utf8");
const configDoc = readFileSync("docs/configuration.md", "utf8");

describe("README and docs", () => {
  it("docs/configuration.md carries the configuration table generated from the schema (regenerate: npx tsx scripts/lib/config-table.ts)", () => {
    const match = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(configDoc);
    expect(match, "docs/configuration.md lacks the config-table markers").not.toBeNull();
    expect(match![1]).toBe(configTableMarkdown());
  });

  it("documents every key with a meaning", () => {
    const undocumented = configKeyDocs().filter((row) => row.description.trim() === "").map((row) => row.key);
    expect(undocumented).toEqual([]);
  });

  it("gives the two quick-start commands", () => {
    expect(readme).toContain("npm ci && npm run synth -- --stack dev");
    expect(readme).toMatch(/^npm test/m);
  });
});
