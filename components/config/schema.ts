/**
 * The platform's configuration: the schema of every `eks-search-platform:*` key in `Pulumi.<stack>.yaml`
 * and the types it yields.
 */
import { z } from "zod";
import { AppsConfigSchema, type TierConfigSchema, type TierExposeSchema } from "./apps";
import { ClusterConfigSchema, type NodeGroupSpecSchema } from "./cluster";
import { ElasticsearchConfigSchema } from "./elasticsearch";
import { NetworkConfigSchema } from "./network";
import { crossSectionRules } from "./rules";
import { StorageConfigSchema } from "./storage";

export const PlatformConfigSchema = z
  .strictObject({
    target: z.enum(["aws", "kubeconfig"]).default("aws").describe("aws builds everything; kubeconfig deploys into an existing cluster"),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}).describe("Tags added to every AWS resource"),
    protect: z.boolean().default(false).describe("Protect stateful resources from deletion and make the CI driver refuse destroy"),
    network: NetworkConfigSchema,
    cluster: ClusterConfigSchema,
    storage: StorageConfigSchema,
    elasticsearch: ElasticsearchConfigSchema,
    apps: AppsConfigSchema,
  })
  // Cross-section rules run even when other fields failed, so every problem is reported at once;
  // that is why they check types defensively.
  .superRefine(crossSectionRules, { when: () => true });

/** The validated configuration, with every default filled in. */
export type PlatformConfig = z.output<typeof PlatformConfigSchema>;
/** What a stack file may say: every key optional where a default exists. */
export type PlatformConfigInput = z.input<typeof PlatformConfigSchema>;
export type NetworkConfig = PlatformConfig["network"];
export type ClusterConfig = PlatformConfig["cluster"];
export type NodeGroupSpec = z.output<typeof NodeGroupSpecSchema>;
export type StorageConfig = PlatformConfig["storage"];
export type ElasticsearchConfig = PlatformConfig["elasticsearch"];
export type TierConfig = z.output<typeof TierConfigSchema>;
export type TierExpose = z.output<typeof TierExposeSchema>;

/** The non-secret top-level keys of the project's config namespace. */
export const CONFIG_KEYS = Object.keys(PlatformConfigSchema.shape) as (keyof PlatformConfig)[];
/** The secret keys, set with `pulumi config set --secret` (never in the stack file in plain text). */
export const SECRET_CONFIG_KEYS = ["elasticPassword", "appSecrets", "sharedSecrets"] as const;
