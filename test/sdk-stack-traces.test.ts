import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as debuggableModule from "@pulumi/pulumi/runtime/debuggable";
import { skipPromiseStackTraces, skipResourceStackTraces } from "../scripts/lib/sdk-stack-traces";

// Internal to the SDK (not in its typings), which wraps its promises with it. Looked up at each call, as the
// SDK's own modules do (`debuggable_1.debuggablePromise(...)`).
const debuggable = debuggableModule as unknown as { debuggablePromise: <T>(p: Promise<T>, ctx: string) => Promise<T> };
const traceOf = (p: Promise<unknown>) => (p as unknown as { _debugStackTrace: string })._debugStackTrace;
const ctxOf = (p: Promise<unknown>) => (p as unknown as { _debugCtx: string })._debugCtx;

describe("skipPromiseStackTraces", () => {
  it("leaves the SDK's debuggable promises without stack frames and every other error with its own, until undone", async () => {
    const limit = Error.stackTraceLimit;
    const undo = skipPromiseStackTraces();
    try {
      const skipped = Promise.resolve(1);
      expect(await debuggable.debuggablePromise(skipped, "test")).toBe(1);
      expect(traceOf(skipped)).not.toContain("\n");
      expect(traceOf(skipped)).not.toContain("debuggable");
      expect(ctxOf(skipped)).toBe("test"); // the leak report still names it
      expect(Error.stackTraceLimit).toBe(limit);
      const error = new Error("kept");
      expect(error.stack).toContain("kept");
      expect(error.stack).toContain("sdk-stack-traces.test.ts");
    } finally {
      undo();
    }
    const traced = Promise.resolve(2);
    await debuggable.debuggablePromise(traced, "test");
    expect(traceOf(traced)).toContain("debuggable");
  });

  it("keeps the SDK's rejections and restores the stack trace limit when the SDK throws", async () => {
    const limit = Error.stackTraceLimit;
    const undo = skipPromiseStackTraces();
    try {
      await expect(debuggable.debuggablePromise(Promise.reject(new Error("boom")), "test")).rejects.toThrow("boom");
      expect(() => debuggable.debuggablePromise(undefined as unknown as Promise<unknown>, "not a promise")).toThrow(TypeError);
      expect(Error.stackTraceLimit).toBe(limit);
    } finally {
      undo();
    }
  });

  it("is the function the SDK's own modules call", async () => {
    const calls: string[] = [];
    const original = debuggable.debuggablePromise;
    const undo = skipPromiseStackTraces();
    const patched = debuggable.debuggablePromise;
    debuggable.debuggablePromise = (p, ctx) => {
      calls.push(ctx);
      return patched(p, ctx);
    };
    try {
      // An invoke outside a deployment goes through debuggablePromise in runtime/invoke.js.
      await pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({ answer: 42 }) });
      const result = await pulumi.runtime.invoke("test:index:answer", {});
      expect(result).toEqual({ answer: 42 });
      expect(calls.length).toBeGreaterThan(0);
    } finally {
      debuggable.debuggablePromise = patched;
      undo();
    }
    expect(debuggable.debuggablePromise).toBe(original);
  });
});

describe("skipResourceStackTraces", () => {
  // Private in the SDK's typings; the Resource constructor calls Resource.stackTrace(4).
  const resourceClass = pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] };

  it("makes each resource's registration skip the SDK's stack walk, until undone", async () => {
    const original = resourceClass.stackTrace;
    expect(original.call(pulumi.Resource, 0)).not.toEqual([]);
    const undo = skipResourceStackTraces();
    const patched = resourceClass.stackTrace;
    const calls: number[] = [];
    resourceClass.stackTrace = (skip) => {
      calls.push(skip);
      return patched(skip);
    };
    try {
      await pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) });
      class Thing extends pulumi.CustomResource {
        constructor(name: string) {
          super("test:index:Thing", name, { size: 1 });
        }
      }
      const thing = new Thing("thing");
      expect(await new Promise((resolve) => thing.urn.apply(resolve))).toContain("thing");
      expect(calls).toEqual([4]);
      expect(patched(4)).toEqual([]);
    } finally {
      resourceClass.stackTrace = patched;
      undo();
    }
    expect(resourceClass.stackTrace).toBe(original);
  });
});
