import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import { Secret } from "kubernetes-models/v1/Secret";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { AppTier, type AppTierArgs } from "../components/app-tier/app-tier";
import { setupMocks, valueOf, plainSecretLeaks, unwrapSecrets, isSecretWrapper, isSecretOutput, type MockEngine, type RecordedResource, argumentErrorOf } from "./mocks";

const T = {
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  secret: "kubernetes:core/v1:Secret",
  job: "kubernetes:batch/v1:Job",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  sa: "kubernetes:core/v1:ServiceAccount",
  policy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
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

/** The recorded object of one kind that belongs to the tier component `name`. */
function child(name: string, type: string): RecordedResource | undefined {
  const parent = engine.get(T.tier, name).urn;
  return engine.byType(type).find((r) => r.parent === parent);
}
const state = (r: RecordedResource | undefined): Record<string, any> => unwrapSecrets(r!.state) as Record<string, any>;
const podSpec = (name: string) => state(child(name, T.deployment)).spec.template.spec;

describe("AppTier: Deployment and secure pod defaults", () => {
  beforeAll(async () => {
    await build("secure", base({ port: 8000, ports: [{ name: "docs", port: 8100 }] }));
  });

  it("runs non-root, read-only, without capabilities or token, under seccomp RuntimeDefault", () => {
    const spec = podSpec("secure");
    const container = spec.containers[0];
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    // A read-only root filesystem still gets a writable /tmp, capped at the disk limit.
    expect(spec.volumes).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: "1Gi" } });
    expect(container.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
  });

  it("uses a dedicated ServiceAccount without a token", () => {
    const sa = state(child("secure", T.sa));
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(podSpec("secure").serviceAccountName).toBe(sa.metadata.name);
  });

  it("defaults to a TCP readiness probe on the port and no liveness copy of it, bounded resources and disk, and zero-downtime rollouts", () => {
    const d = state(child("secure", T.deployment));
    const c = d.spec.template.spec.containers[0];
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 8000 });
    expect(c).not.toHaveProperty("livenessProbe");
    expect(c.resources).toEqual({ requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" }, limits: { memory: "256Mi", "ephemeral-storage": "1Gi" } });
    expect(d.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } });
    expect(d.spec.replicas).toBe(1);
    expect(c.ports).toEqual([
      { name: "http", containerPort: 8000, protocol: "TCP" },
      { name: "docs", containerPort: 8100, protocol: "TCP" },
    ]);
  });

  it("creates no HPA, PDB, Secret, Job or Ingress it was not asked for, and no topology spread for one pod", () => {
    for (const type of [T.hpa, T.pdb, T.secret, T.job, T.ingress]) expect(child("secure", type), type).toBeUndefined();
    expect(podSpec("secure").topologySpreadConstraints).toBeUndefined();
  });

  it("renders objects that pass the Kubernetes OpenAPI schema", () => {
    expect(() => new Deployment(state(child("secure", T.deployment)) as any).validate()).not.toThrow();
    expect(() => new Service(state(child("secure", T.service)) as any).validate()).not.toThrow();
  });

  it("lets each secure default be turned off visibly", async () => {
    await build("relaxed", base({ security: { runAsNonRoot: false, runAsUser: 0, readOnlyRootFilesystem: false, dropAllCapabilities: false, seccompRuntimeDefault: false, automountServiceAccountToken: true } }));
    const spec = podSpec("relaxed");
    expect(spec.securityContext).toEqual({ runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, fsGroup: 0 });
    expect(spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, runAsNonRoot: false, runAsUser: 0, readOnlyRootFilesystem: false });
    expect(spec.automountServiceAccountToken).toBe(true);
    expect(spec.volumes).toEqual([]);
  });

  it("uses a given ServiceAccount instead of creating one", async () => {
    await build("own-sa", base({ serviceAccountName: "shared" }));
    expect(child("own-sa", T.sa)).toBeUndefined();
    expect(podSpec("own-sa").serviceAccountName).toBe("shared");
  });

  it("spreads pods over zones and hosts when more than one runs", async () => {
    await build("spread", base({ replicas: 3 }));
    const constraints = podSpec("spread").topologySpreadConstraints;
    expect(constraints.map((c: any) => c.topologyKey)).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
    const labels = state(child("spread", T.deployment)).spec.template.metadata.labels;
    for (const c of constraints) {
      expect(c.maxSkew).toBe(1);
      for (const [k, v] of Object.entries(c.labelSelector.matchLabels)) expect(labels[k]).toBe(v);
    }
  });
});

