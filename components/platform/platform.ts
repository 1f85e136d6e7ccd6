import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { AppTier, type AppTierArgs } from "../app-tier/app-tier";
import { Cluster } from "../cluster/cluster";
import { availabilityZoneCount } from "../config/parse";
import { tiersInDependencyOrder } from "../config/apps";
import { ConfigError } from "../config/errors";
import { elasticsearchAddress } from "../config/references";
import { type PlatformConfig, type TierConfig } from "../config/schema";
import { Elasticsearch } from "../elasticsearch/elasticsearch";
import { elasticsearchNames } from "../elasticsearch/names";
import { type ElasticsearchUser } from "../elasticsearch/users";
import { componentType, dnsLabel, standardLabels } from "../shared/naming";
import { Network, privateClusterEndpoints } from "../network/network";
import { resolveEnv } from "./env";
import { generatedSecretName, legacyGeneratedSecretNames, splitSharedRef } from "./secret-names";
import { declaredSecretKeys, ELASTICSEARCH_PASSWORD_KEY, type PlatformSecrets } from "./secrets";
import { AUTO_MODE_EBS_PROVISIONER, StorageClass } from "../storage-class/storage-class";
import { withStableFieldManagers } from "../shared/field-manager";
import { passThroughOptions } from "../shared/transform-options";
import { elasticsearchRole, POD_IDENTITY_AGENT_EGRESS } from "./elasticsearch-role";
import { elasticsearchNameCollisions, platformElasticsearchName } from "./name-collisions";

export { ELASTICSEARCH_CA_MOUNT, ELASTICSEARCH_USER_REVISION_ANNOTATION, ELASTICSEARCH_CA_REVISION_ANNOTATION } from "../app-tier/elasticsearch-client";

/** Options of {@link Platform} beyond the component options. */
export interface PlatformOptions extends pulumi.ComponentResourceOptions {
  /** Kubeconfig (path or contents) for target `kubeconfig`. @default - the ambient kubeconfig ($KUBECONFIG or ~/.kube/config) */
  kubeconfig?: pulumi.Input<string>;
  /** Kubeconfig context for target `kubeconfig`. @default - the kubeconfig's current context */
  kubeContext?: string;
}

/**
 * Resource types that hold state which a deletion would lose, protected when `config.protect` is set:
 * the Elasticsearch StatefulSet (its volumeClaimTemplates), claims, the KMS key that encrypts the cluster's
 * Secrets (deleting it makes them unreadable) and the EKS control plane (etcd: every Kubernetes object).
 * The Namespace is protected directly: deleting it deletes every claim in it.
 */
export const PROTECTED_TYPES: readonly string[] = [
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:core/v1:PersistentVolumeClaim",
  "aws:kms/key:Key",
  "aws:eks/cluster:Cluster",
];

/**
 * A resource transform that protects {@link PROTECTED_TYPES}. Applied by the engine to every descendant of
 * the component it is attached to (remote @pulumi/eks children included), and to nothing else, so
 * certificate renewals and Secret rotations elsewhere still replace freely.
 */
export function protectStatefulResources(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
  if (!PROTECTED_TYPES.includes(args.type)) return undefined;
  return { props: args.props, opts: pulumi.mergeOptions(passThroughOptions(args.opts), { protect: true }) };
}

/**
 * The Pod Security level the namespace enforces: `restricted` when every workload meets it, `baseline` when a
 * tier visibly opted out of a secure default, `privileged` only for Elasticsearch's opt-in sysctl init container.
 */
export function podSecurityLevel(config: Pick<PlatformConfig, "elasticsearch" | "apps">): "restricted" | "baseline" | "privileged" {
  if (config.elasticsearch.enabled && config.elasticsearch.vmMaxMapCount === "initContainer") return "privileged";
  const relaxed = Object.values(config.apps.tiers).some((t) => !t.security.runAsNonRoot || !t.security.dropAllCapabilities || !t.security.seccompRuntimeDefault);
  return relaxed ? "baseline" : "restricted";
}

/** The Elasticsearch user of a tier with `elasticsearch: true`: its own name, read/write on its index patterns only. */
export function elasticsearchUserFor(tierName: string, tier: TierConfig, password: pulumi.Input<string>, passwordHash?: pulumi.Input<string>): ElasticsearchUser {
  return { name: tierName, password, ...(passwordHash !== undefined ? { passwordHash } : {}), indices: tier.elasticsearchIndices ?? [`${tierName}-*`] };
}

