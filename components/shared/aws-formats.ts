/** AWS value formats and limits shared by config validation and the components' argument checks. */

/** An IAM role ARN (any partition; paths allowed, e.g. SSO roles). */
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** An S3 bucket ARN (any partition), the bucket alone: `arn:aws:s3:::<bucket>`, no object path. */
export const S3_BUCKET_ARN = /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The retention values CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** True when CloudWatch Logs accepts `days` as a retention period. */
export function isLogRetentionDays(days: number): boolean {
  return (LOG_RETENTION_DAYS as readonly number[]).includes(days);
}

export type EbsVolumeType = "gp3" | "gp2" | "io1" | "io2";

/** Provisioned-IOPS limits per EBS type; gp2 has none (IOPS scale with size). */
export const EBS_IOPS_LIMITS: Readonly<Record<EbsVolumeType, readonly [number, number] | undefined>> = {
  gp3: [3000, 16000],
  io1: [100, 64000],
  io2: [100, 256000],
  gp2: undefined,
};

/** gp3 throughput limits in MiB/s, and the ratio cap: at most IOPS / 4 MiB/s. */
export const GP3_THROUGHPUT_LIMITS = [125, 1000] as const;

/** An EKS add-on version as `describe-addon-versions` lists it, e.g. `v1.19.2-eksbuild.1`. */
export const ADDON_VERSION = /^v\d+\.\d+\.\d+(-eksbuild\.\d+)?$/;

/**
 * A KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`) or alias ARN (`...:alias/<name>`): what the EBS CSI
 * driver's `kmsKeyId` takes and what an IAM policy can name. A bare key ID or alias name is neither.
 */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/;

/** The message for a value that is not a {@link KMS_KEY_ARN}. */
export const KMS_KEY_ARN_MESSAGE = "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>) or alias ARN (arn:aws:kms:<region>:<account>:alias/<name>)";

/** The EKS add-ons whose versions the Cluster chooses (by their EKS names). */
export const MANAGED_ADDONS = ["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver", "metrics-server", "eks-pod-identity-agent"] as const;
export type ManagedAddonName = (typeof MANAGED_ADDONS)[number];
