/**
 * The one argument-validation mechanism for components used as a library: collect every problem in a
 * component's plain (non-Output) arguments, then throw once, before any resource is registered.
 */

export interface ArgumentIssue {
  /** Argument path, e.g. `nodeGroups[0].minSize`. */
  path: string;
  /** What is wrong and what is allowed. */
  message: string;
  /** The value found. */
  got: unknown;
}

/** Thrown by a component constructor when its arguments are invalid; lists every problem. */
export class ArgumentError extends Error {
  override readonly name = "ArgumentError";

  constructor(
    readonly component: string,
    readonly resourceName: string,
    readonly issues: ArgumentIssue[],
  ) {
    super(
      `Invalid arguments for ${component} "${resourceName}":\n` +
        issues.map((i) => `  args.${i.path}: ${i.message} (got ${describeValue(i.got)})`).join("\n"),
    );
  }
}

/** A value as an error message shows it: JSON, cut at 80 characters; `nothing` for undefined. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Collects problems; `done()` throws an {@link ArgumentError} listing all of them, if any.
 *
 * ```ts
 * const check = new ArgumentChecker("Elasticsearch", name);
 * check.that(Number.isInteger(args.replicas), "replicas", "must be 1, or 3 and more", args.replicas);
 * check.done();
 * ```
 */
export class ArgumentChecker {
  private readonly issues: ArgumentIssue[] = [];

  constructor(
    private readonly component: string,
    private readonly resourceName: string,
  ) {}

  /** Records a problem at `path` unless `ok`. Returns `ok`, so dependent checks can be skipped. */
  that(ok: boolean, path: string, message: string, got: unknown): boolean {
    if (!ok) this.issues.push({ path, message, got });
    return ok;
  }

  /** Throws when any problem was recorded. */
  done(): void {
    if (this.issues.length > 0) throw new ArgumentError(this.component, this.resourceName, this.issues);
  }
}