/**
 * Refuses a tier asking for a disabled Elasticsearch. parsePlatformConfig already does; this covers a
 * PlatformConfig built by hand, before any resource registers.
 */
function checkElasticsearchWanted(config: Pick<PlatformConfig, "elasticsearch" | "apps">): void {
  if (config.elasticsearch.enabled) return;
  const orphans = Object.entries(config.apps.tiers).filter(([, tier]) => tier.elasticsearch);
  if (orphans.length === 0) return;
  throw new ConfigError(
    orphans.map(([tierName]) => ({ path: `apps.tiers.${tierName}.elasticsearch`, message: "needs Elasticsearch, which elasticsearch.enabled: false turns off: remove it or enable Elasticsearch" })),
  );
}

/**
 * A tier's AppTier arguments from its config: what is not config (namespace, secrets, Elasticsearch wiring) is
 * added by the caller. Persistent volumes without a StorageClass get `storageClassName` (the platform's) when given.
 */
export function tierArgsFromConfig(tierName: string, tier: TierConfig, storageClassName?: string): Omit<AppTierArgs, "namespace"> {
  const { elasticsearch: _elasticsearch, elasticsearchIndices: _indices, startWithElasticsearch: _startWith, sharedSecretEnv: _shared, dependsOn: _dependsOn, ...rest } = tier;
  const persistentVolumes = Object.fromEntries(
    Object.entries(tier.persistentVolumes).map(([volume, v]) => [volume, { ...v, ...(v.storageClassName === undefined && storageClassName !== undefined ? { storageClassName } : {}) }]),
  );
  return { ...rest, persistentVolumes, name: tierName };
}

/**
 * The whole platform from one validated {@link PlatformConfig}: on `aws`, Network → Cluster → StorageClass →
 * Namespace → Elasticsearch → AppTiers; on `kubeconfig`, the Kubernetes layers into an existing cluster.
 * Secrets not supplied are generated with `@pulumi/random` and kept encrypted in state.
 */
export class Platform extends pulumi.ComponentResource {
  /** The VPC (aws target). */
  readonly vpcId?: pulumi.Output<string>;
  /** Private subnets (aws target). */
  readonly privateSubnetIds?: pulumi.Output<string[]>;
  /** Public subnets (aws target). */
  readonly publicSubnetIds?: pulumi.Output<string[]>;
  /** The EKS cluster's name (aws target). */
  readonly clusterName?: pulumi.Output<string>;
  /** Kubeconfig of the EKS cluster, a secret (aws target). */
  readonly kubeconfig?: pulumi.Output<string>;
  /** The namespace of Elasticsearch and the tiers. */
  readonly namespace: pulumi.Output<string>;
  /** The StorageClass of Elasticsearch's data; undefined when the cluster's default class is used. */
  readonly storageClassName: pulumi.Output<string | undefined>;
  /** Elasticsearch's in-cluster URL; undefined when `elasticsearch.enabled` is false. */
  readonly elasticsearchUrl: pulumi.Output<string | undefined>;
  /**
   * Elasticsearch's IAM role (aws target), bound to its ServiceAccount by Pod Identity or IRSA: S3 access to
   * `elasticsearch.snapshots.bucketArn` when set, else no permissions. Undefined on kubeconfig or without Elasticsearch.
   */
  readonly elasticsearchRoleArn: pulumi.Output<string | undefined>;
  /** Each tier's URL (external when exposed, else in-cluster; undefined for expose none). */
  readonly tierUrls: pulumi.Output<Record<string, string | undefined>>;
  /** The Kubernetes provider every in-cluster resource uses. */
  readonly provider: k8s.Provider;
  readonly network?: Network;
  readonly cluster?: Cluster;
  readonly storageClass?: StorageClass;
  /** Elasticsearch; undefined when `elasticsearch.enabled` is false. */
  readonly elasticsearch?: Elasticsearch;
  readonly tiers: Record<string, AppTier>;

