/**
 * Pure specs for managed node groups: scaling, taints, tags, launch-template settings and the AL2023
 * user data that raises `vm.max_map_count`, so the Cluster component only wires resources.
 */
import { awsTags } from "../shared/naming";
import type { TaintEffect } from "../shared/taint-effect";

export { TaintEffect } from "../shared/taint-effect";

/** A node group's EC2 purchase option. */
export const CapacityType = { ON_DEMAND: "ON_DEMAND", SPOT: "SPOT" } as const;
export type CapacityType = (typeof CapacityType)[keyof typeof CapacityType];

/** A Kubernetes taint on a node group's nodes. */
export interface NodeTaint {
  /** The taint key. */
  key: string;
  /** The taint value. @default - none */
  value?: string;
  /** The taint effect. */
  effect: TaintEffect;
}

/** One managed node group. Lines up with `cluster.nodeGroups[]` in the stack config. */
export interface NodeGroupArgs {
  /** Node group name, unique in the cluster (a DNS label, at most 40 characters). */
  name: string;
  /** EC2 instance types; several improve SPOT availability. */
  instanceTypes: string[];
  /** Purchase option. @default "ON_DEMAND" */
  capacityType?: CapacityType;
  /** Minimum node count. */
  minSize: number;
  /** Initial node count. @default - minSize */
  desiredSize?: number;
  /** Maximum node count. */
  maxSize: number;
  /** Root volume size in GiB (gp3, encrypted). @default 50 */
  diskSizeGiB?: number;
  /** Kubernetes labels on the nodes. @default - none */
  labels?: Record<string, string>;
  /** Kubernetes taints on the nodes. @default - none */
  taints?: NodeTaint[];
  /**
   * One managed node group per AZ (per private subnet, named `<name>-az<i>`), all with this spec; sizes are
   * per AZ. For zone-bound data (EBS volumes): every AZ keeps nodes, and Cluster Autoscaler scales the AZ a
   * pending pod's volume is in. @default false - one group across every private subnet
   */
  perAvailabilityZone?: boolean;
}

/** One managed node group to create for a spec: its key (`general`, `search-az0`) and its subnet slot. */
export interface NodeGroupInstance {
  key: string;
  /** The private subnet (AZ slot) of a per-AZ group; undefined for a group across all of them. */
  subnetIndex?: number;
}

/** The node groups a spec stands for: itself, or one per AZ when `perAvailabilityZone` (`subnetCount` AZs). */
export function nodeGroupInstances(group: Pick<NodeGroupArgs, "name" | "perAvailabilityZone">, subnetCount: number): NodeGroupInstance[] {
  if (!group.perAvailabilityZone) return [{ key: group.name }];
  return Array.from({ length: subnetCount }, (_, i) => ({ key: `${group.name}-az${i}`, subnetIndex: i }));
}

/** The `vm.max_map_count` nodes get (Elasticsearch needs ≥ 262144; Elastic now recommends 1048576). */
export const NODE_VM_MAX_MAP_COUNT = 1048576;

const TAINT_EFFECTS = { NoSchedule: "NO_SCHEDULE", PreferNoSchedule: "PREFER_NO_SCHEDULE", NoExecute: "NO_EXECUTE" } as const;

/** The plain inputs of one managed node group. */
export interface NodeGroupPlan {
  instanceTypes: string[];
  capacityType: "ON_DEMAND" | "SPOT";
  scalingConfig: { minSize: number; desiredSize: number; maxSize: number };
  /** True when Cluster Autoscaler may resize the group (minSize < maxSize). */
  autoscaled: boolean;
  diskSizeGiB: number;
  labels: Record<string, string>;
  /** Taints in the EKS API's spelling (`NO_SCHEDULE`...). */
  taints: { key: string; value?: string; effect: "NO_SCHEDULE" | "PREFER_NO_SCHEDULE" | "NO_EXECUTE" }[];
  /** Tags on the node group, including Cluster Autoscaler auto-discovery tags when autoscaled. */
  tags: Record<string, string>;
}

/** Cluster Autoscaler's auto-discovery tags for a group of `clusterName`. */
export function autoscalerDiscoveryTags(clusterName: string): Record<string, string> {
  return { "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned" };
}

/** The plain spec of one node group, defaults filled. */
export function nodeGroupPlan(group: NodeGroupArgs, clusterName: string, tags?: Record<string, string>): NodeGroupPlan {
  const desiredSize = group.desiredSize ?? group.minSize;
  const autoscaled = group.minSize < group.maxSize;
  return {
    instanceTypes: group.instanceTypes,
    capacityType: group.capacityType ?? "ON_DEMAND",
    scalingConfig: { minSize: group.minSize, desiredSize, maxSize: group.maxSize },
    autoscaled,
    diskSizeGiB: group.diskSizeGiB ?? 50,
    labels: group.labels ?? {},
    taints: (group.taints ?? []).map((t) => ({ key: t.key, ...(t.value !== undefined ? { value: t.value } : {}), effect: TAINT_EFFECTS[t.effect] })),
    tags: { ...awsTags(tags, `${clusterName}-${group.name}`), ...(autoscaled ? autoscalerDiscoveryTags(clusterName) : {}) },
  };
}

/**
 * The launch template's instance metadata settings: IMDSv2 only, and a hop limit of 1 so that pods
 * (one network hop away) cannot borrow the node role; controllers get their own roles instead.
 */
export const NODE_METADATA_OPTIONS = { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 } as const;

/**
 * The user data of an AL2023 node, a MIME multi-part document. EKS merges it with its own nodeadm
 * NodeConfig part (the launch template names no AMI), so nodes still join the cluster; this part
 * only raises `vm.max_map_count` for Elasticsearch, persistently and before kubelet starts pods.
 */
export function nodeUserData(maxMapCount = NODE_VM_MAX_MAP_COUNT): string {
  const boundary = "==EKS-SEARCH-PLATFORM==";
  return [
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    'Content-Type: text/x-shellscript; charset="us-ascii"',
    "",
    "#!/bin/bash",
    "set -euo pipefail",
    `echo "vm.max_map_count=${maxMapCount}" > /etc/sysctl.d/90-eks-search-platform.conf`,
    `sysctl -w vm.max_map_count=${maxMapCount}`,
    "",
    `--${boundary}--`,
    "",
  ].join("\n");
}
