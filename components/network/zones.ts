/**
 * Which AZs a Network uses, decided on zone IDs: an AZ name (us-east-1a) maps to a different zone ID in
 * every account, and EKS refuses control-plane subnets in some zone IDs. A cluster placed there would fail
 * at CreateCluster (`UnsupportedAvailabilityZoneException`) after the VPC and NAT gateways were built.
 */

/**
 * Zone IDs where EKS cannot place control-plane subnets (EKS user guide, "Subnet requirements"; checked 2026).
 * Always excluded; add more with `excludeZoneIds`.
 */
export const EKS_UNSUPPORTED_ZONE_IDS = ["use1-az3", "usw1-az2", "cac1-az3"] as const;

/** A zone ID such as use1-az1 or apne1-az4. */
export const ZONE_ID = /^[a-z]{2,4}\d-az\d+$/;

/** What `aws.getAvailabilityZones` returns: names and zone IDs, index for index, in the region's order. */
export interface ZoneLookup {
  names: string[];
  zoneIds: string[];
}

/** The AZs chosen, in slot order. */
export interface SelectedZones {
  names: string[];
  zoneIds: string[];
}

export class ZoneSelectionError extends Error {
  override name = "ZoneSelectionError";
}

/**
 * The AZs for a network: the given names or zone IDs (each checked), or the first `count` of the region
 * that are not excluded. Throws one {@link ZoneSelectionError} listing every problem.
 */
export function selectZones(lookup: ZoneLookup, request: { names?: string[]; ids?: string[]; count?: number; exclude: readonly string[] }): SelectedZones {
  const idOf = new Map(lookup.names.map((n, i) => [n, lookup.zoneIds[i]]));
  const nameOf = new Map(lookup.zoneIds.map((id, i) => [id, lookup.names[i]]));
  const excluded = new Set(request.exclude);
  const problems: string[] = [];
  const refused = (id: string) => `zone ${id} in this account, where EKS cannot place control-plane subnets${EKS_UNSUPPORTED_ZONE_IDS.includes(id as never) ? "" : " (excludeZoneIds)"}; pick another AZ`;

  let chosen: SelectedZones;
  if (request.names) {
    request.names.forEach((name, i) => {
      const id = idOf.get(name);
      if (id === undefined) problems.push(`availabilityZones[${i}]: ${name} is not an available AZ of this region (available: ${lookup.names.join(", ")})`);
      else if (excluded.has(id)) problems.push(`availabilityZones[${i}]: ${name} is ${refused(id)}`);
    });
    chosen = { names: request.names, zoneIds: request.names.map((n) => idOf.get(n) ?? "") };
  } else if (request.ids) {
    request.ids.forEach((id, i) => {
      if (!nameOf.has(id)) problems.push(`availabilityZoneIds[${i}]: ${id} is not an available zone of this region (available: ${lookup.zoneIds.join(", ")})`);
      else if (excluded.has(id)) problems.push(`availabilityZoneIds[${i}]: ${id} is ${refused(id)}`);
    });
    chosen = { names: request.ids.map((id) => nameOf.get(id) ?? ""), zoneIds: request.ids };
  } else {
    const count = request.count ?? 3;
    const usable = lookup.zoneIds.filter((id) => !excluded.has(id));
    const skipped = lookup.zoneIds.filter((id) => excluded.has(id));
    if (usable.length < count) {
      problems.push(`${count} AZs requested, but the region has ${usable.length} that EKS supports (${usable.join(", ") || "none"})${skipped.length ? `; ${skipped.join(", ")} excluded` : ""}`);
    }
    const ids = usable.slice(0, count);
    chosen = { names: ids.map((id) => nameOf.get(id)!), zoneIds: ids };
  }
  if (problems.length) throw new ZoneSelectionError(problems.join("\n"));
  return chosen;
}
