import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { componentType, contentHash, standardLabels } from "../shared/naming";
import { ArgumentChecker } from "../shared/validate";
import { CLIENT_OPTION_KEYS, type ElasticsearchClientArgs, type ElasticsearchClientOptions } from "../app-tier/elasticsearch-client";
import { elasticsearchNames, PROBE_PASSWORD_KEY } from "./names";
import { statefulSetSpecFor } from "./pod";
import {
  certificateDnsNames,
  clientLabelFor,
  clientServiceSpecFor,
  disruptionBudgetSpecFor,
  elasticsearchUrl,
  headlessServiceSpecFor,
  networkPolicySpecFor,
} from "./services";
import { elasticsearchYml, needsCertificates, type ElasticsearchPlan } from "./settings";
import { ELASTIC_USERNAME, fileRealmAccounts, fileRealmRoleBindings, rolesYml, usersFile, usersRolesFile } from "./users";
import { clusterCertificates, DEFAULT_CERT_EARLY_RENEWAL_HOURS, DEFAULT_CERT_VALIDITY_HOURS, type CertificateResources } from "./tls";
import { withStableFieldManagers } from "../shared/field-manager";
import type { ElasticsearchArgs } from "./args";
import { elasticsearchPlan } from "./plan";

export type { ElasticsearchArgs, ElasticsearchCertificatesArgs, ElasticsearchNetworkPolicyArgs, ElasticsearchResourcesArgs } from "./args";
export { elasticsearchPlan } from "./plan";

// A fixed, versioned salt: a revision cannot be matched against hashes of bare passwords.
const REVISION_SALT = "eks-search-platform/elasticsearch-user-secret/v1";

/**
 * An Elasticsearch cluster on Kubernetes: a StatefulSet behind a headless and a client Service, with its
 * config, file-realm users, TLS, PodDisruptionBudget and NetworkPolicy. See docs/elasticsearch.md.
 */
