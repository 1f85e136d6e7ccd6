/**
 * NetworkPolicies of a tier and of its migrations Job.
 */
import type * as k8s from "@pulumi/kubernetes";
import { dnsEgressRule } from "../shared/network-policy";
import { migrationSelector, tierSelector } from "./names";
import { type ResolvedTier } from "./resolve";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

/** Whether the tier is reached through a load balancer: with IP targets its pods see the load balancer's (or the client's) addresses. */
export function exposedThroughLoadBalancer(tier: Pick<ResolvedTier, "expose">): boolean {
  return tier.expose.type === "loadBalancer" || tier.expose.type === "ingress";
}

/** Egress of the tier's pods and its migrations Job: anywhere, or only the cluster DNS and the namespace's pods. */
export function tierEgressRules(tier: Pick<ResolvedTier, "networkPolicy">): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
  return tier.networkPolicy.allowExternalEgress ? [{}] : [dnsEgressRule(), { to: [{ podSelector: {} }] }];
}

/**
 * The tier's NetworkPolicy: ingress on its ports only, from any source when a load balancer fronts it (an NLB
 * or ALB with IP targets connects from its own VPC addresses, or the client's with client-IP preservation),
 * else from pods of its namespace; egress per {@link tierEgressRules}. Traffic from the node (kubelet probes)
 * is always allowed.
 */
export function tierNetworkPolicySpecFor(tier: ResolvedTier): NetworkPolicySpec {
  const ports = [tier.port, ...tier.ports.map((p) => p.port)].map((port) => ({ port, protocol: "TCP" }));
  return {
    podSelector: { matchLabels: tierSelector(tier) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [exposedThroughLoadBalancer(tier) ? { ports } : { from: [{ podSelector: {} }], ports }],
    egress: tierEgressRules(tier),
  };
}

/** The migrations Job's NetworkPolicy: no ingress at all (no rule: deny), the tier's egress. */
export function migrationNetworkPolicySpecFor(tier: ResolvedTier): NetworkPolicySpec {
  return { podSelector: { matchLabels: migrationSelector(tier) }, policyTypes: ["Ingress", "Egress"], egress: tierEgressRules(tier) };
}
