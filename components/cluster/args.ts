/**
 * The Cluster component's arguments: ClusterArgs and the named types of its nested arguments. Named interfaces
 * and `as const` enums (TypeScript callers pass the strings) because the component package's schema analyzer
 * refuses inline object types and string unions (docs/other-languages.md).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ViewerAccessPolicy } from "./access";
import type { AddonVersions } from "./addons";
import type { AutoModeArgs } from "./auto-mode";
import type { KubeconfigCredentials } from "./kubeconfig";
import type { NodeGroupArgs } from "./nodes";
import type { WorkloadIdentity } from "./workload-identity";

/** A control-plane log type sent to CloudWatch. */
export const ClusterLogType = { api: "api", audit: "audit", authenticator: "authenticator", controllerManager: "controllerManager", scheduler: "scheduler" } as const;
export type ClusterLogType = (typeof ClusterLogType)[keyof typeof ClusterLogType];

/** The cluster's support policy: STANDARD (auto-upgrade at end of standard support) or EXTENDED (paid extended support). */
export const UpgradePolicy = { STANDARD: "STANDARD", EXTENDED: "EXTENDED" } as const;
export type UpgradePolicy = (typeof UpgradePolicy)[keyof typeof UpgradePolicy];

/** API server endpoint access. */
export interface ClusterEndpointArgs {
  /** Serve the API on a public endpoint. @default true */
  publicAccess?: boolean;
  /** CIDRs allowed to reach the public endpoint. @default ["0.0.0.0/0"] */
  publicAccessCidrs?: pulumi.Input<string>[];
  /** Serve the API inside the VPC. @default true */
  privateAccess?: boolean;
}

/** The cluster services; each is on unless switched off. */
export interface ClusterServicesArgs {
  /** metrics-server EKS add-on (HPAs need it). @default true */
  metricsServer?: boolean;
  /** AWS Load Balancer Controller (Ingress → ALB, Service → NLB). @default true */
  loadBalancerController?: boolean;
  /** Cluster Autoscaler, installed when some node group has minSize < maxSize. @default true */
  clusterAutoscaler?: boolean;
}

/** How a destroy waits for the EBS CSI driver to delete released volumes before its add-on goes. */
export interface VolumeDeletionWaitArgs {
  /** Wait for the volumes. @default true */
  enabled?: boolean;
  /** How long a destroy waits, 30 to 3600. @default 600 */
  timeoutSeconds?: number;
}

