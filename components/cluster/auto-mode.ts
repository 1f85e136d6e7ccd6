/**
 * EKS Auto Mode: AWS runs compute (Karpenter node pools), EBS volumes, load balancing, pod networking and DNS.
 * What the Cluster adds on top, as pure specs plus their wiring: the NetworkPolicy controller switch, a NodeClass
 * that enforces NetworkPolicy and a NodePool on it (the built-in general-purpose pool's NodeClass does not
 * enforce them), and the `alb` IngressClass for Auto Mode's load balancer controller.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { standardLabels } from "../shared/naming";
import { type ArgumentChecker } from "../shared/validate";

/** Auto Mode's built-in node pools. */
export const AutoModeNodePool = { generalPurpose: "general-purpose", system: "system" } as const;
export type AutoModeNodePool = (typeof AutoModeNodePool)[keyof typeof AutoModeNodePool];

/** A capacity type of Auto Mode's NodePool (`karpenter.sh/capacity-type`). */
export const AutoModeCapacityType = { onDemand: "on-demand", spot: "spot" } as const;
export type AutoModeCapacityType = (typeof AutoModeCapacityType)[keyof typeof AutoModeCapacityType];

/** EKS Auto Mode settings. */
export interface AutoModeArgs {
  /** Run the cluster in EKS Auto Mode instead of managed node groups. */
  enabled: boolean;
  /**
   * Auto Mode's built-in node pools to keep. Workloads run on the component's own NodePool (NetworkPolicy
   * enforced); `general-purpose` would also take pods, on nodes that do not enforce NetworkPolicy.
   * @default ["system"]
   */
  builtInNodePools?: AutoModeNodePool[];
  /** Capacity types of the component's NodePool. @default ["on-demand"] */
  capacityTypes?: AutoModeCapacityType[];
  /** Instance categories of the component's NodePool (`eks.amazonaws.com/instance-category`). @default ["c", "m", "r"] */
  instanceCategories?: string[];
}

export { AUTO_MODE_EBS_PROVISIONER } from "../storage-class/storage-class";
/** Auto Mode's ALB controller name (the IngressClass's `spec.controller`). */
export const AUTO_MODE_ALB_CONTROLLER = "eks.amazonaws.com/alb";
/** The API versions of Auto Mode's custom resources (not in the Kubernetes OpenAPI schema). */
export const AUTO_MODE_API_VERSIONS = ["eks.amazonaws.com/v1", "karpenter.sh/v1"] as const;
/** The name of the component's NodeClass and NodePool. */
export const AUTO_MODE_POOL_NAME = "eks-search-platform";

const NODE_POOLS: readonly AutoModeNodePool[] = ["general-purpose", "system"];
const CAPACITY_TYPES = ["on-demand", "spot"] as const;

/** Records problems in `autoMode` on `check`. */
export function checkAutoMode(check: ArgumentChecker, settings: AutoModeArgs | undefined): void {
  check.knownKeys(settings, ["enabled", "builtInNodePools", "capacityTypes", "instanceCategories"], "autoMode");
  (settings?.builtInNodePools ?? []).forEach((pool, i) => check.that(NODE_POOLS.includes(pool), `autoMode.builtInNodePools[${i}]`, `must be one of ${NODE_POOLS.join(", ")}`, pool));
  const capacity = settings?.capacityTypes;
  if (capacity !== undefined) check.that(capacity.length > 0 && capacity.every((c) => (CAPACITY_TYPES as readonly string[]).includes(c)), "autoMode.capacityTypes", `must list some of ${CAPACITY_TYPES.join(", ")}`, capacity);
  const categories = settings?.instanceCategories;
  if (categories !== undefined) check.that(categories.length > 0 && categories.every((c) => /^[a-z]$/.test(c)), "autoMode.instanceCategories", "must list instance categories, single letters such as c, m, r", categories);
}

