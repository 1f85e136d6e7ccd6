/**
 * The named types of ClusterArgs' nested arguments. Named interfaces and `as const` enums (TypeScript callers
 * pass the strings) because the component package's schema analyzer refuses inline object types and string
 * unions (docs/other-languages.md).
 */
import type * as pulumi from "@pulumi/pulumi";

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
