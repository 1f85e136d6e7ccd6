import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { componentType, dnsLabel } from "../shared/naming";
import { type AppTierSpecArgs } from "./args";
import {
  headlessServiceName,
  inClusterHost,
  inClusterUrl,
  migrationJobName,
  migrationLabels,
  secretObjectName,
  tierLabels,
} from "./names";
import { ingressAnnotations, ingressSpecFor, ingressUrls } from "./ingress";
import { migrationNetworkPolicySpecFor, tierNetworkPolicySpecFor } from "./network-policy";
import { type TierSecretRef } from "./pod";
import { type ElasticsearchClientArgs, withElasticsearchClient } from "./elasticsearch-client";
import { resolveTier } from "./resolve";
import { validateTierArgs } from "./validate";
import {
  deploymentSpecFor,
  headlessServiceSpecFor,
  hpaSpecFor,
  jobSpecFor,
  loadBalancerAnnotations,
  pdbSpecFor,
  serviceSpecFor,
  statefulSetSpecFor,
} from "./workloads";
import { withStableFieldManagers } from "../shared/field-manager";

/** Arguments of {@link AppTier}: the tier's config (see `TierConfigSchema`) plus where and with what secrets it runs. */
export interface AppTierArgs extends AppTierSpecArgs {
  /** Namespace of every object of the tier. */
  namespace: pulumi.Input<string>;
  /** Values of the keys named in `secretEnv` and `secretFiles.keys`; each is wrapped with `pulumi.secret`. @default {} */
  secrets?: Record<string, pulumi.Input<string>>;
  /**
   * An Elasticsearch cluster the tier uses as one of its users, e.g. `search.clientFor("api")`: the tier gets
   * `ELASTICSEARCH_URL` (and `_HOSTNAME`, `_PORT`, `_SCHEME`), `_USERNAME`, `_PASSWORD` from the user's Secret,
   * with HTTPS the CA at `/etc/elasticsearch-ca/ca.crt` (`ELASTICSEARCH_CA_CERT`), the client label its
   * NetworkPolicy admits, pods that roll when the password or CA changes, and objects created after the cluster
   * (with `clientFor(user, { startWithCluster: true })`, after only the objects its pods reference).
   * @default - none
   */
  elasticsearch?: ElasticsearchClientArgs;
}

/**
 * One application tier: a Deployment (or, for a `stateful` tier, a StatefulSet with a headless Service and
 * per-pod claims) with secure pod defaults, its ServiceAccount, a Service, and as asked
 * an NLB or Ingress, an HPA, a PDB, a migrations Job that gates the rollout, and one immutable,
 * content-addressed Secret for its secret env and files.
 */
export class AppTier extends pulumi.ComponentResource {
  /** The Service's name (the tier's name); undefined for `expose.type: none`. */
  readonly serviceName: pulumi.Output<string | undefined>;
  /** The external URL when exposed through a load balancer or Ingress, else the in-cluster URL; undefined for `none`. */
  readonly url: pulumi.Output<string | undefined>;
  /** The external URL of each Ingress rule, in the order of `expose.rules` (the first is `url`); [] without an Ingress. */
  readonly urls: pulumi.Output<string[]>;
  /** The in-cluster URL, `http://<service>.<namespace>.svc.cluster.local:<servicePort>`; undefined for `none`. */
  readonly internalUrl: pulumi.Output<string | undefined>;
  /** The Service's in-cluster DNS name, `<service>.<namespace>.svc.cluster.local`; undefined for `none`. */
  readonly internalHost: pulumi.Output<string | undefined>;
  /** The Service port of the main port (`servicePort`, else `port`), e.g. for a client's `DB_PORT`. */
  readonly servicePort: number;
  /** The Deployment; undefined for a `stateful` tier (see `statefulSet`). */
  readonly deployment?: k8s.apps.v1.Deployment;
  /** The StatefulSet of a `stateful` tier. */
  readonly statefulSet?: k8s.apps.v1.StatefulSet;
  /** The headless Service of a `stateful` tier (stable pod DNS names). */
  readonly headlessService?: k8s.core.v1.Service;
  readonly serviceAccount?: k8s.core.v1.ServiceAccount;
  readonly service?: k8s.core.v1.Service;
  readonly ingress?: k8s.networking.v1.Ingress;
  readonly secret?: k8s.core.v1.Secret;
  readonly migrationJob?: k8s.batch.v1.Job;
  readonly autoscaler?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
  readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
  /** Ingress on the tier's ports, egress as `networkPolicy` asks; absent when `networkPolicy.enabled` is false. */
  readonly networkPolicy?: k8s.networking.v1.NetworkPolicy;
  /** The migrations Job's pods: no ingress, the tier's egress. */
  readonly migrationNetworkPolicy?: k8s.networking.v1.NetworkPolicy;

