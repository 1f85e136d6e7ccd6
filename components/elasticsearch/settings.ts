/**
 * The resolved plan of an Elasticsearch cluster and its elasticsearch.yml: discovery, TLS, zone awareness.
 */
import type * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { type AntiAffinity, type ElasticsearchNames, type VmMaxMapCount, type VolumeClaimRetention } from "./names";

/** The resolved, validated plan every builder below works from. */
export interface ElasticsearchPlan {
  names: ElasticsearchNames;
  image: string;
  replicas: number;
  storageSize: string;
  storageClassName?: pulumi.Input<string>;
  /** CPU request. */
  cpu: string;
  /** Memory request. */
  memory: string;
  /** CPU limit. */
  cpuLimit: string;
  /** Memory limit (the heap is sized from it). */
  memoryLimit: string;
  /** JVM heap, e.g. `2g`. */
  heap: string;
  /** HTTPS on 9200. */
  httpTls: boolean;
  antiAffinity: AntiAffinity;
  zoneSpread: boolean;
  vmMaxMapCount: VmMaxMapCount;
  volumeClaimRetention: VolumeClaimRetention;
  /** True once the cluster has formed: `cluster.initial_master_nodes` is then left out. */
  clusterBootstrapped: boolean;
  /** The user's Secret (`tls.crt`, `tls.key`, `ca.crt`) the nodes mount instead of generated certificates. */
  certificatesSecretName?: string;
}

/** Whether the nodes talk TLS on 9300: always with more than one node (Elasticsearch requires it). */
export function transportTls(plan: Pick<ElasticsearchPlan, "replicas">): boolean {
  return plan.replicas > 1;
}

/** Whether a CA and node certificate are needed at all. */
export function needsCertificates(plan: Pick<ElasticsearchPlan, "replicas" | "httpTls">): boolean {
  return plan.httpTls || transportTls(plan);
}

/**
 * Discovery settings. One node: `discovery.type: single-node`. Three or more: seed hosts from the headless
 * Service (it publishes not-ready pods, so nodes find each other before any is ready) and, until the cluster
 * has formed, every node's stable name as `cluster.initial_master_nodes`, so exactly one cluster bootstraps.
 */
export function discoverySettings(args: { replicas: number; statefulSetName: string; headlessServiceName: string; clusterBootstrapped?: boolean }): Record<string, unknown> {
  if (args.replicas === 1) return { "discovery.type": "single-node" };
  return {
    "discovery.seed_hosts": [args.headlessServiceName],
    ...(args.clusterBootstrapped ? {} : { "cluster.initial_master_nodes": Array.from({ length: args.replicas }, (_, i) => `${args.statefulSetName}-${i}`) }),
  };
}

/** elasticsearch.yml as settings. Paths to certificates are relative to the config directory. */
export function elasticsearchSettings(plan: ElasticsearchPlan): Record<string, unknown> {
  const { names } = plan;
  const tlsFiles = (layer: "transport" | "http") => ({
    [`xpack.security.${layer}.ssl.key`]: "certs/tls.key",
    [`xpack.security.${layer}.ssl.certificate`]: "certs/tls.crt",
    // The CA verifies the peer's certificate: on transport the other nodes'. HTTP asks clients for none
    // (client_authentication: none), so there it would be a setting Elasticsearch never reads.
    ...(layer === "transport" ? { [`xpack.security.${layer}.ssl.certificate_authorities`]: ["certs/ca.crt"] } : {}),
  });
  return {
    "cluster.name": names.base,
    "node.name": "${POD_NAME}",
    "network.host": "0.0.0.0",
    ...discoverySettings({ replicas: plan.replicas, statefulSetName: names.statefulSet, headlessServiceName: names.headlessService, clusterBootstrapped: plan.clusterBootstrapped }),
    "xpack.security.enabled": true,
    // Every user, elastic included, lives in the file realm (from a Secret), so a password change is a
    // file change Elasticsearch reloads: no bootstrap-only ELASTIC_PASSWORD, no API call to get right.
    "xpack.security.authc.reserved_realm.enabled": false,
    "xpack.security.transport.ssl.enabled": transportTls(plan),
    ...(transportTls(plan)
      ? {
          // One certificate for all nodes, trusted only through this cluster's own CA.
          "xpack.security.transport.ssl.verification_mode": "certificate",
          ...tlsFiles("transport"),
        }
      : {}),
    "xpack.security.http.ssl.enabled": plan.httpTls,
    ...(plan.httpTls ? tlsFiles("http") : {}),
    ...(plan.vmMaxMapCount === "disableMmap" ? { "node.store.allow_mmap": false } : {}),
    // node.attr.zone itself is appended per pod by the init container, from its node's zone label.
    ...(plan.zoneSpread ? { "cluster.routing.allocation.awareness.attributes": "zone" } : {}),
  };
}

/** The elasticsearch.yml text for the ConfigMap. */
export function elasticsearchYml(plan: ElasticsearchPlan): string {
  return stringify(elasticsearchSettings(plan));
}
