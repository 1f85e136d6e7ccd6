import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { manifestYaml } from "../scripts/lib/manifest-yaml";

const yaml = (value: unknown) => stringify(value, { lineWidth: 0 });

// Strings at the edges of yaml's rules: plain or quoted, which quotes, block scalars and their chomping.
const STRINGS = [
  "", " ", "plain", "two words", "app.kubernetes.io/name", "http://x:9200", "a: b", "a:b", "a #b", "a#b", "#a", "a:", "a ",
  " a", "-", "?", "- a", "? a", "-a", "?a", ":a", "[secret]", "{x}", "a,b", ",a", "*a", "&a", "!a", "|a", ">a", "'a", '"a',
  "%a", "@a", "`a", "a'b", 'a"b', `a'b"c`, "'", '"', "a\\b", "a\\nb", "null", "Null", "NULL", "~", "true", "True", "FALSE",
  "yes", "no", "on", "off", "42", "-42", "+1", "0o17", "0x1F", "0xZZ", "1.5", ".5", "5.", "1e3", "1E-3", ".inf", "-.Inf",
  ".nan", "1_000", "08", "1.2.3", "---", "--- a", "...", "a---", "%YAML", "line\nline", "line\n", "line\n\n", "\nline",
  "\n\nline", "a\n\nb", "a\n  b", "  a\nb", "a \nb", "a\n b", "a\n", "a\n ", "a\n\t", "\n", "\n\n", " \n ", "tab\there",
  "ctl\u0001x", "del\u007fx", "nbsp\u00a0x", "ls\u2028x", "üñí", "emoji 🎉", "x".repeat(1100), `#!/bin/sh\nset -e\n\necho "hi"\n`,
  "- item\n- item\n", "key: value\nother: 1\n", "---\na: 1\n", "ends with colon:\nnext", "a\r\nb",
];

const VALUES: unknown[] = [null, true, false, 0, -0, 1, -1, 1.5, 1e21, 2 ** 53, 0.1, ...STRINGS];

describe("manifestYaml", () => {
  it("writes every edge-case string and scalar as yaml does, as a value, a key and a list item, at any depth", () => {
    for (const value of VALUES) {
      const cases: unknown[] = [{ k: value }, { a: { b: { k: value } } }, { k: [value, value] }, { a: [{ b: [value] }] }, { a: [[value]] }];
      if (typeof value === "string") cases.push({ [value]: 1 }, { a: { [value]: { [value]: value } } });
      for (const object of cases) expect(manifestYaml(object), JSON.stringify(object)).toBe(yaml(object));
    }
  });

  it("writes empty and nested collections, and leaves out undefined, as yaml does", () => {
    const objects: Record<string, unknown>[] = [
      {},
      { a: {} },
      { a: [] },
      { a: [[]] },
      { a: [{}] },
      { a: [[], {}, [1], { b: [] }] },
      { a: undefined, b: 1 },
      { a: { b: undefined } },
      { a: [[1, [2, [3]]], { b: { c: [{ d: null }] } }] },
      { "1": "numeric key first", b: 2, "0": 0 },
      Object.assign(Object.create(null) as object, { a: 1 }),
    ];
    for (const object of objects) expect(manifestYaml(object), JSON.stringify(object)).toBe(yaml(object));
  });

  it("falls back to yaml for what it does not write itself: aliases, undefined items, special numbers and values", () => {
    const shared = { x: 1 };
    const objects: unknown[] = [
      { a: shared, b: shared },
      { a: [shared, shared] },
      { a: [undefined] },
      { a: Number.NaN, b: Infinity, c: -Infinity },
      { a: new Date(0) },
      { a: new Map([["k", "v"]]) },
      { "---": 1 },
      { "a\nb": 1 },
      { ["k".repeat(1100)]: 1 },
      ["top", "level", "list"],
      "a string",
      42,
      null,
    ];
    for (const value of objects) expect(manifestYaml(value)).toBe(yaml(value));
  });

  it("agrees with yaml on random manifests (seeded), which read back as the same data", () => {
    let seed = 12;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const pieces = ["a", "b", " ", ":", "#", "-", "'", '"', "\n", "\t", "1", ".", "[", "{", ",", "x y", "true", "|", "é"];
    const text = () => Array.from({ length: Math.floor(random() * 6) }, () => pick(pieces)).join("");
    const value = (depth: number): unknown => {
      const roll = random();
      if (depth > 3 || roll < 0.45) return pick<unknown>([text(), text(), Math.floor(random() * 100) - 50, random(), true, null]);
      if (roll < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [text(), value(depth + 1)]));
    };
    for (let i = 0; i < 2000; i++) {
      const object = Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 4) }, () => [text(), value(0)]));
      const written = manifestYaml(object);
      expect(written, JSON.stringify(object)).toBe(yaml(object));
      expect(parse(written)).toEqual(object);
    }
  });
});
