/**
 * `eks-search-platform/specs`: the pure functions and constants the components are built from (Kubernetes
 * object specs, IAM policy documents, naming and sizing rules, subnet plans). For tests of your own
 * program and for composing resources the components do not make. Not covered by semver: any minor
 * release may change these; the components in the root entry point are the stable API.
 *
 * @module specs
 */
export { planSubnets, subnetPrefixes, SubnetPlanError, MAX_AZS, type SubnetPlanEntry } from "./network/subnet-plan";
export { selectZones, EKS_UNSUPPORTED_ZONE_IDS, ZoneSelectionError, type ZoneLookup, type SelectedZones } from "./network/zones";
export { NODE_ENDPOINTS, SERVICE_ENDPOINTS, PRIVATE_CLUSTER_ENDPOINTS, privateClusterEndpoints } from "./network/endpoints";
export { natLayout, subnetTags, isLogRetentionDays, LOG_RETENTION_DAYS } from "./network/network";
export { isQuantity, parseQuantity } from "./shared/quantity";
export { redactSecrets, REDACTED } from "./shared/redact";
export { ArgumentChecker, ArgumentError } from "./shared/validate";
export { componentType, standardLabels, selectorLabels, awsTags, dnsLabel, contentHash, PACKAGE_NAME } from "./shared/naming";
export { physicalNamePrefix, fittedName, fitAutoNames, AWS_NAME_LIMITS } from "./shared/aws-names";
export { dnsEgressRule, tcpEgressRule } from "./shared/network-policy";
export { secretObjectName, migrationJobName, migrationLabels, inClusterUrl, migrationSelector } from "./app-tier/names";
export { tierNetworkPolicySpecFor, migrationNetworkPolicySpecFor, tierEgressRules } from "./app-tier/network-policy";
export { tierPodSpecFor, probeFor, containerResourcesFor, type TierSecretRef } from "./app-tier/pod";
export { resolveTier, resolveResources, DEFAULT_EPHEMERAL_STORAGE, DEFAULT_RESOURCES, type ResolvedTier, type ResolvedIngressRule } from "./app-tier/resolve";
export { validateTierArgs } from "./app-tier/validate";
export {
  deploymentSpecFor,
  serviceSpecFor,
  hpaSpecFor,
  pdbSpecFor,
  jobSpecFor,
  loadBalancerAnnotations,
} from "./app-tier/workloads";
export { ingressSpecFor, ingressAnnotations, ingressUrls } from "./app-tier/ingress";
export {
  storageClassSpec,
  checkStorageClassArgs,
  isEbsProvisioner,
  EBS_CSI_PROVISIONER,
  EBS_IOPS_LIMITS,
  GP3_THROUGHPUT_LIMITS,
  type StorageClassSpec,
} from "./storage-class/storage-class";
export { elasticsearchPlan } from "./elasticsearch/elasticsearch";
export { esHeapSize, javaOpts } from "./elasticsearch/heap";
export { elasticsearchNames, elasticsearchImage, CLIENT_LABEL_KEY, DEFAULT_ES_VERSION, type ElasticsearchNames } from "./elasticsearch/names";
export { podSpecFor as elasticsearchPodSpecFor, statefulSetSpecFor, ES_EPHEMERAL_STORAGE } from "./elasticsearch/pod";
export { readinessScript } from "./elasticsearch/readiness-script";
export { certificateDnsNames, clientLabelFor, networkPolicySpecFor as elasticsearchNetworkPolicySpecFor } from "./elasticsearch/services";
export { discoverySettings, elasticsearchSettings, elasticsearchYml, type ElasticsearchPlan } from "./elasticsearch/settings";
export { fileRealmPasswordHash } from "./elasticsearch/users";
export { kubeconfigWithProfile, stackAwsCredentials, type AwsConfigReader } from "./cluster/kubeconfig";
export { accessEntryKey, accessEntryPlans, accessPolicyArn, disableCreatorAdminBootstrap, CLUSTER_ADMIN_POLICY, type AccessEntryPlan, type AccessLevel } from "./cluster/access";
export { nodeGroupPlan, nodeGroupInstances, nodeUserData, autoscalerDiscoveryTags, NODE_METADATA_OPTIONS, NODE_VM_MAX_MAP_COUNT, type NodeGroupPlan, type NodeGroupInstance } from "./cluster/nodes";
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
  type ServiceAccountBinding,
} from "./cluster/services";
export { protectStatefulResources, podSecurityLevel, elasticsearchUserFor, tierArgsFromConfig, PROTECTED_TYPES, ELASTICSEARCH_CA_MOUNT } from "./platform/platform";
export { availabilityZoneCount } from "./config/parse";
export { DEFAULT_AZ_COUNT } from "./config/rules";
