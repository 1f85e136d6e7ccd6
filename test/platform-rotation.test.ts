// Rotating a tier's Elasticsearch password must roll the tier, never replace it (real-node step 5a).
//
// The engine's rule, emulated here: the Kubernetes provider replaces a mutable Secret whose data changed
// (`.stringData` forces a new object unless the provider enables mutable Secrets) and, the name being the
// same, deletes it before it creates it again. For a delete-before-replace, the engine re-diffs every
// resource with a *property* dependency on it, its dependent inputs set unknown; a Deployment whose `spec`
// is unknown may have a new selector, so it is replaced too (delete, then create under the same name).
// `dependsOn` edges alone never cause that. So: no workload may take a property dependency on such a
// Secret, and the pod template itself must change so the Deployment rolls.
import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { Platform } from "../components/platform/platform";
import { parsePlatformConfig } from "../components/config/parse";
import { setupMocks, unwrapSecrets, type MockEngine, type RecordedResource } from "./mocks";

const config = (elasticsearch: Record<string, unknown> = { tls: true }) =>
  parsePlatformConfig({
    target: "kubeconfig",
    elasticsearch,
    apps: {
      tiers: {
        api: { image: "ghcr.io/example/api:1.0.0", elasticsearch: true, secretEnv: ["SESSION_KEY"], migrations: { command: ["node", "migrate.js"] } },
        web: { image: "ghcr.io/example/web:1.0.0" },
      },
    },
  });

async function deploy(apiEsPassword: string): Promise<MockEngine> {
  const engine = await setupMocks();
  new Platform("p", config(), {
    elasticPassword: pulumi.secret("elastic-password"),
    appSecrets: { api: { ELASTICSEARCH_PASSWORD: pulumi.secret(apiEsPassword), SESSION_KEY: pulumi.secret("session") } },
  });
  await engine.settle();
  return engine;
}

const isSecret = (r: RecordedResource) => r.type === "kubernetes:core/v1:Secret";
const state = (r: RecordedResource) => unwrapSecrets(r.state) as Record<string, any>;

/** Secrets the provider replaces delete-before-replace between the two runs: same name, new data, mutable. */
function replacedInPlace(before: MockEngine, after: MockEngine): RecordedResource[] {
  return after.resources.filter(isSecret).filter((secret) => {
    const old = before.resources.find((r) => r.urn === secret.urn);
    if (!old) return false;
    const [o, n] = [state(old), state(secret)];
    return o.metadata.name === n.metadata.name && !n.immutable && JSON.stringify(o.stringData) !== JSON.stringify(n.stringData);
  });
}

describe("Platform: rotating appSecrets.<tier>.ELASTICSEARCH_PASSWORD", () => {
  it("rolls the tier (a new pod template, same name and selector) and never makes the engine replace its Deployment or Job", async () => {
    const before = await deploy("first-password");
    const after = await deploy("second-password");

    const condemned = replacedInPlace(before, after);
    // The user's own Secret keeps its name and gets the new password: the cause of the cascade.
    expect(condemned.map((s) => s.name)).toContain("p-elasticsearch-user-api");

    for (const name of ["p-api-deployment", "p-api-migrations"]) {
      const type = name.endsWith("deployment") ? "kubernetes:apps/v1:Deployment" : "kubernetes:batch/v1:Job";
      const workload = after.get(type, name);
      const dependent = Object.entries(workload.propertyDependencies).filter(([, urns]) => condemned.some((s) => urns.includes(s.urn)));
      expect(dependent.map(([key]) => key), `${name}: inputs computed from a Secret the engine deletes before it replaces it`).toEqual([]);
    }

    const [d0, d1] = [before, after].map((e) => state(e.get("kubernetes:apps/v1:Deployment", "p-api-deployment")));
    expect(d1.metadata.name).toBe(d0.metadata.name);
    expect(d1.spec.selector).toEqual(d0.spec.selector);
    expect(JSON.stringify(d1.spec.template), "the pod template must change so the Deployment rolls").not.toBe(JSON.stringify(d0.spec.template));

    // A tier that does not use the password does not roll.
    const [w0, w1] = [before, after].map((e) => state(e.get("kubernetes:apps/v1:Deployment", "p-web-deployment")));
    expect(w1.spec.template).toEqual(w0.spec.template);
  });
});

describe("Platform: the CA a tier mounts, by name", () => {
  it("is the generated CA Secret, or the user's certificates Secret when they bring one", async () => {
    for (const [es, expected] of [[{ tls: true }, "p-elasticsearch-ca"], [{ tls: true, certificates: { secretName: "my-es-certs" } }, "my-es-certs"]] as const) {
      const engine = await setupMocks();
      const platform = new Platform("p", config(es), { elasticPassword: pulumi.secret("elastic-password") });
      await engine.settle();
      const api = state(engine.get("kubernetes:apps/v1:Deployment", "p-api-deployment"));
      const volume = api.spec.template.spec.volumes.find((v: { name: string }) => v.name === "elasticsearch-ca");
      expect(volume.secret.secretName).toBe(expected);
      expect(await new Promise((resolve) => platform.elasticsearch!.caSecretName.apply(resolve))).toBe(expected);
    }
  });
});
