// Issue 14's tier features: each through the AppTier arguments (specs under mocks), the config schema and the Platform.
import { beforeAll, describe, expect, it } from "vitest";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Service } from "kubernetes-models/v1/Service";
import { AppTier, type AppTierArgs } from "../components/app-tier/app-tier";
import { ConfigError } from "../components/config/errors";
import { parsePlatformConfig } from "../components/config/parse";
import { parseEnvValue } from "../components/config/references";
import { Platform } from "../components/platform/platform";
import { parseSecretConfig, readPlatformSecrets } from "../components/platform/secrets";
import { configIssues } from "./config-issues";
import { argumentErrorOf, plainSecretLeaks, setupMocks, unwrapSecrets, valueOf, type MockEngine, type RecordedResource } from "./mocks";

export const T = {
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  service: "kubernetes:core/v1:Service",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  job: "kubernetes:batch/v1:Job",
  tier: "eks-search-platform:index:AppTier",
};

let engine: MockEngine;
beforeAll(async () => {
  engine = await setupMocks();
});

const base = (extra: Partial<AppTierArgs> = {}): AppTierArgs => ({ namespace: "search", image: "ghcr.io/example/app:1.0.0", ...extra });

async function build(name: string, args: AppTierArgs): Promise<AppTier> {
  const tier = new AppTier(name, args);
  await engine.settle();
  return tier;
}

const state = (r: RecordedResource | undefined): Record<string, any> => unwrapSecrets(r!.state) as Record<string, any>;
/** The recorded objects of one type that belong to the tier component `name`. */
function children(name: string, type: string): Record<string, any>[] {
  const parent = engine.get(T.tier, name).urn;
  return engine.byType(type).filter((r) => r.parent === parent).map(state);
}
const one = (name: string, type: string) => children(name, type)[0];

export { configIssues };

describe("stateful tiers: a StatefulSet, a headless Service and a claim per pod", () => {
  beforeAll(async () => {
    await build("db", base({ stateful: true, port: 3306, persistentVolumes: { data: { mountPath: "/var/lib/mysql", size: "8Gi", storageClassName: "fast" } }, autoscaling: { minReplicas: 1, maxReplicas: 2 }, resources: { requests: { cpu: "100m" } } }));
  });

  it("creates a StatefulSet (no Deployment) whose claims outlive scale-down and deletion", () => {
    expect(children("db", T.deployment)).toEqual([]);
    const sts = one("db", T.statefulSet);
    expect(() => new StatefulSet(sts as any).validate()).not.toThrow();
    expect(sts.spec.serviceName).toBe("db-headless");
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    expect(sts.spec.volumeClaimTemplates).toEqual([
      { metadata: { name: "data", labels: expect.objectContaining({ "app.kubernetes.io/component": "data" }) }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "fast", resources: { requests: { storage: "8Gi" } } } },
    ]);
    const container = sts.spec.template.spec.containers[0];
    expect(container.volumeMounts).toContainEqual({ name: "data", mountPath: "/var/lib/mysql" });
    // The claim template provides the volume; the pod spec must not declare it.
    expect(sts.spec.template.spec.volumes.map((v: { name: string }) => v.name)).not.toContain("data");
    // The HPA owns replicas, and scales the StatefulSet.
    expect(sts.spec.replicas).toBeUndefined();
    expect(one("db", T.hpa).spec.scaleTargetRef).toMatchObject({ kind: "StatefulSet", name: "db" });
  });

  it("adds a headless Service (pod DNS names, ready or not) beside the ClusterIP one", () => {
    const services = children("db", T.service);
    const headless = services.find((s) => s.metadata.name === "db-headless")!;
    expect(() => new Service(headless as any).validate()).not.toThrow();
    expect(headless.spec).toMatchObject({ clusterIP: "None", publishNotReadyAddresses: true, ports: [{ name: "http", port: 3306, targetPort: "http" }] });
    expect(services.map((s) => s.metadata.name).sort()).toEqual(["db", "db-headless"]);
  });

  it("refuses persistent volumes on a Deployment tier, bad sizes and clashing names or paths", () => {
    const error = argumentErrorOf(() => new AppTier("bad-pv", base({ sharedVolumes: { data: "/data" }, persistentVolumes: { data: { mountPath: "/data", size: "lots", accessMode: "Sometimes" as never } } })));
    expect(error.issues.map((i) => i.path).sort()).toEqual(["persistentVolumes", "persistentVolumes.data", "persistentVolumes.data.accessMode", "persistentVolumes.data.mountPath", "persistentVolumes.data.size"]);
    expect(error.message).toContain("need stateful: true");
  });

  it("is config too: stateful and persistentVolumes, validated", () => {
    const config = parsePlatformConfig({ target: "kubeconfig", apps: { tiers: { db: { image: "mariadb:11", stateful: true, persistentVolumes: { data: { mountPath: "/var/lib/mysql", size: "8Gi" } } } } } });
    expect(config.apps.tiers.db.persistentVolumes.data).toEqual({ mountPath: "/var/lib/mysql", size: "8Gi", accessMode: "ReadWriteOnce" });
    const issues = configIssues({ target: "kubeconfig", apps: { tiers: { db: { image: "mariadb:11", persistentVolumes: { data: { mountPath: "var", size: "x" } } } } } });
    expect(issues.map((i) => i.path).sort()).toEqual(["apps.tiers.db.persistentVolumes", "apps.tiers.db.persistentVolumes.data.mountPath", "apps.tiers.db.persistentVolumes.data.size"].sort());
  });
});