export class Elasticsearch extends pulumi.ComponentResource {
  /** The client Service (ClusterIP, 9200). */
  readonly serviceName: pulumi.Output<string>;
  /** The headless Service (stable pod names, discovery). */
  readonly headlessServiceName: pulumi.Output<string>;
  /** In-cluster URL of the client Service: https when `tls`, else http. */
  readonly url: pulumi.Output<string>;
  /** `kubernetes.io/basic-auth` Secret with the elastic superuser's `username` and `password`. */
  readonly credentialsSecretName: pulumi.Output<string>;
  /** Secret with `ca.crt`, the CA clients verify the HTTPS endpoint against (with `certificates`, that Secret); undefined without `tls`. */
  readonly caSecretName: pulumi.Output<string | undefined>;
  /** The label (key → value) a client pod must carry to reach 9200 through the NetworkPolicy. */
  readonly clientLabel: pulumi.Output<Record<string, string>>;
  /** Per declared user: the `kubernetes.io/basic-auth` Secret holding its `username` and `password`. */
  readonly userSecretNames: pulumi.Output<Record<string, string>>;
  /**
   * Per declared user: a salted hash that changes whenever its Secret's content does (not secret). A client
   * puts it in its pod template, so a rotated password rolls its pods (the Secret keeps its name).
   */
  readonly userSecretRevisions: pulumi.Output<Record<string, string>>;
  /** A hash that changes whenever the CA in `caSecretName` does (with `certificates`, whenever the Secret's name does); undefined without `tls`. */
  readonly caRevision: pulumi.Output<string | undefined>;
  /** The nodes' own ServiceAccount (no automounted token): bind an AWS role to it for snapshots. */
  readonly serviceAccountName: pulumi.Output<string>;
  /** The StatefulSet, as an escape hatch (like every child below). */
  readonly statefulSet: k8s.apps.v1.StatefulSet;
  /** The headless Service (discovery, stable pod names). */
  readonly headlessService: k8s.core.v1.Service;
  /** The client Service (9200). */
  readonly clientService: k8s.core.v1.Service;
  /** The ConfigMap holding elasticsearch.yml. */
  readonly configMap: k8s.core.v1.ConfigMap;
  /** The file realm: users, users_roles, roles.yml and the probe user's password. */
  readonly fileRealmSecret: k8s.core.v1.Secret;
  /** The elastic superuser's `kubernetes.io/basic-auth` Secret. */
  readonly credentialsSecret: k8s.core.v1.Secret;
  /** Per declared user, its `kubernetes.io/basic-auth` Secret. */
  readonly userSecrets: Record<string, k8s.core.v1.Secret>;
  /** The nodes' ServiceAccount. */
  readonly serviceAccount: k8s.core.v1.ServiceAccount;
  /** The generated CA and node certificate (with TLS or 3+ nodes, unless `certificates` is given). */
  readonly certificatesSecret?: k8s.core.v1.Secret;
  /** The CA clients verify HTTPS against (with `tls`). */
  readonly caSecret?: k8s.core.v1.Secret;
  /** The PodDisruptionBudget (3+ nodes). */
  readonly disruptionBudget?: k8s.policy.v1.PodDisruptionBudget;
  /** The nodes' NetworkPolicy (unless `networkPolicy.enabled` is false). */
  readonly networkPolicy?: k8s.networking.v1.NetworkPolicy;
  /** The elastic password generated when `elasticPassword` was not given. */
  readonly generatedElasticPassword?: random.RandomPassword;
  /** The generated CA and node certificate's `@pulumi/tls` resources (with TLS or 3+ nodes, unless `certificates` is given). */
  readonly certificateResources?: CertificateResources;
  /** The ClusterRole reading nodes for the zone look-up (with `zoneSpread`). */
  readonly nodeReaderRole?: k8s.rbac.v1.ClusterRole;
  /** Its binding to the nodes' ServiceAccount (with `zoneSpread`). */
  readonly nodeReaderBinding?: k8s.rbac.v1.ClusterRoleBinding;
  private readonly plan: ElasticsearchPlan;
  private readonly userNames: string[];
  /** `url` from the names alone: the same value, without waiting for the client Service's endpoints (the pods Ready). */
  private readonly urlByName: pulumi.Output<string>;

  /**
   * The client label of the Elasticsearch named `name`, as a plain value: what {@link clientLabel} will hold,
   * for arguments that take no Output (e.g. an AppTier's `podLabels`), without importing the spec builders.
   */
  static clientLabelFor(name: string): Record<string, string> {
    return clientLabelFor(elasticsearchNames(name));
  }

