import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../components/config/errors";
import { parsePlatformConfig } from "../components/config/parse";
import { declaredSecretKeys, parseSecretConfig, readPlatformSecrets, type RawSecretConfig } from "../components/platform/secrets";
import { setupMocks, valueOf, isSecretOutput } from "./mocks";

const config = parsePlatformConfig({
  target: "kubeconfig",
  apps: {
    tiers: {
      api: { image: "ghcr.io/example/api:1.0.0", elasticsearch: true, secretEnv: ["SESSION_KEY"] },
      web: { image: "ghcr.io/example/web:1.0.0", secretFiles: { keys: ["tls.key"] } },
    },
  },
});

const secret = (value: unknown) => ({ value: typeof value === "string" ? value : JSON.stringify(value), secret: true });

function issues(raw: RawSecretConfig): ConfigError["issues"] {
  try {
    parseSecretConfig(raw, config);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe("parseSecretConfig", () => {
  it("accepts declared keys, and ELASTICSEARCH_PASSWORD for a tier that uses Elasticsearch", () => {
    const parsed = parseSecretConfig({ elasticPassword: secret("elastic-pw"), appSecrets: secret({ api: { SESSION_KEY: "s", ELASTICSEARCH_PASSWORD: "api-es-pw" }, web: { "tls.key": "k" } }) }, config);
    expect(parsed).toEqual({ elasticPassword: "elastic-pw", appSecrets: { api: { SESSION_KEY: "s", ELASTICSEARCH_PASSWORD: "api-es-pw" }, web: { "tls.key": "k" } }, sharedSecrets: {} });
    expect(declaredSecretKeys(config.apps.tiers.api)).toEqual(["SESSION_KEY", "ELASTICSEARCH_PASSWORD"]);
    expect(declaredSecretKeys(config.apps.tiers.web)).toEqual(["tls.key"]);
  });

  it("accepts nothing at all: absent secrets are generated later", () => {
    expect(parseSecretConfig({}, config)).toEqual({ elasticPassword: undefined, appSecrets: {}, sharedSecrets: {} });
  });

  it("refuses values stored in plain text, saying how to set them, without echoing them", () => {
    let error: unknown;
    try {
      parseSecretConfig({ elasticPassword: { value: "plain-pw-123", secret: false }, appSecrets: { value: JSON.stringify({ api: { SESSION_KEY: "plain-sess" } }), secret: false } }, config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(["elasticPassword", "appSecrets"]);
    expect(message).toContain("pulumi config set --secret elasticPassword");
    expect(message).toContain("pulumi config set --secret --path 'appSecrets.<tier>.<KEY>'");
    expect(message).not.toContain("plain-pw-123");
    expect(message).not.toContain("plain-sess");
  });

  it("reports unknown tiers, undeclared keys, Elasticsearch passwords for tiers without Elasticsearch, and bad values at once", () => {
    const found = issues({
      elasticPassword: secret("short"),
      appSecrets: secret({ apii: { SESSION_KEY: "x" }, api: { SESION_KEY: "x", ELASTICSEARCH_PASSWORD: "abc" }, web: { ELASTICSEARCH_PASSWORD: "long-enough", "tls.key": 5 } }),
    });
    expect(found.map((i) => i.path)).toEqual([
      "elasticPassword",
      "appSecrets.apii",
      "appSecrets.api.SESION_KEY",
      "appSecrets.api.ELASTICSEARCH_PASSWORD",
      "appSecrets.web.ELASTICSEARCH_PASSWORD",
      "appSecrets.web.tls.key",
    ]);
    expect(found[1].message).toContain("tiers: api, web");
    expect(found[2].message).toContain("declared: SESSION_KEY, ELASTICSEARCH_PASSWORD");
    expect(JSON.stringify(found)).not.toContain("long-enough");
  });

  it("refuses appSecrets that is not a map of maps", () => {
    expect(issues({ appSecrets: secret("not json") }).map((i) => i.path)).toEqual(["appSecrets"]);
    expect(issues({ appSecrets: secret({ api: "x" }) }).map((i) => i.path)).toEqual(["appSecrets.api"]);
  });
});

describe("readPlatformSecrets (from the running program's config)", () => {
  beforeAll(async () => {
    await setupMocks({ secrets: { elasticPassword: "elastic-from-config", appSecrets: { api: { SESSION_KEY: "sess-from-config" } } } });
  });

  it("reads secret config synchronously and wraps every value as a Pulumi secret", async () => {
    const secrets = readPlatformSecrets(config);
    expect(await isSecretOutput(secrets.elasticPassword as any)).toBe(true);
    expect(await valueOf(secrets.elasticPassword!)).toBe("elastic-from-config");
    expect(await isSecretOutput(secrets.appSecrets!.api.SESSION_KEY as any)).toBe(true);
    expect(await valueOf(secrets.appSecrets!.api.SESSION_KEY)).toBe("sess-from-config");
  });
});
