/**
 * The AWS APIs a cluster's nodes and services call, as interface VPC endpoint names: what a private cluster
 * (no NAT) must reach through endpoints. Pure data, shared by the Network component and the config rules.
 */

/** An AWS service's endpoint short name, as in `com.amazonaws.<region>.<name>` (`ecr.api`, `eks-auth`). */
export const ENDPOINT_SERVICE = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$/;

/** What the nodes themselves call: ECR (api + dkr; layers come through the S3 gateway), EC2, STS (IRSA), CloudWatch Logs, EKS auth (Pod Identity). */
export const NODE_ENDPOINTS = ["ec2", "ecr.api", "ecr.dkr", "sts", "logs", "eks-auth"] as const;

/** What each cluster service calls beyond {@link NODE_ENDPOINTS}. */
export const SERVICE_ENDPOINTS = {
  /** The AWS Load Balancer Controller: ELBv2 (WAF and Shield are switched off in a private cluster). */
  loadBalancerController: ["elasticloadbalancing"],
  /** Cluster Autoscaler: Auto Scaling, and EKS's DescribeNodegroup (labels and taints to scale from zero). */
  clusterAutoscaler: ["autoscaling", "eks"],
} as const;

/** The interface endpoints a private Cluster with its default services needs (no NAT: nothing else reaches AWS). */
export const PRIVATE_CLUSTER_ENDPOINTS: readonly string[] = [...NODE_ENDPOINTS, ...SERVICE_ENDPOINTS.loadBalancerController, ...SERVICE_ENDPOINTS.clusterAutoscaler];

/** The interface endpoints a private cluster with these services needs. */
export function privateClusterEndpoints(services: { loadBalancerController: boolean; clusterAutoscaler: boolean }): string[] {
  return [
    ...NODE_ENDPOINTS,
    ...(services.loadBalancerController ? SERVICE_ENDPOINTS.loadBalancerController : []),
    ...(services.clusterAutoscaler ? SERVICE_ENDPOINTS.clusterAutoscaler : []),
  ];
}
