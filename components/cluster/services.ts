/**
 * Pinned versions and pure Helm values for the cluster services the Cluster component installs:
 * AWS Load Balancer Controller and Cluster Autoscaler (metrics-server is an EKS add-on).
 * Every controller gets its own service account in kube-system, bound to its own IAM role (EKS Pod Identity or IRSA).
 */

import { createHash } from "node:crypto";

/** A Helm chart pin. */
export interface ChartPin {
  chart: string;
  repo: string;
  version: string;
  appVersion: string;
}

/** AWS Load Balancer Controller: Ingress → ALB, Service type LoadBalancer → NLB. */
export const LOAD_BALANCER_CONTROLLER_CHART: ChartPin = {
  chart: "aws-load-balancer-controller",
  repo: "https://aws.github.io/eks-charts",
  version: "3.4.3",
  appVersion: "v3.4.3",
};

/** Cluster Autoscaler; the image is matched to the control plane's minor version (see {@link clusterAutoscalerImageTag}). */
export const CLUSTER_AUTOSCALER_CHART: ChartPin = {
  chart: "cluster-autoscaler",
  repo: "https://kubernetes.github.io/autoscaler",
  version: "9.53.0",
  appVersion: "1.34.2",
};

/** The namespace and service account each controller runs as; its IAM role trusts exactly this pair. */
export const SERVICE_ACCOUNTS = {
  ebsCsi: { namespace: "kube-system", name: "ebs-csi-controller-sa" },
  loadBalancerController: { namespace: "kube-system", name: "aws-load-balancer-controller" },
  clusterAutoscaler: { namespace: "kube-system", name: "cluster-autoscaler" },
} as const;

// Cluster Autoscaler must match the Kubernetes minor version it runs against.
const CLUSTER_AUTOSCALER_IMAGES: Record<string, string> = {
  "1.31": "v1.31.5",
  "1.32": "v1.32.7",
  "1.33": "v1.33.6",
  "1.34": "v1.34.5",
  "1.35": "v1.35.2",
};

/** The Cluster Autoscaler image tag for a control-plane version such as "1.34"; undefined when unknown. */
export function clusterAutoscalerImageTag(kubernetesVersion: string): string | undefined {
  const minor = /^(\d+\.\d+)/.exec(kubernetesVersion)?.[1];
  return minor ? CLUSTER_AUTOSCALER_IMAGES[minor] : undefined;
}

/** Pod annotation naming how the controller gets its role: switching between Pod Identity and IRSA rolls the pods (credentials are injected at pod creation). */
export const WORKLOAD_IDENTITY_ANNOTATION = "eks-search-platform/workload-identity";

/** What binds a controller's service account to its role. */
export interface ServiceAccountBinding {
  /** Annotations of the service account: the IRSA role ARN, or none with Pod Identity (an association binds it). */
  serviceAccountAnnotations: Record<string, string>;
  /** "podIdentity" or "irsa". */
  workloadIdentity: string;
}

/**
 * Helm values for the AWS Load Balancer Controller. Region and VPC are passed explicitly because the
 * nodes' IMDS hop limit of 1 keeps pods from looking them up.
 */
export function loadBalancerControllerValues(args: { clusterName: string; region: string; vpcId: string; imageRepository?: string } & ServiceAccountBinding): Record<string, unknown> {
  return {
    // A private cluster pulls through an ECR cache, and has no endpoint for WAF or Shield to call.
    ...(args.imageRepository ? { image: { repository: args.imageRepository }, enableShield: false, enableWaf: false, enableWafv2: false } : {}),
    clusterName: args.clusterName,
    region: args.region,
    vpcId: args.vpcId,
    replicaCount: 2,
    serviceAccount: { create: true, name: SERVICE_ACCOUNTS.loadBalancerController.name, annotations: args.serviceAccountAnnotations },
    podAnnotations: { [WORKLOAD_IDENTITY_ANNOTATION]: args.workloadIdentity },
    podDisruptionBudget: { maxUnavailable: 1 },
  };
}

/** Helm values for Cluster Autoscaler: auto-discovers this cluster's tagged node groups. */
export function clusterAutoscalerValues(args: { clusterName: string; region: string; kubernetesVersion: string; imageRepository?: string } & ServiceAccountBinding): Record<string, unknown> {
  const tag = clusterAutoscalerImageTag(args.kubernetesVersion);
  return {
    cloudProvider: "aws",
    awsRegion: args.region,
    autoDiscovery: { clusterName: args.clusterName },
    fullnameOverride: "cluster-autoscaler",
    rbac: { serviceAccount: { create: true, name: SERVICE_ACCOUNTS.clusterAutoscaler.name, annotations: args.serviceAccountAnnotations } },
    podAnnotations: { [WORKLOAD_IDENTITY_ANNOTATION]: args.workloadIdentity },
    extraArgs: { "balance-similar-node-groups": true, expander: "least-waste", "skip-nodes-with-system-pods": false },
    ...(tag || args.imageRepository ? { image: { ...(args.imageRepository ? { repository: args.imageRepository } : {}), ...(tag ? { tag } : {}) } } : {}),
  };
}

/** The upstream registries of the cluster services' images, and each image's path there. */
export const SERVICE_IMAGE_UPSTREAMS = {
  /** ECR Public: the AWS Load Balancer Controller. */
  ecrPublic: { registry: "public.ecr.aws", suffix: "ecr-public", loadBalancerController: "eks/aws-load-balancer-controller" },
  /** registry.k8s.io: Cluster Autoscaler. */
  k8s: { registry: "registry.k8s.io", suffix: "k8s", clusterAutoscaler: "autoscaling/cluster-autoscaler" },
} as const;

/**
 * The ECR repository prefix of a cluster's pull-through cache for one upstream: `eks-<8 hex of the cluster
 * name>-<upstream>`. Prefixes are unique per account and region, so each cluster owns its own (at most 30 characters).
 */
export function pullThroughCachePrefix(clusterName: string, suffix: string): string {
  return `eks-${createHash("sha256").update(clusterName).digest("hex").slice(0, 8)}-${suffix}`;
}
