/**
 * Elasticsearch and one application tier in a Kubernetes cluster you already have (EKS or any other), through
 * its own Kubernetes provider. Uses only `eks-search-platform/kubernetes`: @pulumi/aws and @pulumi/eks are
 * neither installed nor loaded.
 *
 *   npm install && pulumi stack init dev
 *   pulumi config set kubeContext my-cluster          # optional: a context of your kubeconfig
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { AppTier, Elasticsearch } from "eks-search-platform/kubernetes";

const config = new pulumi.Config();
// Which cluster: a kubeconfig (path or contents, e.g. from another stack's output) and a context in it.
// @default the ambient kubeconfig ($KUBECONFIG or ~/.kube/config) and its current context
const provider = new k8s.Provider("existing-cluster", {
  kubeconfig: config.getSecret("kubeconfig"),
  context: config.get("kubeContext"),
});

const namespaceName = config.get("namespace") ?? "search";
const namespace = new k8s.core.v1.Namespace("search", { metadata: { name: namespaceName } }, { provider });
const inCluster = { provider, dependsOn: [namespace] };

// The tier's own Elasticsearch user: a least-privilege role on its indices, and a basic-auth Secret. Its
// password (and the elastic superuser's) from config where you keep them elsewhere, else generated.
const apiPassword = config.getSecret("apiPassword") ?? new random.RandomPassword("api-elasticsearch", { length: 32, special: false }).result;

const elasticsearchName = "search";
const elasticsearch = new Elasticsearch(
  elasticsearchName,
  {
    namespace: namespaceName,
    replicas: 1,
    storageClassName: config.get("storageClassName"), // @default the cluster's default StorageClass
    storageSize: "10Gi",
    memory: "2Gi",
    elasticPassword: config.getSecret("elasticPassword"), // @default generated
    users: [{ name: "api", password: apiPassword, indices: ["documents-*"] }],
  },
  inCluster,
);

const api = new AppTier(
  "api",
  {
    namespace: namespaceName,
    image: config.get("apiImage") ?? "ghcr.io/example/search-api:1.0.0",
    port: 8080,
    replicas: 2,
    env: { ELASTICSEARCH_URL: elasticsearch.url, ELASTICSEARCH_USERNAME: "api" },
    secretEnvRefs: {
      ELASTICSEARCH_PASSWORD: { secretName: elasticsearch.userSecretNames.apply((names) => names.api), key: "password" },
    },
    // Elasticsearch's NetworkPolicy admits 9200 only from pods with its client label.
    podLabels: Elasticsearch.clientLabelFor(elasticsearchName),
  },
  { ...inCluster, dependsOn: [namespace, elasticsearch] },
);

export const elasticsearchUrl = elasticsearch.url;
export const elasticCredentialsSecret = elasticsearch.credentialsSecretName;
export const apiUrl = api.internalUrl;
