/**
 * AWS names that fit AWS's limits for any stack name. Pulumi auto-names a resource `<logical name>-<7
 * random characters>`; where that would pass the limit, the resource gets a `namePrefix` instead: the start
 * of the logical name and its last words (what the resource is for), to which the AWS provider appends a
 * unique suffix. Names that fit are left to auto-naming, so existing resources never see a change.
 */
import type * as pulumi from "@pulumi/pulumi";
import { passThroughOptions } from "./transform-options";

/** What Pulumi's auto-naming appends: a dash and 7 random characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;

/** AWS name limits of the auto-named resources the components create (and those @pulumi/eks creates). */
export const AWS_NAME_LIMITS = {
  iamRole: 64,
  iamPolicy: 128,
  nodeGroup: 63,
  launchTemplate: 128,
  securityGroup: 255,
} as const;

const TAIL_MAX = 24;

/** What the AWS provider appends to a `namePrefix`: a 26-character unique suffix (timestamp and counter). */
export const NAME_PREFIX_SUFFIX_LENGTH = 26;

/**
 * The `namePrefix` a resource needs, or undefined when Pulumi's auto-name of `logicalName` fits `limit`: the
 * start of the logical name and its last words, cut to leave room for the provider's unique suffix. Like
 * auto-naming, every replacement gets a new name, so create-before-delete still works.
 */
export function physicalNamePrefix(logicalName: string, limit: number): string | undefined {
  if (logicalName.length + AUTONAME_SUFFIX_LENGTH <= limit) return undefined;
  const room = limit - NAME_PREFIX_SUFFIX_LENGTH - 1;
  const words = logicalName.split("-");
  let tail = "";
  for (let i = words.length - 1; i > 0; i--) {
    const candidate = words.slice(i).join("-");
    if (candidate.length > Math.min(TAIL_MAX, Math.floor(room / 2))) break;
    tail = candidate;
  }
  const headRoom = room - (tail ? tail.length + 1 : 0);
  const head = logicalName.slice(0, logicalName.length - (tail ? tail.length + 1 : 0)).slice(0, headRoom).replace(/-+$/, "");
  return `${[head, tail].filter(Boolean).join("-")}-`;
}

/**
 * The input that keeps an auto-named resource within `limit`: `{ [prefixProperty]: prefix }` when its
 * auto-name would be too long (e.g. `namePrefix`, `nodeGroupNamePrefix`), else nothing (auto-naming, as before).
 */
export function fittedName<K extends string>(prefixProperty: K, logicalName: string, limit: number): Partial<Record<K, string>> {
  const prefix = physicalNamePrefix(logicalName, limit);
  return prefix === undefined ? {} : ({ [prefixProperty]: prefix } as Partial<Record<K, string>>);
}

/**
 * A resource transform for auto-named resources created inside @pulumi/eks (its cluster role
 * `<name>-eksRole-role`, the Auto Mode node role `<name>-nodeRole-role`): gives a role whose auto-name would
 * pass IAM's 64 characters a `namePrefix`. Such a role could never have been created, so none is renamed.
 */
export function fitAutoNames(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
  if (args.type !== "aws:iam/role:Role" || args.props.name !== undefined || args.props.namePrefix !== undefined) return undefined;
  const namePrefix = physicalNamePrefix(args.name, AWS_NAME_LIMITS.iamRole);
  if (namePrefix === undefined) return undefined;
  return { props: { ...args.props, namePrefix }, opts: passThroughOptions(args.opts) };
}
