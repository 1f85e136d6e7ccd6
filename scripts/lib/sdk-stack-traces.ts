/**
 * Stack traces the Pulumi SDK takes that an offline run under the MockEngine never reads:
 * - `debuggablePromise` (runtime/debuggable.js) takes one (`new Error().stack`) for every promise it creates, to
 *   print if the promise is still pending when the process exits (a leak report). A synth of prod creates about
 *   ten thousand of them (four per output property of every resource); capturing and formatting their traces was
 *   a tenth of its CPU time.
 * - every resource's constructor takes a full one (`Resource.stackTrace`: every frame, parsed line by line, each
 *   file made a URL) and sends it with the registration, as the source position the engine shows in diagnostics.
 *   Resources built deep inside components have deep stacks.
 */
import * as pulumi from "@pulumi/pulumi";
// The module object itself (not a namespace copy): the SDK calls `debuggable_1.debuggablePromise(...)` on it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import debuggableModule = require("@pulumi/pulumi/runtime/debuggable");

type DebuggablePromise = <T>(p: Promise<T>, ctx: unknown) => Promise<T>;

/** Internal to the SDK (its typings export nothing). */
const debuggable = debuggableModule as unknown as { debuggablePromise: DebuggablePromise };

/**
 * Makes the SDK's debuggablePromise capture no stack frames: its `new Error().stack` is then the bare
 * `Error` (the leak report still names each pending promise by its context); everything else the SDK does
 * with its promises is unchanged, and every other error keeps its trace. For one-shot processes (synth and
 * the benchmark floor, alike), installed before the program runs. Returns a function that undoes it.
 */
export function skipPromiseStackTraces(): () => void {
  const original = debuggable.debuggablePromise;
  const patched: DebuggablePromise = (p, ctx) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(p, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  debuggable.debuggablePromise = patched;
  return () => {
    if (debuggable.debuggablePromise === patched) debuggable.debuggablePromise = original;
  };
}

/** Private in the SDK's typings. */
const resourceClass = pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] };

/**
 * Makes every resource's registration carry no source position or stack trace (the MockEngine, like the SDK's
 * mock monitor, ignores them). For one-shot processes (synth and the benchmark floor, alike), installed before
 * the program runs. Returns a function that undoes it.
 */
export function skipResourceStackTraces(): () => void {
  const original = resourceClass.stackTrace;
  const patched = () => [];
  resourceClass.stackTrace = patched;
  return () => {
    if (resourceClass.stackTrace === patched) resourceClass.stackTrace = original;
  };
}
