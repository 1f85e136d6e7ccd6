/**
 * The one secret-redaction helper. Pulumi marks a secret value inside serialized properties with this
 * signature key; anything carrying it, or equal to a known secret string, is replaced by `[secret]`.
 */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";
export const REDACTED = "[secret]";

/** True for a Pulumi-serialized secret wrapper `{ <sig>: <secret sig>, value }`. */
export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG_VALUE
  );
}

/**
 * A deep copy of `value` with every secret wrapper replaced by `[secret]`, and every occurrence of a
 * known secret string (inside any string, e.g. a rendered config file) replaced too.
 */
export function redactSecrets<T>(value: T, knownSecrets: readonly string[] = []): T {
  const needles = knownSecrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  const visit = (v: unknown): unknown => {
    if (isSecretWrapper(v)) return REDACTED;
    if (typeof v === "string") {
      let out = v;
      for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
      return out;
    }
    if (Array.isArray(v)) return v.map(visit);
    if (typeof v === "object" && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, visit(inner)]));
    }
    return v;
  };
  return visit(value) as T;
}

/** A deep copy of `value` with every secret wrapper replaced by its plain value (for assertions). */
export function unwrapSecrets<T>(value: T): T {
  const visit = (v: unknown): unknown => {
    if (isSecretWrapper(v)) return visit(v.value);
    if (Array.isArray(v)) return v.map(visit);
    if (typeof v === "object" && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, visit(inner)]));
    }
    return v;
  };
  return visit(value) as T;
}
