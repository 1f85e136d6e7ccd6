/**
 * The Pulumi SDK's `debuggablePromise` (runtime/debuggable.js) takes a stack trace (`new Error().stack`) for
 * every promise it creates, to print if the promise is still pending when the process exits (a leak report).
 * A synth of prod creates about ten thousand of them (four per output property of every resource); capturing
 * and formatting their traces was a tenth of its CPU time.
 */
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
