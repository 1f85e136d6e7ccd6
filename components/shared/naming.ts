import { createHash } from "node:crypto";

/** The package name: the prefix of every component type token and the `part-of` label. */
export const PACKAGE_NAME = "eks-search-platform";

/** The type token of one of this package's components: `eks-search-platform:index:<Name>`. */
export function componentType(name: string): string {
  return `${PACKAGE_NAME}:index:${name}`;
}

/** A short, stable hash of any JSON-serialisable value (used for content-addressed names). */
export function contentHash(value: unknown, length = 10): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, length);
}

const DNS_LABEL_MAX = 63;

/** A DNS-1123 label's characters (check the length separately: at most 63, less where a field says so). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A valid environment variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A DNS-1123 label (lowercase alphanumerics and `-`, at most 63 characters) made of `parts`.
 * A name that must be shortened keeps a hash of the full name, so two long names never collide.
 */
export function dnsLabel(...parts: string[]): string {
  const joined = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  if (joined.length <= DNS_LABEL_MAX) return joined;
  const hash = contentHash(joined, 8);
  return `${joined.slice(0, DNS_LABEL_MAX - hash.length - 1).replace(/-$/, "")}-${hash}`;
}

/**
 * The recommended Kubernetes labels (app.kubernetes.io/*) for one workload.
 * `name` is the application (e.g. `elasticsearch`), `instance` the component instance name.
 */
export function standardLabels(name: string, instance: string, component?: string): Record<string, string> {
  return {
    ...selectorLabels(name, instance),
    ...(component ? { "app.kubernetes.io/component": component } : {}),
    "app.kubernetes.io/part-of": PACKAGE_NAME,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** The subset of {@link standardLabels} that is immutable and used in selectors. */
export function selectorLabels(name: string, instance: string): Record<string, string> {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": instance };
}

/** AWS tags for one resource: the user's tags plus a `Name` tag, the user's tags never overridden. */
export function awsTags(tags: Record<string, string> | undefined, name?: string): Record<string, string> {
  return { ...(name ? { Name: name } : {}), ...(tags ?? {}) };
}
