/**
 * Rules that span config sections (AZs and the VPC size, what target aws requires).
 */
import { type z } from "zod";
import ipaddr from "ipaddr.js";
import { MAX_AZS, SMALLEST_VPC_PREFIX, planSubnets, SubnetPlanError } from "../network/subnet-plan";

/** A private ECR image (`<account>.dkr.ecr.<region>.amazonaws.com/...`, pull-through cache repositories included). */
export const PRIVATE_ECR_IMAGE = /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

/** The default AZ count when neither availabilityZones nor availabilityZoneCount is set. */
export const DEFAULT_AZ_COUNT = 3;

type Ctx = z.RefinementCtx;

export function crossSectionRules(raw: unknown, ctx: Ctx): void {
  const cfg = (raw ?? {}) as Record<string, unknown>;
  const obj = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const target = cfg.target ?? "aws";
  const network = obj(cfg.network);
  const cluster = obj(cfg.cluster);
  const storage = obj(cfg.storage);

  const count = network.availabilityZoneCount;
  const given = (["availabilityZones", "availabilityZoneIds", "availabilityZoneCount"] as const).filter((key) => network[key] !== undefined);
  if (given.length > 1) {
    ctx.addIssue({ code: "custom", path: ["network", given[1]], message: `set one of availabilityZones, availabilityZoneIds and availabilityZoneCount, not ${given.join(" and ")}` });
  }
  const listKey = (["availabilityZones", "availabilityZoneIds"] as const).find((key) => Array.isArray(network[key]));
  const zones = listKey ? (network[listKey] as unknown[]) : undefined;
  let azCount = DEFAULT_AZ_COUNT;
  if (listKey && zones) {
    azCount = zones.length;
    if (zones.length < 2 || zones.length > MAX_AZS) ctx.addIssue({ code: "custom", path: ["network", listKey], message: `must list 2 to ${MAX_AZS} AZs` });
    if (new Set(zones).size !== zones.length) ctx.addIssue({ code: "custom", path: ["network", listKey], message: "must not repeat an AZ" });
  } else if (typeof count === "number") {
    azCount = count;
    if (!Number.isInteger(count) || count < 2 || count > MAX_AZS) ctx.addIssue({ code: "custom", path: ["network", "availabilityZoneCount"], message: `must be an integer from 2 to ${MAX_AZS}` });
  }
  const cidrBlock = network.cidrBlock ?? "10.0.0.0/16";
  if (typeof cidrBlock === "string" && ipaddr.IPv4.isValidCIDR(cidrBlock)) {
    const prefix = Number(cidrBlock.split("/")[1]);
    if (prefix < 16) {
      ctx.addIssue({ code: "custom", path: ["network", "cidrBlock"], message: "AWS VPCs can be at most a /16" });
    } else if (prefix > SMALLEST_VPC_PREFIX) {
      ctx.addIssue({ code: "custom", path: ["network", "cidrBlock"], message: `is too small for ${azCount} AZs: the VPC must be a /${SMALLEST_VPC_PREFIX} or larger` });
    } else {
      try {
        planSubnets(cidrBlock, Math.min(Math.max(azCount, 1), MAX_AZS));
      } catch (error) {
        if (error instanceof SubnetPlanError) ctx.addIssue({ code: "custom", path: ["network", "cidrBlock"], message: error.message });
        else throw error;
      }
    }
  }

  const elasticsearch = obj(cfg.elasticsearch);
  if (elasticsearch.enabled === false) {
    for (const [tierName, tier] of Object.entries(obj(obj(cfg.apps).tiers))) {
      if (obj(tier).elasticsearch === true) {
        ctx.addIssue({ code: "custom", path: ["apps", "tiers", tierName, "elasticsearch"], message: "needs Elasticsearch, which elasticsearch.enabled: false turns off: remove it or enable Elasticsearch" });
      }
    }
  }

  if (target !== "aws" && obj(elasticsearch.snapshots).bucketArn !== undefined) {
    ctx.addIssue({ code: "custom", path: ["elasticsearch", "snapshots", "bucketArn"], message: "only applies to target aws (the Platform creates Elasticsearch's AWS role there); on another cluster, give its ServiceAccount credentials yourself" });
  }

  if (target === "aws") {
    const groups = cluster.nodeGroups;
    const autoMode = obj(cluster.autoMode).enabled === true;
    if (autoMode) {
      if (Array.isArray(groups) && groups.length > 0) {
        ctx.addIssue({ code: "custom", path: ["cluster", "nodeGroups"], message: "must be empty with cluster.autoMode.enabled: Auto Mode runs the compute (its NodePools replace node groups)" });
      }
      if (network.natGateways === "none") {
        ctx.addIssue({ code: "custom", path: ["network", "natGateways"], message: "cannot be none with cluster.autoMode.enabled yet: the private-cluster endpoints and image caches are planned for node groups" });
      }
      if (obj(cfg.elasticsearch).vmMaxMapCount === "node") {
        ctx.addIssue({
          code: "custom",
          path: ["elasticsearch", "vmMaxMapCount"],
          message: "cannot be node with cluster.autoMode.enabled: Auto Mode nodes take no user data, so nothing raises vm.max_map_count; use disableMmap (the default there) or initContainer",
        });
      }
    } else if (!Array.isArray(groups) || groups.length === 0) {
      ctx.addIssue({ code: "custom", path: ["cluster", "nodeGroups"], message: "at least one node group is required when target is aws (or turn on cluster.autoMode)" });
    }
    const admins = cluster.adminRoleArns;
    if ((!Array.isArray(admins) || admins.length === 0) && cluster.bootstrapCreatorAdmin !== true) {
      ctx.addIssue({
        code: "custom",
        path: ["cluster", "adminRoleArns"],
        message: "nobody could administer the cluster (nor could Pulumi deploy into it): list admin roles or set bootstrapCreatorAdmin: true",
      });
    }
    if (network.natGateways === "none") privateClusterRules(cfg, obj, ctx);
    if (storage.provisioner !== undefined) {
      ctx.addIssue({ code: "custom", path: ["storage", "provisioner"], message: "only applies to target kubeconfig (aws uses the EBS CSI driver)" });
    }
  }
}