describe("Platform: stateful tiers get the platform's StorageClass and its protection", () => {
  it("fills the claim's class, waits for the class, and protects the StatefulSet with protect: true", async () => {
    const e = await setupMocks();
    const config = parsePlatformConfig({
      target: "kubeconfig",
      protect: true,
      storage: { provisioner: "rancher.io/local-path" },
      apps: { tiers: { db: { image: "mariadb:11", stateful: true, persistentVolumes: { data: { mountPath: "/var/lib/mysql", size: "8Gi" } } } } },
    });
    new Platform("p", config, {});
    await e.settle();
    const sts = e.get(T.statefulSet, "p-db-statefulset");
    expect((unwrapSecrets(sts.state) as any).spec.volumeClaimTemplates[0].spec.storageClassName).toBe("p-data");
    // The engine applies transforms to descendants, the mocks do not: the option on the component is what shows.
    // Two: protectStatefulResources and stableFieldManagers (every component applies the latter to itself).
    expect(e.get(T.tier, "p-db").options.transformCount).toBe(2);
    const storageClass = e.byType("kubernetes:storage.k8s.io/v1:StorageClass")[0];
    expect(sts.dependencies).toContain(storageClass.urn);
  });
});

describe("service ports distinct from container ports", () => {
  beforeAll(async () => {
    engine = await setupMocks();
    await build("web", base({ port: 8080, servicePort: 80, ports: [{ name: "docs", port: 8100, servicePort: 81 }, { name: "admin", port: 9000 }], expose: { type: "loadBalancer" } }));
  });

  it("puts the Service (and its load balancer) on the service ports, targeting the container ports by name", () => {
    const svc = children("web", T.service)[0];
    expect(() => new Service(svc as any).validate()).not.toThrow();
    expect(svc.spec.ports).toEqual([
      { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
      { name: "docs", port: 81, targetPort: "docs", protocol: "TCP" },
      { name: "admin", port: 9000, targetPort: "admin", protocol: "TCP" },
    ]);
    const container = one("web", T.deployment).spec.template.spec.containers[0];
    expect(container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort])).toEqual([["http", 8080], ["docs", 8100], ["admin", 9000]]);
    // Probes and the NetworkPolicy act on the pod, so they stay on the container ports.
    expect(container.readinessProbe.tcpSocket.port).toBe(8080);
    expect(one("web", "kubernetes:networking.k8s.io/v1:NetworkPolicy").spec.ingress[0].ports.map((p: { port: number }) => p.port)).toEqual([8080, 8100, 9000]);
  });

  it("gives the in-cluster URL on the service port; the headless Service of a stateful tier keeps the container ports", async () => {
    const db = await build("db81", base({ stateful: true, port: 3306, servicePort: 3307 }));
    expect(await valueOf(db.internalUrl)).toBe("http://db81.search.svc.cluster.local:3307");
    const services = children("db81", T.service);
    expect(services.find((s) => s.metadata.name === "db81")!.spec.ports[0]).toMatchObject({ port: 3307, targetPort: "http" });
    // Clients of a headless Service connect to the pods' own addresses: the container port.
    expect(services.find((s) => s.metadata.name === "db81-headless")!.spec.ports[0]).toMatchObject({ port: 3306, targetPort: "http" });
  });

  it("refuses a Service port used twice (by default a port's service port is its container port) and out-of-range numbers", () => {
    const error = argumentErrorOf(() => new AppTier("bad-sp", base({ port: 8080, servicePort: 80, ports: [{ name: "docs", port: 80 }, { name: "other", port: 8100, servicePort: 80 }, { name: "big", port: 9000, servicePort: 70000 }] })));
    expect(error.issues.map((i) => i.path).sort()).toEqual(["ports[0].port", "ports[1].servicePort", "ports[2].servicePort"]);
    expect(error.message).toContain("args.ports[0].port: is the Service port 80, which servicePort already is (a Service port must be unique) (got 80)");
    expect(error.message).toContain("args.ports[2].servicePort: must be an integer from 1 to 65535 (got 70000)");
  });

  it("is config too: servicePort on the tier and on each port, distinct", () => {
    const config = parsePlatformConfig({ target: "kubeconfig", apps: { tiers: { web: { image: "web:1", servicePort: 80, ports: [{ name: "docs", port: 8100, servicePort: 81 }] } } } });
    expect(config.apps.tiers.web.servicePort).toBe(80);
    expect(config.apps.tiers.web.ports).toEqual([{ name: "docs", port: 8100, servicePort: 81 }]);
    const issues = configIssues({ target: "kubeconfig", apps: { tiers: { web: { image: "web:1", servicePort: 80, ports: [{ name: "docs", port: 8100, servicePort: 80 }] } } } });
    expect(issues).toEqual([{ path: "apps.tiers.web.ports", message: expect.stringContaining("Service ports must be distinct") }]);
    expect(configIssues({ target: "kubeconfig", apps: { tiers: { web: { image: "web:1", servicePort: 0 } } } }).map((i) => i.path)).toEqual(["apps.tiers.web.servicePort"]);
  });
});

