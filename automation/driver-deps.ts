import type { ProcessProbe } from "./locks";
import type { ReadFile } from "./project";
import type { RetryPolicy } from "./recovery";
import type { LockRetryPolicy } from "./retry";
import type { StackFactory } from "./stack";

/**
 * What the CI driver takes from outside the process: the stack, the clock, files, signals and other
 * processes. Tests drive every path with a fake; `cli.ts` wires the real thing.
 */
export interface DriverDeps {
  stacks: StackFactory;
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  appendFile: (path: string, text: string) => Promise<void>;
  writeFile: (path: string, text: string) => Promise<void>;
  /** Reads a file; undefined when it does not exist. */
  readFile: ReadFile;
  /** Removes a file (nothing when it does not exist). */
  removeFile: (path: string) => Promise<void>;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Resolves after `ms`, or as soon as `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Calls `handler` on SIGINT/SIGTERM; returns a function that stops listening. */
  onInterrupt: (handler: (signal: string) => void) => () => void;
  /** Calls `tick` every `ms` milliseconds; returns a function that stops it. */
  every: (ms: number, tick: () => void) => () => void;
  /** The Pulumi project directory when --work-dir is not given (the CLI uses the current directory). */
  defaultWorkDir: string;
  /** This machine's view of other processes (is a lock's holder still running?). */
  probe: ProcessProbe;
  lockRetry?: LockRetryPolicy;
  unreachableRetry?: RetryPolicy;
}
