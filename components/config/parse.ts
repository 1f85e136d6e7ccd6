/**
 * `parsePlatformConfig`: validates the project's config, fills in defaults, reports every problem at once.
 */
import { PACKAGE_NAME } from "../shared/naming";
import { ConfigError, toConfigIssues } from "./errors";
import { DEFAULT_AZ_COUNT } from "./rules";
import { type NetworkConfig, type PlatformConfig, PlatformConfigSchema, SECRET_CONFIG_KEYS } from "./schema";

/**
 * Validates the project's non-secret config and fills in defaults.
 *
 * @param raw the config as a plain object, keys without the `eks-search-platform:` namespace and values
 *   already JSON-parsed: `{ target, tags, network, cluster, storage, elasticsearch, apps }`.
 * @throws ConfigError listing every problem at once; unknown keys are problems too.
 */
export function parsePlatformConfig(raw: unknown): PlatformConfig {
  const result = PlatformConfigSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(toConfigIssues(result.error, raw));
  const config = result.data;
  // Derived defaults that depend on other keys.
  if (config.network.availabilityZones === undefined && config.network.availabilityZoneIds === undefined && config.network.availabilityZoneCount === undefined) {
    config.network.availabilityZoneCount = DEFAULT_AZ_COUNT;
  }
  if (config.storage.type === "gp3" && config.storage.provisioner === undefined) {
    config.storage.iops ??= 3000;
    config.storage.throughputMiBps ??= 125;
  }
  // Node groups' user data raises vm.max_map_count; Auto Mode nodes and other clusters' nodes may not have it.
  config.elasticsearch.vmMaxMapCount ??= config.target === "aws" && !config.cluster.autoMode.enabled ? "node" : "disableMmap";
  for (const group of config.cluster.nodeGroups) group.desiredSize ??= group.minSize;
  // Without NAT the endpoints are the nodes' only way to AWS (the rules refuse turning them off then).
  config.network.interfaceEndpoints.enabled ??= config.network.natGateways === "none";
  // A protected stack's control plane is also protected on the AWS side (the CI driver's destroy guard reads this).
  config.cluster.deletionProtection ??= config.protect;
  return config;
}

/** The number of AZs a validated config spreads over. */
export function availabilityZoneCount(network: NetworkConfig): number {
  return network.availabilityZones?.length ?? network.availabilityZoneIds?.length ?? network.availabilityZoneCount ?? DEFAULT_AZ_COUNT;
}

/**
 * The project's non-secret config from the running Pulumi program, in the shape
 * {@link parsePlatformConfig} takes: namespace stripped, object values JSON-parsed, secret keys left out.
 * Every other key in the namespace is passed through, so a typo is reported as an unknown key.
 */
export function readRawPlatformConfig(all: Record<string, string>): Record<string, unknown> {
  const prefix = `${PACKAGE_NAME}:`;
  const raw: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(all)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if ((SECRET_CONFIG_KEYS as readonly string[]).includes(key)) continue;
    raw[key] = parseConfigValue(value);
  }
  return raw;
}

function parseConfigValue(value: string): unknown {
  const trimmed = value.trim();
  // The engine passes every value as a string: booleans as "true"/"false" (as Config.getBoolean reads them).
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}
