/**
 * Wiring of the Cluster's access entries (see access.ts for the plan): one `aws.eks.AccessEntry` per
 * principal and one `AccessPolicyAssociation` under it, with the aliases that carry earlier state over.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { CLUSTER_ADMIN_POLICY, accessEntryImportIds, accessEntryKey, accessPolicyArn, type AccessEntryPlan } from "./access";

const ENTRY = "aws:eks/accessEntry:AccessEntry";
const ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";

export interface AccessEntriesArgs {
  /** The Cluster component's resource name: entries are `${name}-<key>`, the creator's `${name}-creator`. */
  name: string;
  /** The EKS cluster's name as plain text (import IDs) and as the cluster's output (ordering). */
  physicalClusterName: string;
  clusterName: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  plans: AccessEntryPlan[];
  /** The IAM role running `pulumi up` (its session resolved to the role). */
  callerArn: pulumi.Output<string>;
  /** Give the caller its own admin entry (`${name}-creator`). */
  bootstrapCreatorAdmin: boolean;
  /** The @pulumi/eks component that held the entries before (`${name}-admin-<i>`, `${name}-creator`). */
  legacyParent: pulumi.Resource;
}

/**
 * Registers the entries under `parent` and returns their policy associations: what must exist before
 * anything talks to the Kubernetes API as one of these principals.
 */
export function createAccessEntries(parent: pulumi.ComponentResource, args: AccessEntriesArgs): pulumi.Resource[] {
  const { name, clusterName, partition, callerArn, legacyParent } = args;
  const grants: pulumi.Resource[] = [];
  const creatorName = `${name}-creator`;
  const creatorUrn = pulumi.createUrn(creatorName, ENTRY, parent);

  const entry = (
    entryName: string,
    principalArn: pulumi.Input<string>,
    policy: string,
    level: string,
    aliases: { entry: pulumi.Input<pulumi.URN | pulumi.Alias>[]; association: pulumi.Input<pulumi.URN | pulumi.Alias>[] },
    importIds?: { entry: string; association: string },
  ) => {
    const accessEntry = new aws.eks.AccessEntry(
      entryName,
      { clusterName, principalArn, type: "STANDARD" },
      // EKS holds one entry per principal: a replacement must delete the old entry before creating the new one.
      { parent, deleteBeforeReplace: true, aliases: aliases.entry, ...(importIds ? { import: importIds.entry } : {}) },
    );
    grants.push(
      new aws.eks.AccessPolicyAssociation(
        `${entryName}-${level}`,
        { clusterName, principalArn, policyArn: pulumi.output(partition).apply((p) => accessPolicyArn(p, policy)), accessScope: { type: "cluster" } },
        { parent: accessEntry, dependsOn: [accessEntry], aliases: aliases.association, ...(importIds ? { import: importIds.association } : {}) },
      ),
    );
  };

  for (const plan of args.plans) {
    const entryName = `${name}-${plan.key}`;
    const entryAliases: pulumi.Input<pulumi.URN | pulumi.Alias>[] = [];
    const associationAliases: pulumi.Input<pulumi.URN | pulumi.Alias>[] = [];
    if (plan.legacyAdminIndex !== undefined) {
      // @pulumi/eks registered `accessEntries[admin-<i>]` as `${name}-admin-<i>` and its policy as `${name}-admin-<i>-admin`.
      const legacy = `${name}-admin-${plan.legacyAdminIndex}`;
      entryAliases.push({ name: legacy, parent: legacyParent });
      associationAliases.push({ name: `${legacy}-admin`, parent: pulumi.createUrn(legacy, ENTRY, legacyParent) });
    }
    if (plan.level === "admin" && !args.bootstrapCreatorAdmin) {
      // The deployer moved from bootstrapCreatorAdmin into adminRoleArns: its listed entry takes over the creator
      // entry's state (same principal, no second entry). For anyone else the alias names nothing that exists.
      const own = (urn: string, caller: string) => (caller === plan.principalArn ? urn : `${urn}-not-${plan.key}`);
      entryAliases.push(pulumi.all([creatorUrn, callerArn]).apply(([urn, caller]) => own(urn, caller)));
      associationAliases.push(
        pulumi.all([pulumi.createUrn(`${creatorName}-admin`, ASSOCIATION, creatorUrn), callerArn]).apply(([urn, caller]) => own(urn, caller)),
      );
    }
    entry(entryName, plan.principalArn, plan.policy, plan.level, { entry: entryAliases, association: associationAliases }, plan.adopt ? accessEntryImportIds(args.physicalClusterName, plan) : undefined);
  }

  if (args.bootstrapCreatorAdmin) {
    const listed = args.plans.map((p) => p.principalArn);
    const principal = callerArn.apply((caller) => {
      if (listed.includes(caller)) {
        throw new Error(`Cluster "${name}": the deploying identity ${caller} is already in adminRoleArns or viewerRoleArns; drop bootstrapCreatorAdmin (EKS allows one access entry per principal)`);
      }
      return caller;
    });
    // The reverse move (from adminRoleArns to bootstrapCreatorAdmin): the creator entry takes over the caller's listed entry.
    const listedUrn = callerArn.apply((caller) => pulumi.createUrn(`${name}-${accessEntryKey(caller)}`, ENTRY, parent));
    entry(creatorName, principal, CLUSTER_ADMIN_POLICY, "admin", {
      entry: [{ parent: legacyParent }, listedUrn],
      association: [
        { parent: pulumi.createUrn(creatorName, ENTRY, legacyParent) },
        listedUrn.apply((urn) => pulumi.createUrn(`${urn.slice(urn.lastIndexOf("::") + 2)}-admin`, ASSOCIATION, urn)),
      ],
    });
  }
  return grants;
}
