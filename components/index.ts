/**
 * eks-search-platform: the public API. Every component, its Args type, and the config helpers.
 */
export {
  parsePlatformConfig,
  readRawPlatformConfig,
  availabilityZoneCount,
  ConfigError,
  PlatformConfigSchema,
  CONFIG_KEYS,
  SECRET_CONFIG_KEYS,
  DEFAULT_AZ_COUNT,
  type ConfigIssue,
  type PlatformConfig,
  type PlatformConfigInput,
  type NetworkConfig,
  type ClusterConfig,
  type NodeGroupSpec,
  type StorageConfig,
  type ElasticsearchConfig,
  type TierConfig,
  type TierExpose,
} from "./config";
export { planSubnets, subnetPrefixes, SubnetPlanError, MAX_AZS, type SubnetPlanEntry } from "./subnet-plan";
export { isQuantity, parseQuantity } from "./quantity";
export { redactSecrets, REDACTED } from "./redact";
export { ArgumentError, ArgumentChecker, type ArgumentIssue } from "./validate";
export { componentType, standardLabels, selectorLabels, awsTags, dnsLabel, contentHash, PACKAGE_NAME } from "./naming";
