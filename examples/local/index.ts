/**
 * The platform's Kubernetes layers (StorageClass, Elasticsearch, two tiers) in the cluster of your current
 * kubeconfig context: kind, minikube, Docker Desktop, or the real node the e2e tests start
 * (`npm run local-cluster` in this repo, docs/local-cluster.md). No AWS account or plugin is used; one
 * Elasticsearch node with mmap off, so no vm.max_map_count tuning is needed on the node.
 *
 *   npm install && pulumi stack init local
 *   pulumi config set kubeContext kind-search           # optional: default the current context
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { Platform, parsePlatformConfig, readPlatformSecrets } from "eks-search-platform";

const config = new pulumi.Config();

const platformConfig = parsePlatformConfig({
  target: "kubeconfig",
  // kind and k3s ship this provisioner; minikube's is k8s.io/minikube-hostpath.
  storage: { provisioner: config.get("storageProvisioner") ?? "rancher.io/local-path", reclaimPolicy: "Delete" },
  elasticsearch: { replicas: 1, storageSize: "5Gi", cpu: "500m", memory: "2Gi", vmMaxMapCount: "disableMmap", volumeClaimRetention: "Delete" },
  apps: {
    namespace: "search",
    tiers: {
      api: { image: config.get("apiImage") ?? "ghcr.io/example/search-api:1.0.0", port: 8080, elasticsearch: true },
      web: { image: config.get("webImage") ?? "ghcr.io/example/search-web:1.0.0", port: 8080, env: { API_URL: "${tiers.api.url}" } },
    },
  },
});

// Passwords from secret config where set (eks-search-platform:elasticPassword, eks-search-platform:appSecrets),
// else generated and kept encrypted in state.
const secrets = readPlatformSecrets(platformConfig);
const platform = new Platform("search", platformConfig, secrets, { kubeconfig: config.getSecret("kubeconfig"), kubeContext: config.get("kubeContext") });

export const namespace = platform.namespace;
export const elasticsearchUrl = platform.elasticsearchUrl;
export const tierUrls = platform.tierUrls;
