/**
 * The tier's Ingress: its rules (hosts and paths, each to a named port), ALB annotations and URLs.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { type ResolvedIngressRule, type ResolvedTier } from "./resolve";

/** The rules grouped by host, in order of first appearance; on each host the longest path first. */
function rulesByHost(rules: readonly ResolvedIngressRule[]): { host?: string; rules: ResolvedIngressRule[] }[] {
  const groups: { host?: string; rules: ResolvedIngressRule[] }[] = [];
  for (const rule of rules) {
    let group = groups.find((g) => g.host === rule.host);
    if (!group) groups.push((group = { ...(rule.host !== undefined ? { host: rule.host } : {}), rules: [] }));
    group.rules.push(rule);
  }
  // Kubernetes matches the longest prefix; the ALB controller evaluates paths in the order given.
  for (const g of groups) g.rules = [...g.rules].sort((a, b) => b.path.length - a.path.length);
  return groups;
}

/** Whether a rule routes to a port other than the main one (whose readiness path the ALB health-checks). */
function routesBeyondMainPort(tier: ResolvedTier): boolean {
  return tier.expose.rules.some((r) => r.port !== tier.portName);
}

/** Ingress annotations: the ALB controller's, when the class is `alb`, then the user's. */
export function ingressAnnotations(tier: ResolvedTier): Record<string, string> {
  const e = tier.expose;
  const readiness = tier.probes.readiness;
  const alb: Record<string, string> =
    e.ingressClassName === "alb"
      ? {
          "alb.ingress.kubernetes.io/scheme": e.internalLoadBalancer ? "internal" : "internet-facing",
          "alb.ingress.kubernetes.io/target-type": "ip",
          "alb.ingress.kubernetes.io/healthcheck-path": readiness?.path ?? "/",
          // Each port is its own target group; all of them check the pod's readiness endpoint, not their own port.
          ...(routesBeyondMainPort(tier) ? { "alb.ingress.kubernetes.io/healthcheck-port": String(readiness?.port ?? tier.port) } : {}),
          ...(e.tlsSecretName !== undefined
            ? { "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80},{"HTTPS":443}]', "alb.ingress.kubernetes.io/ssl-redirect": "443" }
            : {}),
        }
      : {};
  return { ...alb, ...e.annotations };
}

/** The Ingress spec (networking.k8s.io/v1): one rule per host, each path to its port by name on the tier's Service. */
export function ingressSpecFor(tier: ResolvedTier, serviceName: pulumi.Input<string>): k8s.types.input.networking.v1.IngressSpec {
  const e = tier.expose;
  const groups = rulesByHost(e.rules);
  const hosts = groups.flatMap((g) => (g.host !== undefined ? [g.host] : []));
  return {
    ingressClassName: e.ingressClassName,
    rules: groups.map((g) => ({
      ...(g.host !== undefined ? { host: g.host } : {}),
      http: { paths: g.rules.map((r) => ({ path: r.path, pathType: "Prefix", backend: { service: { name: serviceName, port: { name: r.port } } } })) },
    })),
    ...(e.tlsSecretName !== undefined && hosts.length > 0 ? { tls: [{ hosts, secretName: e.tlsSecretName }] } : {}),
  };
}

/**
 * The external URL of each rule, in the order given (`https` with `tlsSecretName`); a rule without a host uses
 * `lbHost`, the load balancer's hostname, and is left out while that is unknown.
 */
export function ingressUrls(tier: ResolvedTier, lbHost?: string): string[] {
  const scheme = tier.expose.tlsSecretName !== undefined ? "https" : "http";
  return tier.expose.rules.flatMap((r) => {
    const host = r.host ?? lbHost;
    return host === undefined ? [] : [`${scheme}://${host}${r.path === "/" ? "" : r.path}`];
  });
}
