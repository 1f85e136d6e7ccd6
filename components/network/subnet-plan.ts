import ipaddr from "ipaddr.js";

/** The most AZs a plan reserves room for; AZ growth up to this count never moves a subnet. */
export const MAX_AZS = 6;
/** AWS refuses subnets smaller than /28. */
const SMALLEST_SUBNET_PREFIX = 28;

export interface SubnetPlanEntry {
  /** Index of the AZ slot (0-based); stable for the life of the VPC. */
  index: number;
  /** Public subnet CIDR (load balancers, NAT gateways). */
  publicCidr: string;
  /** Private subnet CIDR (nodes and pods: the VPC CNI gives every pod a VPC IP). */
  privateCidr: string;
}

export class SubnetPlanError extends Error {
  override name = "SubnetPlanError";
}

function parseIpv4Cidr(cidr: string): { base: number; prefix: number } {
  if (!ipaddr.IPv4.isValidCIDR(cidr)) throw new SubnetPlanError(`"${cidr}" is not a valid IPv4 CIDR block`);
  const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const base = address.toByteArray().reduce((acc, byte) => acc * 256 + byte, 0);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) {
    const network = ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
    throw new SubnetPlanError(`"${cidr}" has host bits set; the network address is ${network}/${prefix}`);
  }
  return { base, prefix };
}

function formatIpv4(value: number, prefix: number): string {
  const bytes = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256);
  return `${bytes.join(".")}/${prefix}`;
}

/**
 * The subnet sizes a VPC gets: the VPC is cut into 8 equal blocks; blocks 0–5 are the private subnets
 * of AZ slots 0–5, block 6 is cut into 8 public subnets (slots 0–5 used), block 7 is spare.
 * For a /16 that is a private /19 (8,187 usable IPs) and a public /22 per AZ.
 */
export function subnetPrefixes(vpcPrefix: number): { privatePrefix: number; publicPrefix: number } {
  return { privatePrefix: vpcPrefix + 3, publicPrefix: vpcPrefix + 6 };
}

/** The largest VPC prefix (smallest VPC) the planner accepts: its public subnets must still be a /28. */
export const SMALLEST_VPC_PREFIX = SMALLEST_SUBNET_PREFIX - 6;

/**
 * Plans one public and one private subnet per AZ slot.
 *
 * Each subnet's CIDR depends only on the VPC CIDR and the slot index, never on the AZ count, so
 * adding an AZ later never re-carves existing subnets (the awsx failure mode that replaces VPCs).
 * Private subnets are 8× the size of public ones; subnets never overlap and always sit inside the VPC.
 */
export function planSubnets(cidrBlock: string, azCount: number): SubnetPlanEntry[] {
  if (!Number.isInteger(azCount) || azCount < 1 || azCount > MAX_AZS) {
    throw new SubnetPlanError(`AZ count must be an integer from 1 to ${MAX_AZS} (got ${azCount})`);
  }
  const { base, prefix } = parseIpv4Cidr(cidrBlock);
  if (prefix > SMALLEST_VPC_PREFIX) {
    throw new SubnetPlanError(
      `VPC ${cidrBlock} is too small: room for ${MAX_AZS} AZs needs a /${SMALLEST_VPC_PREFIX} or larger ` +
        `(public subnets would be smaller than the /${SMALLEST_SUBNET_PREFIX} AWS allows)`,
    );
  }
  const { privatePrefix, publicPrefix } = subnetPrefixes(prefix);
  const privateSize = 2 ** (32 - privatePrefix);
  const publicSize = 2 ** (32 - publicPrefix);
  const publicBlockBase = base + 6 * privateSize;
  return Array.from({ length: azCount }, (_, index) => ({
    index,
    privateCidr: formatIpv4(base + index * privateSize, privatePrefix),
    publicCidr: formatIpv4(publicBlockBase + index * publicSize, publicPrefix),
  }));
}
