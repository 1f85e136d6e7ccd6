import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheProviderSerialization, providerCacheFile } from "../scripts/lib/provider-cache";

/** A stand-in for Pulumi's serializeClosure module that counts its serializations. */
function fakeModule() {
  const calls: string[] = [];
  const module = {
    serializeFunction: (func: { toString(): string }) => {
      calls.push(func.toString());
      return Promise.resolve({ text: `text of ${func.toString()} #${calls.length}`, exportName: "handler", containsSecrets: false });
    },
  };
  return { module, calls };
}

describe("cacheProviderSerialization", () => {
  const provider = { delete: () => Promise.resolve() };
  // What @pulumi/pulumi/dynamic passes: a thunk of the provider, with exactly this text.
  const thunk = () => provider;

  it("serializes a named provider once and serves that text to later runs; anything else as before", async () => {
    const dir = mkdtempSync(join(tmpdir(), "provider-cache-"));
    const file = providerCacheFile(dir, "lock v1", "v20.0.0");
    const first = fakeModule();
    const undo = cacheProviderSerialization(file, { guard: provider }, first.module);
    const serialized = await first.module.serializeFunction(thunk);
    undo();
    expect(first.calls).toEqual(["() => provider"]);

    // A later run (a fresh module) reads the file instead of serializing.
    const later = fakeModule();
    cacheProviderSerialization(file, { guard: provider }, later.module);
    expect(await later.module.serializeFunction(thunk)).toEqual(serialized);
    expect(later.calls).toEqual([]);

    // A function that is not a named provider's thunk is serialized, and never called here.
    let called = false;
    const other = () => {
      called = true;
      return provider;
    };
    await later.module.serializeFunction(other);
    expect(later.calls).toHaveLength(1);
    expect(called).toBe(false);
    const unknownProvider = { delete: () => Promise.resolve() };
    await later.module.serializeFunction(((provider: object) => () => provider)(unknownProvider));
    expect(later.calls).toHaveLength(2);
    expect(readdirSync(dir)).toEqual([file.slice(dir.length + 1)]);
  });

  it("keys the file by where it is, the installed packages and the Node.js version", () => {
    const a = providerCacheFile("/d", "lock v1", "v20.0.0");
    // A moved checkout keeps its transpiled copy, but a provider may hold absolute paths resolved at load.
    expect(providerCacheFile("/moved/d", "lock v1", "v20.0.0").endsWith(a.slice("/d".length))).toBe(false);
    expect(providerCacheFile("/d", "lock v2", "v20.0.0")).not.toBe(a);
    expect(providerCacheFile("/d", "lock v1", "v22.0.0")).not.toBe(a);
    expect(providerCacheFile("/d", "lock v1", "v20.0.0")).toBe(a);
  });

  it("undoes the patch", async () => {
    const { module, calls } = fakeModule();
    const original = module.serializeFunction;
    const undo = cacheProviderSerialization(providerCacheFile(mkdtempSync(join(tmpdir(), "provider-cache-")), "", "v"), { guard: provider }, module);
    expect(module.serializeFunction).not.toBe(original);
    undo();
    expect(module.serializeFunction).toBe(original);
    await module.serializeFunction(thunk);
    expect(calls).toHaveLength(1);
  });
});
