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

  it("formats other errors exactly as V8 does when no other hook is installed", () => {
    const installed = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
    Reflect.deleteProperty(Error, "prepareStackTrace"); // Vitest installs its own; V8's default is no hook
    try {
      // One call site for both, so the frames are the same; `new`, methods and anonymous functions included.
      class Thrower {
        make(): Error {
          return [0].map(() => new TypeError("same site"))[0];
        }
      }
      const stackOf = (): string => new Thrower().make().stack ?? "";
      const v8: string[] = [];
      for (const hooked of [false, true]) {
        const undo = hooked ? skipPromiseStackTraces() : () => undefined;
        try {
          v8.push(stackOf());
        } finally {
          undo();
        }
      }
      expect(v8[0]).toContain("TypeError: same site\n    at ");
      expect(v8[1]).toBe(v8[0]);
    } finally {
      if (installed) Object.defineProperty(Error, "prepareStackTrace", installed);
    }
  });
});
