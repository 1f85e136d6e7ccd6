/**
 * Names of the secrets the Platform generates (RandomPassword resources), free of collisions by construction.
 */
import { type PlatformConfig } from "../config/schema";
import { dnsLabel } from "../shared/naming";
import { declaredSecretKeys } from "./secrets";

/**
 * The resource name of a generated secret: `<platform>/tiers/<tier>/<KEY>` or `<platform>/sharedSecrets/<secret>/<KEY>`.
 * Tier and secret names are DNS labels and keys have no `/`, so distinct secrets never share a name.
 */
export function generatedSecretName(platformName: string, owner: { tier: string } | { shared: string }, key: string): string {
  return "tier" in owner ? `${platformName}/tiers/${owner.tier}/${key}` : `${platformName}/sharedSecrets/${owner.shared}/${key}`;
}

/** How often each pre-issue-14 generated-secret name (`dnsLabel(platform, tier, key)`) occurs: aliases only for unique ones. */
export function legacyGeneratedSecretNames(platformName: string, config: Pick<PlatformConfig, "apps">): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [tierName, tier] of Object.entries(config.apps.tiers)) {
    for (const key of declaredSecretKeys(tier)) {
      const legacy = dnsLabel(platformName, tierName, key);
      counts.set(legacy, (counts.get(legacy) ?? 0) + 1);
    }
  }
  return counts;
}

/** `<secret>.<KEY>` → [secret, KEY] (a key may itself hold dots). */
export function splitSharedRef(ref: string): [string, string] {
  const dot = ref.indexOf(".");
  return [ref.slice(0, dot), ref.slice(dot + 1)];
}