  constructor(name: string, args: ElasticsearchArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = elasticsearchPlan(name, args);
    super(componentType("Elasticsearch"), name, {}, withStableFieldManagers(opts));
    this.plan = plan;
    this.userNames = (args.users ?? []).map((u) => u.name);
    const { names } = plan;
    const namespace = args.namespace;
    const clusterDomain = args.clusterDomain ?? "cluster.local";
    const labels = (component: string) => standardLabels("elasticsearch", names.base, component);
    const meta = (objectName: string, component: string) => ({ name: objectName, namespace, labels: labels(component) });
    const parent = { parent: this };

    // --- credentials: every user in the file realm -------------------------------------------------
    // A bcrypt hash costs 0.2–0.4 s per password on every run when computed here. Generated passwords come
    // with one from the random provider (cost 10, random salt), computed once at creation and kept encrypted
    // in state; given passwords are hashed here with a deterministic salt, so their hash is stable too.
    let suppliedPassword = args.elasticPassword;
    let elasticHash = args.elasticPasswordHash;
    if (suppliedPassword === undefined) {
      this.generatedElasticPassword = new random.RandomPassword(`${name}-elastic-password`, { length: 32, special: false }, parent);
      suppliedPassword = this.generatedElasticPassword.result;
      elasticHash = this.generatedElasticPassword.bcryptHash;
    }
    const elasticPassword = pulumi.secret(suppliedPassword);
    const users = args.users ?? [];
    const userPasswords = users.map((u) => pulumi.secret(u.password));
    // One list: elastic, then each declared user, as [password, hash or ""].
    const secretPairs = pulumi.all([pulumi.all([elasticPassword, elasticHash ?? ""]), ...users.map((u, i) => pulumi.all([userPasswords[i], u.passwordHash ?? ""]))]);
    const realm = pulumi.secret(
      pulumi.all([pulumi.output(namespace), secretPairs]).apply(([ns, pairs]) => {
        const [elastic, ...declared] = pairs.map(([password, hash]) => ({ password, hash: hash || undefined }));
        const { accounts, probePassword } = fileRealmAccounts({ elastic, installation: `${ns}/${names.base}`, users: declared.map((d, i) => ({ name: users[i].name, ...d })) });
        return { users: usersFile(accounts), probePassword };
      }),
    );
    const usersFileContent = realm.apply((r) => r.users);
    const probePassword = realm.apply((r) => r.probePassword);
    const fileRealm = new k8s.core.v1.Secret(
      `${name}-file-realm`,
      {
        metadata: meta(names.fileRealmSecret, "security"),
        type: "Opaque",
        stringData: {
          users: pulumi.secret(usersFileContent),
          users_roles: usersRolesFile(fileRealmRoleBindings(users)),
          "roles.yml": rolesYml(users),
          [PROBE_PASSWORD_KEY]: pulumi.secret(probePassword),
        },
      },
      parent,
    );
    const credentials = new k8s.core.v1.Secret(
      `${name}-elastic-credentials`,
      { metadata: meta(names.credentialsSecret, "security"), type: "kubernetes.io/basic-auth", stringData: { username: ELASTIC_USERNAME, password: elasticPassword } },
      parent,
    );
    const userSecretList = users.map(
      (user, i) =>
        new k8s.core.v1.Secret(
          `${name}-user-${user.name}`,
          { metadata: meta(names.userSecret(user.name), "security"), type: "kubernetes.io/basic-auth", stringData: { username: user.name, password: userPasswords[i] } },
          parent,
        ),
    );

    // --- certificates -----------------------------------------------------------------------------
    let caSecret: k8s.core.v1.Secret | undefined;
    let caPem: pulumi.Output<string> | undefined;
    let certificates: k8s.core.v1.Secret | undefined;
    if (needsCertificates(plan) && plan.certificatesSecretName !== undefined) {
      // The user's Secret has ca.crt too: clients mount it for the CA. Its content is not read (the private
      // key stays out of Pulumi state), so the CA revision follows the Secret's name only.
      if (plan.httpTls) caPem = pulumi.output(`secret:${plan.certificatesSecretName}`);
    } else if (needsCertificates(plan)) {
      const certs = clusterCertificates(
        name,
        {
          commonName: names.base,
          dnsNames: pulumi.output(namespace).apply((ns) => certificateDnsNames(names, ns, clusterDomain)),
          validityHours: args.certificateValidityHours ?? DEFAULT_CERT_VALIDITY_HOURS,
          earlyRenewalHours: args.certificateEarlyRenewalHours ?? DEFAULT_CERT_EARLY_RENEWAL_HOURS,
        },
        this,
      );
      certificates = new k8s.core.v1.Secret(
        `${name}-certs`,
        { metadata: meta(names.certificatesSecret, "security"), type: "kubernetes.io/tls", stringData: { "tls.crt": certs.certPem, "tls.key": certs.privateKeyPem, "ca.crt": certs.caCertPem } },
        parent,
      );
      caPem = certs.caCertPem;
      this.certificateResources = certs.resources;
      if (plan.httpTls) {
        caSecret = new k8s.core.v1.Secret(`${name}-ca`, { metadata: meta(names.caSecret, "security"), type: "Opaque", stringData: { "ca.crt": certs.caCertPem } }, parent);
      }
    }

    // --- config, services, workload ---------------------------------------------------------------
    const config = new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: meta(names.configMap, "config"), data: { "elasticsearch.yml": elasticsearchYml(plan) } }, parent);
    const headless = new k8s.core.v1.Service(`${name}-headless`, { metadata: meta(names.headlessService, "search"), spec: headlessServiceSpecFor(plan) }, parent);
    const client = new k8s.core.v1.Service(`${name}-client`, { metadata: meta(names.clientService, "search"), spec: clientServiceSpecFor(plan) }, parent);

    // The pods' own ServiceAccount, so an AWS role (Pod Identity association or IRSA annotation) can be bound to
    // Elasticsearch alone. Its token is not automounted: only the zone look-up's init container gets one.
    this.serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-service-account`,
      {
        metadata: { ...meta(names.serviceAccount, "security"), ...(args.serviceAccountAnnotations !== undefined ? { annotations: args.serviceAccountAnnotations } : {}) },
        automountServiceAccountToken: false,
      },
      // Created as `<name>-node-reader` (with zoneSpread only) before: the same object, kept in place.
      { parent: this, aliases: [{ name: `${name}-node-reader` }] },
    );
    const podDependencies: pulumi.Resource[] = [config, fileRealm, this.serviceAccount, ...(certificates ? [certificates] : [])];
    if (plan.zoneSpread) {
      const reader = this.nodeReader(name, plan, namespace, this.serviceAccount);
      this.nodeReaderRole = reader.role;
      this.nodeReaderBinding = reader.binding;
      podDependencies.push(reader.binding);
    }

    this.statefulSet = new k8s.apps.v1.StatefulSet(
      name,
      { metadata: meta(names.statefulSet, "search"), spec: statefulSetSpecFor(plan) },
      // The pods mount the config and Secrets by name: create those first, or the pods wait on them.
      { parent: this, dependsOn: [...podDependencies, headless] },
    );

    const budget = disruptionBudgetSpecFor(plan);
    if (budget) this.disruptionBudget = new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: meta(names.disruptionBudget, "search"), spec: budget }, parent);
    if (args.networkPolicy?.enabled ?? true) {
      const spec = networkPolicySpecFor(plan, { ingress: args.networkPolicy?.ingress, egress: args.networkPolicy?.egress });
      this.networkPolicy = new k8s.networking.v1.NetworkPolicy(`${name}-network-policy`, { metadata: meta(names.networkPolicy, "search"), spec }, parent);
    }
    this.headlessService = headless;
    this.clientService = client;
    this.configMap = config;
    this.fileRealmSecret = fileRealm;
    this.credentialsSecret = credentials;
    this.userSecrets = Object.fromEntries(users.map((u, i) => [u.name, userSecretList[i]]));
    this.certificatesSecret = certificates;
    this.caSecret = caSecret;

    this.serviceAccountName = this.serviceAccount.metadata.name;
    this.serviceName = client.metadata.name;
    this.headlessServiceName = headless.metadata.name;
    this.url = pulumi.all([client.metadata.name, client.metadata.namespace]).apply(([, ns]) => elasticsearchUrl(names, ns, clusterDomain, plan.httpTls));
    this.urlByName = pulumi.output(namespace).apply((ns) => elasticsearchUrl(names, ns, clusterDomain, plan.httpTls));
    this.credentialsSecretName = credentials.metadata.name;
    this.caSecretName = caSecret
      ? caSecret.metadata.name
      : plan.httpTls && plan.certificatesSecretName !== undefined
        ? pulumi.output(plan.certificatesSecretName)
        : pulumi.output(undefined);
    this.clientLabel = pulumi.output(clientLabelFor(names));
    this.userSecretRevisions = pulumi.unsecret(
      pulumi
        .all([pulumi.output(namespace), ...userPasswords])
        .apply(([ns, ...passwords]) => Object.fromEntries(users.map((u, i) => [u.name, contentHash([REVISION_SALT, ns, names.base, u.name, passwords[i]], 16)]))),
    );
    this.caRevision = plan.httpTls && caPem ? caPem.apply((pem) => contentHash(pem, 16)) : pulumi.output(undefined);
    this.userSecretNames = pulumi.all(userSecretList.map((s) => s.metadata.name)).apply((secretNames) => Object.fromEntries(users.map((u, i) => [u.name, secretNames[i]])));
    this.registerOutputs({
      serviceName: this.serviceName,
      serviceAccountName: this.serviceAccountName,
      headlessServiceName: this.headlessServiceName,
      url: this.url,
      credentialsSecretName: this.credentialsSecretName,
      caSecretName: this.caSecretName,
      clientLabel: this.clientLabel,
      userSecretNames: this.userSecretNames,
      userSecretRevisions: this.userSecretRevisions,
      caRevision: this.caRevision,
    });
  }

  /**
   * What an AppTier needs to use this cluster as `username` (one of `users`), for its `elasticsearch` argument:
   * `new AppTier("api", { ..., elasticsearch: search.clientFor("api") })`. Secrets are named, not referenced
   * through their resources, so a replaced Secret does not cascade into the tier; their revisions roll its pods.
   * The tier's objects are created once the cluster is Ready, or with `{ startWithCluster: true }` together
   * with it (see {@link ElasticsearchClientOptions}).
   */
  clientFor(username: string, options: ElasticsearchClientOptions = {}): ElasticsearchClientArgs {
    const { names, httpTls, certificatesSecretName } = this.plan;
    const check = new ArgumentChecker("Elasticsearch", names.base);
    check.that(this.userNames.includes(username), "clientFor(username)", `must be one of the declared users (users: ${this.userNames.join(", ") || "none"}); each client gets its own least-privilege user`, username);
    check.knownKeys(options, CLIENT_OPTION_KEYS, "clientFor(options)");
    check.that(options.startWithCluster === undefined || typeof options.startWithCluster === "boolean", "clientFor(options).startWithCluster", "must be a boolean", options.startWithCluster);
    check.done();
    // Started with the cluster, the tier waits only for the Secrets its pods reference: its user's and the CA
    // (when this component creates it). Not for the client Service: the provider awaits its endpoints, that is
    // the pods Ready, so its URL is taken from the names (the same value).
    const start = options.startWithCluster === true;
    return {
      url: start ? this.urlByName : this.url,
      clientLabel: clientLabelFor(names),
      username,
      userSecretName: names.userSecret(username),
      userSecretRevision: this.userSecretRevisions.apply((revisions) => revisions[username]),
      ...(httpTls ? { caSecretName: certificatesSecretName ?? names.caSecret, caRevision: this.caRevision.apply((revision) => revision ?? "") } : {}),
      dependsOn: start ? [this.userSecrets[username], ...(this.caSecret ? [this.caSecret] : [])] : this,
    };
  }

  /** The read-only node access the zone look-up needs (only with zoneSpread): its token goes to the init container only. */
  private nodeReader(name: string, plan: ElasticsearchPlan, namespace: pulumi.Input<string>, account: k8s.core.v1.ServiceAccount): { role: k8s.rbac.v1.ClusterRole; binding: k8s.rbac.v1.ClusterRoleBinding } {
    const labels = standardLabels("elasticsearch", plan.names.base, "security");
    const role = new k8s.rbac.v1.ClusterRole(`${name}-node-reader`, { metadata: { labels }, rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }] }, { parent: this });
    const binding = new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-node-reader`,
      {
        metadata: { labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
      },
      { parent: this },
    );
    return { role, binding };
  }
}