describe("Elasticsearch optional: elasticsearch.enabled: false", () => {
  const noEs = (tiers: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ target: "kubeconfig", elasticsearch: { enabled: false, vmMaxMapCount: "initContainer" }, apps: { tiers }, ...extra });

  it("creates none of Elasticsearch (component, objects, password), exports no URL, and the namespace stays restricted", async () => {
    const e = await setupMocks();
    const platform = new Platform("p", parsePlatformConfig(noEs({ web: { image: "web:1" } })), {});
    await e.settle();
    expect(platform.elasticsearch).toBeUndefined();
    expect(e.byType("eks-search-platform:index:Elasticsearch")).toEqual([]);
    expect(e.byType(T.statefulSet)).toEqual([]);
    expect(e.resources.filter((r) => r.name.includes("elastic")).map((r) => r.name)).toEqual([]);
    expect(await valueOf(platform.elasticsearchUrl)).toBeUndefined();
    expect(e.get(T.deployment, "p-web-deployment")).toBeDefined();
    // vmMaxMapCount initContainer would make it privileged, but no Elasticsearch pod runs.
    const ns = unwrapSecrets(e.byType("kubernetes:core/v1:Namespace")[0].state) as any;
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });

  it("refuses a tier that asks for Elasticsearch, in config and in a hand-built PlatformConfig (before anything registers)", async () => {
    expect(configIssues(noEs({ api: { image: "api:1", elasticsearch: true }, web: { image: "web:1" } }))).toEqual([
      { path: "apps.tiers.api.elasticsearch", message: "needs Elasticsearch, which elasticsearch.enabled: false turns off: remove it or enable Elasticsearch (got true)" },
    ]);
    const config = parsePlatformConfig({ target: "kubeconfig", apps: { tiers: { api: { image: "api:1", elasticsearch: true } } } });
    const e = await setupMocks();
    let error: unknown;
    try {
      new Platform("p", { ...config, elasticsearch: { ...config.elasticsearch, enabled: false } }, {});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(["apps.tiers.api.elasticsearch"]);
    await e.settle();
    expect(e.resources).toEqual([]);
  });

  it("needs no private ECR Elasticsearch image without NAT, and refuses an elasticPassword that would have no effect", () => {
    const ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    const aws = {
      target: "aws",
      network: { natGateways: "none" },
      cluster: { bootstrapCreatorAdmin: true, nodeGroups: [{ name: "general", instanceTypes: ["m6i.large"], minSize: 2, maxSize: 4 }] },
      elasticsearch: { enabled: false },
      apps: { tiers: { web: { image: `${ecr}/web:1` } } },
    };
    const config = parsePlatformConfig(aws);
    expect(config.elasticsearch.enabled).toBe(false);
    expect(configIssues({ ...aws, elasticsearch: {} }).map((i) => i.path)).toEqual(["elasticsearch.image"]);
    expect(() => parseSecretConfig({ elasticPassword: { value: "long-enough", secret: true } }, config)).toThrow(/elasticPassword: has no effect: elasticsearch.enabled is false/);
  });
});

