// Runs a CommonJS file with a V8 code cache kept beside it: `requireWithCodeCache(file)` for
// scripts/run-compiled.mjs, which keeps one bundle per script (our modules, zod and yaml; about 1.1 MB).
//
// Why: every run of that bundle parses it and compiles, lazily, every function it calls, the same work each
// time. V8 can serialize the compiled code of a script, including the functions compiled while it ran
// (vm.Script#createCachedData after the run), and take it back on the next run (the `cachedData` option).
// V8 rejects a cache from another V8 version or other flags, but of the source it checks only the length:
// given a changed source of the same length, it runs the old code. So the cache starts with the SHA-256 of
// the source it was made from, and one made from other text is not given to V8.
// Node.js 22 offers this for every module (module.enableCompileCache); this project supports Node.js 20, so
// the one file we build is cached here. Other modules (the Pulumi SDKs) load as installed, uncached.
//
// The cache is `<file>.v8-cache-<node version>-<arch>`, written at exit when it was absent or refused,
// through a temporary file and a rename, so concurrent runs never read half a cache. Plain JS: it runs
// before anything is compiled.
import { createHash } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname } from "node:path";
import v8 from "node:v8";
import vm from "node:vm";

/** The cache file for `file` under this Node.js. */
export function codeCacheFile(file) {
  return `${file}.v8-cache-${process.version}-${process.arch}`;
}

/**
 * `require(file)`, compiling `file` with its code cache. Returns how the cache was used: "accepted",
 * "rejected" (by V8, or made from another source; rewritten at exit) or "absent" (written at exit).
 */
export function requireWithCodeCache(file) {
  const cacheFile = codeCacheFile(file);
  // Code cached after a V8 flag changed carries the changed flags, and a fresh process would reject it: the
  // Pulumi SDK sets --allow-natives-syntax when it first serializes a function (a dynamic provider).
  let flagsChanged = false;
  const setFlags = v8.setFlagsFromString;
  v8.setFlagsFromString = (flags) => {
    flagsChanged = true;
    return setFlags.call(v8, flags);
  };
  let status = "absent";
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename) {
    if (filename !== file) return compile.call(this, content, filename);
    Module.prototype._compile = compile;
    const digest = createHash("sha256").update(content).digest();
    let cache;
    try {
      cache = readFileSync(cacheFile);
    } catch {
      cache = undefined;
    }
    const sameSource = cache !== undefined && cache.subarray(0, digest.length).equals(digest);
    const script = new vm.Script(Module.wrap(content), { filename, cachedData: sameSource ? cache.subarray(digest.length) : undefined });
    status = cache === undefined ? "absent" : !sameSource || script.cachedDataRejected ? "rejected" : "accepted";
    if (status !== "accepted") {
      process.once("exit", () => {
        if (flagsChanged) return;
        const tmp = `${cacheFile}.tmp-${process.pid}`;
        try {
          writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]));
          renameSync(tmp, cacheFile);
        } catch {
          rmSync(tmp, { force: true }); // a cache is an optimization: never fail the run for it
        }
      });
    }
    // What Node.js passes a CommonJS module: its exports, a require relative to it, itself, its paths.
    const require = (id) => this.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, this, false, options);
    require.resolve.paths = (request) => Module._resolveLookupPaths(request, this);
    require.main = process.mainModule;
    require.cache = Module._cache;
    return script.runInThisContext({ displayErrors: true }).call(this.exports, this.exports, require, this, filename, dirname(filename));
  };
  try {
    createRequire(import.meta.url)(file);
  } finally {
    Module.prototype._compile = compile;
  }
  return status;
}
