/**
 * The Pulumi SDK's `debuggablePromise` (runtime/debuggable.js) formats a stack trace (`new Error().stack`) for
 * every promise it creates, to print if the promise is still pending when the process exits (a leak report).
 * A synth creates thousands of them; formatting their traces is about a tenth of its CPU time.
 */

/** The SDK file whose promise stack traces are skipped. */
const DEBUGGABLE_FILE = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/;

/**
 * Makes a stack trace captured by the SDK's debuggablePromise an empty string (its leak report then names
 * the promise's context without a trace); every other error keeps the trace it had. For one-shot processes
 * (synth and the benchmark floor, alike), installed before the program runs. Returns a function that undoes it.
 */
export function skipPromiseStackTraces(): () => void {
  type Prepare = (error: Error, sites: NodeJS.CallSite[]) => unknown;
  const previous = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace")?.value as Prepare | undefined;
  const prepare: Prepare = (error, sites) => {
    if (DEBUGGABLE_FILE.test(sites[0]?.getFileName() ?? "")) return "";
    if (previous) return previous(error, sites);
    // No hook installed: V8's own format (Error.prototype.toString, then each call site as V8 prints it).
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- V8's CallSite has its own toString, missing from @types/node
    return [String(error), ...sites.map((site) => `    at ${site.toString()}`)].join("\n");
  };
  Error.prepareStackTrace = prepare;
  return () => {
    if (Error.prepareStackTrace !== prepare) return;
    if (previous) Error.prepareStackTrace = previous;
    else Reflect.deleteProperty(Error, "prepareStackTrace");
  };
}