describe("env values that reference what the platform knows", () => {
  it("parses references and $${ escapes, and names what a bad reference should be", () => {
    expect(parseEnvValue("mysql://${tiers.db.host}:${ tiers.db.port }/todo?x=$${HOME}")).toEqual({
      parts: ["mysql://", { kind: "tier", tier: "db", field: "host" }, ":", { kind: "tier", tier: "db", field: "port" }, "/todo?x=${HOME}"],
      problems: [],
    });
    expect(parseEnvValue("plain ${namespace}").parts).toEqual(["plain ", { kind: "namespace" }]);
    expect(parseEnvValue("${tiers.db.password} ${elasticsearch.user} ${db}").problems).toEqual([
      expect.stringMatching(/^\$\{tiers\.db\.password\} is not a reference: use \$\{tiers\.<tier>\.host\|port\|url\}/),
      expect.stringMatching(/^\$\{elasticsearch\.user\} is not a reference/),
      expect.stringMatching(/^\$\{db\} is not a reference/),
    ]);
  });

  it("resolves another tier's address (its Service name and port) and the namespace; injects Elasticsearch's host, port and scheme beside its URL", async () => {
    const e = await setupMocks();
    const platform = new Platform(
      "p",
      parsePlatformConfig({
        target: "kubeconfig",
        elasticsearch: { tls: true },
        apps: {
          namespace: "shop",
          tiers: {
            db: { image: "mariadb:11", port: 3306, servicePort: 3307 },
            app: {
              image: "app:1",
              elasticsearch: true,
              env: { DB_HOST: "${tiers.db.host}", DB_PORT: "${tiers.db.port}", DB_URL: "mysql://${tiers.db.host}:${tiers.db.port}/todo", NS: "${namespace}", LITERAL: "$${HOME}", SEARCH: "${elasticsearch.scheme}://${elasticsearch.host}" },
            },
          },
        },
      }),
      { elasticPassword: "elastic-pw" },
    );
    await e.settle();
    const env = Object.fromEntries((state(e.get(T.deployment, "p-app-deployment")).spec.template.spec.containers[0].env as { name: string; value?: string }[]).map((v) => [v.name, v.value]));
    const dbHost = await valueOf(platform.tiers.db.internalHost);
    expect(dbHost).toBe("db.shop.svc.cluster.local");
    expect(env).toMatchObject({ DB_HOST: dbHost, DB_PORT: "3307", DB_URL: "mysql://db.shop.svc.cluster.local:3307/todo", NS: "shop", LITERAL: "${HOME}" });
    const url = await valueOf(platform.elasticsearchUrl);
    expect(url).toMatch(/^https:\/\//);
    expect(env.ELASTICSEARCH_URL).toBe(url);
    expect(`${env.ELASTICSEARCH_SCHEME}://${env.ELASTICSEARCH_HOSTNAME}:${env.ELASTICSEARCH_PORT}`).toBe(url);
    expect(env).toMatchObject({ ELASTICSEARCH_SCHEME: "https", ELASTICSEARCH_PORT: "9200", SEARCH: `https://${env.ELASTICSEARCH_HOSTNAME}` });
    // The migrations Job would get the same env (envFor); here a tier without migrations: the db has none of it.
    expect(state(e.get(T.deployment, "p-db-deployment")).spec.template.spec.containers[0].env).toEqual([]);
  });

  it("refuses references to a missing tier, a tier without a Service, Elasticsearch from a non-client tier, and the platform's own Elasticsearch env", () => {
    const issues = configIssues({
      target: "kubeconfig",
      apps: {
        tiers: {
          worker: { image: "w:1", expose: { type: "none" } },
          api: { image: "api:1", elasticsearch: true, env: { ELASTICSEARCH_HOSTNAME: "es", A: "${tiers.nope.host}" } },
          web: { image: "web:1", env: { B: "${tiers.worker.url}", C: "${elasticsearch.url}", D: "${tiers.api.secret}" } },
        },
      },
    });
    expect(issues.map((i) => `${i.path}: ${i.message}`).sort()).toEqual([
      'apps.tiers.api.env.A: references tier nope, which does not exist (tiers: worker, api, web) (got "${tiers.nope.host}")',
      expect.stringMatching(/^apps\.tiers\.api\.env\.ELASTICSEARCH_HOSTNAME: is set by the platform for tiers with elasticsearch: true/),
      'apps.tiers.web.env.B: references tier worker, which has no Service (expose.type none) (got "${tiers.worker.url}")',
      'apps.tiers.web.env.C: references Elasticsearch, which needs elasticsearch: true on tier web (its NetworkPolicy admits only clients) (got "${elasticsearch.url}")',
      expect.stringMatching(/^apps\.tiers\.web\.env\.D: \$\{tiers\.api\.secret\} is not a reference/),
    ]);
  });
});

/** A fresh engine, settled, holding Platform "p" on target kubeconfig with these tiers and no Elasticsearch. */
async function platformWithoutElasticsearch(tiers: Record<string, unknown>): Promise<MockEngine> {
  const e = await setupMocks();
  new Platform("p", parsePlatformConfig({ target: "kubeconfig", elasticsearch: { enabled: false }, apps: { tiers } }), {});
  await e.settle();
  return e;
}

describe("generated secrets: names free of collisions", () => {
  it("generates one password per tier and key where the names once collided (todobackend DB_MYSQL_PASSWORD, todobackend-db MYSQL_PASSWORD)", async () => {
    const e = await platformWithoutElasticsearch({ todobackend: { image: "app:1", secretEnv: ["DB_MYSQL_PASSWORD"] }, "todobackend-db": { image: "db:1", secretEnv: ["MYSQL_PASSWORD"] } });
    const passwords = e.byType("random:index/randomPassword:RandomPassword");
    expect(passwords).toHaveLength(2);
    const secretOf = (tier: string) => e.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === `p-${tier}-secrets`)!;
    const app = (unwrapSecrets(secretOf("todobackend").inputs) as any).stringData.DB_MYSQL_PASSWORD;
    const db = (unwrapSecrets(secretOf("todobackend-db").inputs) as any).stringData.MYSQL_PASSWORD;
    expect(app).not.toBe(db);
    expect(passwords.map((p) => p.name).sort()).toEqual(["p/tiers/todobackend-db/MYSQL_PASSWORD", "p/tiers/todobackend/DB_MYSQL_PASSWORD"]);
    // The old names collided, so neither may claim the old resource by alias.
    expect(passwords.map((p) => p.options.aliasCount)).toEqual([0, 0]);
  });

  it("keeps a stack's generated passwords: the pre-issue-14 name is an alias where it was unique", async () => {
    const e = await setupMocks();
    new Platform("p", parsePlatformConfig({ target: "kubeconfig", apps: { tiers: { api: { image: "api:1", elasticsearch: true, secretEnv: ["SESSION_KEY"] } } } }), {});
    await e.settle();
    const session = e.get("random:index/randomPassword:RandomPassword", "p/tiers/api/SESSION_KEY");
    expect(session.options.aliases).toEqual([expect.objectContaining({ name: "p-api-session-key" })]);
    const esUser = e.get("random:index/randomPassword:RandomPassword", "p/tiers/api/ELASTICSEARCH_PASSWORD");
    expect(esUser.options.aliases).toEqual([expect.objectContaining({ name: "p-api-elasticsearch-password" })]);
  });

  it("refuses a tier named like another tier's derived object (<tier>-migrations, <tier>-headless)", () => {
    const issues = configIssues({
      target: "kubeconfig",
      apps: { tiers: { api: { image: "api:1", migrations: { command: ["migrate"] } }, "api-migrations": { image: "x:1" }, db: { image: "db:1", stateful: true }, "db-headless": { image: "y:1" } } },
    });
    expect(issues.map((i) => `${i.path}: ${i.message}`).sort()).toEqual([
      "apps.tiers.api-migrations: collides with an object of tier api (named api-migrations): rename one of the two tiers (got {\"image\":\"x:1\"})",
      "apps.tiers.db-headless: collides with an object of tier db (named db-headless): rename one of the two tiers (got {\"image\":\"y:1\"})",
    ]);
  });
});

