import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import { awsTags, componentType } from "../shared/naming";
import { validateClusterArgs } from "./validate-args";
import { addonVersion, type ManagedAddonName } from "./addons";
import { EBS_CSI_POLICY, ebsCsiKmsPolicy, managedPolicyArn } from "./iam";
import { accessEntryPlans, creatorEntryWarning, disableCreatorAdminBootstrap, unlistedDeployerWarning } from "./access";
import { createAccessEntries } from "./access-entries";
import { createNodeGroups } from "./node-groups";
import { kubeconfigWithEnvironment, kubeconfigWithProfile, stackAwsCredentials, stackAwsEnvironment } from "./kubeconfig";
import { fitAutoNames } from "../shared/aws-names";
import { SERVICE_ACCOUNTS, SERVICE_IMAGE_UPSTREAMS, pullThroughCachePrefix } from "./services";
import { createHelmServices } from "./cluster-services";
import { createAutoModeResources } from "./auto-mode";
import { createWorkloadRole, type ServiceAccountRef, type WorkloadIdentity, type WorkloadRole } from "./workload-identity";
import { withStableFieldManagers } from "../shared/field-manager";
import { VolumeDeletionGuard } from "./volume-guard";
import type { ClusterArgs, ClusterEndpointArgs, ClusterLogType, ClusterServicesArgs, UpgradePolicy, VolumeDeletionWaitArgs } from "./args";

export type { NodeGroupArgs } from "./nodes";
export type { KubeconfigCredentials } from "./kubeconfig";
export type { AddonVersions, ManagedAddonName } from "./addons";
export type { ServiceAccountRef, WorkloadIdentity, WorkloadRole } from "./workload-identity";
export type { AutoModeArgs, AutoModeNodePool } from "./auto-mode";
export type { ClusterArgs, ClusterEndpointArgs, ClusterLogType, ClusterServicesArgs, UpgradePolicy, VolumeDeletionWaitArgs };

const DEFAULT_VERSION = "1.34";
/**
 * An EKS cluster (via @pulumi/eks) with AL2023 managed node groups in private subnets, access entries,
 * managed add-ons (vpc-cni, kube-proxy, coredns after the nodes, EBS CSI with its own role), optional
 * KMS secrets encryption and control-plane logs, and the cluster services the platform relies on.
 */
export class Cluster extends pulumi.ComponentResource {
  /** The EKS cluster's name. */
  readonly clusterName: pulumi.Output<string>;
  /** A kubeconfig for the cluster (secret). It runs `aws eks get-token`, so the AWS CLI must be on PATH. */
  readonly kubeconfig: pulumi.Output<string>;
  /** A Kubernetes provider for the cluster, replaced only if the cluster itself is. */
  readonly provider: k8s.Provider;
  /** The cluster's IAM OIDC provider ARN (for IRSA). */
  readonly oidcProviderArn: pulumi.Output<string>;
  /** The cluster's OIDC issuer URL. */
  readonly oidcProviderUrl: pulumi.Output<string>;
  /** The security group on every node (the EKS cluster security group). */
  readonly nodeSecurityGroupId: pulumi.Output<string>;
  /** The @pulumi/eks cluster (escape hatch). */
  readonly eksCluster: eks.Cluster;
  /** How workload roles are bound: "podIdentity" or "irsa". */
  readonly workloadIdentity: WorkloadIdentity;
  /**
   * Creates an IAM role (`<name>-<key>`) for a service account of this cluster, trusted for exactly that service
   * account, and binds it as {@link ClusterArgs.workloadIdentity} says: a Pod Identity association, or (IRSA) the
   * `serviceAccountAnnotations` the service account must carry. Attach the role's policies yourself.
   */
  readonly workloadRole: (key: string, account: ServiceAccountRef, boundByAddon?: boolean) => WorkloadRole;
  /** The managed node groups, by spec name. */
  readonly nodeGroups: Record<string, eks.ManagedNodeGroup>;
  /**
   * The cluster services installed (Helm releases and add-ons). Make Ingresses, Services of type LoadBalancer and
   * anything holding volume claims (their namespace) depend on these: a destroy then deletes them first.
   */
  readonly clusterServices: pulumi.Resource[];
  /** The guard that holds the EBS CSI add-on until its volumes are deleted (in `clusterServices`); none if off. */
  readonly volumeDeletionGuard?: VolumeDeletionGuard;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    validateClusterArgs(name, args);
    super(componentType("Cluster"), name, {}, withStableFieldManagers(opts));

