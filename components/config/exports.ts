/**
 * The configuration part of the public API, exported by both the root entry point and `eks-search-platform/config`:
 * the schema, its parser, the secrets reader and the error type. Loads no provider SDK.
 */
export { ConfigError, type ConfigIssue } from "./errors";
export { parsePlatformConfig, readRawPlatformConfig } from "./parse";
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
export { readPlatformSecrets, type PlatformSecrets } from "../platform/secrets";
