import { describe, expect, it } from "vitest";
import * as debuggable from "@pulumi/pulumi/runtime/debuggable";
import { skipPromiseStackTraces } from "../scripts/lib/promise-stacks";

// Internal to the SDK (not in its typings), which wraps its promises with it.
const { debuggablePromise } = debuggable as unknown as { debuggablePromise: <T>(p: Promise<T>, ctx: string) => Promise<T> };
const traceOf = (p: Promise<unknown>) => (p as unknown as { _debugStackTrace: string })._debugStackTrace;

describe("skipPromiseStackTraces", () => {
  it("leaves the SDK's debuggable promises without a trace and every other error with its own, until undone", async () => {
    const undo = skipPromiseStackTraces();
    try {
      const skipped = Promise.resolve(1);
      await debuggablePromise(skipped, "test");
      expect(traceOf(skipped)).toBe("");
      const error = new Error("kept");
      expect(error.stack).toContain("kept");
      expect(error.stack).toContain("promise-stacks.test.ts");
    } finally {
      undo();
    }
    const traced = Promise.resolve(2);
    await debuggablePromise(traced, "test");
    expect(traceOf(traced)).toContain("debuggable");
  });
});