describe("secrets shared between tiers", () => {
  const shared = {
    target: "kubeconfig",
    elasticsearch: { enabled: false },
    apps: {
      sharedSecrets: { db: { keys: ["MYSQL_PASSWORD"] } },
      tiers: {
        todobackend: { image: "app:1", sharedSecretEnv: { DB_MYSQL_PASSWORD: "db.MYSQL_PASSWORD" } },
        "todobackend-db": { image: "db:1", sharedSecretEnv: { MYSQL_PASSWORD: "db.MYSQL_PASSWORD" } },
      },
    },
  };
  const secretValue = (e: MockEngine, tier: string, key: string) =>
    (unwrapSecrets(e.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === `p-${tier}-secrets`)!.inputs) as any).stringData[key];

  it("generates one value, once, and gives it to every tier that names it (each by its own env name, via its own Secret)", async () => {
    const e = await setupMocks();
    new Platform("p", parsePlatformConfig(shared), {});
    await e.settle();
    const passwords = e.byType("random:index/randomPassword:RandomPassword");
    expect(passwords.map((p) => p.name)).toEqual(["p/sharedSecrets/db/MYSQL_PASSWORD"]);
    const app = secretValue(e, "todobackend", "DB_MYSQL_PASSWORD");
    expect(app).toBeTypeOf("string");
    expect(secretValue(e, "todobackend-db", "MYSQL_PASSWORD")).toBe(app);
    const env = state(e.get(T.deployment, "p-todobackend-deployment")).spec.template.spec.containers[0].env;
    expect(env).toEqual([{ name: "DB_MYSQL_PASSWORD", valueFrom: { secretKeyRef: { name: expect.stringMatching(/^todobackend-secrets-/), key: "DB_MYSQL_PASSWORD" } } }]);
  });

  it("takes a supplied value (sharedSecrets.<secret>.<KEY>, secret config only) for every tier, and it stays secret", async () => {
    const config = parsePlatformConfig(shared);
    const parsed = readPlatformSecrets(config, { sharedSecrets: { value: JSON.stringify({ db: { MYSQL_PASSWORD: "shared-db-pw-9f3" } }), secret: true } });
    const e = await setupMocks();
    new Platform("p", config, parsed);
    await e.settle();
    expect(e.byType("random:index/randomPassword:RandomPassword")).toEqual([]);
    expect(secretValue(e, "todobackend", "DB_MYSQL_PASSWORD")).toBe("shared-db-pw-9f3");
    expect(secretValue(e, "todobackend-db", "MYSQL_PASSWORD")).toBe("shared-db-pw-9f3");
    expect(plainSecretLeaks(e, "shared-db-pw-9f3")).toEqual([]);
  });

  it("refuses undeclared secrets and keys, a name another source already sets, and plain-text or undeclared values", () => {
    const issues = configIssues({
      ...shared,
      apps: {
        sharedSecrets: { db: { keys: ["MYSQL_PASSWORD"] } },
        tiers: { app: { image: "app:1", env: { A: "x" }, sharedSecretEnv: { A: "db.MYSQL_PASSWORD", B: "cache.TOKEN", C: "db.OTHER", D: "nodot" } } },
      },
    });
    expect(issues.map((i) => i.path + ": " + i.message.replace(/ \(got .*\)$/, "")).sort()).toEqual([
      "apps.tiers.app.sharedSecretEnv.A: sets A, which env already sets",
      "apps.tiers.app.sharedSecretEnv.B: names shared secret cache, which apps.sharedSecrets does not declare (declared: db)",
      "apps.tiers.app.sharedSecretEnv.C: names key OTHER of shared secret db, which declares MYSQL_PASSWORD",
      "apps.tiers.app.sharedSecretEnv.D: must name a shared secret's key: <secret>.<KEY>",
    ]);
    const config = parsePlatformConfig(shared);
    expect(() => parseSecretConfig({ sharedSecrets: { value: "{}", secret: false } }, config)).toThrow(/sharedSecrets: is stored in plain text/);
    expect(() => parseSecretConfig({ sharedSecrets: { value: JSON.stringify({ db: { NOPE: "x" }, other: { K: "v" } }), secret: true } }, config)).toThrow(
      /sharedSecrets\.db\.NOPE: is not a key of apps\.sharedSecrets\.db[\s\S]*sharedSecrets\.other: is not declared in apps\.sharedSecrets/,
    );
  });
});