/**
 * Target aws without NAT gateways (issue 13, defect 3): the nodes reach AWS only through interface endpoints
 * and the API server only through the private endpoint, and pull images only from private ECR. Anything else
 * fails ~20 minutes into `pulumi up` (NodeCreationFailure, ImagePullBackOff), so it is refused here.
 */
function privateClusterRules(cfg: Record<string, unknown>, obj: (v: unknown) => Record<string, unknown>, ctx: Ctx): void {
  const network = obj(cfg.network);
  const endpoint = obj(obj(cfg.cluster).endpoint);
  const noNat = "when network.natGateways is none";
  if (obj(network.interfaceEndpoints).enabled === false) {
    ctx.addIssue({
      code: "custom",
      path: ["network", "interfaceEndpoints", "enabled"],
      message: `must be on ${noNat}: without NAT or VPC endpoints the nodes could not pull images or reach EC2/STS (node groups fail with NodeCreationFailure)`,
    });
  }
  if (endpoint.privateAccess === false) {
    ctx.addIssue({ code: "custom", path: ["cluster", "endpoint", "privateAccess"], message: `must be true ${noNat}: nodes register through the private endpoint (they have no route to the public one)` });
  }
  const image = (path: (string | number)[], value: unknown) => {
    if (typeof value === "string" && !PRIVATE_ECR_IMAGE.test(value)) {
      ctx.addIssue({ code: "custom", path, message: `must be a private ECR image (<account>.dkr.ecr.<region>.amazonaws.com/...) ${noNat}: nodes have no route to other registries` });
    }
  };
  const es = obj(cfg.elasticsearch);
  if (es.enabled === false) {
    // No Elasticsearch, no image to pull.
  } else if (es.image === undefined) {
    ctx.addIssue({ code: "custom", path: ["elasticsearch", "image"], message: `is required ${noNat}: the default image is on docker.elastic.co, which nodes without NAT cannot reach; copy it into private ECR and name it here` });
  } else {
    image(["elasticsearch", "image"], es.image);
  }
  for (const [tierName, raw] of Object.entries(obj(obj(cfg.apps).tiers))) {
    const tier = obj(raw);
    image(["apps", "tiers", tierName, "image"], tier.image);
    image(["apps", "tiers", tierName, "migrations", "image"], obj(tier.migrations).image);
    if (Array.isArray(tier.initContainers)) tier.initContainers.forEach((c, i) => image(["apps", "tiers", tierName, "initContainers", i, "image"], obj(c).image));
  }
}
