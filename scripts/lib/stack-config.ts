/**
 * Reads a committed `Pulumi.<stack>.yaml` into the flat `namespace:key → string` form the Pulumi runtime
 * uses, and applies `--config`/`--secret` overrides given as dotted paths (as `pulumi config set --path`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { PACKAGE_NAME } from "../../components/shared/naming";

export interface StackConfig {
  /** `namespace:key` → value; objects and arrays JSON-encoded, as the engine passes them. */
  config: Record<string, string>;
  /** Full keys whose values are secret. */
  secretKeys: string[];
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export class StackFileError extends Error {
  override name = "StackFileError";
}

/** Loads `Pulumi.<stack>.yaml` from `dir`. Encrypted (`secure:`) values cannot be read offline and are reported. */
export function loadStackFile(stack: string, dir: string): StackConfig & { encryptedKeys: string[] } {
  const file = join(dir, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new StackFileError(`no stack file ${file}`);
  }
  const doc = (parse(text) ?? {}) as { config?: Record<string, Json> };
  const config: Record<string, string> = {};
  const encryptedKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    const fullKey = key.includes(":") ? key : `${PACKAGE_NAME}:${key}`;
    if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) {
      encryptedKeys.push(fullKey);
      continue;
    }
    // `pulumi config set --secret --path a.b.c` stores a `secure:` leaf inside a plain object: drop such
    // leaves (they cannot be decrypted offline) and report them by path.
    config[fullKey] = typeof value === "string" ? value : JSON.stringify(withoutSecureLeaves(value, fullKey, encryptedKeys));
  }
  return { config, secretKeys: [], encryptedKeys };
}

function isSecure(value: Json): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

function withoutSecureLeaves(value: Json, path: string, found: string[]): Json {
  if (Array.isArray(value)) {
    value.forEach((v, i) => isSecure(v) && found.push(`${path}[${i}]`));
    return value.filter((v) => !isSecure(v)).map((v, i) => withoutSecureLeaves(v, `${path}[${i}]`, found));
  }
  if (typeof value !== "object" || value === null) return value;
  const out: { [key: string]: Json } = {};
  for (const [key, inner] of Object.entries(value)) {
    if (isSecure(inner)) found.push(`${path}.${key}`);
    else out[key] = withoutSecureLeaves(inner, `${path}.${key}`, found);
  }
  return out;
}

function parseScalar(value: string): Json {
  if (value === "true") return true;
  if (value === "false") return false;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (/^[[{]/.test(value.trim())) {
    try {
      return JSON.parse(value) as Json;
    } catch {
      return value;
    }
  }
  return value;
}

/**
 * Sets `path` (e.g. `elasticsearch.replicas`, `apps.tiers.api.image`, `cluster.nodeGroups[0].minSize`,
 * `aws:region`) to `value` in `stackConfig`, as `pulumi config set --path` would.
 */
export function setConfigPath(stackConfig: StackConfig, path: string, value: string, secret = false): void {
  const namespaced = /^[a-z0-9-]+:/i.test(path) ? path : `${PACKAGE_NAME}:${path}`;
  const colon = namespaced.indexOf(":");
  const namespace = namespaced.slice(0, colon);
  const segments = namespaced
    .slice(colon + 1)
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((s) => s.length > 0);
  if (segments.length === 0) throw new StackFileError(`empty config key "${path}"`);
  const topKey = `${namespace}:${segments[0]}`;
  if (segments.length === 1) {
    stackConfig.config[topKey] = value;
  } else {
    const existing = stackConfig.config[topKey];
    let root: Json = existing === undefined ? {} : (parseScalar(existing));
    if (typeof root !== "object" || root === null) root = {};
    let node = root;
    for (let i = 1; i < segments.length - 1; i++) {
      const seg = segments[i];
      const nextIsIndex = /^\d+$/.test(segments[i + 1]);
      const container = node as Record<string, Json>;
      const child = container[seg];
      if (typeof child !== "object" || child === null) container[seg] = nextIsIndex ? [] : {};
      node = container[seg] as Record<string, Json>;
    }
    (node as Record<string, Json>)[segments[segments.length - 1]] = secret ? value : parseScalar(value);
    stackConfig.config[topKey] = JSON.stringify(root);
  }
  if (secret && !stackConfig.secretKeys.includes(topKey)) stackConfig.secretKeys.push(topKey);
}