describe("ordering between tiers: dependsOn", () => {
  it("makes the tier's migrations Job and workload wait for the other tier (declared after it or not)", async () => {
    const e = await platformWithoutElasticsearch({
      app: { image: "app:1", dependsOn: ["db"], migrations: { command: ["python3", "manage.py", "migrate"] } },
      db: { image: "db:1", stateful: true, persistentVolumes: { data: { mountPath: "/var/lib/mysql", size: "1Gi" } } },
    });
    // The SDK turns a dependency on a component into one on each of its resources: the StatefulSet among them.
    const dbStatefulSet = e.get(T.statefulSet, "p-db-statefulset");
    const job = e.byType(T.job).find((r) => r.parent === e.get(T.tier, "p-app").urn)!;
    expect(job.dependencies).toContain(dbStatefulSet.urn);
    expect(e.get(T.deployment, "p-app-deployment").dependencies).toEqual(expect.arrayContaining([dbStatefulSet.urn, job.urn]));
    // The database itself waits for no other tier.
    const appUrns = e.resources.filter((r) => r.parent === e.get(T.tier, "p-app").urn).map((r) => r.urn);
    expect(dbStatefulSet.dependencies.filter((d) => appUrns.includes(d))).toEqual([]);
  });

  it("refuses an unknown tier, the tier itself, and a cycle", () => {
    const issues = configIssues({
      target: "kubeconfig",
      apps: { tiers: { a: { image: "a:1", dependsOn: ["b", "nope"] }, b: { image: "b:1", dependsOn: ["c"] }, c: { image: "c:1", dependsOn: ["a", "c"] } } },
    });
    expect(issues.map((i) => `${i.path}: ${i.message.replace(/ \(got .*\)$/, "")}`).sort()).toEqual([
      "apps.tiers.a.dependsOn.1: is not a tier (tiers: a, b, c)",
      "apps.tiers.a.dependsOn: makes a cycle: a → b → c → a",
      "apps.tiers.c.dependsOn.1: is the tier itself",
    ]);
  });
});