    const parent = { parent: this };
    const clusterName = args.clusterName ?? name;
    const tags = args.tags;
    const version = args.version ?? DEFAULT_VERSION;
    const logTypes = args.logTypes ?? [];
    const services = { metricsServer: true, loadBalancerController: true, clusterAutoscaler: true, ...args.services };
    const autoMode = args.autoMode?.enabled ? args.autoMode : undefined;
    const partitionInfo = aws.getPartitionOutput({}, parent);
    const partition = partitionInfo.partition;
    const region = aws.getRegionOutput({}, parent).region;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

    // ----- private networking: images through ECR pull-through caches ---------------------------------
    const caches = args.privateNetworking
      ? Object.fromEntries(
          Object.entries(SERVICE_IMAGE_UPSTREAMS).map(([key, upstream]) => {
            const prefix = pullThroughCachePrefix(clusterName, upstream.suffix);
            new aws.ecr.PullThroughCacheRule(`${name}-cache-${upstream.suffix}`, { ecrRepositoryPrefix: prefix, upstreamRegistryUrl: upstream.registry }, parent);
            return [key, prefix];
          }),
        )
      : undefined;
    const registry = pulumi.interpolate`${accountId}.dkr.ecr.${region}.${partitionInfo.dnsSuffix}`;
    const cachedImage = (key: keyof typeof SERVICE_IMAGE_UPSTREAMS, path: string): pulumi.Output<string | undefined> =>
      caches ? pulumi.interpolate`${registry}/${caches[key]}/${path}` : pulumi.output(undefined);

    // Created before the cluster, so EKS does not create it with retention "never expire".
    const logGroup = logTypes.length
      ? new aws.cloudwatch.LogGroup(`${name}-control-plane`, { name: `/aws/eks/${clusterName}/cluster`, retentionInDays: args.logRetentionDays ?? 90, tags: awsTags(tags, `${clusterName}-control-plane`) }, parent)
      : undefined;

    const secretsKey = args.encryptSecrets
      ? new aws.kms.Key(`${name}-secrets`, { description: `EKS ${clusterName} Secrets envelope encryption`, enableKeyRotation: true, deletionWindowInDays: 30, tags: awsTags(tags, `${clusterName}-secrets`) }, parent)
      : undefined;

    // get-token signs as the stack's AWS provider does (defect 6: a profile in config left Helm Unauthorized), with
    // its static keys, shared files or web identity in the deploying provider's kubeconfig only.
    const awsConfig = new pulumi.Config("aws");
    const credentials = args.kubeconfigCredentials ?? stackAwsCredentials(awsConfig);
    const environment = args.kubeconfigCredentials ? { env: {}, notes: [] } : stackAwsEnvironment(awsConfig);
    for (const note of environment.notes) void pulumi.log.warn(`Cluster "${name}": ${note}. See docs/cluster.md, Credentials of the Kubernetes provider.`, this);

    const callerArn = aws.iam.getSessionContextOutput({ arn: aws.getCallerIdentityOutput({}, parent).arn }, parent).issuerArn;
    if (!args.bootstrapCreatorAdmin) {
      callerArn.apply((caller) => {
        const warning = unlistedDeployerWarning(name, args, caller);
        if (warning !== undefined) void pulumi.log.warn(warning, this);
      });
    }

    this.eksCluster = new eks.Cluster(
      name,
      {
        name: clusterName,
        version,
        vpcId: args.vpcId,
        publicSubnetIds: args.publicSubnetIds,
        privateSubnetIds: args.privateSubnetIds,
        endpointPublicAccess: args.endpoint?.publicAccess ?? true,
        endpointPrivateAccess: args.endpoint?.privateAccess ?? true,
        publicAccessCidrs: (args.endpoint?.publicAccess ?? true) ? (args.endpoint?.publicAccessCidrs ?? ["0.0.0.0/0"]) : undefined,
        authenticationMode: "API",
        ...(credentials.roleArn ? { providerCredentialOpts: { roleArn: credentials.roleArn } } : {}),
        // Access entries are the component's own resources (below), named after their principals.
        skipDefaultNodeGroup: true,
        // The EKS-managed cluster security group covers control plane and nodes; no extra groups.
        skipDefaultSecurityGroups: true,
        createOidcProvider: true,
        enabledClusterLogTypes: logTypes,
        encryptionConfigKeyArn: secretsKey?.arn,
        deletionProtection: args.deletionProtection ?? false,
        ...(args.upgradePolicy ? { upgradePolicy: { supportType: args.upgradePolicy } } : {}),
        ...(autoMode
          ? {
              // Auto Mode runs pod networking, kube-proxy and DNS itself; @pulumi/eks makes its node role and IAM.
              autoMode: { enabled: true, createNodeRole: true, computeConfig: { nodePools: autoMode.builtInNodePools ?? ["system"] } },
              kubeProxyAddonOptions: { enabled: false },
            }
          : {
              // vpc-cni and kube-proxy are managed add-ons created by @pulumi/eks; coredns comes after the nodes (below).
              // The VPC CNI enforces NetworkPolicy (its node agent) only when asked; the components rely on it.
              // Versions explicit: without one, @pulumi/eks installs the most recent version, not EKS's default.
              vpcCniOptions: { enableNetworkPolicy: true, addonVersion: addonVersion("vpc-cni", version, args.addonVersions, parent) },
              kubeProxyAddonOptions: { enabled: true, version: addonVersion("kube-proxy", version, args.addonVersions, parent) },
            }),
        corednsAddonOptions: { enabled: false },
        tags: awsTags(tags),
      },
      { parent: this, dependsOn: logGroup ? [logGroup] : [], transforms: [disableCreatorAdminBootstrap, fitAutoNames] },
    );
    const cluster = this.eksCluster;
    const eksName = cluster.eksCluster.name;
    const kubernetesVersion = cluster.eksCluster.version;