export interface ClusterArgs {
  /** The EKS cluster's physical name (also used in subnet and autoscaler tags). @default - the component's name */
  clusterName?: string;
  /** The VPC of the cluster. */
  vpcId: pulumi.Input<string>;
  /** Public subnets, for internet-facing load balancers only (nodes never go there). */
  publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Private subnets, for the control-plane ENIs and every node. */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Kubernetes version of the control plane, "1.NN". @default "1.34" */
  version?: pulumi.Input<string>;
  /** Managed node groups (at least one, none with `autoMode`). @default - none */
  nodeGroups?: NodeGroupArgs[];
  /**
   * EKS Auto Mode instead of managed node groups: AWS runs compute, EBS volumes (provisioner
   * `ebs.csi.eks.amazonaws.com`), load balancing (IngressClass controller `eks.amazonaws.com/alb`), pod networking
   * and DNS, so the component creates no node groups, coredns, EBS CSI, Pod Identity agent, Load Balancer
   * Controller or Cluster Autoscaler; it adds a NodePool whose NodeClass enforces NetworkPolicy, and the `alb`
   * IngressClass. Not with `privateNetworking`. @default - off (managed node groups)
   */
  autoMode?: AutoModeArgs;
  /** API server endpoint access. @default - public (from 0.0.0.0/0) and private */
  endpoint?: ClusterEndpointArgs;
  /**
   * IAM roles given cluster-admin (AmazonEKSClusterAdminPolicy, cluster scope), one access entry each, named after
   * the ARN (plain strings, so that reordering the list renames nothing). @default - none
   */
  adminRoleArns?: string[];
  /** IAM roles given read-only access (`viewerAccessPolicy`, cluster scope), e.g. CI preview and drift roles. @default - none */
  viewerRoleArns?: string[];
  /** The access policy of viewer entries: AmazonEKSViewPolicy (no Secrets) or AmazonEKSAdminViewPolicy (Secrets too). @default "AmazonEKSViewPolicy" */
  viewerAccessPolicy?: ViewerAccessPolicy;
  /** Give the identity running `pulumi up` cluster-admin through an explicit access entry. @default false */
  bootstrapCreatorAdmin?: boolean;
  /**
   * Listed principals whose access entry EKS already holds outside this program (the creator entry of a cluster
   * created before the component turned creator bootstrap off): imported instead of created. @default - none
   */
  adoptAccessEntries?: string[];
  /** EKS deletion protection: the cluster cannot be deleted until this is turned off. @default false */
  deletionProtection?: boolean;
  /** The cluster's support policy: STANDARD (auto-upgrade at end of standard support) or EXTENDED (paid extended support). @default - EKS's default, EXTENDED */
  upgradePolicy?: UpgradePolicy;
  /** Control-plane log types sent to CloudWatch. @default - none */
  logTypes?: ClusterLogType[];
  /** Retention of the control-plane log group, in days (a CloudWatch retention period). @default 90 */
  logRetentionDays?: number;
  /** Envelope-encrypt Kubernetes Secrets with a KMS key created here (rotation on). @default false */
  encryptSecrets?: boolean;
  /** Customer-managed KMS keys the EBS CSI driver may encrypt volumes with. @default - none (the AWS-managed aws/ebs key needs no grant) */
  ebsKmsKeyArns?: pulumi.Input<string>[];
  /**
   * How the cluster's controllers (EBS CSI driver, Load Balancer Controller, Cluster Autoscaler) and
   * `Cluster.workloadRole` roles are bound to their service accounts: EKS Pod Identity associations (with the
   * eks-pod-identity-agent add-on; roles trust `pods.eks.amazonaws.com`) or IRSA (roles trust the cluster's OIDC
   * provider; service accounts carry `eks.amazonaws.com/role-arn`). @default "podIdentity"
   */
  workloadIdentity?: WorkloadIdentity;
  /**
   * Pinned EKS add-on versions, by add-on name (`vpc-cni`, `kube-proxy`, `coredns`, `aws-ebs-csi-driver`,
   * `metrics-server`, `eks-pod-identity-agent`). A pinned add-on stays put when `version` moves: raise it with
   * the control plane. @default - each add-on's EKS default version for the control plane's version
   */
  addonVersions?: AddonVersions;
  /** Cluster services; each is on unless switched off. @default - all on */
  services?: ClusterServicesArgs;
  /**
   * The nodes have no route to the internet (a Network with `natGateways: "none"` and its interface endpoints): the
   * cluster services' images come through ECR pull-through caches this component creates (ECR Public,
   * registry.k8s.io), which the node role may fill, and the Load Balancer Controller runs without WAF and Shield.
   * Requires `endpoint.privateAccess`. Your own images must be in private ECR. @default false
   */
  privateNetworking?: boolean;
  /**
   * What the Kubernetes provider's `aws eks get-token` signs with: a profile and a role to assume. The exported
   * `kubeconfig` carries the role, not the profile (other users have their own). Pass this when the AWS provider
   * is an explicit one. @default - the stack's `aws:profile` and the last role of `aws:assumeRoles`; the stack's static
   * keys, shared credential/config files and web identity (`aws:assumeRoleWithWebIdentity`) go into the deploying
   * provider's kubeconfig as the AWS CLI's environment
   */
  kubeconfigCredentials?: KubeconfigCredentials;
  /**
   * On destroy, wait (up to `timeoutSeconds`) for the EBS CSI driver to delete the volumes of deleted claims before
   * its add-on is deleted, and fail the destroy naming the volumes if they remain: a `VolumeDeletionGuard` in
   * `Cluster.clusterServices`. `EKS_SEARCH_PLATFORM_SKIP_VOLUME_WAIT=1` skips one destroy's wait.
   * Not with `autoMode` (there is no add-on). @default - on, 600 seconds
   */
  volumeDeletionWait?: VolumeDeletionWaitArgs;
  /** Tags added to every AWS resource. @default - none */
  tags?: Record<string, string>;
}