describe("init containers with their own image, command, env, secrets, resources and volumes", () => {
  it("builds each init container from its own settings, inheriting the tier's only where asked", async () => {
    engine = await setupMocks();
    await build(
      "todo",
      base({
        env: { DJANGO_SETTINGS_MODULE: "todobackend.settings", SHARED: "tier" },
        secretEnv: ["DB_PASSWORD"],
        secrets: { DB_PASSWORD: "db-pw-1", STATIC_TOKEN: "tok-1" },
        sharedVolumes: { public: "/public", cache: "/cache" },
        initContainers: [
          { name: "collectstatic", command: ["python3", "manage.py", "collectstatic", "--no-input"], args: ["-v", "2"], env: { SHARED: "init" }, volumes: ["public"], resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } } },
          { name: "fetch", image: "busybox:1.36", command: ["wget"], inheritEnv: false, env: { URL: "http://x" }, secretEnv: ["STATIC_TOKEN"] },
        ],
      }),
    );
    const pod = one("todo", T.deployment).spec.template.spec;
    const [collect, fetch] = pod.initContainers;
    const envOf = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef.key]));
    expect(collect).toMatchObject({ image: "ghcr.io/example/app:1.0.0", command: ["python3", "manage.py", "collectstatic", "--no-input"], args: ["-v", "2"] });
    expect(envOf(collect)).toEqual({ DJANGO_SETTINGS_MODULE: "todobackend.settings", SHARED: "init", DB_PASSWORD: "DB_PASSWORD" });
    expect(collect.volumeMounts).toEqual([{ name: "public", mountPath: "/public" }]);
    expect(collect.resources).toEqual({ requests: { cpu: "50m", memory: "64Mi", "ephemeral-storage": "64Mi" }, limits: { memory: "128Mi", "ephemeral-storage": "1Gi" } });
    expect(fetch.image).toBe("busybox:1.36");
    expect(envOf(fetch)).toEqual({ URL: "http://x", STATIC_TOKEN: "STATIC_TOKEN" });
    // The tier's resources and every mount when not given; the main container never sees the init-only secret.
    expect(fetch.resources).toEqual(pod.containers[0].resources);
    expect(fetch.volumeMounts.map((m: any) => m.name)).toEqual(pod.containers[0].volumeMounts.map((m: any) => m.name));
    expect(pod.containers[0].env.map((e: any) => e.name)).not.toContain("STATIC_TOKEN");
  });

  it("refuses unknown volumes, bad env names, bad quantities and init secrets without a value", () => {
    const error = argumentErrorOf(
      () => new AppTier("bad-init", base({ initContainers: [{ name: "i", command: ["x"], volumes: ["nope"], env: { "bad-name": "x" }, secretEnv: ["TOKEN"], resources: { requests: { cpu: "lots" } } }] })),
    );
    expect(error.issues.map((i) => i.path).sort()).toEqual(["initContainers[0].env.bad-name", "initContainers[0].resources.requests.cpu", "initContainers[0].volumes[0]", "secrets.TOKEN"]);
  });

  it("is config too: own env (references resolved), secretEnv from appSecrets, resources, volumes", async () => {
    const config = parsePlatformConfig({
      target: "kubeconfig",
      elasticsearch: { enabled: false },
      apps: { tiers: { db: { image: "db:1" }, app: { image: "app:1", sharedVolumes: { public: "/public" }, initContainers: [{ name: "wait", command: ["wait-for"], inheritEnv: false, env: { DB: "${tiers.db.host}" }, secretEnv: ["TOKEN"], volumes: ["public"] }] } } },
    });
    const e = await setupMocks();
    new Platform("p", config, {});
    await e.settle();
    const init = state(e.get(T.deployment, "p-app-deployment")).spec.template.spec.initContainers[0];
    expect(init.env).toEqual([{ name: "DB", value: "db.search.svc.cluster.local" }, { name: "TOKEN", valueFrom: { secretKeyRef: { name: expect.stringMatching(/^app-secrets-/), key: "TOKEN" } } }]);
    expect(e.byType("random:index/randomPassword:RandomPassword").map((r) => r.name)).toEqual(["p/tiers/app/TOKEN"]);
    expect(configIssues({ target: "kubeconfig", apps: { tiers: { app: { image: "a:1", initContainers: [{ name: "i", command: ["x"], env: { A: "${tiers.nope.host}" } }] } } } }).map((i) => i.path)).toEqual(["apps.tiers.app.initContainers.0.env.A"]);
  });
});

