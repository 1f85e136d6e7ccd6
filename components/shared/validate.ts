import * as pulumi from "@pulumi/pulumi";

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

/**
 * Thrown by a component constructor when its arguments are invalid; lists every problem. A `RunError`, so
 * under the Pulumi engine it prints like a `ConfigError`: the message alone, no stack trace.
 */
export class ArgumentError extends pulumi.RunError {
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

/** Stands for a value an error message must not show (it may be a secret under a misspelt key). */
export const VALUE_NOT_SHOWN: unique symbol = Symbol("value not shown");

/** A value as an error message shows it: JSON, cut at 80 characters; `nothing` for undefined. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === VALUE_NOT_SHOWN) return "a value, not shown";
  if (pulumi.Output.isInstance(value)) return "an Output";
  const text = JSON.stringify(value) ?? typeof value;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The argument names of an args interface, checked by the compiler to be complete: pass every key of `T`
 * (optional ones included) with `true`. For {@link ArgumentChecker.knownKeys}.
 */
export function argumentKeys<T>(keys: { [K in keyof Required<T>]: true }): string[] {
  return Object.keys(keys);
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

  /**
   * Records every key of the plain object `value` that is not in `allowed` (path `<path>.<key>`), so a typo
   * is an error and not a silently ignored setting. Anything but a plain object (undefined, an Output) is skipped.
   */
  knownKeys(value: unknown, allowed: readonly string[], path: string): void {
    if (typeof value !== "object" || value === null || Array.isArray(value) || pulumi.Output.isInstance(value)) return;
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return;
    for (const key of Object.keys(value)) {
      const at = path ? `${path}.${key}` : key;
      this.that(allowed.includes(key), at, `is not an argument (allowed: ${allowed.join(", ")})`, VALUE_NOT_SHOWN);
    }
  }

  /** Throws when any problem was recorded. */
  done(): void {
    if (this.issues.length > 0) throw new ArgumentError(this.component, this.resourceName, this.issues);
  }
}
