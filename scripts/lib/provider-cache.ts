/**
 * A dynamic resource's provider is serialized (Pulumi's closure serialization: a TypeScript parse and an
 * inspector walk of every captured function) each time a program runs: for the VolumeDeletionGuard about a
 * tenth of a synth's CPU time. Its text only changes with the sources and the installed packages, so the synth
 * keeps it in the transpiled copy's directory (scripts/run-compiled.mjs), which a change to any source replaces.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
// The module object itself (not a namespace copy), whose export dynamic.Resource looks up at each call.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import serializeClosure = require("@pulumi/pulumi/runtime/closure/serializeClosure");

type SerializedFunction = Awaited<ReturnType<typeof serializeClosure.serializeFunction>>;
type SerializeFunction = typeof serializeClosure.serializeFunction;

/**
 * The file, in `dir`, for the given installation: the directory's absolute path (a serialized provider may hold
 * paths resolved at load, and a moved checkout keeps its transpiled copy), its package-lock.json and the Node.js
 * version are in the name.
 */
export function providerCacheFile(dir: string, packageLock: string, nodeVersion: string = process.version): string {
  const key = createHash("sha256").update(`${resolve(dir)}\0${nodeVersion}\0${packageLock}`).digest("hex").slice(0, 16);
  return join(dir, `.dynamic-providers-${key}.json`);
}

/** How @pulumi/pulumi/dynamic wraps a provider for serialization. */
const PROVIDER_THUNK = "() => provider";

function readCache(file: string): Record<string, SerializedFunction> {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, SerializedFunction>;
  } catch {
    return {};
  }
}

/**
 * Serves the serialization of each of `providers` from `file`, filling it on the first run; any other function
 * is serialized as before. Only for providers that are module-level constants: what they capture is then fixed
 * by the sources and packages the file is keyed by. `providers` are named, the name is the key in the file.
 * Pulumi's dynamic.Resource serializes `() => provider`; that thunk is how a provider is recognised.
 * Returns a function that undoes it.
 */
export function cacheProviderSerialization(file: string, providers: Readonly<Record<string, object>>, module: { serializeFunction: SerializeFunction } = serializeClosure): () => void {
  const original = module.serializeFunction;
  const nameOf = new Map<unknown, string>(Object.entries(providers).map(([name, provider]) => [provider, name]));
  const patched: SerializeFunction = async (func, args) => {
    // Only the SDK's own thunk is called to see what it returns: any other function is never run here.
    const name = func.toString() === PROVIDER_THUNK ? nameOf.get((func as () => unknown)()) : undefined;
    if (name === undefined) return original(func, args);
    const key = `${name}\0${JSON.stringify(args ?? {})}`;
    const cached = existsSync(file) ? readCache(file)[key] : undefined;
    if (cached) return cached;
    const serialized = await original(func, args);
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ ...readCache(file), [key]: serialized }));
    renameSync(tmp, file); // concurrent runs write the same text: whichever lands last is as good
    return serialized;
  };
  module.serializeFunction = patched;
  return () => {
    if (module.serializeFunction === patched) module.serializeFunction = original;
  };
}
