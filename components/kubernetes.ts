/**
 * `eks-search-platform/kubernetes`: the components that need only a Kubernetes cluster (yours, any
 * provider), and their argument types. This entry point loads @pulumi/kubernetes, @pulumi/random and
 * @pulumi/tls but never @pulumi/aws or @pulumi/eks, so those two peers can stay uninstalled.
 *
 * @module kubernetes
 */
export {
  Elasticsearch,
  type ElasticsearchArgs,
  type ElasticsearchCertificatesArgs,
  type ElasticsearchResourcesArgs,
  type ElasticsearchNetworkPolicyArgs,
} from "./elasticsearch/elasticsearch";
export { type AntiAffinity, type VmMaxMapCount, type VolumeClaimRetention } from "./elasticsearch/names";
export { type ElasticsearchUser } from "./elasticsearch/users";
export { type CertificateResources } from "./elasticsearch/tls";
export { AppTier, type AppTierArgs } from "./app-tier/app-tier";
export { type ElasticsearchClientArgs, type ElasticsearchClientOptions } from "./app-tier/elasticsearch-client";
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
  type IngressRuleArgs,
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
  type TolerationOperator,
  type WhenUnsatisfiable,
  type NodeInclusionPolicy,
  type NodeSelectorArgs,
  type PreferredSchedulingTermArgs,
  type LabelSelectorOperator,
  type NodeSelectorOperator,
} from "./app-tier/placement-args";
export { type TaintEffect } from "./shared/taint-effect";
export { StorageClass, type StorageClassArgs, type EbsVolumeType } from "./storage-class/storage-class";
export { ArgumentError, type ArgumentIssue } from "./shared/validate";