describe("unknown AppTier arguments are errors", () => {
  it("names each unknown key, at the top level and nested, without showing its value", () => {
    const error = argumentErrorOf(
      () => new AppTier("typo", { ...base(), replica: 3, expose: { type: "loadBalancer", internal: true }, initContainers: [{ name: "i", command: ["x"], resource: {} }], ports: [{ name: "docs", port: 8100, svcPort: 81 }] } as unknown as AppTierArgs),
    );
    expect(error.issues.map((i) => i.path).sort()).toEqual(["expose.internal", "initContainers[0].resource", "ports[0].svcPort", "replica"]);
    expect(error.message).toContain("args.replica: is not an argument (allowed: name, image, port");
    expect(error.message).toContain("(got a value, not shown)");
  });
});

describe("pod placement and pulling: nodeSelector, priorityClassName, imagePullSecrets", () => {
  it("sets them on the tier's pods and the migrations Job's, validated, in config too", async () => {
    engine = await setupMocks();
    await build("placed", base({ nodeSelector: { "workload/type": "apps" }, priorityClassName: "apps-high", imagePullSecrets: ["regcred"], migrations: { command: ["migrate"] } }));
    for (const spec of [one("placed", T.deployment).spec.template.spec, one("placed", T.job).spec.template.spec]) {
      expect(spec).toMatchObject({ nodeSelector: { "workload/type": "apps" }, priorityClassName: "apps-high", imagePullSecrets: [{ name: "regcred" }] });
    }
    const error = argumentErrorOf(() => new AppTier("bad-place", base({ priorityClassName: "High!", imagePullSecrets: ["Reg Cred"] })));
    expect(error.issues.map((i) => i.path).sort()).toEqual(["imagePullSecrets[0]", "priorityClassName"]);
    const config = parsePlatformConfig({ target: "kubeconfig", apps: { tiers: { web: { image: "web:1", nodeSelector: { pool: "a" }, imagePullSecrets: ["regcred"] } } } });
    expect(config.apps.tiers.web).toMatchObject({ nodeSelector: { pool: "a" }, imagePullSecrets: ["regcred"] });
  });
});
