/**
 * Who may administer the cluster: access entries (API authentication mode) and the transform that stops
 * @pulumi/eks from making the deploying identity an implicit admin.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as eks from "@pulumi/eks";

const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

/** The access entries of the cluster: one cluster-admin entry per principal, keyed for stable URNs. */
export function adminAccessEntries(principalArns: Record<string, pulumi.Input<string>>, partition: pulumi.Input<string>): Record<string, eks.types.input.AccessEntryArgs> {
  return Object.fromEntries(
    Object.entries(principalArns).map(([key, principalArn]) => [
      key,
      {
        principalArn,
        type: "STANDARD",
        accessPolicies: {
          admin: {
            policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_POLICY}`,
            accessScope: { type: "cluster" },
          },
        },
      },
    ]),
  );
}

/**
 * A resource transform for the EKS cluster inside @pulumi/eks: v4 always sets
 * `bootstrapClusterCreatorAdminPermissions: true`, which makes the deploying identity an invisible,
 * unrevocable admin. We turn it off; who administers the cluster is then only what access entries say.
 */
export function disableCreatorAdminBootstrap(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
  if (args.type !== "aws:eks/cluster:Cluster") return undefined;
  const accessConfig = (args.props.accessConfig ?? {}) as Record<string, unknown>;
  return { props: { ...args.props, accessConfig: { ...accessConfig, bootstrapClusterCreatorAdminPermissions: false } }, opts: args.opts };
}