describe("AppTier: expose", () => {
  it("internal: a ClusterIP Service whose selector matches the pods, and the in-cluster URL", async () => {
    const tier = await build("internal", base({ name: "api", port: 8080, ports: [{ name: "docs", port: 8100 }] }));
    const svc = state(child("internal", T.service));
    const labels = state(child("internal", T.deployment)).spec.template.metadata.labels;
    expect(svc.metadata.name).toBe("api");
    expect(svc.spec.type).toBe("ClusterIP");
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(labels[k]).toBe(v);
    expect(svc.spec.ports).toEqual([
      { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
      { name: "docs", port: 8100, targetPort: "docs", protocol: "TCP" },
    ]);
    expect(await valueOf(tier.serviceName)).toBe("api");
    expect(await valueOf(tier.url)).toBe("http://api.search.svc.cluster.local:8080");
    expect(svc.metadata.annotations).toEqual({});
  });

  it("loadBalancer: an NLB through the AWS Load Balancer Controller, internet-facing, cross-zone, draining", async () => {
    const tier = await build("public", base({ expose: { type: "loadBalancer" } }));
    const svc = state(child("public", T.service));
    expect(svc.spec.type).toBe("LoadBalancer");
    expect(svc.metadata.annotations).toEqual({
      "service.beta.kubernetes.io/aws-load-balancer-type": "external",
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
      "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
      "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
      "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "deregistration_delay.timeout_seconds=60",
    });
    // The URL is the load balancer's hostname, not the in-cluster name.
    expect(await valueOf(tier.url)).toMatch(/^http:\/\/k8s-.*\.elb\.us-east-1\.amazonaws\.com:8080$/);
    expect(await valueOf(tier.internalUrl)).toBe("http://public.search.svc.cluster.local:8080");
  });

  it("loadBalancer: internal scheme on request, and user annotations win", async () => {
    await build("private-lb", base({ expose: { type: "loadBalancer", internalLoadBalancer: true, annotations: { "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=false" } } }));
    const annotations = state(child("private-lb", T.service)).metadata.annotations;
    expect(annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internal");
    expect(annotations["service.beta.kubernetes.io/aws-load-balancer-attributes"]).toBe("load_balancing.cross_zone.enabled=false");
  });

  it("ingress: networking.k8s.io/v1 with class, host, path, TLS and ALB annotations, in front of a ClusterIP Service", async () => {
    const tier = await build(
      "web-in",
      base({ name: "web", probes: { readiness: { path: "/healthz" } }, expose: { type: "ingress", host: "www.example.com", path: "/app", tlsSecretName: "www-tls" } }),
    );
    const svc = state(child("web-in", T.service));
    const ing = child("web-in", T.ingress)!;
    const ingress = state(ing);
    expect(ing.type).toBe(T.ingress);
    expect(svc.spec.type).toBe("ClusterIP");
    expect(ingress.spec).toEqual({
      ingressClassName: "alb",
      rules: [{ host: "www.example.com", http: { paths: [{ path: "/app", pathType: "Prefix", backend: { service: { name: "web", port: { name: "http" } } } }] } }],
      tls: [{ hosts: ["www.example.com"], secretName: "www-tls" }],
    });
    expect(ingress.metadata.annotations).toMatchObject({
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/target-type": "ip",
      "alb.ingress.kubernetes.io/healthcheck-path": "/healthz",
      "alb.ingress.kubernetes.io/ssl-redirect": "443",
    });
    expect(() => new Ingress(ingress as any).validate()).not.toThrow();
    expect(await valueOf(tier.url)).toBe("https://www.example.com/app");
  });

  it("ingress: no ALB annotations for another class, and the load balancer's hostname without a host", async () => {
    const tier = await build("nginx-in", base({ expose: { type: "ingress", ingressClassName: "nginx" } }));
    const ingress = state(child("nginx-in", T.ingress));
    expect(ingress.metadata.annotations).toEqual({});
    expect(ingress.spec.rules[0].host).toBeUndefined();
    expect(await valueOf(tier.url)).toMatch(/^http:\/\/k8s-.*\.elb\.amazonaws\.com$/);
  });

  it("none: no Service and no URL", async () => {
    const tier = await build("worker", base({ expose: { type: "none" } }));
    expect(child("worker", T.service)).toBeUndefined();
    expect(await valueOf(tier.serviceName)).toBeUndefined();
    expect(await valueOf(tier.url)).toBeUndefined();
  });
});

describe("AppTier: scaling and disruption", () => {
  it("an HPA (autoscaling/v2) on CPU owns the replica count: the Deployment leaves spec.replicas out", async () => {
    await build("scaled", base({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 8, targetCpuUtilization: 60 } }));
    const hpa = state(child("scaled", T.hpa));
    const deployment = state(child("scaled", T.deployment));
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
      minReplicas: 2,
      maxReplicas: 8,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } }],
    });
    expect(deployment.spec).not.toHaveProperty("replicas");
    // Nothing is ignored either: without an HPA a hand-made scale must show as drift.
    expect(child("scaled", T.deployment)!.options.ignoreChanges).toEqual([]);
    expect(() => new HorizontalPodAutoscaler(hpa as any).validate()).not.toThrow();
  });

  it("a default PDB (maxUnavailable 1) when the HPA minimum is above one", () => {
    const pdb = state(child("scaled", T.pdb));
    expect(pdb.spec).toEqual({ selector: { matchLabels: state(child("scaled", T.deployment)).spec.selector.matchLabels }, maxUnavailable: 1 });
    expect(() => new PodDisruptionBudget(pdb as any).validate()).not.toThrow();
  });

  it("a default PDB for replicas > 1, none for one replica, and the user's budget as given", async () => {
    await build("two", base({ replicas: 2 }));
    await build("one-with-budget", base({ replicas: 1, disruptionBudget: { minAvailable: "50%" } }));
    expect(state(child("two", T.pdb)).spec.maxUnavailable).toBe(1);
    expect(child("secure", T.pdb)).toBeUndefined();
    expect(state(child("one-with-budget", T.pdb)).spec).toMatchObject({ minAvailable: "50%" });
    expect(state(child("one-with-budget", T.pdb)).spec).not.toHaveProperty("maxUnavailable");
  });
});

