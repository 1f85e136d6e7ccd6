import { beforeAll, describe, expect, it } from "vitest";
import type * as pulumi from "@pulumi/pulumi";
import { Platform, podSecurityLevel, protectStatefulResources, PROTECTED_TYPES } from "../components/platform/platform";
import { parsePlatformConfig } from "../components/config/parse";
import { type PlatformConfig } from "../components/config/schema";
import { setupMocks, plainSecretLeaks, kubeObjects, unwrapSecrets, type MockEngine } from "./mocks";
import { secretsHolding } from "./program-checks";

const config = (extra: Record<string, unknown> = {}): PlatformConfig =>
  parsePlatformConfig({
    target: "kubeconfig",
    apps: {
      tiers: {
        api: { image: "ghcr.io/example/api:1.0.0", elasticsearch: true, secretEnv: ["SESSION_KEY"], secretFiles: { keys: ["db.conf"] } },
        web: { image: "ghcr.io/example/web:1.0.0" },
      },
    },
    ...extra,
  });

describe("protectStatefulResources", () => {
  const transformArgs = (type: string) => ({ type, name: "x", custom: true, props: { a: 1 }, opts: { ignoreChanges: ["b"] } }) as unknown as pulumi.ResourceTransformArgs;

  it("protects the stateful types, keeping their props and other options", () => {
    for (const type of PROTECTED_TYPES) {
      const result = protectStatefulResources(transformArgs(type));
      expect(result?.opts).toMatchObject({ protect: true, ignoreChanges: ["b"] });
      expect(result?.props).toEqual({ a: 1 });
    }
  });

  it("leaves everything else alone, so Secrets, certificates and ConfigMaps still replace freely", () => {
    for (const type of ["kubernetes:core/v1:Secret", "tls:index/locallySignedCert:LocallySignedCert", "kubernetes:core/v1:ConfigMap", "aws:ec2/vpc:Vpc"]) {
      expect(protectStatefulResources(transformArgs(type))).toBeUndefined();
    }
  });
});

describe("podSecurityLevel", () => {
  it("is restricted by default, baseline when a tier visibly relaxes a default, privileged only for the sysctl init container", () => {
    expect(podSecurityLevel(config())).toBe("restricted");
    const relaxed = config();
    relaxed.apps.tiers.web.security.runAsNonRoot = false;
    expect(podSecurityLevel(relaxed)).toBe("baseline");
    expect(podSecurityLevel(config({ elasticsearch: { vmMaxMapCount: "initContainer" } }))).toBe("privileged");
  });
});

describe("Platform: kubeconfig target without supplied secrets", () => {
  let engine: MockEngine;
  beforeAll(async () => {
    engine = await setupMocks();
    new Platform("p", config(), {}, { kubeContext: "kind-search" });
    await engine.settle();
  });

  it("generates every absent secret with random (32 characters), keeps it out of plain text and puts it in a Secret", () => {
    const generated = engine.byType("random:index/randomPassword:RandomPassword");
    expect(generated.map((r) => r.name).sort()).toEqual(expect.arrayContaining(["p/tiers/api/db.conf", "p/tiers/api/ELASTICSEARCH_PASSWORD", "p/tiers/api/SESSION_KEY", "p-elastic-password"]));
    for (const r of generated.filter((g) => g.name.startsWith("p-") && !g.name.includes("probe"))) {
      expect(r.inputs).toMatchObject({ length: 32, special: false });
      const value = String(unwrapSecrets(r.state).result);
      expect(plainSecretLeaks(engine, value), r.name).toEqual([]);
      expect(secretsHolding(engine as any, value), r.name).not.toEqual([]);
    }
  });

  it("uses an explicit provider for the given context, and no StorageClass: the cluster's default class", () => {
    const [provider] = engine.byType("pulumi:providers:kubernetes");
    // Patch force: `pulumi up` restores a field edited by hand (kubectl scale) instead of failing on the conflict.
    expect(provider.inputs).toMatchObject({ context: "kind-search", enableServerSideApply: "true", enablePatchForce: "true" });
    expect(engine.byType("kubernetes:storage.k8s.io/v1:StorageClass")).toEqual([]);
    const [sts] = kubeObjects(engine, "StatefulSet");
    for (const claim of sts.spec.volumeClaimTemplates) expect(claim.spec.storageClassName).toBeUndefined();
  });

  it("gives only Elasticsearch tiers a user, the URL and the client label; the user's password never enters the tier's own Secret", () => {
    const deployments = Object.fromEntries(kubeObjects(engine, "Deployment").map((d) => [d.metadata.name, d]));
    const apiEnv = deployments.api.spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(apiEnv).toEqual(["ELASTICSEARCH_URL", "ELASTICSEARCH_HOSTNAME", "ELASTICSEARCH_PORT", "ELASTICSEARCH_SCHEME", "ELASTICSEARCH_USERNAME", "SESSION_KEY", "ELASTICSEARCH_PASSWORD"]);
    expect(deployments.web.spec.template.spec.containers[0].env).toEqual([]);
    const apiSecret = kubeObjects(engine, "Secret").find((s) => String(s.metadata.name).startsWith("api-secrets-"))!;
    expect(Object.keys(apiSecret.stringData).sort()).toEqual(["SESSION_KEY", "db.conf"]);
    const labels = deployments.api.spec.template.metadata.labels;
    expect(Object.keys(labels).some((k) => k.endsWith("elasticsearch-client"))).toBe(true);
    expect(Object.keys(deployments.web.spec.template.metadata.labels).some((k) => k.endsWith("elasticsearch-client"))).toBe(false);
  });

  it("makes Elasticsearch tiers wait for Elasticsearch", () => {
    const statefulSet = engine.byType("kubernetes:apps/v1:StatefulSet")[0];
    expect(engine.get("kubernetes:apps/v1:Deployment", "p-api-deployment").dependencies).toContain(statefulSet.urn);
    expect(engine.get("kubernetes:apps/v1:Deployment", "p-web-deployment").dependencies).not.toContain(statefulSet.urn);
  });
});
