/**
 * AZ selection by zone ID: EKS refuses control-plane subnets in some zone IDs, and the same AZ name is a
 * different zone ID in every account, so the choice is made on zone IDs, in an account where the first AZ
 * name is one of them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { setupMocks, valueOf, type MockEngine } from "./mocks";
import { Network } from "../components/network/network";
import { EKS_UNSUPPORTED_ZONE_IDS, selectZones, ZoneSelectionError } from "../components/network/zones";

// An account where us-east-1a is the AZ EKS refuses (use1-az3), listed first as AWS lists it.
const ACCOUNT_ZONES = [
  { name: "us-east-1a", zoneId: "use1-az3" },
  { name: "us-east-1b", zoneId: "use1-az1" },
  { name: "us-east-1c", zoneId: "use1-az2" },
  { name: "us-east-1d", zoneId: "use1-az4" },
  { name: "us-east-1e", zoneId: "use1-az6" },
  { name: "us-east-1f", zoneId: "use1-az5" },
];
const SUBNET = "aws:ec2/subnet:Subnet";

let engine: MockEngine;
beforeAll(async () => {
  engine = await setupMocks({ aws: { availabilityZones: { "us-east-1": ACCOUNT_ZONES } } });
});

describe("Network: AZs chosen by zone ID", () => {
  it("never puts a subnet in an AZ whose zone ID EKS refuses, even when AWS lists it first (saw this fail: us-east-1a was taken)", async () => {
    const network = new Network("zoned", { availabilityZoneCount: 3 });
    await engine.settle();
    expect(await valueOf(network.availabilityZones)).toEqual(["us-east-1b", "us-east-1c", "us-east-1d"]);
    expect(await valueOf(network.availabilityZoneIds)).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
    for (let i = 0; i < 3; i++) {
      for (const kind of ["public", "private"]) {
        expect(engine.get(SUBNET, `zoned-${kind}-${i}`).inputs.availabilityZone).not.toBe("us-east-1a");
      }
    }
  });

  it("places subnets by zone ID when given IDs (stable across accounts), and skips extra excluded IDs", async () => {
    const byId = new Network("by-id", { availabilityZoneIds: ["use1-az4", "use1-az6"] });
    const excluding = new Network("excluding", { availabilityZoneCount: 2, excludeZoneIds: ["use1-az1"] });
    await engine.settle();
    expect(await valueOf(byId.availabilityZones)).toEqual(["us-east-1d", "us-east-1e"]);
    expect(engine.get(SUBNET, "by-id-private-1").inputs.availabilityZone).toBe("us-east-1e");
    expect(await valueOf(excluding.availabilityZoneIds)).toEqual(["use1-az2", "use1-az4"]);
  });
});

describe("selectZones", () => {
  const lookup = { names: ACCOUNT_ZONES.map((z) => z.name), zoneIds: ACCOUNT_ZONES.map((z) => z.zoneId) };
  const exclude = [...EKS_UNSUPPORTED_ZONE_IDS];

  it("lists the zone IDs EKS refuses today", () => {
    expect(EKS_UNSUPPORTED_ZONE_IDS).toEqual(["use1-az3", "usw1-az2", "cac1-az3"]);
  });

  it("refuses an explicit AZ name that is an excluded zone ID in this account, naming both", () => {
    expect(() => selectZones(lookup, { names: ["us-east-1a", "us-east-1b"], exclude })).toThrow(
      /availabilityZones\[0\]: us-east-1a is zone use1-az3 in this account, where EKS cannot place control-plane subnets/,
    );
    expect(() => selectZones(lookup, { names: ["us-east-1b", "us-east-1z"], exclude })).toThrow(/availabilityZones\[1\]: us-east-1z is not an available AZ of this region/);
    expect(() => selectZones(lookup, { ids: ["use1-az3", "use1-az9"], exclude })).toThrow(ZoneSelectionError);
  });

  it("says how many usable AZs the region has when too many are asked for", () => {
    expect(() => selectZones({ names: ["us-west-1b", "us-west-1c"], zoneIds: ["usw1-az2", "usw1-az1"] }, { count: 2, exclude })).toThrow(
      /2 AZs requested, but the region has 1 that EKS supports \(usw1-az1\); usw1-az2 excluded/,
    );
  });

  it("keeps the region's order and the names given, in slot order", () => {
    expect(selectZones(lookup, { names: ["us-east-1d", "us-east-1b"], exclude })).toEqual({ names: ["us-east-1d", "us-east-1b"], zoneIds: ["use1-az4", "use1-az1"] });
    expect(selectZones(lookup, { count: 2, exclude })).toEqual({ names: ["us-east-1b", "us-east-1c"], zoneIds: ["use1-az1", "use1-az2"] });
  });
});
