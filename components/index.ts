/**
 * eks-search-platform: the public API. Every component, its Args type, and the config helpers.
 */
export { TierConfigSchema, TierExposeSchema } from "./config/apps";
export { NodeGroupSpecSchema } from "./config/cluster";
export { ConfigError, type ConfigIssue } from "./config/errors";
export { parsePlatformConfig, readRawPlatformConfig, availabilityZoneCount } from "./config/parse";
export { DEFAULT_AZ_COUNT } from "./config/rules";
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
export { planSubnets, subnetPrefixes, SubnetPlanError, MAX_AZS, type SubnetPlanEntry } from "./network/subnet-plan";
export { isQuantity, parseQuantity } from "./shared/quantity";
export { redactSecrets, REDACTED } from "./shared/redact";
export { ArgumentError, ArgumentChecker, type ArgumentIssue } from "./shared/validate";
export { componentType, standardLabels, selectorLabels, awsTags, dnsLabel, contentHash, PACKAGE_NAME } from "./shared/naming";
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
} from "./app-tier/args";
export { secretObjectName, migrationJobName, inClusterUrl, migrationSelector } from "./app-tier/names";
export { tierNetworkPolicySpecFor, migrationNetworkPolicySpecFor, tierEgressRules } from "./app-tier/network-policy";
export { tierPodSpecFor, probeFor, containerResourcesFor, type TierSecretRef } from "./app-tier/pod";
export { resolveTier, resolveResources, DEFAULT_EPHEMERAL_STORAGE, type ResolvedTier } from "./app-tier/resolve";
export { validateTierArgs } from "./app-tier/validate";
export {
  deploymentSpecFor,
  serviceSpecFor,
  ingressSpecFor,
  hpaSpecFor,
  pdbSpecFor,
  jobSpecFor,
  loadBalancerAnnotations,
  ingressAnnotations,
} from "./app-tier/workloads";
export { dnsEgressRule, tcpEgressRule } from "./shared/network-policy";
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
} from "./storage-class/storage-class";
export { Elasticsearch, elasticsearchPlan, type ElasticsearchArgs } from "./elasticsearch/elasticsearch";
export { esHeapSize, javaOpts } from "./elasticsearch/heap";
export {
  elasticsearchNames,
  elasticsearchImage,
  CLIENT_LABEL_KEY,
  DEFAULT_ES_VERSION,
  type ElasticsearchNames,
  type AntiAffinity,
  type VmMaxMapCount,
  type VolumeClaimRetention,
} from "./elasticsearch/names";
export { podSpecFor as elasticsearchPodSpecFor, statefulSetSpecFor, ES_EPHEMERAL_STORAGE } from "./elasticsearch/pod";
export { readinessScript } from "./elasticsearch/readiness-script";
export { certificateDnsNames, clientLabelFor, networkPolicySpecFor as elasticsearchNetworkPolicySpecFor } from "./elasticsearch/services";
export { discoverySettings, elasticsearchSettings, elasticsearchYml, type ElasticsearchPlan } from "./elasticsearch/settings";
export { fileRealmPasswordHash, type ElasticsearchUser } from "./elasticsearch/users";
export { kubeconfigWithProfile, stackAwsCredentials, type KubeconfigCredentials } from "./cluster/kubeconfig";
export { Network, natLayout, subnetTags, isLogRetentionDays, LOG_RETENTION_DAYS, type NetworkArgs, type NatStrategy } from "./network/network";
export { NODE_ENDPOINTS, SERVICE_ENDPOINTS, PRIVATE_CLUSTER_ENDPOINTS, privateClusterEndpoints } from "./network/endpoints";
export { accessEntryKey, accessEntryPlans, accessPolicyArn, disableCreatorAdminBootstrap, CLUSTER_ADMIN_POLICY, type AccessEntryPlan, type AccessLevel, type ViewerAccessPolicy } from "./cluster/access";
export { Cluster, type ClusterArgs, type ClusterLogType } from "./cluster/cluster";
export { nodeGroupPlan, nodeGroupInstances, nodeUserData, autoscalerDiscoveryTags, NODE_METADATA_OPTIONS, NODE_VM_MAX_MAP_COUNT, type NodeGroupArgs, type NodeGroupPlan, type NodeGroupInstance } from "./cluster/nodes";
export { physicalNamePrefix, fittedName, fitAutoNames, AWS_NAME_LIMITS } from "./shared/aws-names";
export { selectZones, EKS_UNSUPPORTED_ZONE_IDS, ZoneSelectionError, type ZoneLookup, type SelectedZones } from "./network/zones";
export { irsaTrustPolicy, serviceTrustPolicy, clusterAutoscalerPolicy, ebsCsiKmsPolicy, type PolicyDocument, type PolicyStatement } from "./cluster/iam";
export { loadBalancerControllerPolicy } from "./cluster/lbc-policy";
export {
  LOAD_BALANCER_CONTROLLER_CHART,
  CLUSTER_AUTOSCALER_CHART,
  SERVICE_ACCOUNTS,
  clusterAutoscalerImageTag,
  loadBalancerControllerValues,
  clusterAutoscalerValues,
  type ChartPin,
} from "./cluster/services";
export { Platform, protectStatefulResources, podSecurityLevel, elasticsearchUserFor, tierArgsFromConfig, PROTECTED_TYPES, ELASTICSEARCH_CA_MOUNT, type PlatformOptions } from "./platform/platform";
export { readPlatformSecrets, readRawSecretConfig, parseSecretConfig, declaredSecretKeys, ELASTICSEARCH_PASSWORD_KEY, type PlatformSecrets, type RawSecretConfig } from "./platform/secrets";
