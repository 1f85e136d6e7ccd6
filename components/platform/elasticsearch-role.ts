/**
 * Elasticsearch's AWS role on target aws: an IAM role for Elasticsearch's own ServiceAccount, bound by EKS Pod
 * Identity or IRSA (the cluster's `workloadIdentity`), for snapshots to S3. With a snapshot bucket it may use that
 * bucket and nothing else; without one it has no permissions at all (attach your own to `elasticsearchRoleArn`).
 */
import type * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { Cluster } from "../cluster/cluster";
import type { PolicyDocument } from "../cluster/iam";
import type { WorkloadRole } from "../cluster/workload-identity";

/** The `key` of {@link Cluster.workloadRole}: the role's resource name is `<cluster>-elasticsearch`. */
export const ELASTICSEARCH_ROLE_KEY = "elasticsearch";

/**
 * Egress to the EKS Pod Identity agent (a hostNetwork DaemonSet answering on the link-local 169.254.170.23:80), where
 * a pod fetches its role's credentials. A NetworkPolicy with egress rules blocks it unless a rule admits it.
 */
export const POD_IDENTITY_AGENT_EGRESS = { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ port: 80, protocol: "TCP" }] };

/**
 * What an Elasticsearch S3 snapshot repository needs on its bucket: Elastic's recommended repository policy (list,
 * locate and multipart-list the bucket; read, write, delete objects and manage multipart uploads), scoped to
 * `bucketArn` and its objects. A bucket encrypted with a customer-managed KMS key needs kms:GenerateDataKey and
 * kms:Decrypt on that key besides (not granted here: attach it to the role).
 */
export function elasticsearchSnapshotPolicy(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"], Resource: bucketArn },
      { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], Resource: `${bucketArn}/*` },
    ],
  };
}

export interface ElasticsearchRoleArgs {
  /** The Platform's name: the snapshot policy is `<name>-elasticsearch-snapshots`. */
  name: string;
  cluster: Cluster;
  namespace: pulumi.Input<string>;
  /** Elasticsearch's ServiceAccount (`elasticsearchNames(...).serviceAccount`). */
  serviceAccount: string;
  /** The snapshot bucket, when configured. */
  snapshotBucketArn?: string;
}

/** Elasticsearch's role and, with a snapshot bucket, its S3 policy, registered under `parent`. */
export function elasticsearchRole(parent: pulumi.Resource, args: ElasticsearchRoleArgs): WorkloadRole & { snapshotPolicy?: aws.iam.RolePolicy } {
  const workload = args.cluster.workloadRole(ELASTICSEARCH_ROLE_KEY, { namespace: args.namespace, name: args.serviceAccount });
  if (args.snapshotBucketArn === undefined) return workload;
  const snapshotPolicy = new aws.iam.RolePolicy(
    `${args.name}-elasticsearch-snapshots`,
    { role: workload.role.id, policy: JSON.stringify(elasticsearchSnapshotPolicy(args.snapshotBucketArn)) },
    { parent },
  );
  return { ...workload, snapshotPolicy };
}
