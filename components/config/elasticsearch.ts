/**
 * The `elasticsearch` config section.
 */
import { z } from "zod";
import { isQuantity, parseQuantity, GiB } from "../shared/quantity";
import { SEMVER, imageRef, quantity } from "./formats";
import { S3_BUCKET_ARN } from "../shared/aws-formats";
import { isSupportedEsVersion, UNSUPPORTED_ES_VERSION } from "../elasticsearch/names";

const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const ElasticsearchConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Create Elasticsearch; false creates none of it, and no tier may then set elasticsearch: true"),
    version: z
      .string()
      .regex(SEMVER, "must be a version such as 8.19.7")
      .refine((v) => !SEMVER.test(v) || isSupportedEsVersion(v), UNSUPPORTED_ES_VERSION)
      .default("8.19.7")
      .describe("Elasticsearch version: 8.x or 9.x (see docs/elasticsearch.md for the 8 → 9 upgrade)"),
    image: imageRef().optional().describe("Image override. Default: docker.elastic.co/elasticsearch/elasticsearch:<version>"),
    replicas: z.number().int().default(1).describe("Node count: 1, or 3 and more (2 cannot keep a quorum through one loss)"),
    storageSize: quantity().default("20Gi").describe("Data volume size per node"),
    cpu: quantity().default("1").describe("CPU request and limit per node"),
    memory: quantity().default("4Gi").describe("Memory request and limit per node (≥ 2Gi); heap is half of it"),
    heapSize: quantity().optional().describe("Explicit JVM heap. Default: 50% of memory, at most 31g"),
    tls: z.boolean().default(false).describe("Serve HTTPS on 9200 (transport TLS is always on with 3+ nodes)"),
    antiAffinity: z.enum(["hard", "soft"]).default("hard").describe("Hostname anti-affinity between nodes"),
    zoneSpread: z.boolean().default(false).describe("Spread nodes evenly across zones and enable shard allocation awareness"),
    vmMaxMapCount: z.enum(["node", "initContainer", "disableMmap"]).optional().describe("Who meets vm.max_map_count. Default: node on aws (set by node bootstrap), disableMmap on kubeconfig"),
    volumeClaimRetention: z.enum(["Retain", "Delete"]).default("Retain").describe("Keep or delete data volumes when the StatefulSet is deleted or scaled down"),
    certificates: z
      .strictObject({
        secretName: z
          .string()
          .max(253)
          .regex(K8S_NAME, "must be the name of a Secret in the apps namespace (a DNS subdomain)")
          .describe("Secret with tls.crt, tls.key and ca.crt (cert-manager's shape) the nodes use instead of generated certificates"),
      })
      .optional()
      .describe("Certificates you bring (corporate CA, cert-manager) for HTTPS and transport TLS. Default: generated"),
    snapshots: z
      .strictObject({
        bucketArn: z
          .string()
          .regex(S3_BUCKET_ARN, "must be an S3 bucket ARN such as arn:aws:s3:::my-snapshots (the bucket alone, no object path)")
          .optional()
          .describe("S3 bucket for snapshots (target aws): Elasticsearch's AWS role may then list, read and write it, and nothing else. Default: none, the role has no permissions"),
      })
      .optional()
      .describe("Snapshots to S3 (target aws): what Elasticsearch's AWS role, bound to its ServiceAccount by Pod Identity or IRSA, may use. The repository itself is registered through the Elasticsearch API"),
    clusterBootstrapped: z
      .boolean()
      .default(false)
      .describe("Set to true once the cluster has formed (after the first successful up): drops cluster.initial_master_nodes. Never on a cluster without data volumes"),
  })
  .default({ enabled: true, version: "8.19.7", replicas: 1, storageSize: "20Gi", cpu: "1", memory: "4Gi", tls: false, antiAffinity: "hard", zoneSpread: false, volumeClaimRetention: "Retain", clusterBootstrapped: false })
  .describe("The Elasticsearch cluster")
  .superRefine((es, ctx) => {
    if (es.replicas !== 1 && es.replicas < 3) {
      ctx.addIssue({ code: "custom", path: ["replicas"], message: "must be 1, or 3 and more: 2 nodes cannot keep a quorum through one loss" });
    }
    if (es.certificates !== undefined && !es.tls && es.replicas < 3) {
      ctx.addIssue({ code: "custom", path: ["certificates"], message: "has no effect: certificates are used for HTTPS (tls: true) and for transport TLS (3 or more replicas)" });
    }
    // Refinements still run when a sibling field failed its own check, so re-check before parsing.
    if (!isQuantity(es.memory)) return;
    const memory = parseQuantity(es.memory);
    if (memory < 2 * GiB) ctx.addIssue({ code: "custom", path: ["memory"], message: "must be at least 2Gi" });
    if (es.heapSize !== undefined && isQuantity(es.heapSize)) {
      const heap = parseQuantity(es.heapSize);
      if (heap > 31 * GiB) ctx.addIssue({ code: "custom", path: ["heapSize"], message: "must be at most 31Gi (compressed object pointers)" });
      if (heap > memory * 0.75) ctx.addIssue({ code: "custom", path: ["heapSize"], message: `must leave room for off-heap memory: at most 75% of memory (${es.memory})` });
    }
  });
