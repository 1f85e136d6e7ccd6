/**
 * Validation of the placement and metadata arguments of `AppTier` (tolerations, affinity, topology spread,
 * labels, annotations), against the same schemas as the tier config, so both refuse the same shapes.
 */
import * as pulumi from "@pulumi/pulumi";
import { type z } from "zod";
import { AffinitySchema, TolerationSchema, TopologySpreadSchema, annotationMap, labelMap } from "../config/placement";
import { issueMessage } from "../config/errors";
import { type ArgumentChecker, VALUE_NOT_SHOWN } from "../shared/validate";
import { type AppTierSpecArgs } from "./args";

/** `a.b[0].c` from a zod issue path under `base`. */
function pathOf(base: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : `${out}.${String(part)}`), base);
}

/** The value at a zod issue path, for the error message. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const part of path) at = typeof at === "object" && at !== null ? (at as Record<PropertyKey, unknown>)[part] : undefined;
  return at;
}

/** Records every issue of `schema` on `value` (skipped when undefined) at `base`. */
function against(check: ArgumentChecker, schema: z.ZodType, value: unknown, base: string): void {
  if (value === undefined) return;
  const result = schema.safeParse(value);
  if (result.success) return;
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) check.that(false, pathOf(base, [...issue.path, key]), "is not an argument", VALUE_NOT_SHOWN);
      continue;
    }
    // A record's key issue points at the key: show the key, not its value.
    check.that(false, pathOf(base, issue.path), issueMessage(issue), issue.code === "invalid_key" ? issue.path[issue.path.length - 1] : valueAt(value, issue.path));
  }
}

/** `map` with each Output value replaced by a valid label value, so only keys and plain values are checked. */
function plainValues(map: Record<string, pulumi.Input<string>> | undefined): Record<string, unknown> | undefined {
  if (map === undefined || typeof map !== "object" || map === null || pulumi.Output.isInstance(map)) return map;
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, pulumi.Output.isInstance(v) || v instanceof Promise ? "output" : v]));
}

/** Checks tolerations, affinity, topologySpreadConstraints, labels, podLabels and annotations. */
export function validatePlacement(check: ArgumentChecker, args: AppTierSpecArgs): void {
  (args.tolerations ?? []).forEach((t, i) => against(check, TolerationSchema, t, `tolerations[${i}]`));
  against(check, AffinitySchema, args.affinity, "affinity");
  (args.topologySpreadConstraints ?? []).forEach((t, i) => against(check, TopologySpreadSchema, t, `topologySpreadConstraints[${i}]`));
  if (args.topologySpreadConstraints !== undefined) {
    check.that(args.topologySpread !== false, "topologySpreadConstraints", "replaces the default spread, which topologySpread: false turns off: set one of the two", args.topologySpreadConstraints);
  }
  // Label values may be Outputs: the keys are checked, and the values that are plain.
  against(check, labelMap(), plainValues(args.labels), "labels");
  against(check, labelMap(), plainValues(args.podLabels), "podLabels");
  // Annotation values may be Outputs; only the keys are checked (and plain values are strings).
  if (args.annotations !== undefined) {
    against(check, annotationMap(), Object.fromEntries(Object.keys(args.annotations).map((k) => [k, ""])), "annotations");
    for (const [k, v] of Object.entries(args.annotations)) if (!pulumi.Output.isInstance(v)) check.that(typeof v === "string", `annotations.${k}`, "must be a string", v);
  }
}
