import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { componentType, contentHash, DNS_LABEL, standardLabels } from "../shared/naming";
import { GiB, isQuantity, parseQuantity } from "../shared/quantity";
import { ArgumentChecker, argumentKeys } from "../shared/validate";
import { CLIENT_OPTION_KEYS, type ElasticsearchClientArgs, type ElasticsearchClientOptions } from "../app-tier/elasticsearch-client";
import { esHeapSize, jvmSize } from "./heap";
import {
  DEFAULT_ES_VERSION,
  isSupportedEsVersion,
  UNSUPPORTED_ES_VERSION,
  elasticsearchImage,
  elasticsearchNames,
  MAX_BASE_NAME,
  MAX_HEAP_BYTES,
  PROBE_PASSWORD_KEY,
  type AntiAffinity,
  type VmMaxMapCount,
  type VolumeClaimRetention,
} from "./names";
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
import { checkUsers, ELASTIC_USERNAME, fileRealmAccounts, fileRealmRoleBindings, rolesYml, usersFile, usersRolesFile, type ElasticsearchUser } from "./users";
import { clusterCertificates, DEFAULT_CERT_EARLY_RENEWAL_HOURS, DEFAULT_CERT_VALIDITY_HOURS, type CertificateResources } from "./tls";
import { withStableFieldManagers } from "../shared/field-manager";

