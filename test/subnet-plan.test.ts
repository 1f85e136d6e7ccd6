import { describe, expect, it } from "vitest";
import ipaddr from "ipaddr.js";
import { MAX_AZS, planSubnets, SMALLEST_VPC_PREFIX, SubnetPlanError, subnetPrefixes } from "../components/network/subnet-plan";

function range(cidr: string): { first: number; last: number; prefix: number } {
  const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const first = address.toByteArray().reduce((acc, b) => acc * 256 + b, 0);
  return { first, last: first + 2 ** (32 - prefix) - 1, prefix };
}

const allCidrs = (cidr: string, azs: number) => planSubnets(cidr, azs).flatMap((e) => [e.publicCidr, e.privateCidr]);

describe("planSubnets", () => {
  const vpcs = ["10.0.0.0/16", "172.16.0.0/18", "192.168.0.0/20", "10.20.0.0/22"];

  it.each(vpcs.flatMap((vpc) => [2, 3, 6].map((azs) => [vpc, azs] as const)))("%s over %i AZs: subnets do not overlap and fit the VPC", (vpc, azs) => {
    const vpcRange = range(vpc);
    const subnets = allCidrs(vpc, azs).map(range);
    expect(subnets).toHaveLength(2 * azs);
    for (const s of subnets) {
      expect(s.first).toBeGreaterThanOrEqual(vpcRange.first);
      expect(s.last).toBeLessThanOrEqual(vpcRange.last);
      expect(s.first % 2 ** (32 - s.prefix)).toBe(0); // aligned network address
    }
    for (let i = 0; i < subnets.length; i++) {
      for (let j = i + 1; j < subnets.length; j++) {
        const overlap = subnets[i].first <= subnets[j].last && subnets[j].first <= subnets[i].last;
        expect(overlap, `${allCidrs(vpc, azs)[i]} vs ${allCidrs(vpc, azs)[j]}`).toBe(false);
      }
    }
  });

  it("gives a /16 over 3 AZs private subnets of at least /20 (pods take VPC IPs), larger than the public ones", () => {
    for (const entry of planSubnets("10.0.0.0/16", 3)) {
      const priv = range(entry.privateCidr);
      const pub = range(entry.publicCidr);
      expect(priv.prefix).toBeLessThanOrEqual(20);
      expect(priv.last - priv.first).toBeGreaterThan(pub.last - pub.first);
    }
    expect(planSubnets("10.0.0.0/16", 3)).toEqual([
      { index: 0, privateCidr: "10.0.0.0/19", publicCidr: "10.0.192.0/22" },
      { index: 1, privateCidr: "10.0.32.0/19", publicCidr: "10.0.196.0/22" },
      { index: 2, privateCidr: "10.0.64.0/19", publicCidr: "10.0.200.0/22" },
    ]);
  });

  it("is deterministic", () => {
    expect(planSubnets("10.1.0.0/16", 4)).toEqual(planSubnets("10.1.0.0/16", 4));
  });

  it("never moves an existing subnet when AZs are added", () => {
    for (let azs = 1; azs < MAX_AZS; azs++) {
      const before = planSubnets("10.0.0.0/16", azs);
      const after = planSubnets("10.0.0.0/16", azs + 1);
      expect(after.slice(0, azs)).toEqual(before);
    }
  });

  it("keeps the smallest VPC's public subnets at the AWS minimum of /28", () => {
    const smallest = `10.0.0.0/${SMALLEST_VPC_PREFIX}`;
    expect(subnetPrefixes(SMALLEST_VPC_PREFIX).publicPrefix).toBe(28);
    expect(planSubnets(smallest, MAX_AZS).every((e) => e.publicCidr.endsWith("/28"))).toBe(true);
  });

  it("refuses a VPC too small, with the size it needs", () => {
    expect(() => planSubnets("10.0.0.0/24", 2)).toThrow(SubnetPlanError);
    expect(() => planSubnets("10.0.0.0/24", 2)).toThrow(`/${SMALLEST_VPC_PREFIX} or larger`);
  });

  it("refuses bad AZ counts and malformed CIDRs", () => {
    expect(() => planSubnets("10.0.0.0/16", 0)).toThrow(/AZ count/);
    expect(() => planSubnets("10.0.0.0/16", MAX_AZS + 1)).toThrow(/AZ count/);
    expect(() => planSubnets("10.0.0.0/16", 2.5)).toThrow(/AZ count/);
    expect(() => planSubnets("10.0.1.0/16", 2)).toThrow(/host bits set; the network address is 10.0.0.0\/16/);
    expect(() => planSubnets("not-a-cidr", 2)).toThrow(/not a valid IPv4 CIDR/);
  });
});
