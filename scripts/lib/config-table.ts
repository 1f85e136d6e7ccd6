/**
 * Renders the configuration table of docs/configuration.md from the zod schema, so the documentation cannot drift:
 * `test/readme.test.ts` checks that docs/configuration.md contains exactly this table.
 */
import { z } from "zod";
import { PlatformConfigSchema, SECRET_CONFIG_KEYS } from "../../components/config/schema";
import { PACKAGE_NAME } from "../../components/shared/naming";

export interface ConfigKeyDoc {
  key: string;
  type: string;
  default: string;
  description: string;
}

function unwrap(schema: z.ZodType): { inner: z.ZodType; defaultValue?: unknown; description?: string } {
  let inner = schema;
  let defaultValue: unknown;
  let description = schema.description;
  for (;;) {
    if (inner instanceof z.ZodDefault) {
      defaultValue ??= inner._zod.def.defaultValue;
      inner = inner.unwrap() as z.ZodType;
    } else if (inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
    else if (inner instanceof z.ZodPipe) inner = inner.in as z.ZodType;
    else break;
    description ??= inner.description;
  }
  return { inner, defaultValue, description };
}

function typeName(schema: z.ZodType): string {
  if (schema instanceof z.ZodString) return "string";
  if (schema instanceof z.ZodNumber) return "integer";
  if (schema instanceof z.ZodBoolean) return "boolean";
  if (schema instanceof z.ZodEnum) return schema.options.map((o) => `\`${String(o)}\``).join(" \\| ");
  if (schema instanceof z.ZodArray) return `list of ${typeName(unwrap(schema.element as z.ZodType).inner)}`;
  if (schema instanceof z.ZodRecord) return `map of ${typeName(unwrap(schema.valueType as z.ZodType).inner)}`;
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).map((o) => typeName(unwrap(o).inner)).join(" or ");
  if (schema instanceof z.ZodObject) return "object";
  return "value";
}

function formatDefault(value: unknown, description: string | undefined): string {
  const stated = description?.match(/Default: (.*)$/);
  if (stated) return stated[1];
  if (value === undefined) return "—";
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return Object.keys(value).length ? "see below" : "`{}`";
  return `\`${JSON.stringify(value)}\``;
}

/** Every documented key: objects are expanded; record values appear as `<name>`, list items as `[]`. */
export function configKeyDocs(): ConfigKeyDoc[] {
  const rows: ConfigKeyDoc[] = [];
  const walk = (schema: z.ZodType, key: string): void => {
    const { inner, defaultValue, description } = unwrap(schema);
    const clean = (description ?? "").replace(/\s*Default: .*$/, "").replace(/\.$/, "");
    if (key) rows.push({ key, type: typeName(inner), default: formatDefault(defaultValue, description), description: clean });
    if (inner instanceof z.ZodObject) {
      const shape: Record<string, z.ZodType> = inner.shape;
      for (const [child, childSchema] of Object.entries(shape)) walk(childSchema, key ? `${key}.${child}` : child);
    } else if (inner instanceof z.ZodRecord) {
      const value = unwrap(inner.valueType as z.ZodType).inner;
      if (value instanceof z.ZodObject) walk(inner.valueType as z.ZodType, `${key}.<name>`);
    } else if (inner instanceof z.ZodArray) {
      const element = unwrap(inner.element as z.ZodType).inner;
      if (element instanceof z.ZodObject) {
        const shape: Record<string, z.ZodType> = element.shape;
        for (const [child, childSchema] of Object.entries(shape)) walk(childSchema, `${key}[].${child}`);
      }
    }
  };
  walk(PlatformConfigSchema, "");
  return rows;
}

const SECRET_ROWS: ConfigKeyDoc[] = [
  { key: "elasticPassword", type: "secret string", default: "generated", description: "Password of the `elastic` superuser (`pulumi config set --secret`)" },
  { key: "appSecrets.<tier>.<KEY>", type: "secret string", default: "generated", description: "A tier's secret, named in its secretEnv or secretFiles.keys (`pulumi config set --secret --path`)" },
  { key: "sharedSecrets.<secret>.<KEY>", type: "secret string", default: "generated once", description: "A key of one of apps.sharedSecrets: the one value every tier naming it in sharedSecretEnv gets (`pulumi config set --secret --path`)" },
];

/** The configuration table of docs/configuration.md, in Markdown. */
export function configTableMarkdown(): string {
  const secretKeys: readonly string[] = SECRET_CONFIG_KEYS;
  if (SECRET_ROWS.some((row) => !secretKeys.includes(row.key.split(".")[0]))) throw new Error("secret rows out of date");
  const lines = [
    `| key (under \`${PACKAGE_NAME}:\`) | type | default | meaning |`,
    "| --- | --- | --- | --- |",
    ...[...configKeyDocs(), ...SECRET_ROWS].map((r) => `| \`${r.key}\` | ${r.type} | ${r.default} | ${r.description.replace(/\|/g, "\\|")} |`),
  ];
  return lines.join("\n");
}

if (require.main === module) console.log(configTableMarkdown());
