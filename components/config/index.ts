/**
 * `eks-search-platform/config`: the stack configuration schema, its parser and its error type, without
 * any component (loads neither @pulumi/aws, @pulumi/eks nor @pulumi/kubernetes).
 *
 * @module config
 */
export { ConfigError, type ConfigIssue } from "./errors";
export { parsePlatformConfig, readRawPlatformConfig, availabilityZoneCount } from "./parse";
export { DEFAULT_AZ_COUNT } from "./rules";
export { TierConfigSchema, TierExposeSchema } from "./apps";
export { NodeGroupSpecSchema } from "./cluster";
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
} from "./schema";
export { readPlatformSecrets, readRawSecretConfig, parseSecretConfig, declaredSecretKeys, ELASTICSEARCH_PASSWORD_KEY, type PlatformSecrets, type RawSecretConfig } from "../platform/secrets";
export { redactSecrets, REDACTED } from "../shared/redact";
