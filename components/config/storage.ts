/**
 * The `storage` config section: the StorageClass for Elasticsearch data.
 */
import { z } from "zod";
import { EBS_IOPS_LIMITS, GP3_THROUGHPUT_LIMITS, KMS_KEY_ARN, KMS_KEY_ARN_MESSAGE } from "../shared/aws-formats";

const EBS_TYPES = ["gp3", "gp2", "io1", "io2"] as const;

export const StorageConfigSchema = z
  .strictObject({
    type: z.enum(EBS_TYPES).default("gp3").describe("EBS volume type"),
    iops: z.number().int().optional().describe("Provisioned IOPS (gp3 3000–16000, io1 100–64000, io2 100–256000). Default: 3000 on gp3"),
    throughputMiBps: z.number().int().optional().describe("gp3 throughput in MiB/s (125–1000, at most IOPS/4). Default: 125 on gp3"),
    encrypted: z.boolean().default(true).describe("Encrypt volumes"),
    kmsKeyId: z.string().regex(KMS_KEY_ARN, KMS_KEY_ARN_MESSAGE).optional().describe("KMS key ARN or alias ARN for volume encryption (the EBS CSI driver gets grants on it). Default: the AWS-managed EBS key"),
    reclaimPolicy: z.enum(["Delete", "Retain"]).default("Delete").describe("What happens to a volume when its claim is deleted"),
    provisioner: z.string().min(1).optional().describe("A local provisioner such as rancher.io/local-path (target kubeconfig only). Default: ebs.csi.aws.com on aws, the cluster's default class on kubeconfig"),
  })
  .default({ type: "gp3", encrypted: true, reclaimPolicy: "Delete" })
  .describe("The StorageClass for Elasticsearch data")
  .superRefine((storage, ctx) => {
    const { type, iops, throughputMiBps } = storage;
    const range = EBS_IOPS_LIMITS[type];
    const [minThroughput, maxThroughput] = GP3_THROUGHPUT_LIMITS;
    if (iops !== undefined) {
      if (!range) ctx.addIssue({ code: "custom", path: ["iops"], message: `cannot be set for ${type} (gp2 IOPS scale with size)` });
      else if (iops < range[0] || iops > range[1]) ctx.addIssue({ code: "custom", path: ["iops"], message: `must be from ${range[0]} to ${range[1]} for ${type}` });
    } else if (type === "io1" || type === "io2") {
      ctx.addIssue({ code: "custom", path: ["iops"], message: `is required for ${type}` });
    }
    if (throughputMiBps !== undefined) {
      if (type !== "gp3") ctx.addIssue({ code: "custom", path: ["throughputMiBps"], message: "can only be set for gp3" });
      else if (throughputMiBps < minThroughput || throughputMiBps > maxThroughput) ctx.addIssue({ code: "custom", path: ["throughputMiBps"], message: `must be from ${minThroughput} to ${maxThroughput} MiB/s for gp3` });
      else if (throughputMiBps > (iops ?? 3000) / 4) ctx.addIssue({ code: "custom", path: ["throughputMiBps"], message: `must be at most IOPS/4 (${(iops ?? 3000) / 4} MiB/s at ${iops ?? 3000} IOPS)` });
    }
    if (storage.kmsKeyId !== undefined && !storage.encrypted) {
      ctx.addIssue({ code: "custom", path: ["kmsKeyId"], message: "requires encrypted: true" });
    }
  });
