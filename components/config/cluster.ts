/**
 * The `cluster` config section: the EKS cluster and its node groups.
 */
import { z } from "zod";
import { ADDON_VERSION, MANAGED_ADDONS, ROLE_ARN } from "../shared/aws-formats";
import { EKS_VERSION, LABEL_KEY, cidr, dnsLabel, retentionDays } from "./formats";

const roleArn = () => z.string().regex(ROLE_ARN, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/admin");

const TaintSchema = z.strictObject({
  key: z.string().regex(LABEL_KEY, "must be a Kubernetes label key").describe("Taint key"),
  value: z.string().max(63).optional().describe("Taint value"),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).describe("Taint effect"),
});

export const NodeGroupSpecSchema = z
  .strictObject({
    name: dnsLabel(40).describe("Node group name, unique in the cluster"),
    instanceTypes: z.array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9]+$/, "must be an EC2 instance type such as m6i.large")).min(1, "must list at least one instance type").describe("EC2 instance types (several improve SPOT availability)"),
    capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND").describe("ON_DEMAND or SPOT"),
    minSize: z.number().int().min(0).describe("Minimum node count"),
    desiredSize: z.number().int().min(0).optional().describe("Initial node count. Default: minSize"),
    maxSize: z.number().int().min(1).describe("Maximum node count"),
    diskSizeGiB: z.number().int().min(20).max(16384).default(50).describe("Root volume size in GiB"),
    labels: z.record(z.string().regex(LABEL_KEY, "must be a Kubernetes label key"), z.string().max(63)).default({}).describe("Kubernetes labels on the nodes"),
    taints: z.array(TaintSchema).default([]).describe("Kubernetes taints on the nodes"),
    perAvailabilityZone: z
      .boolean()
      .default(false)
      .describe("One group per AZ (per private subnet, named <name>-az<i>) with this spec, sizes per AZ: keeps nodes in every AZ for zone-bound EBS data"),
  })
  .superRefine((group, ctx) => {
    const desired = group.desiredSize ?? group.minSize;
    if (group.minSize > desired) {
      ctx.addIssue({ code: "custom", path: ["minSize"], message: `must be ≤ desiredSize (${desired})` });
    }
    if (desired > group.maxSize) {
      ctx.addIssue({ code: "custom", path: [group.desiredSize === undefined ? "minSize" : "desiredSize"], message: `must be ≤ maxSize (${group.maxSize})` });
    }
  });

