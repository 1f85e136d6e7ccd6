/**
 * Who may use the cluster: access entries (API authentication mode), one per principal, named after the
 * principal, and the transform that stops @pulumi/eks from asking EKS for a creator entry of its own.
 */
import type * as pulumi from "@pulumi/pulumi";
import { contentHash } from "../shared/naming";
import { passThroughOptions } from "../shared/transform-options";

/** What an access entry grants, at cluster scope. */
export type AccessLevel = "admin" | "viewer";

/** The EKS access policies a viewer entry may carry: read-only without Secrets, or with them. */
export const ViewerAccessPolicy = { AmazonEKSViewPolicy: "AmazonEKSViewPolicy", AmazonEKSAdminViewPolicy: "AmazonEKSAdminViewPolicy" } as const;
export type ViewerAccessPolicy = (typeof ViewerAccessPolicy)[keyof typeof ViewerAccessPolicy];

/** The access policy of an admin entry. */
export const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

/** One principal's access entry, as planned: its stable key, what it grants, and whether EKS already holds it. */
export interface AccessEntryPlan {
  /** Resource-name part: `access-<role name>-<hash of the ARN>`, the same wherever the ARN sits in its list. */
  key: string;
  principalArn: string;
  level: AccessLevel;
  /** The access policy's name (`AmazonEKSClusterAdminPolicy`, `AmazonEKSViewPolicy`...). */
  policy: string;
  /** Import the entry EKS already has for this principal instead of creating one. */
  adopt: boolean;
  /** Its position in adminRoleArns, for the alias to the entry @pulumi/eks made as `admin-<i>`. */
  legacyAdminIndex?: number;
}

/**
 * The key of a principal's access entry: the role's name (readable) and 8 hex characters of the whole ARN
 * (two roles of one name in two accounts or paths never collide). Independent of list order.
 */
export function accessEntryKey(principalArn: string): string {
  const roleName = principalArn.slice(principalArn.lastIndexOf("/") + 1);
  const slug = roleName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "");
  return `access-${slug || "principal"}-${contentHash(principalArn, 8)}`;
}

/** The ARN of an EKS access policy in a partition. */
export function accessPolicyArn(partition: string, policy: string): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${policy}`;
}

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`). */
export function arnPartition(arn: string): string {
  return arn.split(":")[1] || "aws";
}

/** Import IDs of an existing entry and its policy association, as the AWS provider reads them. */
export function accessEntryImportIds(clusterName: string, entry: Pick<AccessEntryPlan, "principalArn" | "policy">): { entry: string; association: string } {
  return {
    entry: `${clusterName}:${entry.principalArn}`,
    association: `${clusterName}#${entry.principalArn}#${accessPolicyArn(arnPartition(entry.principalArn), entry.policy)}`,
  };
}

/** The entries of a cluster's admin and viewer roles (valid, duplicate-free input assumed). */
export function accessEntryPlans(args: { adminRoleArns?: string[]; viewerRoleArns?: string[]; viewerAccessPolicy?: ViewerAccessPolicy; adoptAccessEntries?: string[] }): AccessEntryPlan[] {
  const adopt = new Set(args.adoptAccessEntries ?? []);
  const plan = (principalArn: string, level: AccessLevel, policy: string, legacyAdminIndex?: number): AccessEntryPlan => ({
    key: accessEntryKey(principalArn),
    principalArn,
    level,
    policy,
    adopt: adopt.has(principalArn),
    ...(legacyAdminIndex !== undefined ? { legacyAdminIndex } : {}),
  });
  return [
    ...(args.adminRoleArns ?? []).map((arn, i) => plan(arn, "admin", CLUSTER_ADMIN_POLICY, i)),
    ...(args.viewerRoleArns ?? []).map((arn) => plan(arn, "viewer", args.viewerAccessPolicy ?? "AmazonEKSViewPolicy")),
  ];
}

/**
 * A resource transform for the EKS cluster inside @pulumi/eks: v4 always asks for
 * `bootstrapClusterCreatorAdminPermissions: true`, which makes EKS create an access entry of its own for
 * whoever runs the first `pulumi up`. In API mode that entry is visible (`aws eks list-access-entries`) and
 * can be deleted, but it lives outside Pulumi's state, so the program can neither see nor revoke it, and a
 * managed entry for the same principal fails with `ResourceInUseException`. We ask for none; who may use the
 * cluster is then only what the program's entries say.
 *
 * EKS reads the flag only at creation, and @pulumi/eks ignores changes to it (`ignoreChanges`, kept here), so a
 * cluster created before this transform keeps its creator entry: adopt it with `adoptAccessEntries`.
 */
export function disableCreatorAdminBootstrap(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
  if (args.type !== "aws:eks/cluster:Cluster") return undefined;
  const accessConfig = (args.props.accessConfig ?? {}) as Record<string, unknown>;
  return { props: { ...args.props, accessConfig: { ...accessConfig, bootstrapClusterCreatorAdminPermissions: false } }, opts: passThroughOptions(args.opts) };
}

/** The principals of a cluster's admin and viewer entries, as far as the warnings below need them. */
type ListedPrincipals = { adminRoleArns?: string[]; viewerRoleArns?: string[] };

function isListed(args: ListedPrincipals, arn: string): boolean {
  return [...(args.adminRoleArns ?? []), ...(args.viewerRoleArns ?? [])].includes(arn);
}

/**
 * The warning for a deploying identity that no entry covers (with bootstrapCreatorAdmin off), or undefined. A
 * viewer role is a preview or drift role: it never deploys, so it needs no warning about deploying.
 */
export function unlistedDeployerWarning(name: string, args: ListedPrincipals, caller: string): string | undefined {
  if (isListed(args, caller)) return undefined;
  return `Cluster "${name}": the deploying identity ${caller} is not in adminRoleArns and bootstrapCreatorAdmin is off, so Pulumi cannot install the cluster services. Deploy as an admin role or set bootstrapCreatorAdmin.`;
}

/**
 * The warning for a cluster whose state keeps `bootstrapClusterCreatorAdminPermissions: true`, or undefined. A
 * cluster created before the transform keeps it (@pulumi/eks ignores changes to it), and EKS holds an access
 * entry for whoever created it, outside this program. An entry the program makes for that principal fails with
 * ResourceInUseException: say how to adopt it.
 */
export function creatorEntryWarning(name: string, clusterName: string, args: ListedPrincipals & { bootstrapCreatorAdmin?: boolean; adoptAccessEntries?: string[] }, caller: string): string | undefined {
  const listed = isListed(args, caller);
  if (!(args.bootstrapCreatorAdmin || listed) || (args.adoptAccessEntries ?? []).includes(caller)) return undefined;
  return (
    `Cluster "${name}": EKS cluster ${clusterName} was created with EKS's own creator access entry (before this component turned bootstrapClusterCreatorAdminPermissions off). ` +
    `If ${caller} created it, EKS already holds its entry and the ${args.bootstrapCreatorAdmin ? "bootstrapCreatorAdmin entry" : "entry listed"} for it fails with ResourceInUseException: ` +
    `${args.bootstrapCreatorAdmin ? "drop bootstrapCreatorAdmin, " : ""}list ${caller} in adminRoleArns and adoptAccessEntries for one update (imported, not created), ` +
    `or delete EKS's entry (aws eks delete-access-entry --cluster-name ${clusterName} --principal-arn ${caller}). See docs/cluster.md, Access.`
  );
}
