/**
 * Names, labels and selectors of a tier's objects.
 */
import { contentHash, dnsLabel, selectorLabels, standardLabels } from "../shared/naming";
import { type ResolvedTier } from "./resolve";

/** Labels selecting the tier's pods (immutable once created). */
export function tierSelector(tier: Pick<ResolvedTier, "name">): Record<string, string> {
  return selectorLabels(tier.name, tier.name);
}

/** Labels on every object of the tier. */
export function tierLabels(tier: Pick<ResolvedTier, "name">, component = "app-tier"): Record<string, string> {
  return standardLabels(tier.name, tier.name, component);
}

/** Labels on the migrations Job's pods: a different instance, so the tier's Service never selects them. */
export function migrationLabels(tier: Pick<ResolvedTier, "name">): Record<string, string> {
  return standardLabels(tier.name, `${tier.name}-migrations`, "migrations");
}

/** Labels selecting the migrations Job's pods (the selector subset of {@link migrationLabels}). */
export function migrationSelector(tier: Pick<ResolvedTier, "name">): Record<string, string> {
  return selectorLabels(tier.name, `${tier.name}-migrations`);
}

// A fixed, versioned salt: the name hash cannot be matched against hashes of the bare secret values.
const SECRET_NAME_SALT = "eks-search-platform/app-tier-secret/v1";

/**
 * The content-addressed name of the tier's Secret: a new name for every change of content, so a rotation
 * creates a new Secret and rolls the pods. The name carries only a truncated salted SHA-256, never a value.
 */
export function secretObjectName(tierName: string, values: Record<string, string>): string {
  const sorted = Object.keys(values)
    .sort()
    .map((k) => [k, values[k]]);
  return dnsLabel(tierName, "secrets", contentHash([SECRET_NAME_SALT, tierName, sorted], 10));
}

/**
 * The migrations Job's name: it changes with the image and the command, so each release runs it once, and with
 * `template` (the Job's resolved pod template) when given, so any change to the Job is a new Job: a Job's
 * template is immutable, and a same-name replacement fails with a server-side apply conflict.
 */
export function migrationJobName(tierName: string, image: string, command: readonly string[], template?: unknown): string {
  return dnsLabel(tierName, "migrate", contentHash(template === undefined ? [image, command] : [image, command, template], 8));
}

/** The headless Service of a stateful tier: its pods' stable DNS names (`<pod>.<name>-headless.<namespace>.svc`). */
export function headlessServiceName(tier: Pick<ResolvedTier, "name">): string {
  return dnsLabel(tier.name, "headless");
}

/** The in-cluster DNS name of a Service. */
export function inClusterHost(serviceName: string, namespace: string): string {
  return `${serviceName}.${namespace}.svc.cluster.local`;
}

/** The in-cluster URL of a Service. */
export function inClusterUrl(serviceName: string, namespace: string, port: number): string {
  return `http://${inClusterHost(serviceName, namespace)}:${port}`;
}