  constructor(name: string, args: AppTierArgs, opts?: pulumi.ComponentResourceOptions) {
    const secretValues = args.secrets ?? {};
    validateTierArgs(name, args, Object.keys(secretValues));
    // The tier comes after its Elasticsearch (its users exist, it answers), as if the caller had said so.
    const given = opts?.dependsOn;
    const inheritedDeps: pulumi.Input<pulumi.Resource>[] = given === undefined ? [] : Array.isArray(given) ? [...given] : [given as pulumi.Input<pulumi.Resource>];
    const esDeps = args.elasticsearch?.dependsOn;
    if (esDeps !== undefined) inheritedDeps.push(...(Array.isArray(esDeps) ? esDeps : [esDeps]));
    super(componentType("AppTier"), name, {}, withStableFieldManagers({ ...opts, dependsOn: inheritedDeps }));
    const tier = resolveTier(name, withElasticsearchClient(args));
    const namespace = args.namespace;
    // A component's dependsOn does not reach its children; forward it (inheritedDeps), so "after X" holds for every object.
    const child = (...extra: pulumi.Resource[]): pulumi.CustomResourceOptions => ({ parent: this, dependsOn: [...inheritedDeps, ...extra] });
    // The user's labels and annotations go on every object; the platform's labels win (validation refuses their keys).
    const objectAnnotations = Object.keys(tier.annotations).length > 0 ? { annotations: tier.annotations } : {};
    const labelled = (labels: Record<string, string>) => ({ labels: { ...tier.labels, ...labels }, ...objectAnnotations });
    const metadata = (component?: string) => ({ name: tier.name, namespace, ...labelled(tierLabels(tier, component)) });

    if (tier.createServiceAccount) {
      this.serviceAccount = new k8s.core.v1.ServiceAccount(
        `${name}-sa`,
        { metadata: metadata(), automountServiceAccountToken: tier.security.automountServiceAccountToken },
        child(),
      );
    }
    const serviceAccountName = this.serviceAccount ? this.serviceAccount.metadata.name : tier.serviceAccountName;

    if (tier.networkPolicy.enabled) {
      this.networkPolicy = new k8s.networking.v1.NetworkPolicy(`${name}-network-policy`, { metadata: metadata(), spec: tierNetworkPolicySpecFor(tier) }, child());
      if (tier.migrations) {
        this.migrationNetworkPolicy = new k8s.networking.v1.NetworkPolicy(
          `${name}-migrations-network-policy`,
          { metadata: { name: dnsLabel(tier.name, "migrations"), namespace, ...labelled(migrationLabels(tier)) }, spec: migrationNetworkPolicySpecFor(tier) },
          child(),
        );
      }
    }

    let tierSecret: TierSecretRef | undefined;
    const keys = Object.keys(secretValues).sort();
    if (keys.length > 0) {
      const stringData = Object.fromEntries(keys.map((k) => [k, pulumi.secret(secretValues[k])]));
      // Content-addressed: a new value is a new Secret, so the pod template changes and the pods roll.
      // The name carries only a truncated salted hash, so it is unsecreted: left secret, Pulumi would mark
      // the whole Deployment and Job `spec` secret and every preview diff of them would read [secret].
      const secretName = pulumi.unsecret(pulumi.all(stringData).apply((values) => secretObjectName(tier.name, values)));
      this.secret = new k8s.core.v1.Secret(
        `${name}-secrets`,
        { metadata: { name: secretName, namespace, ...labelled(tierLabels(tier)) }, type: "Opaque", immutable: true, stringData },
        { ...child(), deleteBeforeReplace: false, additionalSecretOutputs: ["data", "stringData"] },
      );
      tierSecret = { secretName: this.secret.metadata.name };
    }

    if (tier.migrations) {
      const command = tier.migrations.command;
      const jobSpec = jobSpecFor(tier, tierSecret, serviceAccountName);
      // Named after its whole template (image, env, the content-addressed Secret...): a changed Job is a new Job.
      const jobName = pulumi.all([tier.migrations.image, pulumi.output(jobSpec).template]).apply(([image, template]) => migrationJobName(tier.name, image, command, template));
      this.migrationJob = new k8s.batch.v1.Job(
        `${name}-migrations`,
        { metadata: { name: jobName, namespace, ...labelled(migrationLabels(tier)) }, spec: jobSpec },
        // A changed Job has a new name: the new Job runs to completion before the old one is deleted.
        { ...child(), deleteBeforeReplace: false },
      );
    }

    // The provider awaits the Job's completion, so new pods roll only after the migrations succeeded.
    const afterMigrations = this.migrationJob ? [this.migrationJob] : [];
    let workload: k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet;
    if (tier.stateful) {
      this.headlessService = new k8s.core.v1.Service(
        `${name}-headless`,
        { metadata: { ...metadata(), name: headlessServiceName(tier) }, spec: headlessServiceSpecFor(tier) },
        child(),
      );
      this.statefulSet = new k8s.apps.v1.StatefulSet(
        `${name}-statefulset`,
        { metadata: metadata(), spec: statefulSetSpecFor(tier, tierSecret, serviceAccountName, headlessServiceName(tier)) },
        child(this.headlessService, ...afterMigrations),
      );
      workload = this.statefulSet;
    } else {
      this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, { metadata: metadata(), spec: deploymentSpecFor(tier, tierSecret, serviceAccountName) }, child(...afterMigrations));
      workload = this.deployment;
    }

