/**
 * scripts/lib/code-cache.mjs, the V8 code cache `npm run synth` runs its bundle with: each case runs real
 * Node.js processes against a CommonJS file, so V8 itself accepts or rejects the cache.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const LOADER = resolve(__dirname, "..", "scripts", "lib", "code-cache.mjs");

/** A module that needs what Node.js gives a CommonJS module: require of a sibling, exports, __dirname. */
function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), "code-cache-"));
  writeFileSync(join(dir, "sibling.js"), "module.exports = { answer: 42 };\n");
  writeFileSync(
    join(dir, "main.js"),
    [
      'const { answer } = require("./sibling");',
      "exports.twice = (n) => n * 2;",
      'process.stdout.write(JSON.stringify({ answer, twice: exports.twice(answer), here: __dirname, resolved: require.resolve("./sibling"), self: module.exports === exports }) + "\\n");',
      "if (process.env.SET_FLAG) require(\"node:v8\").setFlagsFromString(\"--allow-natives-syntax\");",
      "if (process.env.FAIL) throw new Error(\"boom\");",
    ].join("\n"),
  );
  return join(dir, "main.js");
}

/** Runs `file` through the loader in a fresh process: its stdout lines and the cache status. */
function load(file: string, env: Record<string, string> = {}) {
  const code = `import(${JSON.stringify(LOADER)}).then((m) => process.stderr.write("status=" + m.requireWithCodeCache(${JSON.stringify(file)})))`;
  const child = spawnSync(process.execPath, ["-e", code], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 30_000 });
  return { code: child.status, stdout: child.stdout, status: /status=(\w+)/.exec(child.stderr)?.[1], stderr: child.stderr };
}

function cacheOf(file: string): string {
  return `${file}.v8-cache-${process.version}-${process.arch}`;
}

describe("the V8 code cache of the transpiled copy", () => {
  it("is written by the first run and accepted by V8 on the next, with the module behaving the same", () => {
    const file = fixture();
    const first = load(file);
    expect(first.code).toBe(0);
    expect(first.status).toBe("absent");
    expect(existsSync(cacheOf(file))).toBe(true);
    const second = load(file);
    expect(second.status).toBe("accepted");
    expect(JSON.parse(second.stdout)).toEqual({ answer: 42, twice: 84, here: resolve(file, ".."), resolved: join(resolve(file, ".."), "sibling.js"), self: true });
    expect(second.stdout).toBe(first.stdout);
  });

  it("replaces a cache V8 rejects (made for this source, but corrupt or from another V8) and still runs the module", () => {
    const file = fixture();
    load(file);
    const digest = createHash("sha256").update(readFileSync(file, "utf8")).digest();
    writeFileSync(cacheOf(file), Buffer.concat([digest, Buffer.alloc(4096, 7)]));
    const rejected = load(file);
    expect(rejected.code).toBe(0);
    expect(rejected.status).toBe("rejected");
    expect(JSON.parse(rejected.stdout).answer).toBe(42);
    expect(load(file).status).toBe("accepted");
  });

  it("writes no cache from a process whose V8 flags changed (V8 would reject it in every later run)", () => {
    const file = fixture();
    expect(load(file, { SET_FLAG: "1" }).status).toBe("absent");
    expect(existsSync(cacheOf(file))).toBe(false);
    expect(load(file).status).toBe("absent");
    expect(load(file).status).toBe("accepted");
  });

  // V8 checks only the source's length: this edit keeps it, and V8 alone would run the old function.
  it("after the source changes (to text of the same length), refuses the old cache instead of running stale code", () => {
    const file = fixture();
    load(file);
    const stale = readFileSync(cacheOf(file));
    writeFileSync(file, readFileSync(file, "utf8").replace("n * 2", "n * 3"));
    writeFileSync(cacheOf(file), stale);
    const changed = load(file);
    expect(changed.status).toBe("rejected");
    expect(JSON.parse(changed.stdout).twice).toBe(126);
  });

  it("lets a module's error through with its own file and line", () => {
    const file = fixture();
    load(file);
    const failed = load(file, { FAIL: "1" });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain("boom");
    expect(failed.stderr).toContain(`${file}:5`);
  });
});
