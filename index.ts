/**
 * The stack program: read and validate this stack's config, then build the platform.
 * Invalid config stops here, before any resource is registered, with every problem listed by key.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parsePlatformConfig, readRawPlatformConfig, type PlatformConfig } from "./components";

function loadConfig(): PlatformConfig {
  try {
    return parsePlatformConfig(readRawPlatformConfig(pulumi.runtime.allConfig()));
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

const config = loadConfig();

export const target = config.target;