    if (tier.autoscaling) {
      this.autoscaler = new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, { metadata: metadata(), spec: hpaSpecFor(tier, workload.metadata.name) }, child());
    }
    const pdbSpec = pdbSpecFor(tier);
    if (pdbSpec) {
      this.disruptionBudget = new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: metadata(), spec: pdbSpec }, child());
    }

    let url: pulumi.Output<string | undefined> = pulumi.output(undefined);
    let internalUrl: pulumi.Output<string | undefined> = pulumi.output(undefined);
    let internalHost: pulumi.Output<string | undefined> = pulumi.output(undefined);
    let urls: pulumi.Output<string[]> = pulumi.output([]);
    if (tier.expose.type !== "none") {
      // Defaults, then the tier's annotations, then expose.annotations.
      const annotations = { ...(tier.expose.type === "loadBalancer" ? loadBalancerAnnotations(tier.expose) : {}), ...tier.annotations, ...tier.expose.annotations };
      const service = new k8s.core.v1.Service(
        `${name}-service`,
        { metadata: { ...metadata(), annotations }, spec: serviceSpecFor(tier) },
        child(),
      );
      this.service = service;
      internalUrl = pulumi.all([service.metadata.name, service.metadata.namespace]).apply(([svc, ns]) => inClusterUrl(svc, ns, tier.servicePort));
      internalHost = pulumi.all([service.metadata.name, service.metadata.namespace]).apply(([svc, ns]) => inClusterHost(svc, ns));
      url = internalUrl;
      if (tier.expose.type === "loadBalancer") {
        url = service.status.apply((status) => {
          const lb = status?.loadBalancer?.ingress?.[0];
          const host = lb?.hostname ?? lb?.ip;
          return host ? `http://${host}${tier.servicePort === 80 ? "" : `:${tier.servicePort}`}` : undefined;
        });
      }
      if (tier.expose.type === "ingress") {
        const ingress = new k8s.networking.v1.Ingress(
          `${name}-ingress`,
          { metadata: { ...metadata(), annotations: { ...ingressAnnotations(tier), ...tier.annotations, ...tier.expose.annotations } }, spec: ingressSpecFor(tier, service.metadata.name) },
          child(),
        );
        this.ingress = ingress;
        // Rules with a host have their URL now; a rule without one waits for the load balancer's hostname.
        urls = tier.expose.rules.every((r) => r.host !== undefined)
          ? pulumi.output(ingressUrls(tier))
          : ingress.status.apply((status) => {
              const lb = status?.loadBalancer?.ingress?.[0];
              return ingressUrls(tier, lb?.hostname ?? lb?.ip);
            });
        url = urls.apply((all) => all[0]);
      }
    }
    this.serviceName = this.service ? this.service.metadata.name : pulumi.output(undefined);
    this.url = url;
    this.urls = urls;
    this.internalUrl = internalUrl;
    this.internalHost = internalHost;
    this.servicePort = tier.servicePort;
    this.registerOutputs({ serviceName: this.serviceName, url: this.url, urls: this.urls, internalUrl: this.internalUrl, internalHost: this.internalHost });
  }
}
