/**
 * A tier's env from its config: references (`${tiers.db.host}`, `${elasticsearch.url}`...) resolved to values.
 */
import type * as pulumi from "@pulumi/pulumi";
import { type ELASTICSEARCH_ADDRESS_FIELDS, parseEnvValue, tierAddress } from "../config/references";
import { type PlatformConfig } from "../config/schema";

type ElasticsearchAddress = Record<(typeof ELASTICSEARCH_ADDRESS_FIELDS)[number], string>;

/** What references resolve against. */
export interface EnvContext {
  config: Pick<PlatformConfig, "apps">;
  /** Elasticsearch's address, when it exists. */
  elasticsearch?: pulumi.Output<ElasticsearchAddress>;
}

/**
 * One env value with its references resolved: plain text stays a string, a value referencing Elasticsearch
 * becomes an Output. The config schema has already refused unknown references.
 */
export function resolveEnvValue(value: string, context: EnvContext): pulumi.Input<string> {
  const { parts, problems } = parseEnvValue(value);
  if (problems.length > 0) throw new Error(`unresolvable env value: ${problems.join("; ")}`);
  const namespace = context.config.apps.namespace;
  const tiers = context.config.apps.tiers;
  const needsElasticsearch = parts.some((p) => typeof p !== "string" && p.kind === "elasticsearch");
  const render = (es: ElasticsearchAddress | undefined): string =>
    parts
      .map((p) => {
        if (typeof p === "string") return p;
        if (p.kind === "namespace") return namespace;
        if (p.kind === "tier") {
          const other = tiers[p.tier];
          return tierAddress(p.tier, namespace, other.servicePort ?? other.port)[p.field];
        }
        if (!es) throw new Error("env value references Elasticsearch, which the platform does not run");
        return es[p.field];
      })
      .join("");
  if (!needsElasticsearch) return render(undefined);
  if (!context.elasticsearch) throw new Error("env value references Elasticsearch, which the platform does not run");
  return context.elasticsearch.apply(render);
}

/** Every env value of a tier, resolved. */
export function resolveEnv(env: Record<string, string>, context: EnvContext): Record<string, pulumi.Input<string>> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, resolveEnvValue(value, context)]));
}