/** The ConfigMap that turns on Auto Mode's NetworkPolicy controller (without it policies are accepted, not enforced). */
export function networkPolicyControllerConfigMap(): { metadata: { name: string; namespace: string; labels: Record<string, string> }; data: Record<string, string> } {
  return {
    metadata: { name: "amazon-vpc-cni", namespace: "kube-system", labels: standardLabels("cluster", "auto-mode", "network-policy") },
    data: { "enable-network-policy-controller": "true" },
  };
}

/** The NodeClass of the component's NodePool: the Auto Mode node role, private subnets, the cluster security group, NetworkPolicy on. */
export function nodeClassSpec(args: { nodeRoleName: string; subnetIds: string[]; securityGroupId: string; tags?: Record<string, string> }): Record<string, unknown> {
  return {
    role: args.nodeRoleName,
    subnetSelectorTerms: args.subnetIds.map((id) => ({ id })),
    securityGroupSelectorTerms: [{ id: args.securityGroupId }],
    networkPolicy: "DefaultAllow",
    networkPolicyEventLogs: "Disabled",
    ...(args.tags && Object.keys(args.tags).length ? { tags: args.tags } : {}),
  };
}

/** The component's NodePool: its NodeClass, Linux amd64, the capacity types and instance categories asked for. */
export function nodePoolSpec(args: Pick<AutoModeArgs, "capacityTypes" | "instanceCategories">): Record<string, unknown> {
  return {
    template: {
      spec: {
        nodeClassRef: { group: "eks.amazonaws.com", kind: "NodeClass", name: AUTO_MODE_POOL_NAME },
        requirements: [
          { key: "karpenter.sh/capacity-type", operator: "In", values: args.capacityTypes ?? ["on-demand"] },
          { key: "eks.amazonaws.com/instance-category", operator: "In", values: args.instanceCategories ?? ["c", "m", "r"] },
          { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
          { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
        ],
      },
    },
    disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "5m" },
  };
}

export interface AutoModeResourcesArgs {
  name: string;
  provider: k8s.Provider;
  nodeRoleName: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupId: pulumi.Input<string>;
  loadBalancing: boolean;
  settings: AutoModeArgs;
  tags?: Record<string, string>;
}

/** Registers the NetworkPolicy switch, NodeClass, NodePool and (with load balancing) the `alb` IngressClass; returns them. */
export function createAutoModeResources(parent: pulumi.Resource, args: AutoModeResourcesArgs): pulumi.Resource[] {
  const opts = { parent, provider: args.provider };
  const labels = standardLabels("cluster", "auto-mode");
  const configMap = new k8s.core.v1.ConfigMap(`${args.name}-network-policy-controller`, networkPolicyControllerConfigMap(), opts);
  const nodeClass = new k8s.apiextensions.CustomResource(
    `${args.name}-node-class`,
    {
      apiVersion: "eks.amazonaws.com/v1",
      kind: "NodeClass",
      metadata: { name: AUTO_MODE_POOL_NAME, labels },
      spec: pulumi
        .all([args.nodeRoleName, args.privateSubnetIds, args.securityGroupId])
        .apply(([nodeRoleName, subnetIds, securityGroupId]) => nodeClassSpec({ nodeRoleName, subnetIds, securityGroupId, ...(args.tags ? { tags: args.tags } : {}) })),
    },
    { ...opts, dependsOn: [configMap] },
  );
  const nodePool = new k8s.apiextensions.CustomResource(
    `${args.name}-node-pool`,
    { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: AUTO_MODE_POOL_NAME, labels }, spec: nodePoolSpec(args.settings) },
    { ...opts, dependsOn: [nodeClass] },
  );
  const resources: pulumi.Resource[] = [configMap, nodeClass, nodePool];
  if (args.loadBalancing) {
    // The name the tiers' Ingresses use by default; the LBC chart would create it, Auto Mode does not.
    resources.push(new k8s.networking.v1.IngressClass(`${args.name}-alb`, { metadata: { name: "alb", labels }, spec: { controller: AUTO_MODE_ALB_CONTROLLER } }, opts));
  }
  return resources;
}
