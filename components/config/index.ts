/**
 * `eks-search-platform/config`: the stack configuration schema, its parser and its error type, without
 * any component (loads neither @pulumi/aws, @pulumi/eks nor @pulumi/kubernetes).
 *
 * @module config
 */
export * from "./exports";
export { availabilityZoneCount } from "./parse";
export { DEFAULT_AZ_COUNT } from "./rules";
export { TierConfigSchema, TierExposeSchema } from "./apps";
export { NodeGroupSpecSchema } from "./cluster";
export { readRawSecretConfig, parseSecretConfig, declaredSecretKeys, ELASTICSEARCH_PASSWORD_KEY, type RawSecretConfig } from "../platform/secrets";
export { redactSecrets, REDACTED } from "../shared/redact";
