/**
 * eks-search-platform: the public API. The six components, their argument and output types, the stack
 * configuration parser and the two error types. Under semver; nothing else is.
 *
 * Narrower entry points: `eks-search-platform/kubernetes` (Elasticsearch, AppTier, StorageClass; never
 * loads @pulumi/aws or @pulumi/eks), `eks-search-platform/aws` (Network, Cluster),
 * `eks-search-platform/config` (the schema and parser alone) and `eks-search-platform/specs` (the pure
 * spec builders the components use, for tests and advanced composition; may change in any minor release).
 *
 * @module eks-search-platform
 */
export { Network, type NetworkArgs, type NatStrategy } from "./network/network";
export { Cluster, type ClusterArgs, type ClusterLogType, type NodeGroupArgs, type KubeconfigCredentials } from "./cluster/cluster";
export { type ViewerAccessPolicy } from "./cluster/access";
export { type WorkloadIdentity, type WorkloadRole, type ServiceAccountRef } from "./cluster/workload-identity";
export { type AutoModeArgs, type AutoModeNodePool } from "./cluster/auto-mode";
export { StorageClass, type StorageClassArgs, type EbsVolumeType } from "./storage-class/storage-class";
export {
  Elasticsearch,
  type ElasticsearchArgs,
  type ElasticsearchCertificatesArgs,
  type ElasticsearchResourcesArgs,
  type ElasticsearchNetworkPolicyArgs,
} from "./elasticsearch/elasticsearch";
export { type AntiAffinity, type VmMaxMapCount, type VolumeClaimRetention } from "./elasticsearch/names";
export { type ElasticsearchUser } from "./elasticsearch/users";
export { AppTier, type AppTierArgs } from "./app-tier/app-tier";
export {
  type AppTierSpecArgs,
  type TierExposeArgs,
  type ProbeArgs,
  type MigrationsArgs,
  type AutoscalingArgs,
  type DisruptionBudgetArgs,
  type SecretKeyRefArgs,
  type SecretVolumeArgs,
  type TierSecurityArgs,
  type StrategyArgs,
  type InitContainerArgs,
  type TierProbesArgs,
  type TierResourcesArgs,
  type TierResourceRequestsArgs,
  type TierResourceLimitsArgs,
  type TierNetworkPolicyArgs,
  type PersistentVolumeArgs,
  type TierPortArgs,
} from "./app-tier/args";
export {
  type TolerationArgs,
  type AffinityArgs,
  type NodeAffinityArgs,
  type NodeSelectorTermArgs,
  type NodeSelectorRequirementArgs,
  type PodAffinityArgs,
  type PodAffinityTermArgs,
  type WeightedPodAffinityTermArgs,
  type LabelSelectorArgs,
  type LabelSelectorRequirementArgs,
  type TopologySpreadArgs,
} from "./app-tier/placement-args";
export { Platform, type PlatformOptions } from "./platform/platform";
export { readPlatformSecrets, type PlatformSecrets } from "./platform/secrets";
export { ConfigError, type ConfigIssue } from "./config/errors";
export { parsePlatformConfig, readRawPlatformConfig } from "./config/parse";
export {
  PlatformConfigSchema,
  CONFIG_KEYS,
  SECRET_CONFIG_KEYS,
  type PlatformConfig,
  type PlatformConfigInput,
  type NetworkConfig,
  type ClusterConfig,
  type NodeGroupSpec,
  type StorageConfig,
  type ElasticsearchConfig,
  type TierConfig,
  type TierExpose,
} from "./config/schema";
export { ArgumentError, type ArgumentIssue } from "./shared/validate";