    // ----- access --------------------------------------------------------------------------------------
    pulumi.all([cluster.eksCluster.accessConfig, callerArn]).apply(([access, caller]) => {
      if (!access?.bootstrapClusterCreatorAdminPermissions) return;
      const warning = creatorEntryWarning(name, clusterName, args, caller);
      if (warning !== undefined) void pulumi.log.warn(warning, this);
    });
    const grants = createAccessEntries(this, {
      name,
      physicalClusterName: clusterName,
      clusterName: eksName,
      partition,
      plans: accessEntryPlans(args),
      callerArn,
      bootstrapCreatorAdmin: args.bootstrapCreatorAdmin ?? false,
      legacyParent: cluster,
    });

    // ----- nodes ---------------------------------------------------------------------------------------
    this.nodeGroups = autoMode ? {} : createNodeGroups(this, {
      name,
      clusterName,
      cluster,
      kubernetesVersion,
      partition,
      privateSubnetIds: args.privateSubnetIds,
      groups: args.nodeGroups ?? [],
      tags,
      ...(caches
        ? { pullThroughCacheRepositoryArns: pulumi.all([partition, region, accountId]).apply(([p, r, a]) => Object.values(caches).map((prefix) => `arn:${p}:ecr:${r}:${a}:repository/${prefix}/*`)) }
        : {}),
    });
    const nodes = Object.values(this.nodeGroups);

    // ----- workload identity ---------------------------------------------------------------------------
    this.workloadIdentity = args.workloadIdentity ?? "podIdentity";
    const podIdentity = this.workloadIdentity === "podIdentity";
    this.workloadRole = (key, account, boundByAddon = false) =>
      createWorkloadRole(this, { resourceName: `${name}-${key}`, clusterName, cluster, mode: this.workloadIdentity, account, boundByAddon, tags });