  constructor(name: string, config: PlatformConfig, secrets: PlatformSecrets = {}, options: PlatformOptions = {}) {
    const { kubeconfig, kubeContext, ...opts } = options;
    checkElasticsearchWanted(config);
    const collisions = elasticsearchNameCollisions(name, config);
    if (collisions.length > 0) throw new ConfigError(collisions);
    super(componentType("Platform"), name, {}, withStableFieldManagers(opts));
    const parent = { parent: this };
    const protect = config.protect;
    const protectTransforms = protect ? [protectStatefulResources] : [];
    const appSecrets = secrets.appSecrets ?? {};

    // ----- infrastructure ------------------------------------------------------------------------------
    let clusterServices: pulumi.Resource[] = [];
    if (config.target === "aws") {
      const network = new Network(
        `${name}-network`,
        {
          cidrBlock: config.network.cidrBlock,
          ...(config.network.availabilityZones
            ? { availabilityZones: config.network.availabilityZones }
            : config.network.availabilityZoneIds
              ? { availabilityZoneIds: config.network.availabilityZoneIds }
              : { availabilityZoneCount: availabilityZoneCount(config.network) }),
          excludeZoneIds: config.network.excludeZoneIds,
          natGateways: config.network.natGateways,
          interfaceEndpoints: config.network.interfaceEndpoints.enabled
            ? [
                ...new Set([
                  ...privateClusterEndpoints({
                    loadBalancerController: config.cluster.services.loadBalancerController,
                    clusterAutoscaler: config.cluster.services.clusterAutoscaler && config.cluster.nodeGroups.some((g) => g.minSize < g.maxSize),
                  }),
                  ...config.network.interfaceEndpoints.extraServices,
                ]),
              ]
            : [],
          flowLogs: config.network.flowLogs,
          clusterName: name,
          tags: config.tags,
        },
        parent,
      );
      const cluster = new Cluster(
        `${name}-cluster`,
        {
          clusterName: name,
          vpcId: network.vpcId,
          publicSubnetIds: network.publicSubnetIds,
          // One Input per subnet: per-AZ node groups take one subnet each.
          privateSubnetIds: network.privateSubnets.map((subnet) => subnet.id),
          version: config.cluster.version,
          nodeGroups: config.cluster.nodeGroups,
          ...(config.cluster.autoMode.enabled ? { autoMode: config.cluster.autoMode } : {}),
          endpoint: config.cluster.endpoint,
          adminRoleArns: config.cluster.adminRoleArns,
          viewerRoleArns: config.cluster.viewerRoleArns,
          viewerAccessPolicy: config.cluster.viewerAccessPolicy,
          bootstrapCreatorAdmin: config.cluster.bootstrapCreatorAdmin,
          adoptAccessEntries: config.cluster.adoptAccessEntries,
          deletionProtection: config.cluster.deletionProtection,
          ...(config.cluster.upgradePolicy ? { upgradePolicy: config.cluster.upgradePolicy } : {}),
          logTypes: config.cluster.logTypes,
          logRetentionDays: config.cluster.logRetentionDays,
          encryptSecrets: config.cluster.encryptSecrets,
          ...(config.storage.kmsKeyId ? { ebsKmsKeyArns: [config.storage.kmsKeyId] } : {}),
          workloadIdentity: config.cluster.workloadIdentity,
          addonVersions: config.cluster.addonVersions,
          services: config.cluster.services,
          volumeDeletionWait: config.cluster.volumeDeletionWait,
          privateNetworking: config.network.natGateways === "none",
          tags: config.tags,
        },
        { parent: this, transforms: protectTransforms },
      );
      this.network = network;
      this.cluster = cluster;
      this.vpcId = network.vpcId;
      this.privateSubnetIds = network.privateSubnetIds;
      this.publicSubnetIds = network.publicSubnetIds;
      this.clusterName = cluster.clusterName;
      this.kubeconfig = pulumi.secret(cluster.kubeconfig);
      this.provider = cluster.provider;
      // Load balancers need the AWS Load Balancer Controller, HPAs metrics-server, volumes the EBS CSI driver.
      clusterServices = cluster.clusterServices;
    } else {
      this.provider = new k8s.Provider(
        `${name}-k8s`,
        // Patch force: `pulumi up` wins over a hand edit (`kubectl scale`) of a field the program sets, instead of
        // failing with a server-side apply conflict; fields the program leaves alone (HPA replicas) stay untouched.
        { ...(kubeconfig !== undefined ? { kubeconfig } : {}), ...(kubeContext !== undefined ? { context: kubeContext } : {}), enableServerSideApply: true, enablePatchForce: true },
        parent,
      );
    }
    const inCluster = { parent: this, provider: this.provider };

    // ----- storage and namespace -----------------------------------------------------------------------
    const platformStorageClassName = dnsLabel(name, "data");
    if (config.target === "aws" || config.storage.provisioner !== undefined) {
      const storage = config.storage;
      this.storageClass = new StorageClass(
        `${name}-storage`,
        {
          storageClassName: platformStorageClassName,
          ...(storage.provisioner !== undefined
            ? { provisioner: storage.provisioner }
            : {
                // EKS Auto Mode provisions EBS itself, under its own provisioner name; the parameters are the same.
                ...(config.target === "aws" && config.cluster.autoMode.enabled ? { provisioner: AUTO_MODE_EBS_PROVISIONER } : {}),
                type: storage.type,
                iops: storage.iops,
                throughputMiBps: storage.throughputMiBps,
                encrypted: storage.encrypted,
              }),
          ...(storage.kmsKeyId !== undefined ? { kmsKeyId: storage.kmsKeyId } : {}),
          reclaimPolicy: storage.reclaimPolicy,
          // On EKS this is the cluster's default class; in someone else's cluster we never take over the default.
          isDefault: config.target === "aws",
        },
        { ...inCluster, dependsOn: clusterServices },
      );
    }
    this.storageClassName = this.storageClass ? this.storageClass.storageClassName : pulumi.output(undefined);

    const level = podSecurityLevel(config);
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: config.apps.namespace,
          labels: {
            ...standardLabels("search-platform", name, "namespace"),
            "pod-security.kubernetes.io/enforce": level,
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
          },
        },
      },
      // After the cluster services, so a destroy deletes it (and with it Elasticsearch's retained claims, whose
      // volumes the EBS CSI driver then deletes, and LoadBalancer Services) before they go.
      { ...inCluster, protect, dependsOn: clusterServices },
    );
    this.namespace = namespace.metadata.name;

    // ----- secrets: supplied, or generated and kept encrypted in state ---------------------------------------
    // A generated password comes with the random provider's bcrypt hash (computed once, kept in state), which
    // Elasticsearch's file realm takes as is: no run spends time hashing it (issue 12, item 5).
    const generated = (resourceName: string, aliases: pulumi.Alias[] = []) => new random.RandomPassword(resourceName, { length: 32, special: false }, { ...parent, aliases });
    const legacyNames = legacyGeneratedSecretNames(name, config);
    const credentialFor = (tierName: string, key: string): { password: pulumi.Output<string>; passwordHash?: pulumi.Output<string> } => {
      const supplied = appSecrets[tierName]?.[key];
      if (supplied !== undefined) return { password: pulumi.secret(supplied) };
      // Stacks generated before these names keep their passwords: the old name is an alias where it was unique.
      const legacy = dnsLabel(name, tierName, key);
      const password = generated(generatedSecretName(name, { tier: tierName }, key), legacyNames.get(legacy) === 1 ? [{ name: legacy }] : []);
      return { password: password.result, passwordHash: password.bcryptHash };
    };
    const secretFor = (tierName: string, key: string): pulumi.Output<string> => credentialFor(tierName, key).password;
    const sharedValues = new Map<string, pulumi.Output<string>>();
    const sharedSecretFor = (secretName: string, key: string): pulumi.Output<string> => {
      const id = `${secretName}/${key}`;
      let value = sharedValues.get(id);
      if (!value) {
        const supplied = secrets.sharedSecrets?.[secretName]?.[key];
        value = supplied !== undefined ? pulumi.secret(supplied) : generated(generatedSecretName(name, { shared: secretName }, key)).result;
        sharedValues.set(id, value);
      }
      return value;
    };

    // ----- Elasticsearch --------------------------------------------------------------------------------
    const esName = platformElasticsearchName(name);
    const esTiers = Object.entries(config.apps.tiers).filter(([, tier]) => tier.elasticsearch);
    const es = config.elasticsearch;
    const esNames = elasticsearchNames(esName);
    let elasticsearch: Elasticsearch | undefined;
    const esRole =
      es.enabled && this.cluster
        ? elasticsearchRole(this, { name, cluster: this.cluster, namespace: this.namespace, serviceAccount: esNames.serviceAccount, snapshotBucketArn: es.snapshots?.bucketArn })
        : undefined;
    this.elasticsearchRoleArn = esRole ? esRole.role.arn : pulumi.output(undefined);
    if (es.enabled) {
      elasticsearch = new Elasticsearch(
        esName,
        {
          namespace: this.namespace,
          version: es.version,
          ...(es.image !== undefined ? { image: es.image } : {}),
          replicas: es.replicas,
          ...(this.storageClass ? { storageClassName: this.storageClass.storageClassName } : {}),
          storageSize: es.storageSize,
          cpu: es.cpu,
          memory: es.memory,
          ...(es.heapSize !== undefined ? { heapSize: es.heapSize } : {}),
          ...(secrets.elasticPassword !== undefined
            ? { elasticPassword: pulumi.secret(secrets.elasticPassword) }
            : (({ result, bcryptHash }) => ({ elasticPassword: result, elasticPasswordHash: bcryptHash }))(generated(`${name}-elastic-password`))),
          tls: es.tls,
          antiAffinity: es.antiAffinity,
          zoneSpread: es.zoneSpread,
          vmMaxMapCount: es.vmMaxMapCount,
          volumeClaimRetention: es.volumeClaimRetention,
          ...(es.certificates !== undefined ? { certificates: { secretName: es.certificates.secretName } } : {}),
          clusterBootstrapped: es.clusterBootstrapped,
          ...(esRole && this.cluster?.workloadIdentity === "irsa" ? { serviceAccountAnnotations: esRole.serviceAccountAnnotations } : {}),
          ...(esRole && this.cluster?.workloadIdentity === "podIdentity" ? { networkPolicy: { egress: [POD_IDENTITY_AGENT_EGRESS] } } : {}),
          users: esTiers.map(([tierName, tier]) => {
            const { password, passwordHash } = credentialFor(tierName, ELASTICSEARCH_PASSWORD_KEY);
            return elasticsearchUserFor(tierName, tier, password, passwordHash);
          }),
        },
        // Pod Identity injects credentials when a pod is created: the association comes first.
        { ...inCluster, transforms: protectTransforms, dependsOn: esRole?.association ? [esRole.association] : [] },
      );
    }
    this.elasticsearch = elasticsearch;

    // ----- application tiers ------------------------------------------------------------------------------
    this.tiers = {};
    // Each tier after the tiers it depends on, so their components exist to wait for.
    for (const [tierName, tier] of tiersInDependencyOrder(config.apps.tiers)) {
      const keys = declaredSecretKeys(tier).filter((k) => k !== ELASTICSEARCH_PASSWORD_KEY || !tier.elasticsearch);
      // The tier's own user, URL and parts, CA and client label; its migrations and first requests wait for
      // the cluster (AppTier makes its objects depend on it), or with startWithElasticsearch only for the
      // Secrets its pods reference, its pods waiting for Elasticsearch themselves.
      const client = tier.elasticsearch && elasticsearch ? elasticsearch.clientFor(tierName, { startWithCluster: tier.startWithElasticsearch }) : undefined;
      // ${elasticsearch.*} in env (only tiers with elasticsearch: true may): the client's URL, so it waits as the tier does.
      const envContext = { config, ...(client ? { elasticsearch: pulumi.output(client.url).apply(elasticsearchAddress) } : {}) };
      const args: AppTierArgs = {
        ...tierArgsFromConfig(tierName, tier, this.storageClass ? platformStorageClassName : undefined),
        namespace: this.namespace,
        env: resolveEnv(tier.env, envContext),
        initContainers: tier.initContainers.map((c) => ({ ...c, env: resolveEnv(c.env, envContext) })),
        secretEnv: [...tier.secretEnv, ...Object.keys(tier.sharedSecretEnv)],
        secrets: {
          ...Object.fromEntries(keys.map((k) => [k, secretFor(tierName, k)])),
          // A shared secret's value goes into each referencing tier's own Secret, so a rotation rolls every one of them.
          ...Object.fromEntries(Object.entries(tier.sharedSecretEnv).map(([env, ref]) => [env, sharedSecretFor(...splitSharedRef(ref))])),
        },
      };
      const dependsOn: pulumi.Resource[] = [...clusterServices];
      if (tier.stateful && this.storageClass) dependsOn.push(this.storageClass);
      // Waiting for a component waits for all its objects (the StatefulSet or Deployment ready, the Job complete);
      // AppTier passes it on to its migrations Job and workload, so migrations no longer race their database.
      for (const dep of tier.dependsOn) dependsOn.push(this.tiers[dep]);
      if (client) args.elasticsearch = client;
      // Stateful tiers' StatefulSets and claims are protected with the rest of the platform's data.
      this.tiers[tierName] = new AppTier(`${name}-${tierName}`, args, { ...inCluster, dependsOn, transforms: protectTransforms });
    }

    this.elasticsearchUrl = elasticsearch ? elasticsearch.url : pulumi.output(undefined);
    this.tierUrls = pulumi.all(Object.fromEntries(Object.entries(this.tiers).map(([tierName, t]) => [tierName, t.url])));
    this.registerOutputs({
      vpcId: this.vpcId,
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      namespace: this.namespace,
      storageClassName: this.storageClassName,
      elasticsearchUrl: this.elasticsearchUrl,
      elasticsearchRoleArn: this.elasticsearchRoleArn,
      tierUrls: this.tierUrls,
    });
  }
}
