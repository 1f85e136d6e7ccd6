/**
 * The Services, PodDisruptionBudget, NetworkPolicy, client label, certificate names and URL of a cluster.
 */
import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "../shared/naming";
import { dnsEgressRule, tcpEgressRule } from "../shared/network-policy";
import { CLIENT_LABEL_KEY, ES_HTTP_PORT, ES_TRANSPORT_PORT, type ElasticsearchNames } from "./names";
import { type ElasticsearchPlan } from "./settings";

type ServiceSpec = k8s.types.input.core.v1.ServiceSpec;
type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type PodDisruptionBudgetSpec = k8s.types.input.policy.v1.PodDisruptionBudgetSpec;

const HTTP_PORT = { name: "http", port: ES_HTTP_PORT, targetPort: "http", protocol: "TCP" };
const TRANSPORT_PORT = { name: "transport", port: ES_TRANSPORT_PORT, targetPort: "transport", protocol: "TCP" };

/** The headless Service: stable pod DNS names and discovery, including pods that are not ready yet. */
export function headlessServiceSpecFor(plan: Pick<ElasticsearchPlan, "names">): ServiceSpec {
  return {
    clusterIP: "None",
    publishNotReadyAddresses: true,
    selector: selectorLabels("elasticsearch", plan.names.base),
    ports: [HTTP_PORT, TRANSPORT_PORT],
  };
}

/** The client Service: 9200 on ready nodes only. */
export function clientServiceSpecFor(plan: Pick<ElasticsearchPlan, "names">): ServiceSpec {
  return { type: "ClusterIP", selector: selectorLabels("elasticsearch", plan.names.base), ports: [HTTP_PORT] };
}

/** The PodDisruptionBudget for three or more nodes (one node may be down); none for a single node. */
export function disruptionBudgetSpecFor(plan: Pick<ElasticsearchPlan, "names" | "replicas">): PodDisruptionBudgetSpec | undefined {
  if (plan.replicas < 3) return undefined;
  return { maxUnavailable: 1, selector: { matchLabels: selectorLabels("elasticsearch", plan.names.base) } };
}

/** The label a client pod needs to reach 9200. */
export function clientLabelFor(names: Pick<ElasticsearchNames, "base">): Record<string, string> {
  return { [CLIENT_LABEL_KEY]: names.base };
}

/**
 * Ingress to the nodes: 9200 from labelled clients and the nodes, 9300 between nodes only. Egress: the cluster
 * DNS, 9300 to the other nodes, and HTTPS anywhere: the zone look-up asks the API server (its endpoints are
 * outside the pod network) and snapshot repositories (S3, GCS, Azure) are HTTPS endpoints. With `zoneSpread`
 * also 6443: policies see the port after Service translation, and kubeadm-style API servers (kind, minikube)
 * listen there, where EKS's listen on 443. `extra` rules (the component's `networkPolicy.ingress/egress`) are added.
 */
export function networkPolicySpecFor(
  plan: Pick<ElasticsearchPlan, "names" | "zoneSpread">,
  extra: { ingress?: k8s.types.input.networking.v1.NetworkPolicyIngressRule[]; egress?: k8s.types.input.networking.v1.NetworkPolicyEgressRule[] } = {},
): NetworkPolicySpec {
  const nodes = { podSelector: { matchLabels: selectorLabels("elasticsearch", plan.names.base) } };
  return {
    podSelector: nodes.podSelector,
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      { from: [{ podSelector: { matchLabels: clientLabelFor(plan.names) } }, nodes], ports: [{ port: ES_HTTP_PORT, protocol: "TCP" }] },
      { from: [nodes], ports: [{ port: ES_TRANSPORT_PORT, protocol: "TCP" }] },
      ...(extra.ingress ?? []),
    ],
    egress: [
      dnsEgressRule(),
      { to: [nodes], ports: [{ port: ES_TRANSPORT_PORT, protocol: "TCP" }] },
      tcpEgressRule(443),
      ...(plan.zoneSpread ? [tcpEgressRule(6443)] : []),
      ...(extra.egress ?? []),
    ],
  };
}

/**
 * DNS names the node certificate covers: both Services in every short form, and each pod by wildcard from
 * `<pod>.<headless>.<namespace>` on. Not `*.<headless>`: TLS clients (OpenSSL, Node) match a wildcard only with
 * at least two labels after it, so that entry would match no name.
 */
export function certificateDnsNames(names: Pick<ElasticsearchNames, "clientService" | "headlessService">, namespace: string, clusterDomain: string): string[] {
  const forms = (host: string) => [host, `${host}.${namespace}`, `${host}.${namespace}.svc`, `${host}.${namespace}.svc.${clusterDomain}`];
  return [
    ...forms(names.clientService),
    ...forms(names.headlessService),
    ...forms(`*.${names.headlessService}`).slice(1),
    "localhost",
  ];
}

/** The in-cluster URL of the client Service. */
export function elasticsearchUrl(names: Pick<ElasticsearchNames, "clientService">, namespace: string, clusterDomain: string, httpTls: boolean): string {
  return `${httpTls ? "https" : "http"}://${names.clientService}.${namespace}.svc.${clusterDomain}:${ES_HTTP_PORT}`;
}
