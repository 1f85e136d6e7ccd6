/**
 * The driver's exit codes: the contract CI scripts and workflows branch on. `--help` and docs/ci.md print
 * this table; change it only with a major version.
 */
export const ExitCode = {
  /** The command did what was asked. */
  Success: 0,
  /** The operation ran and failed (a resource failed, the program crashed, the CLI errored). */
  Failed: 1,
  /** `drift` found differences, or an operation run with expect-no-changes would change something. */
  Changes: 2,
  /** Bad usage or configuration: unknown flag, missing --stack, a refused guard, invalid stack config. */
  Usage: 3,
  /** The stack is locked by another update: still after the bounded retry, or by a holder the driver cannot check. */
  Locked: 4,
  /** A stateful resource (StatefulSet, volume claim, namespace, KMS key, cluster...) would be replaced or deleted, and that was not allowed. */
  Destructive: 5,
  /** An API the operation needs (the Kubernetes API server, a cloud endpoint) could not be reached, after retries; or a preview planned without a cluster it could not reach. */
  Unreachable: 6,
  /** Interrupted by SIGINT/SIGTERM; the running update was cancelled. */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One line per exit code, for `--help` and docs/ci.md. */
export const EXIT_CODE_TABLE: readonly { code: ExitCode; meaning: string }[] = [
  { code: ExitCode.Success, meaning: "success (for drift: no drift)" },
  { code: ExitCode.Failed, meaning: "the operation failed" },
  { code: ExitCode.Changes, meaning: "drift or unexpected changes detected" },
  { code: ExitCode.Usage, meaning: "bad usage or configuration (flags, stack config, refused guard)" },
  { code: ExitCode.Locked, meaning: "stack locked by another update (after retrying a live one; at once for a holder that cannot be checked)" },
  { code: ExitCode.Destructive, meaning: "a stateful resource would be replaced or deleted (pass --allow-destructive to allow it)" },
  { code: ExitCode.Unreachable, meaning: "an API server or cloud endpoint could not be reached (after retrying), or a preview could not reach a cluster it reads" },
  { code: ExitCode.Interrupted, meaning: "interrupted (SIGINT/SIGTERM); the update was cancelled" },
];