describe("AppTier: migrations and init containers", () => {
  beforeAll(async () => {
    await build("mig-a", base({ name: "api", image: "ghcr.io/example/api:1.0.0", migrations: { command: ["node", "migrate.js"] } }));
    await build("mig-b", base({ name: "api", image: "ghcr.io/example/api:1.1.0", migrations: { command: ["node", "migrate.js"] } }));
    const withSecret = (value: string) => base({ name: "api", image: "ghcr.io/example/api:1.0.0", migrations: { command: ["node", "migrate.js"] }, secretEnv: ["K"], secrets: { K: value } });
    await build("mig-secret-1", withSecret("first-value"));
    await build("mig-secret-2", withSecret("second-value"));
  });

  it("runs migrations as a Job: never restarted in place, bounded retries, no TTL", () => {
    const job = state(child("mig-a", T.job));
    expect(job.spec.backoffLimit).toBe(4);
    expect(job.spec).not.toHaveProperty("ttlSecondsAfterFinished");
    expect(job.spec.template.spec.restartPolicy).toBe("Never");
    expect(job.spec.template.spec.containers[0]).toMatchObject({ image: "ghcr.io/example/api:1.0.0", command: ["node", "migrate.js"] });
    expect(job.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(() => new Job(job as any).validate()).not.toThrow();
  });

  it("names the Job after the image, so each release runs it once", () => {
    const a = state(child("mig-a", T.job)).metadata.name;
    const b = state(child("mig-b", T.job)).metadata.name;
    expect(a).toMatch(/^api-migrate-[0-9a-f]{8}$/);
    expect(b).toMatch(/^api-migrate-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(child("mig-a", T.job)!.options.deleteBeforeReplace).toBe(false);
  });

  it("names the Job after its whole template, so a rotated Secret is a new Job rather than a same-name replacement", () => {
    // A Job's template is immutable: a changed template under the same name needs a replacement, which a real
    // API server refused with a server-side apply conflict (found by the e2e test, issue 8).
    const one = state(child("mig-secret-1", T.job));
    const two = state(child("mig-secret-2", T.job));
    expect(one.spec.template.spec.containers[0].env).not.toEqual(two.spec.template.spec.containers[0].env);
    expect(one.metadata.name).not.toBe(two.metadata.name);
    expect(one.metadata.name).toMatch(/^api-migrate-[0-9a-f]{8}$/);
  });

  it("makes the Deployment depend on the Job, so pods roll only after it succeeded", () => {
    const deployment = child("mig-a", T.deployment)!;
    expect(deployment.dependencies).toContain(child("mig-a", T.job)!.urn);
  });

  it("keeps the Job's pods out of the Service", () => {
    const selector = state(child("mig-a", T.service)).spec.selector;
    const jobLabels = state(child("mig-a", T.job)).spec.template.metadata.labels;
    expect(Object.entries(selector).every(([k, v]) => jobLabels[k] === v)).toBe(false);
  });

  it("runs init containers with the tier's image by default, sharing emptyDir volumes with the app", async () => {
    await build(
      "static",
      base({
        image: "ghcr.io/example/todo:2.0.0",
        initContainers: [{ name: "collectstatic", command: ["python3", "manage.py", "collectstatic", "--no-input"] }, { name: "warm", image: "busybox:1.36", command: ["true"] }],
        sharedVolumes: { public: "/var/www/public" },
        security: { runAsUser: 1000 },
      }),
    );
    const spec = podSpec("static");
    expect(spec.initContainers.map((c: any) => [c.name, c.image])).toEqual([
      ["collectstatic", "ghcr.io/example/todo:2.0.0"],
      ["warm", "busybox:1.36"],
    ]);
    expect(spec.volumes).toContainEqual({ name: "public", emptyDir: { sizeLimit: "1Gi" } });
    for (const c of spec.initContainers) expect(c.resources.limits["ephemeral-storage"]).toBe("1Gi");
    for (const c of [...spec.initContainers, ...spec.containers]) expect(c.volumeMounts).toContainEqual({ name: "public", mountPath: "/var/www/public" });
    expect(spec.securityContext.fsGroup).toBe(1000);
    expect(spec.initContainers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });
});

describe("AppTier: secrets", () => {
  const SESSION = "sess-7f3a-very-secret";
  const DB = "db-pass-91c2-secret";
  let tier: AppTier;
  beforeAll(async () => {
    tier = await build(
      "secret-tier",
      base({
        name: "api",
        secretEnv: ["SESSION_KEY"],
        secretFiles: { keys: ["db-password"] },
        secrets: { SESSION_KEY: SESSION, "db-password": pulumi.secret(DB) },
        migrations: { command: ["migrate"] },
      }),
    );
  });

  it("puts every value into one immutable Secret, and nowhere else in plain text", () => {
    const secrets = engine.byType(T.secret).filter((r) => r.parent === engine.get(T.tier, "secret-tier").urn);
    expect(secrets).toHaveLength(1);
    const secret = state(secrets[0]);
    expect(secret.immutable).toBe(true);
    expect(secret.stringData).toEqual({ SESSION_KEY: SESSION, "db-password": DB });
    // Both values are wrapped as secrets in the recorded inputs (a plain value would have leaked into state).
    expect(isSecretWrapper(secrets[0].inputs.stringData) || Object.values(secrets[0].inputs.stringData as object).every(isSecretWrapper)).toBe(true);
    expect(plainSecretLeaks(engine, SESSION)).toEqual([]);
    expect(plainSecretLeaks(engine, DB)).toEqual([]);
    expect(secrets[0].options.deleteBeforeReplace).toBe(false);
    expect(() => new Secret(secret as any).validate()).not.toThrow();
  });

  it("names the Secret by a salted hash of its content that reveals no value", () => {
    const name: string = state(child("secret-tier", T.secret)).metadata.name;
    expect(name).toMatch(/^api-secrets-[0-9a-f]{10}$/);
    expect(name).not.toContain(SESSION.slice(0, 6));
  });

  it("references secretEnv keys with secretKeyRef and mounts secretFiles read-only with an items allow-list", () => {
    const name = state(child("secret-tier", T.secret)).metadata.name;
    const spec = podSpec("secret-tier");
    const container = spec.containers[0];
    expect(container.env).toContainEqual({ name: "SESSION_KEY", valueFrom: { secretKeyRef: { name, key: "SESSION_KEY" } } });
    expect(spec.volumes).toContainEqual({ name: "secrets", secret: { secretName: name, items: [{ key: "db-password", path: "db-password" }] } });
    expect(container.volumeMounts).toContainEqual({ name: "secrets", mountPath: "/tmp/secrets", readOnly: true });
    // The migrations Job gets the same secrets.
    const job = state(child("secret-tier", T.job)).spec.template.spec;
    expect(job.containers[0].env).toContainEqual({ name: "SESSION_KEY", valueFrom: { secretKeyRef: { name, key: "SESSION_KEY" } } });
  });

  it("puts no secret value in any annotation or label", () => {
    for (const r of engine.resources) {
      const s = unwrapSecrets(r.state) as any;
      const text = JSON.stringify([s.metadata?.annotations, s.metadata?.labels, s.spec?.template?.metadata]);
      expect(text).not.toContain(SESSION);
      expect(text).not.toContain(DB);
    }
  });

  it("gives the Secret a new name when a value changes (a rotation rolls the pods), the same name for the same content", async () => {
    await build("rotated", base({ name: "api", secretEnv: ["SESSION_KEY"], secretFiles: { keys: ["db-password"] }, secrets: { SESSION_KEY: "rotated-value", "db-password": DB } }));
    await build("same", base({ name: "api", secretEnv: ["SESSION_KEY"], secretFiles: { keys: ["db-password"] }, secrets: { SESSION_KEY: SESSION, "db-password": DB } }));
    const original = state(child("secret-tier", T.secret)).metadata.name;
    const rotated = state(child("rotated", T.secret)).metadata.name;
    expect(rotated).not.toBe(original);
    expect(state(child("same", T.secret)).metadata.name).toBe(original);
    // The pod template refers to the new name, so the Deployment rolls.
    expect(JSON.stringify(podSpec("rotated"))).toContain(rotated);
  });

  it("keeps the pod template readable in diffs: the hashed name is not a secret, so the Deployment spec is not either", async () => {
    expect(await isSecretOutput(tier.secret!.metadata.name)).toBe(false);
    expect(isSecretWrapper(child("secret-tier", T.deployment)!.inputs.spec)).toBe(false);
    expect(isSecretWrapper(child("secret-tier", T.job)!.inputs.spec)).toBe(false);
    expect(await isSecretOutput(tier.url as pulumi.Output<unknown>)).toBe(false);
  });

  it("mounts external secrets and env refs given by the caller (e.g. Elasticsearch credentials)", async () => {
    await build(
      "es-client",
      base({
        env: { ELASTICSEARCH_URL: pulumi.output("https://es:9200") },
        secretEnvRefs: { ELASTICSEARCH_PASSWORD: { secretName: "es-user-api", key: "password" } },
        secretVolumes: [{ name: "es-ca", secretName: "es-ca", mountPath: "/etc/es-ca", items: [{ key: "ca.crt", path: "ca.crt" }] }],
        podLabels: { "elasticsearch-client": "true" },
      }),
    );
    const d = state(child("es-client", T.deployment));
    const c = d.spec.template.spec.containers[0];
    expect(c.env).toEqual([
      { name: "ELASTICSEARCH_URL", value: "https://es:9200" },
      { name: "ELASTICSEARCH_PASSWORD", valueFrom: { secretKeyRef: { name: "es-user-api", key: "password" } } },
    ]);
    expect(c.volumeMounts).toContainEqual({ name: "es-ca", mountPath: "/etc/es-ca", readOnly: true });
    expect(d.spec.template.metadata.labels["elasticsearch-client"]).toBe("true");
    expect(d.spec.selector.matchLabels).not.toHaveProperty("elasticsearch-client");
  });
});

describe("AppTier: NetworkPolicy", () => {
  const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
  const podLabels = (name: string, type: string) => state(child(name, type)).spec.template.metadata.labels;
  const policies = (name: string) => engine.byType(T.policy).filter((r) => r.parent === engine.get(T.tier, name).urn).map((r) => state(r));

  beforeAll(async () => {
    await build("np-internal", base({ name: "search-api", port: 8080, ports: [{ name: "docs", port: 8100 }], migrations: { command: ["migrate"] } }));
    await build("np-lb", base({ name: "web", port: 3000, expose: { type: "loadBalancer" } }));
    await build("np-ingress", base({ name: "front", expose: { type: "ingress", host: "front.example.com" } }));
  });

  it("admits the tier's pods only on its ports, from pods of the namespace for an internal tier, and leaves egress open by default", () => {
    const [policy] = policies("np-internal").filter((p) => p.metadata.name === "search-api");
    expect(matches(policy.spec.podSelector.matchLabels, podLabels("np-internal", T.deployment))).toBe(true);
    expect(matches(policy.spec.podSelector.matchLabels, podLabels("np-internal", T.job))).toBe(false);
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ podSelector: {} }],
        ports: [
          { port: 8080, protocol: "TCP" },
          { port: 8100, protocol: "TCP" },
        ],
      },
    ]);
    expect(policy.spec.egress).toEqual([{}]);
    expect(() => new NetworkPolicy(policy as any).validate()).not.toThrow();
  });

  it("admits any source on the ports of a tier behind a load balancer (IP targets see the load balancer's VPC addresses)", () => {
    for (const [name, port] of [
      ["np-lb", 3000],
      ["np-ingress", 8080],
    ] as const) {
      const [policy] = policies(name);
      expect(policy.spec.ingress, name).toEqual([{ ports: [{ port, protocol: "TCP" }] }]);
    }
  });

  it("gives the migrations Job's pods their own policy: no ingress at all, the tier's egress", () => {
    const [policy] = policies("np-internal").filter((p) => p.metadata.name === "search-api-migrations");
    expect(matches(policy.spec.podSelector.matchLabels, podLabels("np-internal", T.job))).toBe(true);
    expect(matches(policy.spec.podSelector.matchLabels, podLabels("np-internal", T.deployment))).toBe(false);
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec).not.toHaveProperty("ingress");
    expect(policy.spec.egress).toEqual([{}]);
    expect(() => new NetworkPolicy(policy as any).validate()).not.toThrow();
  });

  it("limits egress to the cluster DNS and the namespace without allowExternalEgress, for the pods and the Job alike", async () => {
    await build("np-closed", base({ name: "closed", migrations: { command: ["m"] }, networkPolicy: { allowExternalEgress: false } }));
    const all = policies("np-closed");
    expect(all).toHaveLength(2);
    for (const policy of all) {
      expect(policy.spec.egress).toEqual([
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
          ports: [
            { port: 53, protocol: "UDP" },
            { port: 53, protocol: "TCP" },
          ],
        },
        { to: [{ podSelector: {} }] },
      ]);
    }
  });

  it("creates none when switched off", async () => {
    const tier = await build("np-off", base({ migrations: { command: ["m"] }, networkPolicy: { enabled: false } }));
    expect(policies("np-off")).toEqual([]);
    expect(tier.networkPolicy).toBeUndefined();
  });
});

