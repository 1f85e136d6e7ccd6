/**
 * `ConfigError`: every problem in the configuration, one line each, with its key path and the value found.
 */
import { z } from "zod";
import { PACKAGE_NAME } from "../shared/naming";
import { describeValue } from "../shared/validate";
import { PlatformConfigSchema } from "./schema";

export interface ConfigIssue {
  /** Dotted path under the project namespace, e.g. `cluster.nodeGroups.0.minSize`. */
  path: string;
  /** What is wrong and what is allowed, followed by the value found: `must be ≥ 0 (got -1)`. */
  message: string;
}

/** Thrown by `parsePlatformConfig`: every problem in the configuration, one line each. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(issues.map((issue) => `${PACKAGE_NAME}:${issue.path}: ${issue.message}`).join("\n"));
    this.issues = issues;
  }
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  const unwrap = (s: z.ZodType): z.ZodType => {
    let inner = s;
    for (;;) {
      if (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
      else if (inner instanceof z.ZodPipe) inner = inner.in as z.ZodType;
      else return inner;
    }
  };
  for (const key of path) {
    if (!current) return [];
    const s = unwrap(current);
    if (s instanceof z.ZodObject) current = (s.shape as Record<string, z.ZodType>)[String(key)];
    else if (s instanceof z.ZodArray) current = s.element as z.ZodType;
    else if (s instanceof z.ZodRecord) current = s.valueType as z.ZodType;
    else return [];
  }
  const target = current ? unwrap(current) : undefined;
  return target instanceof z.ZodObject ? Object.keys(target.shape) : [];
}

/** A zod issue as a sentence that follows the key path ("must be one of ..."). */
export function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `must be ${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      if (issue.origin === "array") return `must have at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === "string") return `must be at least ${String(issue.minimum)} characters`;
      return `must be ${issue.inclusive ? "≥" : ">"} ${String(issue.minimum)}`;
    case "too_big":
      if (issue.origin === "array") return `must have at most ${String(issue.maximum)} item(s)`;
      if (issue.origin === "string") return `must be at most ${String(issue.maximum)} characters`;
      return `must be ${issue.inclusive ? "≤" : "<"} ${String(issue.maximum)}`;
    case "invalid_union":
      return "has an invalid value";
    case "invalid_key":
      return `is not an allowed name: ${issue.issues.map((inner) => inner.message).join("; ")}`;
    default:
      return issue.message;
  }
}

/** Turns zod issues into one {@link ConfigIssue} per problem, with the offending value. */
export function toConfigIssues(error: z.ZodError, raw: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(PlatformConfigSchema, issue.path);
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        issues.push({
          path: path.map(String).join("."),
          message: `unknown key${allowed.length ? ` (allowed: ${allowed.join(", ")})` : ""} (got ${describeValue(valueAt(raw, path))})`,
        });
      }
      continue;
    }
    const path = issue.path.map(String).join(".") || "(root)";
    issues.push({ path, message: `${issueMessage(issue)} (got ${describeValue(valueAt(raw, issue.path))})` });
  }
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
