import { ConfigError } from "../components/config/errors";
import { parsePlatformConfig } from "../components/config/parse";

/** The issues of the ConfigError that parsing `raw` throws (fails the test when it parses). */
export function configIssues(raw: unknown): ConfigError["issues"] {
  try {
    parsePlatformConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected a ConfigError");
}
