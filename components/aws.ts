/**
 * `eks-search-platform/aws`: the AWS components (a VPC, an EKS cluster) and their argument types. Needs
 * the @pulumi/aws and @pulumi/eks peers.
 *
 * @module aws
 */
export { Network, type NetworkArgs, type NetworkFlowLogsArgs, type NatStrategy } from "./network/network";
export {
  Cluster,
  type ClusterArgs,
  type ClusterLogType,
  type ClusterEndpointArgs,
  type ClusterServicesArgs,
  type UpgradePolicy,
  type VolumeDeletionWaitArgs,
  type NodeGroupArgs,
  type KubeconfigCredentials,
} from "./cluster/cluster";
export { type CapacityType, type NodeTaint, type TaintEffect } from "./cluster/nodes";
export { type AddonVersions } from "./cluster/addons";
export { type ViewerAccessPolicy } from "./cluster/access";
export { type WorkloadIdentity, type WorkloadRole, type ServiceAccountRef } from "./cluster/workload-identity";
export { type AutoModeArgs, type AutoModeNodePool, type AutoModeCapacityType } from "./cluster/auto-mode";
export { VolumeDeletionGuard, type VolumeDeletionGuardArgs } from "./cluster/volume-guard";
export { pendingVolumeDeletions, EBS_CSI_DRIVER, SKIP_VOLUME_WAIT_ENV, type VolumeDeletions, type DriverVolume, type PersistentVolumeFacts, type PersistentVolumeClaimFacts } from "./cluster/volume-deletions";
export { ArgumentError, type ArgumentIssue } from "./shared/validate";
