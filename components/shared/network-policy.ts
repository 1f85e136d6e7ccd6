/**
 * NetworkPolicy building blocks shared by the components (networking.k8s.io/v1). Pure values, no resources.
 * On EKS the policies are enforced by the VPC CNI's network policy agent, which {@link Cluster} turns on.
 */
import type * as k8s from "@pulumi/kubernetes";

type EgressRule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

/**
 * Egress to the cluster DNS: pods labelled `k8s-app: kube-dns` in kube-system (CoreDNS on EKS, kind and
 * minikube keep that label), UDP and TCP 53 (TCP for truncated answers).
 */
export function dnsEgressRule(): EgressRule {
  return {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
    ports: [
      { port: 53, protocol: "UDP" },
      { port: 53, protocol: "TCP" },
    ],
  };
}

/** Egress to TCP `port` on any address (in or out of the cluster). */
export function tcpEgressRule(port: number): EgressRule {
  return { ports: [{ port, protocol: "TCP" }] };
}