export const ClusterConfigSchema = z
  .strictObject({
    version: z.string().regex(EKS_VERSION, 'must be an EKS version of the form "1.NN" (quote it in YAML)').default("1.34").describe("Kubernetes version of the control plane"),
    endpoint: z
      .strictObject({
        publicAccess: z.boolean().default(true).describe("Serve the API on a public endpoint"),
        publicAccessCidrs: z.array(cidr()).default(["0.0.0.0/0"]).describe("CIDRs allowed to reach the public endpoint"),
        privateAccess: z.boolean().default(true).describe("Serve the API inside the VPC"),
      })
      .default({ publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], privateAccess: true })
      .describe("API server endpoint access"),
    adminRoleArns: z.array(roleArn()).default([]).describe("IAM roles given cluster-admin through access entries (one per role, named after its ARN)"),
    viewerRoleArns: z.array(roleArn()).default([]).describe("IAM roles given read-only access (viewerAccessPolicy), e.g. CI preview and drift roles"),
    viewerAccessPolicy: z
      .enum(["AmazonEKSViewPolicy", "AmazonEKSAdminViewPolicy"])
      .default("AmazonEKSViewPolicy")
      .describe("Access policy of viewer roles: AmazonEKSViewPolicy (no Secrets) or AmazonEKSAdminViewPolicy (Secrets too, what a refresh reads)"),
    bootstrapCreatorAdmin: z.boolean().default(false).describe("Give the identity running `pulumi up` cluster-admin through an access entry of its own"),
    adoptAccessEntries: z
      .array(roleArn())
      .default([])
      .describe("Listed roles whose access entry EKS already holds (the creator entry of a cluster created before creator bootstrap was turned off): imported, not created"),
    deletionProtection: z.boolean().optional().describe("EKS deletion protection (turn it off before destroying). Default: the stack's protect"),
    upgradePolicy: z
      .enum(["STANDARD", "EXTENDED"])
      .optional()
      .describe("Support policy: STANDARD upgrades the control plane at the end of standard support, EXTENDED pays for extended support. Default: EKS's, EXTENDED"),
    logTypes: z.array(z.enum(["api", "audit", "authenticator", "controllerManager", "scheduler"])).default([]).describe("Control-plane log types sent to CloudWatch"),
    logRetentionDays: retentionDays().default(90).describe("Control-plane log retention in days"),
    encryptSecrets: z.boolean().default(false).describe("Envelope-encrypt Kubernetes Secrets with a KMS key (rotation on)"),
    nodeGroups: z.array(NodeGroupSpecSchema).default([]).describe("Managed node groups (required for target aws, unless autoMode)"),
    autoMode: z
      .strictObject({
        enabled: z.boolean().default(false).describe("Run EKS Auto Mode instead of managed node groups (then nodeGroups stays empty)"),
        builtInNodePools: z.array(z.enum(["general-purpose", "system"])).default(["system"]).describe("Auto Mode's built-in node pools to keep; workloads run on the platform's own NodePool, which enforces NetworkPolicy"),
        capacityTypes: z.array(z.enum(["on-demand", "spot"])).min(1).default(["on-demand"]).describe("Capacity types of the platform's NodePool"),
        instanceCategories: z.array(z.string().regex(/^[a-z]$/, "must be an instance category letter such as c, m or r")).min(1).default(["c", "m", "r"]).describe("Instance categories of the platform's NodePool"),
      })
      .default({ enabled: false, builtInNodePools: ["system"], capacityTypes: ["on-demand"], instanceCategories: ["c", "m", "r"] })
      .describe("EKS Auto Mode: AWS runs compute, EBS, load balancing and DNS"),
    workloadIdentity: z
      .enum(["podIdentity", "irsa"])
      .default("podIdentity")
      .describe("How the cluster's controllers and Elasticsearch get their IAM roles: EKS Pod Identity associations, or IRSA (OIDC) annotations"),
    addonVersions: z
      .partialRecord(z.enum(MANAGED_ADDONS), z.string().regex(ADDON_VERSION, "must be an EKS add-on version such as v1.19.2-eksbuild.1 (aws eks describe-addon-versions)"))
      .default({})
      .describe("Pinned EKS add-on versions by add-on name (vpc-cni, kube-proxy, coredns, aws-ebs-csi-driver, metrics-server, eks-pod-identity-agent). Default: each add-on's EKS default for the control plane's version"),
    services: z
      .strictObject({
        metricsServer: z.boolean().default(true).describe("Install metrics-server (HPAs need it)"),
        loadBalancerController: z.boolean().default(true).describe("Install the AWS Load Balancer Controller (Ingress → ALB, Service → NLB)"),
        clusterAutoscaler: z.boolean().default(true).describe("Install Cluster Autoscaler for node groups with minSize < maxSize"),
      })
      .default({ metricsServer: true, loadBalancerController: true, clusterAutoscaler: true })
      .describe("Cluster services installed on the cluster"),
    volumeDeletionWait: z
      .strictObject({
        enabled: z.boolean().optional().describe("Wait for the volumes. Default: on, off with autoMode (AWS runs its EBS driver)"),
        timeoutSeconds: z.number().int().min(30).max(3600).default(600).describe("How long a destroy waits, 30 to 3600"),
      })
      .default({ timeoutSeconds: 600 })
      .describe("On destroy, hold the EBS CSI add-on until its driver has deleted the volumes of deleted claims; fail after the timeout naming them (EKS_SEARCH_PLATFORM_SKIP_VOLUME_WAIT=1 skips one destroy's wait)"),
  })
  .default({
    version: "1.34",
    endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], privateAccess: true },
    adminRoleArns: [],
    viewerRoleArns: [],
    viewerAccessPolicy: "AmazonEKSViewPolicy",
    bootstrapCreatorAdmin: false,
    adoptAccessEntries: [],
    logTypes: [],
    logRetentionDays: 90,
    encryptSecrets: false,
    nodeGroups: [],
    autoMode: { enabled: false, builtInNodePools: ["system"], capacityTypes: ["on-demand"], instanceCategories: ["c", "m", "r"] },
    workloadIdentity: "podIdentity",
    addonVersions: {},
    services: { metricsServer: true, loadBalancerController: true, clusterAutoscaler: true },
    volumeDeletionWait: { timeoutSeconds: 600 },
  })
  .describe("The EKS cluster")
  .superRefine((cluster, ctx) => {
    if (!cluster.endpoint.publicAccess && !cluster.endpoint.privateAccess) {
      ctx.addIssue({ code: "custom", path: ["endpoint", "publicAccess"], message: "at least one of publicAccess and privateAccess must be true" });
    }
    const principals = new Set<string>();
    for (const key of ["adminRoleArns", "viewerRoleArns"] as const) {
      cluster[key].forEach((arn, index) => {
        if (principals.has(arn)) ctx.addIssue({ code: "custom", path: [key, index], message: "is listed already: EKS allows one access entry per principal" });
        principals.add(arn);
      });
    }
    cluster.adoptAccessEntries.forEach((arn, index) => {
      if (!principals.has(arn)) ctx.addIssue({ code: "custom", path: ["adoptAccessEntries", index], message: "must also be listed in adminRoleArns or viewerRoleArns" });
    });
    const seen = new Set<string>();
    cluster.nodeGroups.forEach((group, index) => {
      if (seen.has(group.name)) ctx.addIssue({ code: "custom", path: ["nodeGroups", index, "name"], message: "duplicate node group name" });
      seen.add(group.name);
    });
  });