    // ----- cluster services ----------------------------------------------------------------------------
    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    const deployingKubeconfig = pulumi.secret(cluster.kubeconfigJson.apply((json) => kubeconfigWithEnvironment(kubeconfigWithProfile(json, credentials.profile), environment.env)));
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: deployingKubeconfig,
        // Only a different cluster replaces the provider (and with it every in-cluster resource).
        clusterIdentifier: cluster.eksCluster.arn,
        enableServerSideApply: true,
        // `pulumi up` wins over a hand edit of a field the program sets, instead of a server-side apply conflict.
        enablePatchForce: true,
        // Off: with a private endpoint an unreachable API is normal from outside the VPC, and refresh must not forget resources.
        deleteUnreachable: false,
      },
      // Nothing talks to the API before the admin grants exist (the first Helm release would be refused).
      { parent: this, dependsOn: grants },
    );

    // ----- add-ons -------------------------------------------------------------------------------------
    const addon = (addonName: Exclude<ManagedAddonName, "vpc-cni" | "kube-proxy">, extra: Partial<aws.eks.AddonArgs> = {}, dependsOn: pulumi.Resource[] = []) =>
      new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: eksName,
          addonName,
          // Pinned, or the default version for the control plane's version, so an upgrade moves the add-on too.
          addonVersion: addonVersion(addonName, kubernetesVersion, args.addonVersions, parent),
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
          tags: awsTags(tags),
          ...extra,
        },
        // Add-ons whose pods need nodes wait for them; coredns otherwise sits DEGRADED (pulumi-eks #1819).
        { parent: this, dependsOn: [...nodes, ...dependsOn] },
      );

    this.clusterServices = [];
    if (autoMode) {
      // AWS runs compute, EBS, load balancing and DNS: no coredns, EBS CSI, Pod Identity agent, LBC or autoscaler.
      this.clusterServices.push(
        ...createAutoModeResources(this, {
          name,
          provider: this.provider,
          nodeRoleName: cluster.autoModeNodeRoleName,
          privateSubnetIds: args.privateSubnetIds,
          securityGroupId: cluster.clusterSecurityGroupId,
          loadBalancing: services.loadBalancerController,
          settings: autoMode,
          tags: awsTags(tags),
        }),
      );
    } else {
      const coredns = addon("coredns");
      // The agent (a DaemonSet) hands pods the credentials of their service account's association.
      const podIdentityAgent = podIdentity ? addon("eks-pod-identity-agent") : undefined;
      const identityReady = podIdentityAgent ? [podIdentityAgent] : [];

      const ebs = this.workloadRole("ebs-csi", SERVICE_ACCOUNTS.ebsCsi, true);
      const ebsPolicies: pulumi.Resource[] = [
        new aws.iam.RolePolicyAttachment(`${name}-ebs-csi`, { role: ebs.role.name, policyArn: partition.apply((p) => managedPolicyArn(p, EBS_CSI_POLICY)) }, parent),
      ];
      if (args.ebsKmsKeyArns?.length) {
        ebsPolicies.push(
          new aws.iam.RolePolicy(`${name}-ebs-csi-kms`, { role: ebs.role.id, policy: pulumi.all(args.ebsKmsKeyArns).apply((keys) => JSON.stringify(ebsCsiKmsPolicy(keys))) }, parent),
        );
      }
      const ebsCsi = addon(
        "aws-ebs-csi-driver",
        // The add-on binds its own service account: a Pod Identity association it manages, or the IRSA annotation.
        podIdentity ? { podIdentityAssociations: [{ roleArn: ebs.role.arn, serviceAccount: SERVICE_ACCOUNTS.ebsCsi.name }] } : { serviceAccountRoleArn: ebs.role.arn },
        [...ebsPolicies, ...identityReady],
      );

      this.clusterServices.push(coredns, ebsCsi, ...identityReady);
      if (args.volumeDeletionWait?.enabled ?? true) {
        // After the add-on (and the grants that let it list PVs), before whatever depends on clusterServices.
        this.volumeDeletionGuard = new VolumeDeletionGuard(
          `${name}-volume-deletion-guard`,
          { kubeconfig: deployingKubeconfig, clusterName: eksName, region, ...(args.volumeDeletionWait?.timeoutSeconds ? { timeoutSeconds: args.volumeDeletionWait.timeoutSeconds } : {}) },
          { parent: this, dependsOn: [ebsCsi, ...grants] },
        );
        this.clusterServices.push(this.volumeDeletionGuard);
      }
      this.clusterServices.push(
        ...createHelmServices(this, {
          name,
          clusterName,
          eksName,
          region,
          partition,
          vpcId: args.vpcId,
          kubernetesVersion,
          workloadIdentity: this.workloadIdentity,
          provider: this.provider,
          dependsOn: [...nodes, coredns, ...identityReady],
          loadBalancerController: services.loadBalancerController,
          clusterAutoscaler: services.clusterAutoscaler && (args.nodeGroups ?? []).some((g) => g.minSize < g.maxSize),
          workloadRole: (key, account) => this.workloadRole(key, account),
          loadBalancerControllerImage: cachedImage("ecrPublic", SERVICE_IMAGE_UPSTREAMS.ecrPublic.loadBalancerController),
          clusterAutoscalerImage: cachedImage("k8s", SERVICE_IMAGE_UPSTREAMS.k8s.clusterAutoscaler),
          tags,
        }),
      );
    }
    // On Auto Mode its pods wait for the NodePool that takes them.
    if (services.metricsServer) this.clusterServices.push(addon("metrics-server", {}, autoMode ? [...this.clusterServices] : []));

    this.clusterName = eksName;
    this.oidcProviderArn = cluster.oidcProviderArn;
    this.oidcProviderUrl = cluster.oidcProviderUrl;
    this.nodeSecurityGroupId = cluster.nodeSecurityGroupId;
    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      oidcProviderArn: this.oidcProviderArn,
      oidcProviderUrl: this.oidcProviderUrl,
      nodeSecurityGroupId: this.nodeSecurityGroupId,
    });
  }
}
