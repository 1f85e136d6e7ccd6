/**
 * Validation of a tier's `expose`: the type, and the Ingress rules (hosts, paths, named ports, TLS).
 */
import { type ArgumentChecker } from "../shared/validate";
import { type AppTierSpecArgs } from "./args";
import { type ResolvedTier } from "./resolve";

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RULE_KEYS = ["host", "path", "port"];

/** Records every problem of `expose` on `check`; `tier` is `args` resolved. */
export function validateExpose(check: ArgumentChecker, args: AppTierSpecArgs, tier: ResolvedTier): void {
  const e = tier.expose;
  const given = args.expose ?? {};
  check.that(["none", "internal", "loadBalancer", "ingress"].includes(e.type), "expose.type", 'must be one of "none", "internal", "loadBalancer", "ingress"', e.type);
  check.that(given.host === undefined || e.type === "ingress", "expose.host", "only applies to expose type ingress", given.host);
  if (given.rules !== undefined) {
    if (!check.that(Array.isArray(given.rules) && given.rules.length > 0, "expose.rules", "must be a list of at least one rule", given.rules)) return;
    check.that(e.type === "ingress", "expose.rules", "only applies to expose type ingress", e.type);
    for (const key of ["host", "path"] as const) check.that(given[key] === undefined, `expose.${key}`, "cannot be set with expose.rules: give each rule its own host and path", given[key]);
    given.rules.forEach((r, i) => check.knownKeys(r, RULE_KEYS, `expose.rules[${i}]`));
  }
  const at = (i: number, key: string) => (given.rules === undefined ? `expose.${key}` : `expose.rules[${i}].${key}`);
  const portNames = [...new Set([tier.portName, ...tier.ports.map((p) => p.name)])];
  const seen = new Map<string, number>();
  e.rules.forEach((r, i) => {
    if (r.host !== undefined) check.that(typeof r.host === "string" && r.host.length <= 253 && DNS_NAME.test(r.host), at(i, "host"), "must be a DNS name such as api.example.com", r.host);
    check.that(typeof r.path === "string" && r.path.startsWith("/"), at(i, "path"), "must start with /", r.path);
    check.that(portNames.includes(r.port), at(i, "port"), `must name one of the tier's ports (${portNames.join(", ")})`, r.port);
    check.that(e.tlsSecretName === undefined || r.host !== undefined, at(i, "host"), "is required when tlsSecretName is set (the certificate is for named hosts)", r.host);
    const key = `${r.host ?? "*"}${r.path}`;
    const earlier = seen.get(key);
    check.that(earlier === undefined, `expose.rules[${i}]`, `routes ${r.host ?? "any host"} ${r.path}, as expose.rules[${earlier ?? ""}] does`, given.rules?.[i]);
    seen.set(key, i);
  });
}
