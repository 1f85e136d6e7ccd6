/**
 * The whole platform on AWS in one component: a VPC over three AZs with a NAT gateway per AZ, an EKS cluster
 * (access entries, KMS-encrypted Secrets, managed node groups, the AWS Load Balancer Controller and Cluster
 * Autoscaler), an encrypted gp3 StorageClass, a three-node Elasticsearch with HTTPS, and two tiers: an API
 * that uses Elasticsearch with its own user, and a web tier behind an internet-facing load balancer.
 *
 *   npm install && pulumi stack init dev
 *   pulumi config set aws:region us-east-1
 *   pulumi config set adminRoleArn arn:aws:iam::<account>:role/<your-admin-role>
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, Platform, parsePlatformConfig } from "eks-search-platform";

const config = new pulumi.Config();

// The same schema as the stack config of this repo (docs/configuration.md): every problem is reported at
// once, before any resource is registered.
let platformConfig;
try {
  platformConfig = parsePlatformConfig({
    target: "aws",
    tags: { team: "search", environment: pulumi.getStack() },
    network: { cidrBlock: "10.20.0.0/16", availabilityZoneCount: 3, natGateways: "perAz" },
    cluster: {
      adminRoleArns: [config.require("adminRoleArn")],
      encryptSecrets: true,
      nodeGroups: [{ name: "general", instanceTypes: ["m6i.xlarge", "m5.xlarge"], minSize: 3, desiredSize: 3, maxSize: 6 }],
    },
    storage: { type: "gp3", encrypted: true },
    elasticsearch: { replicas: 3, tls: true, zoneSpread: true, storageSize: "100Gi", cpu: "2", memory: "8Gi" },
    apps: {
      namespace: "search",
      tiers: {
        api: { image: config.get("apiImage") ?? "ghcr.io/example/search-api:1.0.0", port: 8080, replicas: 2, elasticsearch: true },
        web: {
          image: config.get("webImage") ?? "ghcr.io/example/search-web:1.0.0",
          port: 8080,
          replicas: 2,
          env: { API_URL: "${tiers.api.url}" },
          expose: { type: "loadBalancer" },
        },
      },
    },
  });
} catch (error) {
  if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
  throw error;
}

// Secrets not given are generated (random passwords, encrypted in state).
const platform = new Platform("search", platformConfig, { elasticPassword: config.getSecret("elasticPassword") });

export const vpcId = platform.vpcId;
export const clusterName = platform.clusterName;
/** A secret: the cluster endpoint and CA; `pulumi stack output kubeconfig --show-secrets > kubeconfig`. */
export const kubeconfig = platform.kubeconfig;
export const elasticsearchUrl = platform.elasticsearchUrl;
export const tierUrls = platform.tierUrls;