describe("AppTier: probes and disk", () => {
  it("renders a configured liveness probe, HTTP readiness for a path, and the probes differ", async () => {
    await build("probed", base({ probes: { readiness: { path: "/ready" }, liveness: { path: "/live", failureThreshold: 6 } } }));
    const c = podSpec("probed").containers[0];
    expect(c.readinessProbe.httpGet).toEqual({ path: "/ready", port: 8080 });
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: "/live", port: 8080 }, failureThreshold: 6, periodSeconds: 10 });
  });

  it("takes the disk request and limit from resources, keeps the CPU/memory the user gave, and caps every emptyDir at the limit", async () => {
    await build("disk", base({ resources: { requests: { cpu: "1", ephemeralStorage: "1Gi" }, limits: { ephemeralStorage: "8Gi" } }, sharedVolumes: { cache: "/cache" } }));
    const spec = podSpec("disk");
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: "1", "ephemeral-storage": "1Gi" }, limits: { "ephemeral-storage": "8Gi" } });
    for (const v of spec.volumes) expect(v.emptyDir, v.name).toEqual({ sizeLimit: "8Gi" });
  });

  it("gives the migrations Job's container the tier's resources, disk included", async () => {
    await build("mig-disk", base({ migrations: { command: ["m"] } }));
    const job = state(child("mig-disk", T.job));
    expect(job.spec.template.spec.containers[0].resources.limits["ephemeral-storage"]).toBe("1Gi");
    expect(job.spec.template.spec.volumes).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: "1Gi" } });
  });

  it("rejects a bad disk quantity and a disk request above its limit in one error", () => {
    const error = argumentErrorOf(() => new AppTier("bad-disk", base({ resources: { requests: { ephemeralStorage: "lots" }, limits: { ephemeralStorage: "1Gi" } } })));
    expect(error.issues.map((i) => i.path)).toEqual(["resources.requests.ephemeralStorage"]);
    expect(() => new AppTier("big-disk", base({ resources: { requests: { ephemeralStorage: "2Gi" } } }))).toThrow(/resources.requests.ephemeralStorage.*≤ resources.limits.ephemeralStorage \(1Gi\)/s);
  });
});

