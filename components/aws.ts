/**
 * `eks-search-platform/aws`: the AWS components (a VPC, an EKS cluster) and their argument types. Needs
 * the @pulumi/aws and @pulumi/eks peers.
 *
 * @module aws
 */
export { Network, type NetworkArgs, type NetworkFlowLogsArgs, type NatStrategy } from "./network/network";
export { Cluster, type ClusterArgs, type ClusterLogType, type NodeGroupArgs, type KubeconfigCredentials } from "./cluster/cluster";
export { type ViewerAccessPolicy } from "./cluster/access";
export { type WorkloadIdentity, type WorkloadRole, type ServiceAccountRef } from "./cluster/workload-identity";
export { type AutoModeArgs, type AutoModeNodePool } from "./cluster/auto-mode";
export { ArgumentError, type ArgumentIssue } from "./shared/validate";
