import type { ConfigEntry } from "./stack";

/**
 * Durable image promotion (`--keep-deployed`). CI deploys images by digest with `--config
 * <key>=<repo>@sha256:…`, which lives only in the runner's checkout; the stack's update history, in the
 * backend, keeps the config each update ran with. For every key the pattern names, a preview, drift or
 * up uses the digest the last successful update deployed while the config here names the same image
 * repository without a digest of its own: so after a deploy, previews and drift see no change, and an
 * `up` without new images keeps the running ones. A config that names another repository, or a digest
 * of its own, wins: that is a change someone made on purpose.
 */

export interface KeptValue {
  /** The key in path form, as `setConfig(key, …, path=true)` takes it (`apps.tiers.api.image`). */
  key: string;
  /** The value the last deploy ran with. */
  value: string;
  /** The value the config holds here. */
  configured: string;
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** The repository of an image reference: without its digest and its tag (`ghcr.io/org/api:1.0@sha256:…` → `ghcr.io/org/api`). */
export function imageRepository(ref: string): string {
  const noDigest = ref.includes("@") ? ref.slice(0, ref.indexOf("@")) : ref;
  const colon = noDigest.lastIndexOf(":");
  return colon > noDigest.lastIndexOf("/") ? noDigest.slice(0, colon) : noDigest;
}

/** True when `deployed` is a digest of the image `configured` names by repository or tag. */
export function keepsDeployedImage(configured: string, deployed: string): boolean {
  return DIGEST.test(deployed) && !configured.includes("@") && configured !== deployed && imageRepository(configured) === imageRepository(deployed);
}

/** A config value as data: object keys (set with --path) hold JSON text. */
function parsed(entry: ConfigEntry | undefined): unknown {
  if (!entry || entry.secret) return undefined;
  try {
    return JSON.parse(entry.value);
  } catch {
    return entry.value;
  }
}

/** Every concrete path matching `segments` (`*` matches any key) in `root`, with its value. */
function expand(root: unknown, segments: readonly string[], prefix: string[] = []): { path: string[]; value: unknown }[] {
  if (segments.length === 0) return [{ path: prefix, value: root }];
  if (root === null || typeof root !== "object" || Array.isArray(root)) return [];
  const [head, ...rest] = segments;
  const record = root as Record<string, unknown>;
  const keys = head === "*" ? Object.keys(record).sort() : head in record ? [head] : [];
  return keys.flatMap((k) => expand(record[k], rest, [...prefix, k]));
}

function valueAtPath(root: unknown, path: readonly string[]): unknown {
  let at = root;
  for (const k of path) {
    if (at === null || typeof at !== "object" || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[k];
  }
  return at;
}

/**
 * The values to keep: for each pattern (`apps.tiers.*.image`, or `ns:key.path`), each concrete key where
 * the last deploy ran a digest of the image the current config names. `explicit` holds the keys given
 * with --config on this run (qualified with the project), which always win.
 */
export function keptValues(
  patterns: readonly string[],
  project: string,
  current: Readonly<Record<string, ConfigEntry>>,
  deployed: Readonly<Record<string, ConfigEntry>>,
  explicit: ReadonlySet<string>,
): KeptValue[] {
  const kept = new Map<string, KeptValue>();
  for (const pattern of patterns) {
    const colon = pattern.indexOf(":");
    const namespace = colon > 0 ? pattern.slice(0, colon) : project;
    const [root, ...path] = (colon > 0 ? pattern.slice(colon + 1) : pattern).split(".");
    const qualifiedRoot = `${namespace}:${root}`;
    const candidates = root === "*" ? [] : expand(parsed(deployed[qualifiedRoot]), path);
    for (const { path: concrete, value } of candidates) {
      const configured = path.length === 0 ? parsed(current[qualifiedRoot]) : valueAtPath(parsed(current[qualifiedRoot]), concrete);
      if (typeof value !== "string" || typeof configured !== "string" || !keepsDeployedImage(configured, value)) continue;
      const dotted = [root, ...concrete].join(".");
      const key = colon > 0 ? `${namespace}:${dotted}` : dotted;
      if (explicit.has(`${namespace}:${dotted}`)) continue;
      kept.set(key, { key, value, configured });
    }
  }
  return [...kept.values()];
}
