/**
 * The Cluster's argument check: every problem in the plain (non-Output) arguments, in one ArgumentError,
 * before any resource registers.
 */
import { ArgumentChecker } from "../shared/validate";
import { NodeGroupSpecSchema } from "../config/cluster";
import { isLogRetentionDays, KMS_KEY_ARN, KMS_KEY_ARN_MESSAGE, LOG_RETENTION_DAYS, ROLE_ARN } from "../shared/aws-formats";
import { checkAddonVersions } from "./addons";
import { checkAutoMode } from "./auto-mode";
import { VOLUME_WAIT_SECONDS_RANGE } from "./volume-deletions";
import type { ClusterArgs, ClusterLogType } from "./args";

const LOG_TYPES: readonly ClusterLogType[] = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** Throws one ArgumentError listing every problem in the plain arguments. */
export function validateClusterArgs(name: string, args: ClusterArgs): void {
  const check = new ArgumentChecker("Cluster", name);
  const clusterName = args.clusterName ?? name;
  check.that(/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(clusterName), args.clusterName === undefined ? "clusterName (from the resource name)" : "clusterName", "must be an EKS cluster name: letters, digits, '-' and '_', at most 100 characters", clusterName);
  if (typeof args.version === "string") check.that(/^1\.\d{2}$/.test(args.version), "version", 'must be an EKS version of the form "1.NN"', args.version);
  if (Array.isArray(args.privateSubnetIds)) check.that(args.privateSubnetIds.length >= 2, "privateSubnetIds", "must list at least 2 subnets in different AZs (EKS requires it)", args.privateSubnetIds.length);

  const groups = Array.isArray(args.nodeGroups) ? args.nodeGroups : [];
  const autoMode = args.autoMode?.enabled === true;
  if (autoMode) {
    check.that(groups.length === 0, "nodeGroups", "must be empty with autoMode: Auto Mode runs the compute (its NodePools replace node groups)", args.nodeGroups);
    check.that(!args.privateNetworking, "privateNetworking", "is not supported with autoMode yet (the private-cluster endpoints and image caches are planned for node groups)", args.privateNetworking);
    checkAutoMode(check, args.autoMode);
  } else {
    check.that(groups.length > 0, "nodeGroups", "must list at least one node group (coredns and every workload need nodes), or turn on autoMode", args.nodeGroups);
  }
  const seen = new Set<string>();
  groups.forEach((group, i) => {
    // The same rules as the stack config's cluster.nodeGroups, from the one schema.
    const parsed = NodeGroupSpecSchema.safeParse(group);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String).join(".");
        let got: unknown = group;
        for (const key of issue.path) got = (got as Record<PropertyKey, unknown> | undefined)?.[key];
        check.that(false, `nodeGroups[${i}]${path ? `.${path}` : ""}`, issue.message, got);
      }
    }
    check.that(!seen.has(group?.name), `nodeGroups[${i}].name`, "duplicate node group name", group?.name);
    seen.add(group?.name);
  });

  if (groups.some((g) => g?.perAvailabilityZone)) {
    check.that(Array.isArray(args.privateSubnetIds), "privateSubnetIds", "must be a list, one Input per subnet, when a node group is perAvailabilityZone (one group per subnet)", "an Output");
  }
  const credentials = args.kubeconfigCredentials ?? {};
  if (credentials.profile !== undefined) check.that(/^[\w.@+-]+$/.test(credentials.profile), "kubeconfigCredentials.profile", "must be an AWS CLI profile name (letters, digits and _ . @ + -)", credentials.profile);
  if (credentials.roleArn !== undefined) check.that(ROLE_ARN.test(credentials.roleArn), "kubeconfigCredentials.roleArn", "must be an IAM role ARN such as arn:aws:iam::123456789012:role/deployer", credentials.roleArn);
  const endpoint = args.endpoint ?? {};
  const publicAccess = endpoint.publicAccess ?? true;
  check.that(publicAccess || (endpoint.privateAccess ?? true), "endpoint", "at least one of publicAccess and privateAccess must be true", endpoint);
  check.that(!args.privateNetworking || (endpoint.privateAccess ?? true), "endpoint.privateAccess", "must be true with privateNetworking: nodes without internet register through the private endpoint", endpoint.privateAccess);
  check.that(publicAccess || endpoint.publicAccessCidrs === undefined, "endpoint.publicAccessCidrs", "can only be set when publicAccess is true", endpoint.publicAccessCidrs);
  const listed = new Set<string>();
  for (const key of ["adminRoleArns", "viewerRoleArns"] as const) {
    (args[key] ?? []).forEach((arn, i) => {
      if (!check.that(typeof arn === "string" && ROLE_ARN.test(arn), `${key}[${i}]`, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/admin", arn)) return;
      check.that(!listed.has(arn), `${key}[${i}]`, "is listed already: EKS allows one access entry per principal", arn);
      listed.add(arn);
    });
  }
  (args.adoptAccessEntries ?? []).forEach((arn, i) => check.that(listed.has(arn), `adoptAccessEntries[${i}]`, "must also be listed in adminRoleArns or viewerRoleArns", arn));
  if (args.viewerAccessPolicy !== undefined) {
    check.that(["AmazonEKSViewPolicy", "AmazonEKSAdminViewPolicy"].includes(args.viewerAccessPolicy), "viewerAccessPolicy", "must be AmazonEKSViewPolicy or AmazonEKSAdminViewPolicy", args.viewerAccessPolicy);
  }
  if (args.upgradePolicy !== undefined) check.that(["STANDARD", "EXTENDED"].includes(args.upgradePolicy), "upgradePolicy", 'must be "STANDARD" or "EXTENDED"', args.upgradePolicy);
  check.that((args.adminRoleArns ?? []).length > 0 || args.bootstrapCreatorAdmin === true, "adminRoleArns", "nobody could administer the cluster (nor could Pulumi deploy into it): list admin roles or set bootstrapCreatorAdmin: true", args.adminRoleArns);
  checkAddonVersions(check, args.addonVersions);
  const wait = args.volumeDeletionWait ?? {};
  check.knownKeys(wait, ["enabled", "timeoutSeconds"], "volumeDeletionWait");
  if (wait.enabled !== undefined) check.that(typeof wait.enabled === "boolean", "volumeDeletionWait.enabled", "must be true or false", wait.enabled);
  if (wait.timeoutSeconds !== undefined) {
    const { min, max } = VOLUME_WAIT_SECONDS_RANGE;
    check.that(Number.isInteger(wait.timeoutSeconds) && wait.timeoutSeconds >= min && wait.timeoutSeconds <= max, "volumeDeletionWait.timeoutSeconds", `must be a whole number of seconds from ${min} to ${max}`, wait.timeoutSeconds);
  }
  check.that(!(autoMode && wait.enabled === true), "volumeDeletionWait.enabled", "cannot be true with autoMode: AWS runs Auto Mode's EBS driver, there is no add-on to hold", wait.enabled);
  if (args.workloadIdentity !== undefined) check.that(["podIdentity", "irsa"].includes(args.workloadIdentity), "workloadIdentity", 'must be "podIdentity" or "irsa"', args.workloadIdentity);
  (args.ebsKmsKeyArns ?? []).forEach((key, i) => {
    if (typeof key === "string") check.that(KMS_KEY_ARN.test(key), `ebsKmsKeyArns[${i}]`, KMS_KEY_ARN_MESSAGE, key);
  });
  (args.logTypes ?? []).forEach((type, i) => check.that(LOG_TYPES.includes(type), `logTypes[${i}]`, `must be one of ${LOG_TYPES.join(", ")}`, type));
  if (args.logRetentionDays !== undefined) {
    check.that(isLogRetentionDays(args.logRetentionDays), "logRetentionDays", `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`, args.logRetentionDays);
  }
  check.done();
}
