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
  NodeGroupSpecSchema,
  TierConfigSchema,
  TierExposeSchema,
} from "./config";
export { planSubnets, subnetPrefixes, SubnetPlanError, MAX_AZS, type SubnetPlanEntry } from "./subnet-plan";
export { isQuantity, parseQuantity } from "./quantity";
export { redactSecrets, REDACTED } from "./redact";
export { ArgumentError, ArgumentChecker, type ArgumentIssue } from "./validate";
export { componentType, standardLabels, selectorLabels, awsTags, dnsLabel, contentHash, PACKAGE_NAME } from "./naming";
export { AppTier, type AppTierArgs } from "./app-tier";
export {
  resolveTier,
  validateTierArgs,
  tierPodSpecFor,
  deploymentSpecFor,
  serviceSpecFor,
  ingressSpecFor,
  hpaSpecFor,
  pdbSpecFor,
  jobSpecFor,
  probeFor,
  loadBalancerAnnotations,
  ingressAnnotations,
  secretObjectName,
  migrationJobName,
  inClusterUrl,
  resolveResources,
  containerResourcesFor,
  tierNetworkPolicySpecFor,
  migrationNetworkPolicySpecFor,
  tierEgressRules,
  migrationSelector,
  DEFAULT_EPHEMERAL_STORAGE,
  type AppTierSpecArgs,
  type ResolvedTier,
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
  type TierSecretRef,
} from "./app-tier-spec";
export { dnsEgressRule, tcpEgressRule } from "./network-policy";
export {
  StorageClass,
  storageClassSpec,
  checkStorageClassArgs,
  isEbsProvisioner,
  EBS_CSI_PROVISIONER,
  EBS_IOPS_LIMITS,
  GP3_THROUGHPUT_LIMITS,
  type StorageClassArgs,
  type StorageClassSpec,
  type EbsVolumeType,
} from "./storage-class";
export { Elasticsearch, elasticsearchPlan, type ElasticsearchArgs } from "./elasticsearch";
export {
  esHeapSize,
  javaOpts,
  discoverySettings,
  elasticsearchSettings,
  elasticsearchYml,
  elasticsearchNames,
  elasticsearchImage,
  podSpecFor as elasticsearchPodSpecFor,
  statefulSetSpecFor,
  readinessScript,
  certificateDnsNames,
  clientLabelFor,
  networkPolicySpecFor as elasticsearchNetworkPolicySpecFor,
  ES_EPHEMERAL_STORAGE,
  CLIENT_LABEL_KEY,
  DEFAULT_ES_VERSION,
  type ElasticsearchPlan,
  type ElasticsearchNames,
  type AntiAffinity,
  type VmMaxMapCount,
  type VolumeClaimRetention,
} from "./elasticsearch-spec";
export { fileRealmPasswordHash, type ElasticsearchUser } from "./elasticsearch-users";
export { Network, natLayout, subnetTags, isLogRetentionDays, LOG_RETENTION_DAYS, type NetworkArgs, type NatStrategy } from "./network";
export { Cluster, adminAccessEntries, disableCreatorAdminBootstrap, type ClusterArgs, type ClusterLogType } from "./cluster";
export { nodeGroupPlan, nodeUserData, autoscalerDiscoveryTags, NODE_METADATA_OPTIONS, NODE_VM_MAX_MAP_COUNT, type NodeGroupArgs, type NodeGroupPlan } from "./cluster-nodes";
export { irsaTrustPolicy, serviceTrustPolicy, clusterAutoscalerPolicy, ebsCsiKmsPolicy, type PolicyDocument, type PolicyStatement } from "./cluster-iam";
export { loadBalancerControllerPolicy } from "./cluster-lbc-policy";
export {
  LOAD_BALANCER_CONTROLLER_CHART,
  CLUSTER_AUTOSCALER_CHART,
  SERVICE_ACCOUNTS,
  clusterAutoscalerImageTag,
  loadBalancerControllerValues,
  clusterAutoscalerValues,
  type ChartPin,
} from "./cluster-services";
export { Platform, protectStatefulResources, podSecurityLevel, elasticsearchUserFor, tierArgsFromConfig, PROTECTED_TYPES, ELASTICSEARCH_CA_MOUNT, type PlatformOptions } from "./platform";
export { readPlatformSecrets, readRawSecretConfig, parseSecretConfig, declaredSecretKeys, ELASTICSEARCH_PASSWORD_KEY, type PlatformSecrets, type RawSecretConfig } from "./secrets";
