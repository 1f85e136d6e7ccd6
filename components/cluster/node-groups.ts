/**
 * Wiring of the Cluster's managed node groups (specs in nodes.ts): the node role, one launch template per
 * spec, and one group per spec or, with `perAvailabilityZone`, one per private subnet.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import { awsTags } from "../shared/naming";
import { AWS_NAME_LIMITS, fittedName } from "../shared/aws-names";
import { NODE_ROLE_POLICIES, managedPolicyArn, serviceTrustPolicy } from "./iam";
import { NODE_METADATA_OPTIONS, nodeGroupInstances, nodeGroupPlan, nodeUserData, type NodeGroupArgs } from "./nodes";

export interface NodeGroupsArgs {
  /** The Cluster component's resource name. */
  name: string;
  clusterName: string;
  cluster: eks.Cluster;
  kubernetesVersion: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  groups: NodeGroupArgs[];
  tags?: Record<string, string>;
  /** ECR repositories (ARN patterns) the nodes may create and fill on a first pull through a pull-through cache. @default - none */
  pullThroughCacheRepositoryArns?: pulumi.Input<string[]>;
}

/** Registers the node role and groups under `parent`; returns the groups by key (`general`, `search-az0`...). */
export function createNodeGroups(parent: pulumi.ComponentResource, args: NodeGroupsArgs): Record<string, eks.ManagedNodeGroup> {
  const { name, clusterName, cluster, tags } = args;
  const opts = { parent };
  const nodeRole = new aws.iam.Role(
    `${name}-node`,
    { ...fittedName("namePrefix", `${name}-node`, AWS_NAME_LIMITS.iamRole), assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")), tags: awsTags(tags, `${clusterName}-node`) },
    opts,
  );
  const attachments: pulumi.Resource[] = NODE_ROLE_POLICIES.map(
    (policy) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, { role: nodeRole.name, policyArn: pulumi.output(args.partition).apply((p) => managedPolicyArn(p, policy)) }, opts),
  );

  if (args.pullThroughCacheRepositoryArns) {
    // AmazonEC2ContainerRegistryReadOnly pulls; a pull-through cache's first pull also creates the repository.
    attachments.push(
      new aws.iam.RolePolicy(
        `${name}-node-pull-through-cache`,
        {
          role: nodeRole.id,
          policy: pulumi.output(args.pullThroughCacheRepositoryArns).apply((arns) =>
            JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "FillPullThroughCaches", Effect: "Allow", Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"], Resource: arns }] }),
          ),
        },
        opts,
      ),
    );
  }

  const groups: Record<string, eks.ManagedNodeGroup> = {};
  for (const group of args.groups) {
    const plan = nodeGroupPlan(group, clusterName, tags);
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-${group.name}`,
      {
        ...fittedName("namePrefix", `${name}-${group.name}`, AWS_NAME_LIMITS.launchTemplate),
        description: `EKS ${clusterName} node group ${group.name}: IMDSv2 hop limit 1, gp3 root, vm.max_map_count`,
        metadataOptions: NODE_METADATA_OPTIONS,
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: plan.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
        userData: Buffer.from(nodeUserData()).toString("base64"),
        tagSpecifications: ["instance", "volume"].map((resourceType) => ({ resourceType, tags: awsTags(tags, `${clusterName}-${group.name}`) })),
        tags: awsTags(tags, `${clusterName}-${group.name}`),
      },
      opts,
    );
    const subnetCount = Array.isArray(args.privateSubnetIds) ? args.privateSubnetIds.length : 0;
    for (const instance of nodeGroupInstances(group, subnetCount)) {
      const subnetIds =
        instance.subnetIndex === undefined ? args.privateSubnetIds : [(args.privateSubnetIds as pulumi.Input<string>[])[instance.subnetIndex]];
      groups[instance.key] = new eks.ManagedNodeGroup(
        `${name}-${instance.key}`,
        {
          ...fittedName("nodeGroupNamePrefix", `${name}-${instance.key}`, AWS_NAME_LIMITS.nodeGroup),
          cluster,
          nodeRole,
          operatingSystem: "AL2023",
          // Follow the control plane: raising `version` rolls the nodes after it (EKS honours PDBs).
          version: args.kubernetesVersion,
          instanceTypes: plan.instanceTypes,
          capacityType: plan.capacityType,
          scalingConfig: plan.scalingConfig,
          // Cluster Autoscaler owns desiredSize once running; a later `pulumi up` must not undo its work.
          ignoreScalingChanges: plan.autoscaled,
          subnetIds,
          labels: plan.labels,
          taints: plan.taints,
          launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
          tags: plan.tags,
        },
        { parent, dependsOn: attachments },
      );
    }
  }
  return groups;
}