describe("AppTier: ordering", () => {
  it("forwards its own dependsOn to every object it creates (a component's dependsOn does not reach children)", async () => {
    const k8s = await import("@pulumi/kubernetes");
    const before = new k8s.core.v1.ConfigMap("prerequisite", { data: { a: "b" } });
    new AppTier("ordered", base({ migrations: { command: ["m"] }, secretEnv: ["K"], secrets: { K: "v" }, expose: { type: "ingress" }, autoscaling: { minReplicas: 2, maxReplicas: 3 }, resources: { requests: { cpu: "100m" } } }), { dependsOn: [before] });
    await engine.settle();
    const urn = engine.get("kubernetes:core/v1:ConfigMap", "prerequisite").urn;
    const children = engine.childrenOf(engine.get(T.tier, "ordered").urn);
    expect(children.map((c) => c.type).sort()).toEqual([T.deployment, T.hpa, T.ingress, T.job, T.pdb, T.secret, T.service, T.sa, T.policy, T.policy].sort());
    for (const c of children) expect(c.dependencies, c.type).toContain(urn);
  });
});

describe("AppTier: invalid arguments", () => {
  it("throws one ArgumentError listing every problem, before registering anything", () => {
    const before = engine.resources.length;
    const error = argumentErrorOf(() => {
      new AppTier(
        "Bad_Name",
        base({
          port: 70000,
          ports: [{ name: "http", port: 8100 }],
          secretEnv: ["SESSION_KEY", "bad-env"],
          secrets: { UNDECLARED: "x" },
          autoscaling: { minReplicas: 4, maxReplicas: 2 },
          resources: { requests: { memory: "1Gi" }, limits: { memory: "512Mi" } },
          strategy: { maxUnavailable: 0, maxSurge: 0 },
          disruptionBudget: { minAvailable: 1, maxUnavailable: 1 },
          expose: { type: "internal", host: "api.example.com" },
          env: { SESSION_KEY: "clash" },
          probes: { readiness: { path: "/x", command: ["true"] } },
        }),
      );
    });
    const paths = error.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "(resource name)",
        "port",
        "ports[0].name",
        "secretEnv[0]",
        "secretEnv[1]",
        "secrets.SESSION_KEY",
        "secrets.UNDECLARED",
        "autoscaling.maxReplicas",
        "resources.requests.cpu",
        "resources.requests.memory",
        "strategy",
        "disruptionBudget",
        "expose.host",
        "probes.readiness",
      ]),
    );
    expect((error as Error).message).toContain('Invalid arguments for AppTier "Bad_Name"');
    // The undeclared secret's value is never echoed.
    expect((error as Error).message).not.toContain('"x"');
    expect(engine.resources.length).toBe(before);
  });
});
