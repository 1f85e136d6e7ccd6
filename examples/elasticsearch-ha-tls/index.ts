/**
 * A highly available Elasticsearch: three master-eligible data nodes, one per host (hard anti-affinity) and
 * spread over zones with zone-aware shard allocation, a PodDisruptionBudget, transport TLS between nodes and
 * HTTPS on 9200 from a generated CA (or certificates you bring). Into an existing cluster through its own
 * Kubernetes provider; uses only `eks-search-platform/kubernetes`.
 *
 *   npm install && pulumi stack init dev
 *   pulumi config set kubeContext my-cluster           # optional: a context of your kubeconfig
 *   pulumi config set --secret elasticPassword '...'   # optional: generated otherwise
 *   pulumi up
 *   # once `kubectl -n search get pods` shows the three nodes ready:
 *   pulumi config set clusterBootstrapped true && pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Elasticsearch } from "eks-search-platform/kubernetes";

const config = new pulumi.Config();
const provider = new k8s.Provider("existing-cluster", { kubeconfig: config.getSecret("kubeconfig"), context: config.get("kubeContext") });

const namespaceName = config.get("namespace") ?? "search";
const namespace = new k8s.core.v1.Namespace("search", { metadata: { name: namespaceName } }, { provider });

const elasticsearch = new Elasticsearch(
  "search",
  {
    namespace: namespaceName,
    replicas: 3,
    tls: true,
    antiAffinity: "hard",
    zoneSpread: true,
    storageClassName: config.get("storageClassName"), // @default the cluster's default StorageClass
    storageSize: config.get("storageSize") ?? "100Gi",
    cpu: "2",
    memory: "8Gi",
    elasticPassword: config.getSecret("elasticPassword"), // @default generated, kept encrypted in state
    // Bring your own node certificate (e.g. cert-manager's Secret with tls.crt, tls.key and ca.crt):
    certificates: config.get("certificatesSecret") ? { secretName: config.require("certificatesSecret") } : undefined,
    // Drop cluster.initial_master_nodes once the cluster has formed (docs/elasticsearch.md).
    clusterBootstrapped: config.getBoolean("clusterBootstrapped") ?? false,
  },
  { provider, dependsOn: [namespace] },
);

/** https://<service>.<namespace>.svc.cluster.local:9200, verified against the CA in `caSecretName`. */
export const url = elasticsearch.url;
/** The Secret with `ca.crt` that clients verify the HTTPS endpoint against. */
export const caSecretName = elasticsearch.caSecretName;
/** The basic-auth Secret of the `elastic` superuser. */
export const credentialsSecretName = elasticsearch.credentialsSecretName;
/** The label a client pod needs to pass the nodes' NetworkPolicy. */
export const clientLabel = elasticsearch.clientLabel;
