/**
 * References in a tier's env values to what the platform knows: `${tiers.<tier>.host}` (and `.port`, `.url`) for
 * another tier's in-cluster address, `${elasticsearch.host}` (and `.port`, `.scheme`, `.url`) for Elasticsearch,
 * `${namespace}`. `$${` is a literal `${`. Parsed here (pure), checked by the config schema, resolved by Platform.
 */

/** The fields of a tier's address. */
export const TIER_ADDRESS_FIELDS = ["host", "port", "url"] as const;
/** The fields of Elasticsearch's address. */
export const ELASTICSEARCH_ADDRESS_FIELDS = ["host", "port", "scheme", "url"] as const;

/** One reference in an env value. */
export type EnvReference =
  | { kind: "tier"; tier: string; field: (typeof TIER_ADDRESS_FIELDS)[number] }
  | { kind: "elasticsearch"; field: (typeof ELASTICSEARCH_ADDRESS_FIELDS)[number] }
  | { kind: "namespace" };

/** An env value cut into literal text and references, in order; or the problems that stop it parsing. */
export type ParsedEnvValue = { parts: (string | EnvReference)[]; problems: string[] };

const PLACEHOLDER = /\$\$\{|\$\{([^}]*)\}/g;

function reference(expression: string): EnvReference | string {
  const words = expression.trim().split(".");
  const allowed = `\${tiers.<tier>.${TIER_ADDRESS_FIELDS.join("|")}}, \${elasticsearch.${ELASTICSEARCH_ADDRESS_FIELDS.join("|")}} or \${namespace} ($\${ for a literal \${)`;
  if (words.length === 1 && words[0] === "namespace") return { kind: "namespace" };
  if (words.length === 3 && words[0] === "tiers" && (TIER_ADDRESS_FIELDS as readonly string[]).includes(words[2]) && words[1] !== "") {
    return { kind: "tier", tier: words[1], field: words[2] as (typeof TIER_ADDRESS_FIELDS)[number] };
  }
  if (words.length === 2 && words[0] === "elasticsearch" && (ELASTICSEARCH_ADDRESS_FIELDS as readonly string[]).includes(words[1])) {
    return { kind: "elasticsearch", field: words[1] as (typeof ELASTICSEARCH_ADDRESS_FIELDS)[number] };
  }
  return `\${${expression}} is not a reference: use ${allowed}`;
}

/** Cuts `value` into literal text and references. */
export function parseEnvValue(value: string): ParsedEnvValue {
  const parts: (string | EnvReference)[] = [];
  const problems: string[] = [];
  let text = "";
  let last = 0;
  for (const match of value.matchAll(PLACEHOLDER)) {
    text += value.slice(last, match.index);
    last = match.index + match[0].length;
    if (match[0] === "$${") {
      text += "${";
      continue;
    }
    const ref = reference(match[1]);
    if (typeof ref === "string") {
      problems.push(ref);
      continue;
    }
    if (text) parts.push(text);
    text = "";
    parts.push(ref);
  }
  text += value.slice(last);
  if (text) parts.push(text);
  return { parts, problems };
}

/** The references in `value` (empty for plain text). */
export function envReferences(value: string): EnvReference[] {
  return parseEnvValue(value).parts.filter((p): p is EnvReference => typeof p !== "string");
}

/** A tier's in-cluster address: its Service's DNS name and port. */
export function tierAddress(tierName: string, namespace: string, servicePort: number): Record<(typeof TIER_ADDRESS_FIELDS)[number], string> {
  const host = `${tierName}.${namespace}.svc.cluster.local`;
  return { host, port: String(servicePort), url: `http://${host}:${servicePort}` };
}

/** Elasticsearch's address fields from its URL (`https://<service>.<namespace>.svc.cluster.local:9200`). */
export function elasticsearchAddress(url: string): Record<(typeof ELASTICSEARCH_ADDRESS_FIELDS)[number], string> {
  const parsed = new URL(url);
  const scheme = parsed.protocol.replace(/:$/, "");
  return { host: parsed.hostname, port: parsed.port || (scheme === "https" ? "443" : "80"), scheme, url: url.replace(/\/$/, "") };
}
