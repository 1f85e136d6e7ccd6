/**
 * Generates provider/schema.json, the component package's schema, from the declarations in
 * provider/surface.ts with @pulumi/pulumi's own schema analyzer (the one `componentProviderHost` runs).
 *
 *   npm run schema:provider            write provider/schema.json
 *   npm run schema:provider -- --check exit 1 when provider/schema.json is not what the analyzer infers
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { AppTier, Elasticsearch, StorageClass } from "../provider/surface";
import { Cluster, Network } from "../provider/surface-aws";
import { PACKAGE_NAME } from "../components/shared/naming";

export const PROVIDER_DIR = path.resolve(__dirname, "..", "provider");
export const SCHEMA_FILE = path.join(PROVIDER_DIR, "schema.json");

/** The schema the analyzer infers from provider/surface.ts, as the text schema.json must hold. */
export async function inferSchema(): Promise<string> {
  const provider = new ComponentProvider({ name: PACKAGE_NAME, dirname: PROVIDER_DIR, components: [Elasticsearch, AppTier, StorageClass, Network, Cluster] });
  const schema = JSON.parse(await provider.getSchema()) as Record<string, unknown>;
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
