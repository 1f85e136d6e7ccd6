/**
 * Object names the Platform derives that a user can still make collide: a tier named like one of
 * Elasticsearch's objects in the shared namespace. (Tiers among themselves are checked by the config schema;
 * generated secrets are collision-free by construction, see secret-names.ts.)
 */
import { type ConfigIssue } from "../config/errors";
import { type PlatformConfig } from "../config/schema";
import { elasticsearchNames } from "../elasticsearch/names";

/** The Elasticsearch component's resource name inside a Platform named `platformName`. */
export function platformElasticsearchName(platformName: string): string {
  return `${platformName}-elasticsearch`;
}

/**
 * One issue per tier whose objects (`<tier>` for its workload, Service, ServiceAccount, NetworkPolicy and PDB,
 * `<tier>-headless`, `<tier>-migrations`) would take the name of an Elasticsearch object of the same kind.
 */
export function elasticsearchNameCollisions(platformName: string, config: Pick<PlatformConfig, "elasticsearch" | "apps">): ConfigIssue[] {
  if (!config.elasticsearch.enabled) return [];
  const es = elasticsearchNames(platformElasticsearchName(platformName));
  // Elasticsearch's names by kind: its StatefulSet, Services, ServiceAccount, NetworkPolicy and PDB.
  const taken = new Map<string, string>([
    [es.base, "StatefulSet, client Service, ServiceAccount, NetworkPolicy and PodDisruptionBudget"],
    [es.headlessService, "headless Service"],
  ]);
  const issues: ConfigIssue[] = [];
  for (const [tierName, tier] of Object.entries(config.apps.tiers)) {
    const own = [tierName, ...(tier.stateful ? [`${tierName}-headless`] : []), ...(tier.migrations ? [`${tierName}-migrations`] : [])];
    for (const objectName of own) {
      const what = taken.get(objectName);
      if (what === undefined) continue;
      issues.push({
        path: `apps.tiers.${tierName}`,
        message: `would name an object ${objectName}, as Elasticsearch's ${what} in namespace ${config.apps.namespace} are named (the platform is ${platformName}): rename the tier`,
      });
    }
  }
  return issues;
}
