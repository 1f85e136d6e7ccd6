/**
 * Generates provider/schema.json, the component package's schema, from the declarations in
 * provider/surface.ts with @pulumi/pulumi's own schema analyzer (the one `componentProviderHost` runs), then marks
 * the properties SECRET_PROPERTIES (provider/provider.ts) names `secret: true` and types those INT_OR_STRING_PROPERTIES
 * names `oneOf: [integer, string]`, which the analyzer cannot.
 *
 *   npm run schema:provider            write provider/schema.json
 *   npm run schema:provider -- --check exit 1 when provider/schema.json is not what the analyzer infers
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { AppTier, Elasticsearch, StorageClass } from "../provider/surface";
import { Cluster, Network } from "../provider/surface-aws";
import { componentType, PACKAGE_NAME } from "../components/shared/naming";
import { INT_OR_STRING_PROPERTIES, SECRET_PROPERTIES, type SecretProperties } from "../provider/provider";

export const PROVIDER_DIR = path.resolve(__dirname, "..", "provider");
export const SCHEMA_FILE = path.join(PROVIDER_DIR, "schema.json");

type Properties = Record<string, Record<string, unknown>>;
/** The parts of a schema that `withSecrets` touches. */
export interface SchemaProperties {
  resources: Record<string, { inputProperties?: Properties; properties?: Properties }>;
  types: Record<string, { properties?: Properties }>;
}

/**
 * `schema` with `secret: true` on each property `secrets` names. The analyzer cannot mark a property secret;
 * a name the schema lacks (a renamed argument or output) fails, with every such name listed.
 */
export function withSecrets<S extends SchemaProperties>(schema: S, secrets: SecretProperties): S {
  const missing: string[] = [];
  const mark = (properties: Properties | undefined, key: string, what: string): void => {
    if (properties?.[key] === undefined) missing.push(`${what} ${key} is not in the schema`);
    else properties[key] = { ...properties[key], secret: true };
  };
  for (const [name, { inputs, outputs }] of Object.entries(secrets.resources)) {
    const resource = schema.resources[componentType(name)];
    for (const key of inputs) mark(resource?.inputProperties, key, `${name} input`);
    for (const key of outputs) mark(resource?.properties, key, `${name} output`);
  }
  for (const [name, keys] of Object.entries(secrets.types)) for (const key of keys) mark(schema.types[componentType(name)]?.properties, key, `type ${name} property`);
  if (missing.length > 0) throw new Error(`SECRET_PROPERTIES (provider/provider.ts) names properties the analyzer did not infer:\n  ${missing.join("\n  ")}`);
  return schema;
}

/**
 * `schema` with each property `properties` names (by object type) typed `oneOf: [integer, string]`, Kubernetes'
 * IntOrString: the surface declares them `number`, since the analyzer takes no union of primitives. A name the
 * schema lacks, or one not inferred as a number, fails, with every such name listed.
 */
export function withIntOrString<S extends SchemaProperties>(schema: S, properties: Record<string, readonly string[]>): S {
  const problems: string[] = [];
  for (const [name, keys] of Object.entries(properties)) {
    const type = schema.types[componentType(name)]?.properties;
    for (const key of keys) {
      const property = type?.[key];
      if (property === undefined) problems.push(`type ${name} property ${key} is not in the schema`);
      else if (property.type !== "number") problems.push(`type ${name} property ${key} is inferred as ${String(property.type ?? property.$ref)}, not number`);
      else {
        const { type: _number, ...rest } = property;
        void _number;
        type![key] = { ...rest, oneOf: [{ type: "integer" }, { type: "string" }] };
      }
    }
  }
  if (problems.length > 0) throw new Error(`INT_OR_STRING_PROPERTIES (provider/provider.ts) does not fit the inferred schema:\n  ${problems.join("\n  ")}`);
  return schema;
}

/** The schema the analyzer infers from provider/surface.ts, with its secrets and IntOrString values marked, as the text schema.json must hold. */
export async function inferSchema(): Promise<string> {
  const provider = new ComponentProvider({ name: PACKAGE_NAME, dirname: PROVIDER_DIR, components: [Elasticsearch, AppTier, StorageClass, Network, Cluster] });
  const schema = withIntOrString(withSecrets(JSON.parse(await provider.getSchema()) as SchemaProperties, SECRET_PROPERTIES), INT_OR_STRING_PROPERTIES);
  return `${JSON.stringify(schema, null, 2)}\n`;
}

async function main(): Promise<void> {
  const inferred = await inferSchema();
  if (process.argv.includes("--check")) {
    const current = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, "utf8") : "";
    if (current !== inferred) {
      process.stderr.write("provider/schema.json is stale: run npm run schema:provider\n");
      process.exit(1);
    }
    return;
  }
  fs.writeFileSync(SCHEMA_FILE, inferred);
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}

if (require.main === module) void main();
