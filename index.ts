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

/** Runs `step`; a ConfigError becomes a RunError, which the Pulumi host prints alone: no stack trace, non-zero exit. */
function configured<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new pulumi.RunError(
        `Invalid configuration for stack "${pulumi.getStack()}" (${error.issues.length} problem${error.issues.length === 1 ? "" : "s"}):\n${error.message}`,
      );
    }
    throw error;
  }
}

const { config, secrets } = configured((): { config: PlatformConfig; secrets: PlatformSecrets } => {
  const parsed = parsePlatformConfig(readRawPlatformConfig(pulumi.runtime.allConfig()));
  return { config: parsed, secrets: readPlatformSecrets(parsed) };
});
// target kubeconfig: the same settings the default Kubernetes provider would read.
const kubernetes = new pulumi.Config("kubernetes");
// The Platform checks what needs its name (tiers named like its Elasticsearch's objects) before registering anything.
const platform = configured(
  () =>
    new Platform(dnsLabel("search", pulumi.getStack()), config, secrets, {
      kubeconfig: kubernetes.get("kubeconfig"),
      kubeContext: kubernetes.get("context"),
    }),
);

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