export interface ElasticsearchArgs {
  /** Namespace for every object (it must exist). */
  namespace: pulumi.Input<string>;
  /** Elasticsearch version (8.x or 9.x). @default "8.19.7" */
  version?: string;
  /** Image override. @default - docker.elastic.co/elasticsearch/elasticsearch:<version> */
  image?: string;
  /** Node count: 1, or 3 and more; every node is master-eligible and holds data. @default 1 */
  replicas?: number;
  /** StorageClass for the data volumes. @default - the cluster's default StorageClass */
  storageClassName?: pulumi.Input<string>;
  /** Data volume size per node (volumeClaimTemplates are immutable: plan it). @default "20Gi" */
  storageSize?: string;
  /** CPU request and limit per node (see `resources` to set them apart). @default "1" */
  cpu?: string;
  /** Memory request and limit per node, at least 2Gi (see `resources` to set them apart). @default "4Gi" */
  memory?: string;
  /** Requests and limits set apart; each one unset here is `cpu` / `memory`. @default - requests = limits = `cpu` / `memory` (Guaranteed QoS) */
  resources?: ElasticsearchResourcesArgs;
  /** JVM heap (Xms = Xmx), at most 31Gi and 75% of memory. @default - 50% of memory, at most 31g */
  heapSize?: string;
  /**
   * Password of the `elastic` superuser; a Pulumi secret. Changing it takes effect without a restart.
   * @default - generated (`random.RandomPassword`, 32 characters, kept encrypted in state)
   */
  elasticPassword?: pulumi.Input<string>;
  /**
   * A bcrypt hash of exactly `elasticPassword`, computed once and kept in state (`random.RandomPassword`'s
   * `bcryptHash`), so no run spends time hashing it.
   * @default - with a generated password its `bcryptHash`; with a given one, hashed on every run (bcrypt cost 10)
   */
  elasticPasswordHash?: pulumi.Input<string>;
  /** Serve HTTPS on 9200 (transport TLS is always on with 3+ nodes). @default false */
  tls?: boolean;
  /** Hostname anti-affinity between nodes: `hard` (required) or `soft` (preferred). @default "hard" */
  antiAffinity?: AntiAffinity;
  /** Spread nodes evenly over zones and enable zone-aware shard allocation. @default false */
  zoneSpread?: boolean;
  /** Who meets vm.max_map_count: the node (EKS bootstrap), a privileged init container (opt-in), or nobody (mmap off). @default "node" */
  vmMaxMapCount?: VmMaxMapCount;
  /** Keep or delete data volumes when the StatefulSet is deleted or scaled down. @default "Retain" */
  volumeClaimRetention?: VolumeClaimRetention;
  /** Application users, each with its own role and a `kubernetes.io/basic-auth` Secret. @default [] - none */
  users?: ElasticsearchUser[];
  /** Set once the cluster has formed, to drop `cluster.initial_master_nodes` (see docs/elasticsearch.md). @default false */
  clusterBootstrapped?: boolean;
  /** The cluster's DNS domain, for the URL and certificate names. @default "cluster.local" */
  clusterDomain?: string;
  /** Validity of the node certificate, in hours. @default 8760 - one year */
  certificateValidityHours?: number;
  /** A `pulumi up` this many hours before the node certificate expires renews it. @default 720 - 30 days */
  certificateEarlyRenewalHours?: number;
  /** The NetworkPolicy of the nodes: turn it off, or admit more. @default - { enabled: true }: 9200 from labelled clients, 9300 between nodes */
  networkPolicy?: ElasticsearchNetworkPolicyArgs;
  /**
   * Certificates you bring (a corporate CA, cert-manager) instead of the generated CA and node certificate;
   * used for transport TLS (3+ nodes) and HTTPS (`tls`). See docs/elasticsearch.md for what they must carry.
   * @default - generated with `@pulumi/tls` and kept encrypted in state
   */
  certificates?: ElasticsearchCertificatesArgs;
  /**
   * Annotations of the nodes' own ServiceAccount, e.g. IRSA's `eks.amazonaws.com/role-arn` for an AWS role
   * (snapshots to S3). With EKS Pod Identity none is needed: associate a role with {@link Elasticsearch.serviceAccountName}.
   * @default {} - none
   */
  serviceAccountAnnotations?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** An existing Secret with the nodes' certificate, for {@link ElasticsearchArgs.certificates}. */
export interface ElasticsearchCertificatesArgs {
  /**
   * A Secret in `namespace` holding `tls.crt` (the node certificate, PEM, with its chain), `tls.key` (its
   * private key) and `ca.crt` (the CA that signed it): cert-manager's Certificate Secrets have this shape,
   * as does a `kubernetes.io/tls` Secret with `ca.crt` added. It must exist before the pods start.
   * @default - none: required when `certificates` is set
   */
  secretName: string;
}

/** CPU and memory of one node, requests and limits apart. */
export interface ElasticsearchResourcesArgs {
  /** What the scheduler reserves. @default - `cpu` and `memory` */
  requests?: { cpu?: string; memory?: string };
  /** The ceiling; the heap is sized from the memory limit. @default - `cpu` and `memory` */
  limits?: { cpu?: string; memory?: string };
}

/** The nodes' NetworkPolicy. */
export interface ElasticsearchNetworkPolicyArgs {
  /** Create it. Off, every pod that can route to the nodes reaches 9200 and 9300. @default true */
  enabled?: boolean;
  /** Ingress rules added to the defaults (e.g. a monitoring namespace on 9200). @default [] */
  ingress?: k8s.types.input.networking.v1.NetworkPolicyIngressRule[];
  /** Egress rules added to the defaults (e.g. a snapshot repository on a port other than 443). @default [] */
  egress?: k8s.types.input.networking.v1.NetworkPolicyEgressRule[];
}

// A fixed, versioned salt: a revision cannot be matched against hashes of bare passwords.
const REVISION_SALT = "eks-search-platform/elasticsearch-user-secret/v1";

/** Every argument of {@link ElasticsearchArgs}: anything else is a typo and an error. */
const ARGUMENT_KEYS = argumentKeys<ElasticsearchArgs>({
  namespace: true, version: true, image: true, replicas: true, storageClassName: true, storageSize: true, cpu: true, memory: true,
  resources: true, heapSize: true, elasticPassword: true, elasticPasswordHash: true, tls: true, antiAffinity: true, zoneSpread: true, vmMaxMapCount: true,
  volumeClaimRetention: true, users: true, clusterBootstrapped: true, clusterDomain: true, certificateValidityHours: true,
  certificateEarlyRenewalHours: true, networkPolicy: true, certificates: true, serviceAccountAnnotations: true,
});

/** Requests and limits of one node: `resources` where set, else `cpu` / `memory`. */
function nodeResources(args: Pick<ElasticsearchArgs, "cpu" | "memory" | "resources">): { cpu: string; memory: string; cpuLimit: string; memoryLimit: string } {
  const cpu = args.cpu ?? "1";
  const memory = args.memory ?? "4Gi";
  const r = args.resources ?? {};
  return { cpu: r.requests?.cpu ?? cpu, memory: r.requests?.memory ?? memory, cpuLimit: r.limits?.cpu ?? cpu, memoryLimit: r.limits?.memory ?? memory };
}

const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkArgs(name: string, args: ElasticsearchArgs): void {
  const check = new ArgumentChecker("Elasticsearch", name);
  check.knownKeys(args, ARGUMENT_KEYS, "");
  check.knownKeys(args.resources, ["requests", "limits"], "resources");
  check.knownKeys(args.resources?.requests, ["cpu", "memory"], "resources.requests");
  check.knownKeys(args.resources?.limits, ["cpu", "memory"], "resources.limits");
  check.knownKeys(args.networkPolicy, ["enabled", "ingress", "egress"], "networkPolicy");
  const base = elasticsearchNames(name).base;
  check.that(base.length > 0 && base.length <= MAX_BASE_NAME, "(name)", `must make a Kubernetes name of 1–${MAX_BASE_NAME} characters (StatefulSet pod and revision names add a suffix)`, name);
  if (typeof args.namespace === "string") check.that(DNS_LABEL.test(args.namespace) && args.namespace.length <= 63, "namespace", "must be a DNS label", args.namespace);
  else check.that(args.namespace !== undefined && args.namespace !== null, "namespace", "is required", args.namespace);
  if (args.version !== undefined && check.that(typeof args.version === "string" && /^\d+\.\d+\.\d+$/.test(args.version), "version", "must be a version such as 8.19.7", args.version)) {
    check.that(isSupportedEsVersion(args.version), "version", UNSUPPORTED_ES_VERSION, args.version);
  }
  if (args.image !== undefined) check.that(/^\S+$/.test(args.image), "image", "must be an image reference without spaces", args.image);
  const replicas = args.replicas ?? 1;
  check.that(Number.isInteger(replicas) && (replicas === 1 || replicas >= 3), "replicas", "must be 1, or 3 and more: 2 nodes cannot keep a quorum through one loss", args.replicas);
  for (const key of ["storageSize", "cpu", "memory", "heapSize"] as const) {
    const value = args[key];
    if (value !== undefined) check.that(typeof value === "string" && isQuantity(value) && parseQuantity(value) > 0, key, "must be a positive Kubernetes quantity such as 500m, 2 or 4Gi", value);
  }
  const quantities: [string, string | undefined][] = [
    ["resources.requests.cpu", args.resources?.requests?.cpu],
    ["resources.requests.memory", args.resources?.requests?.memory],
    ["resources.limits.cpu", args.resources?.limits?.cpu],
    ["resources.limits.memory", args.resources?.limits?.memory],
  ];
  for (const [path, value] of quantities) {
    if (value !== undefined) check.that(typeof value === "string" && isQuantity(value) && parseQuantity(value) > 0, path, "must be a positive Kubernetes quantity such as 500m, 2 or 4Gi", value);
  }
  const r = nodeResources(args);
  if ([r.cpu, r.cpuLimit, r.memory, r.memoryLimit].every(isQuantity)) {
    check.that(parseQuantity(r.cpu) <= parseQuantity(r.cpuLimit), "resources.requests.cpu", `must be ≤ the CPU limit (${r.cpuLimit})`, r.cpu);
    check.that(parseQuantity(r.memory) <= parseQuantity(r.memoryLimit), "resources.requests.memory", `must be ≤ the memory limit (${r.memoryLimit})`, r.memory);
  }
  const memory = r.memoryLimit;
  if (isQuantity(memory)) {
    check.that(parseQuantity(memory) >= 2 * GiB, args.resources?.limits?.memory !== undefined ? "resources.limits.memory" : "memory", "must be at least 2Gi", args.resources?.limits?.memory ?? args.memory);
    if (args.heapSize !== undefined && isQuantity(args.heapSize)) {
      const heap = parseQuantity(args.heapSize);
      check.that(heap <= MAX_HEAP_BYTES, "heapSize", "must be at most 31Gi (compressed object pointers)", args.heapSize);
      check.that(heap <= parseQuantity(memory) * 0.75, "heapSize", `must leave room for off-heap memory: at most 75% of memory (${memory})`, args.heapSize);
    }
  }
  if (args.antiAffinity !== undefined) check.that(args.antiAffinity === "hard" || args.antiAffinity === "soft", "antiAffinity", 'must be "hard" or "soft"', args.antiAffinity);
  if (args.vmMaxMapCount !== undefined) check.that(["node", "initContainer", "disableMmap"].includes(args.vmMaxMapCount), "vmMaxMapCount", 'must be "node", "initContainer" or "disableMmap"', args.vmMaxMapCount);
  if (args.volumeClaimRetention !== undefined) check.that(args.volumeClaimRetention === "Retain" || args.volumeClaimRetention === "Delete", "volumeClaimRetention", 'must be "Retain" or "Delete"', args.volumeClaimRetention);
  if (typeof args.elasticPassword === "string") check.that(args.elasticPassword.length > 0, "elasticPassword", "must not be empty (leave it out to have one generated)", "");
  if (args.networkPolicy?.enabled !== undefined) check.that(typeof args.networkPolicy.enabled === "boolean", "networkPolicy.enabled", "must be true or false", args.networkPolicy.enabled);
  for (const kind of ["ingress", "egress"] as const) {
    const rules = args.networkPolicy?.[kind];
    if (rules !== undefined) check.that(Array.isArray(rules), `networkPolicy.${kind}`, "must be a list of NetworkPolicy rules", rules);
  }
  if (args.clusterDomain !== undefined) check.that(DNS_NAME.test(args.clusterDomain), "clusterDomain", "must be a DNS name such as cluster.local", args.clusterDomain);
  const validity = args.certificateValidityHours ?? DEFAULT_CERT_VALIDITY_HOURS;
  const renewal = args.certificateEarlyRenewalHours ?? DEFAULT_CERT_EARLY_RENEWAL_HOURS;
  if (args.certificates === undefined) {
    check.that(Number.isInteger(validity) && validity >= 24, "certificateValidityHours", "must be a whole number of hours, at least 24", args.certificateValidityHours);
    check.that(Number.isInteger(renewal) && renewal >= 1 && renewal < validity, "certificateEarlyRenewalHours", `must be a whole number of hours, at least 1 and below certificateValidityHours (${validity})`, args.certificateEarlyRenewalHours);
  }
  if (args.certificates !== undefined) {
    check.knownKeys(args.certificates, ["secretName"], "certificates");
    const secretName = args.certificates?.secretName;
    check.that(typeof secretName === "string" && secretName.length <= 253 && DNS_NAME.test(secretName), "certificates.secretName", "must be the name of a Secret in the namespace (a DNS subdomain, at most 253 characters)", secretName);
    check.that(
      needsCertificates({ replicas: args.replicas ?? 1, httpTls: args.tls ?? false }),
      "certificates",
      "has no effect: certificates are used for HTTPS (tls: true) and for transport TLS (3 or more replicas); set one of them or leave certificates out",
      args.certificates,
    );
    for (const key of ["certificateValidityHours", "certificateEarlyRenewalHours"] as const) {
      check.that(args[key] === undefined, key, "applies to generated certificates only: the certificates you bring renew on your own schedule", args[key]);
    }
  }
  checkUsers(check, args.users);
  check.done();
}

/** The validated plan for `args`; throws an ArgumentError listing every problem. */
export function elasticsearchPlan(name: string, args: ElasticsearchArgs): ElasticsearchPlan {
  checkArgs(name, args);
  const resources = nodeResources(args);
  return {
    names: elasticsearchNames(name),
    image: elasticsearchImage(args.version ?? DEFAULT_ES_VERSION, args.image),
    replicas: args.replicas ?? 1,
    storageSize: args.storageSize ?? "20Gi",
    storageClassName: args.storageClassName,
    ...resources,
    heap: args.heapSize !== undefined ? jvmSize(Math.floor(parseQuantity(args.heapSize) / 2 ** 20) * 2 ** 20) : esHeapSize(resources.memoryLimit),
    httpTls: args.tls ?? false,
    antiAffinity: args.antiAffinity ?? "hard",
    zoneSpread: args.zoneSpread ?? false,
    vmMaxMapCount: args.vmMaxMapCount ?? "node",
    volumeClaimRetention: args.volumeClaimRetention ?? "Retain",
    clusterBootstrapped: args.clusterBootstrapped ?? false,
    ...(args.certificates ? { certificatesSecretName: args.certificates.secretName } : {}),
  };
}

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
