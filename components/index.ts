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
export * from "./aws";
export * from "./kubernetes";
export { Platform, type PlatformOptions } from "./platform/platform";
export * from "./config/exports";
