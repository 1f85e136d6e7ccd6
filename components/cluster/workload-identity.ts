/**
 * IAM roles for Kubernetes service accounts, by EKS Pod Identity (the default) or IRSA: the role, its trust
 * policy, and what binds it to the service account (a Pod Identity association, or the IRSA annotation).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type * as eks from "@pulumi/eks";
import { awsTags } from "../shared/naming";
import { AWS_NAME_LIMITS, fittedName } from "../shared/aws-names";
import { irsaTrustPolicy, podIdentityTrustPolicy } from "./iam";

/** How workloads get their IAM roles: EKS Pod Identity associations, or IRSA (OIDC web identity). */
export const WorkloadIdentity = { podIdentity: "podIdentity", irsa: "irsa" } as const;
export type WorkloadIdentity = (typeof WorkloadIdentity)[keyof typeof WorkloadIdentity];

/** A Kubernetes service account, by namespace and name. */
export interface ServiceAccountRef {
  namespace: pulumi.Input<string>;
  name: string;
}

/** The annotation IRSA reads from a service account. */
export const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";

/** A role bound to a service account. */
export interface WorkloadRole {
  role: aws.iam.Role;
  /** The Pod Identity association (Pod Identity, unless an add-on binds the role itself). */
  association?: aws.eks.PodIdentityAssociation;
  /** What the service account must carry: the IRSA annotation, or nothing with Pod Identity. */
  serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
}

export interface WorkloadRoleArgs {
  /** The role's resource name (and the start of its physical name). */
  resourceName: string;
  /** The EKS cluster's name as plain text, for tags. */
  clusterName: string;
  cluster: eks.Cluster;
  mode: WorkloadIdentity;
  account: ServiceAccountRef;
  /** An EKS add-on binds the role itself (its `podIdentityAssociations`): no association resource. @default false */
  boundByAddon?: boolean;
  tags?: Record<string, string>;
}

/** Registers a role for `args.account` under `parent`, trusted only for that service account of this cluster. */
export function createWorkloadRole(parent: pulumi.Resource, args: WorkloadRoleArgs): WorkloadRole {
  const { cluster, account } = args;
  const assumeRolePolicy =
    args.mode === "podIdentity"
      ? pulumi.all([cluster.eksCluster.arn, account.namespace]).apply(([arn, namespace]) => JSON.stringify(podIdentityTrustPolicy(arn, namespace, account.name)))
      : pulumi
          .all([cluster.oidcProviderArn, cluster.oidcIssuer, account.namespace])
          .apply(([arn, issuer, namespace]) => JSON.stringify(irsaTrustPolicy(arn, issuer, namespace, account.name)));
  const role = new aws.iam.Role(
    args.resourceName,
    {
      ...fittedName("namePrefix", args.resourceName, AWS_NAME_LIMITS.iamRole),
      assumeRolePolicy,
      tags: awsTags(args.tags, `${args.clusterName}-${args.resourceName}`),
    },
    { parent },
  );
  if (args.mode === "irsa") {
    return { role, serviceAccountAnnotations: role.arn.apply((arn): Record<string, string> => ({ [IRSA_ANNOTATION]: arn })) };
  }
  const association = args.boundByAddon
    ? undefined
    : new aws.eks.PodIdentityAssociation(
        args.resourceName,
        { clusterName: cluster.eksCluster.name, namespace: account.namespace, serviceAccount: account.name, roleArn: role.arn, tags: awsTags(args.tags) },
        { parent },
      );
  return { role, ...(association ? { association } : {}), serviceAccountAnnotations: pulumi.output<Record<string, string>>({}) };
}
