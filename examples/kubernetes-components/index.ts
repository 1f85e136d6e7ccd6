/**
 * The library user's program: a StorageClass, Elasticsearch on it, and an application tier wired to
 * Elasticsearch in one argument (`search.clientFor("api")`), in a Kubernetes cluster you already have, through
 * its own Kubernetes provider. Uses only `eks-search-platform/kubernetes` (no AWS SDK is loaded).
 *
 *   npm install && pulumi stack init dev
 *   pulumi config set provisioner rancher.io/local-path   # on a cluster without the EBS CSI driver
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { AppTier, Elasticsearch, StorageClass } from "eks-search-platform/kubernetes";

const config = new pulumi.Config();
// @default the ambient kubeconfig ($KUBECONFIG or ~/.kube/config) and its current context
const provider = new k8s.Provider("cluster", { kubeconfig: config.getSecret("kubeconfig"), context: config.get("kubeContext") });

const namespace = new k8s.core.v1.Namespace("search", { metadata: { name: config.get("namespace") ?? "search" } }, { provider });

// Encrypted gp3 through the EBS CSI driver (@default), or another provisioner with no EBS parameters.
const storage = new StorageClass("search-data", { provisioner: config.get("provisioner"), reclaimPolicy: "Retain" }, { provider });

// HTTPS from a generated CA; the elastic password is generated (a Pulumi secret) unless set.
const search = new Elasticsearch(
  "search",
  {
    namespace: namespace.metadata.name,
    storageClassName: storage.storageClassName,
    storageSize: "10Gi",
    memory: "2Gi",
    tls: true,
    elasticPassword: config.getSecret("elasticPassword"),
    users: [{ name: "api", password: config.getSecret("apiPassword") ?? new random.RandomPassword("api", { length: 32, special: false }).result, indices: ["documents-*"] }],
  },
  { provider },
);

// One argument: the URL (and its host, port, scheme), the api user's password Secret, the CA, the client label
// Elasticsearch's NetworkPolicy admits, pods that roll when the password or CA changes, and creation after it.
const api = new AppTier(
  "api",
  {
    namespace: namespace.metadata.name,
    image: config.get("apiImage") ?? "ghcr.io/example/search-api:1.0.0",
    ports: [{ name: "docs", port: 8100 }],
    replicas: 2,
    probes: { readiness: { path: "/health" } },
    elasticsearch: search.clientFor("api"),
  },
  { provider },
);

export const storageClassName = storage.storageClassName;
export const elasticsearchUrl = search.url;
export const apiUrl = api.internalUrl;
