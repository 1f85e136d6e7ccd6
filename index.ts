/**
 * The stack program: read and validate this stack's config and secrets, build the platform, export outputs.
 * Invalid config stops here, before any resource is registered, with every problem listed by key.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  ConfigError,
  Platform,
  parsePlatformConfig,
  readPlatformSecrets,
  readRawPlatformConfig,
  type PlatformConfig,
  type PlatformSecrets,
} from "./components";
import { dnsLabel } from "./components/specs";

function load(): { config: PlatformConfig; secrets: PlatformSecrets } {
  try {
    const config = parsePlatformConfig(readRawPlatformConfig(pulumi.runtime.allConfig()));
    return { config, secrets: readPlatformSecrets(config) };
  } catch (error) {
    if (error instanceof ConfigError) {
      // RunError makes the Pulumi host print the message alone: no stack trace, non-zero exit.
      throw new pulumi.RunError(
        `Invalid configuration for stack "${pulumi.getStack()}" (${error.issues.length} problem${error.issues.length === 1 ? "" : "s"}):\n${error.message}`,
      );
    }
    throw error;
  }
}

const { config, secrets } = load();
// target kubeconfig: the same settings the default Kubernetes provider would read.
const kubernetes = new pulumi.Config("kubernetes");
const platform = new Platform(dnsLabel("search", pulumi.getStack()), config, secrets, {
  kubeconfig: kubernetes.get("kubeconfig"),
  kubeContext: kubernetes.get("context"),
});

export const target = config.target;
export const vpcId = platform.vpcId;
export const privateSubnetIds = platform.privateSubnetIds;
export const publicSubnetIds = platform.publicSubnetIds;
export const clusterName = platform.clusterName;
/** Secret: it grants cluster access (and runs `aws eks get-token`, so the AWS CLI must be on PATH). */
export const kubeconfig = platform.kubeconfig;
export const namespace = platform.namespace;
export const storageClassName = platform.storageClassName;
export const elasticsearchUrl = platform.elasticsearchUrl;
/** Elasticsearch's IAM role (target aws) for snapshots; undefined on kubeconfig. */
export const elasticsearchRoleArn = platform.elasticsearchRoleArn;
export const tierUrls = platform.tierUrls;
