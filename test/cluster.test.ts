import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { setupMocks, valueOf, isSecretOutput, isSecretWrapper, plainSecretLeaks, unwrapSecrets, type MockEngine, type RecordedResource, argumentErrorOf } from "./mocks";
import { disableCreatorAdminBootstrap } from "../components/cluster/access";
import { Cluster, type ClusterArgs } from "../components/cluster/cluster";

const ACCOUNT = "123456789012";
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/platform-admin`;
// The mock caller is the assumed-role session arn:aws:sts::<account>:assumed-role/deployer/session.
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/deployer`;
const KMS_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1111-2222`;

const T = {
  cluster: "eks:index:Cluster",
  ng: "eks:index:ManagedNodeGroup",
  lt: "aws:ec2/launchTemplate:LaunchTemplate",
  addon: "aws:eks/addon:Addon",
  role: "aws:iam/role:Role",
  attach: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
  release: "kubernetes:helm.sh/v3:Release",
  provider: "pulumi:providers:kubernetes",
  kms: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
};

const baseArgs = (overrides: Partial<ClusterArgs> = {}): ClusterArgs => ({
  vpcId: "vpc-0abc",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
  nodeGroups: [
    {
      name: "general",
      instanceTypes: ["t3.large", "t3a.large"],
      capacityType: "SPOT",
      minSize: 2,
      maxSize: 4,
      diskSizeGiB: 80,
      labels: { workload: "general" },
      taints: [],
    },
    {
      name: "search",
      instanceTypes: ["r6i.xlarge"],
      minSize: 3,
      maxSize: 3,
      labels: { workload: "search" },
      taints: [{ key: "dedicated", value: "search", effect: "NoSchedule" }],
    },
  ],
  adminRoleArns: [ADMIN, DEPLOYER],
  tags: { team: "search" },
  ...overrides,
});

let engine: MockEngine;
let cluster: Cluster;
beforeAll(async () => {
  engine = await setupMocks();
  cluster = new Cluster("main", baseArgs({ clusterName: "search-dev", encryptSecrets: true, logTypes: ["api", "audit"], logRetentionDays: 90, ebsKmsKeyArns: [KMS_KEY] }));
  await engine.settle();
});

const child = (type: string, name: string): RecordedResource => engine.get(type, name);
const trustOf = (role: RecordedResource) => JSON.parse(role.inputs.assumeRolePolicy as string);
const eksInputs = () => child(T.cluster, "main").inputs as Record<string, any>;
const eksState = () => child(T.cluster, "main").state as Record<string, any>;

describe("Cluster: the EKS control plane", () => {
  it("uses access entries only, no default node group, an OIDC provider, and the given subnets and endpoint", () => {
    expect(eksInputs()).toMatchObject({
      name: "search-dev",
      version: "1.34",
      vpcId: "vpc-0abc",
      authenticationMode: "API",
      skipDefaultNodeGroup: true,
      createOidcProvider: true,
      publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
      privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ["0.0.0.0/0"],
      enabledClusterLogTypes: ["api", "audit"],
      corednsAddonOptions: { enabled: false },
      kubeProxyAddonOptions: { enabled: true },
      tags: { team: "search" },
    });
  });

  it("has the VPC CNI add-on enforce NetworkPolicy (its node agent stays off unless asked)", () => {
    // @pulumi/eks creates the vpc-cni add-on from vpcCniOptions unless useDefaultVpcCni is set.
    expect(eksInputs().useDefaultVpcCni).not.toBe(true);
    expect(eksInputs().vpcCniOptions).toMatchObject({ enableNetworkPolicy: true });
  });

  it("gives each admin role cluster-admin at cluster scope through its own access entry, and nobody else", () => {
    expect(eksInputs().accessEntries).toBeUndefined();
    const entries = engine.byType("aws:eks/accessEntry:AccessEntry").filter((e) => e.name.startsWith("main-"));
    expect(entries.map((e) => e.inputs.principalArn).sort()).toEqual([DEPLOYER, ADMIN].sort());
    for (const entry of entries) {
      const [association] = engine.byType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((a) => a.parent === entry.urn);
      expect(association.inputs).toMatchObject({ policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } });
    }
  });

  it("turns off EKS's implicit creator admin on the cluster inside @pulumi/eks", () => {
    const opts = { ignoreChanges: ["accessConfig.bootstrapClusterCreatorAdminPermissions", "bootstrapSelfManagedAddons"] };
    const result = disableCreatorAdminBootstrap({
      type: "aws:eks/cluster:Cluster",
      name: "x",
      custom: true,
      props: { name: "c", accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true } },
      opts,
    });
    expect(result?.props).toEqual({ name: "c", accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false } });
    // The options pass through untouched: @pulumi/eks's ignoreChanges on the flag keeps a cluster created with it from being replaced.
    expect(result?.opts).toBe(opts);
    expect(disableCreatorAdminBootstrap({ type: "aws:eks/addon:Addon", name: "x", custom: true, props: {}, opts })).toBeUndefined();
  });

  it("encrypts Secrets with a KMS key that rotates", () => {
    const key = child(T.kms, "main-secrets");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(eksInputs().encryptionConfigKeyArn).toBe(key.state.arn);
  });

  it("creates the control-plane log group with retention before the cluster", () => {
    const logGroup = child(T.logGroup, "main-control-plane");
    expect(logGroup.inputs).toMatchObject({ name: "/aws/eks/search-dev/cluster", retentionInDays: 90 });
    expect(child(T.cluster, "main").dependencies).toContain(logGroup.urn);
  });
});

describe("Cluster: node groups", () => {
  // The SDK's mock monitor would rebuild a resource from each reference (and again for a property the state
  // lacks); the engine keeps them as the URNs a real engine receives, and the mocked state echoes them.
  it("hand their cluster and node role to the engine as references, kept as URNs in inputs and state", () => {
    const clusterUrn = child(T.cluster, "main").urn;
    const roleUrn = child(T.role, "main-node").urn;
    for (const group of ["main-general", "main-search"]) {
      const ng = child(T.ng, group);
      expect([ng.inputs.cluster, ng.inputs.nodeRole]).toEqual([clusterUrn, roleUrn]);
      expect([ng.state.cluster, ng.state.nodeRole]).toEqual([clusterUrn, roleUrn]);
    }
  });

  it("puts every node group in the private subnets only, on AL2023, with its capacity type and scaling", () => {
    const general = child(T.ng, "main-general").inputs;
    const search = child(T.ng, "main-search").inputs;
    for (const ng of [general, search]) {
      expect(ng.subnetIds).toEqual(["subnet-priv-a", "subnet-priv-b"]);
      expect(ng.operatingSystem).toBe("AL2023");
      expect(ng.version).toBe("1.34"); // follows the control plane
    }
    expect(general).toMatchObject({ capacityType: "SPOT", instanceTypes: ["t3.large", "t3a.large"], scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 4 }, ignoreScalingChanges: true });
    expect(search).toMatchObject({ capacityType: "ON_DEMAND", scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 3 }, ignoreScalingChanges: false });
  });

  it("passes labels and taints (in the EKS API's spelling)", () => {
    expect(child(T.ng, "main-general").inputs).toMatchObject({ labels: { workload: "general" }, taints: [] });
    expect(child(T.ng, "main-search").inputs).toMatchObject({ labels: { workload: "search" }, taints: [{ key: "dedicated", value: "search", effect: "NO_SCHEDULE" }] });
  });

  it("tags only autoscaled groups for Cluster Autoscaler discovery", () => {
    expect(child(T.ng, "main-general").inputs.tags).toMatchObject({ "k8s.io/cluster-autoscaler/enabled": "true", "k8s.io/cluster-autoscaler/search-dev": "owned", team: "search" });
    expect(child(T.ng, "main-search").inputs.tags).not.toHaveProperty("k8s.io/cluster-autoscaler/enabled");
  });

  it("launches nodes with IMDSv2 required at hop limit 1, an encrypted gp3 root of the requested size, and vm.max_map_count raised", () => {
    const lt = child(T.lt, "main-general");
    expect(lt.inputs.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect(lt.inputs.blockDeviceMappings).toEqual([{ deviceName: "/dev/xvda", ebs: { volumeSize: 80, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }]);
    const userData = Buffer.from(lt.inputs.userData as string, "base64").toString("utf8");
    expect(userData).toMatch(/^MIME-Version: 1\.0\nContent-Type: multipart\/mixed; boundary=/);
    expect(userData).toContain("sysctl -w vm.max_map_count=1048576");
    expect(child(T.ng, "main-general").inputs.launchTemplate).toMatchObject({ id: lt.id });
    expect(child(T.lt, "main-search").inputs.blockDeviceMappings).toMatchObject([{ ebs: { volumeSize: 50 } }]);
  });

  it("gives nodes a role with the worker, ECR read-only and CNI policies", () => {
    const role = child(T.role, "main-node");
    expect(trustOf(role).Statement[0].Principal).toEqual({ Service: "ec2.amazonaws.com" });
    const attached = engine.byType(T.attach).filter((a) => a.inputs.role === role.state.name).map((a) => a.inputs.policyArn).sort();
    expect(attached).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    ]);
  });
});

describe("Cluster: add-ons", () => {
  it("creates coredns after every node group exists", () => {
    const coredns = child(T.addon, "main-coredns");
    expect(coredns.inputs).toMatchObject({ addonName: "coredns", clusterName: "search-dev" });
    expect(coredns.inputs.addonVersion).toBe("v1.0.0-eksbuild.1.34");
    expect(coredns.dependencies).toEqual(expect.arrayContaining([child(T.ng, "main-general").urn, child(T.ng, "main-search").urn]));
  });

  it("runs the EBS CSI driver under its own role, bound by the add-on's Pod Identity association and trusted only for kube-system/ebs-csi-controller-sa of this cluster", () => {
    const role = child(T.role, "main-ebs-csi");
    const addon = child(T.addon, "main-aws-ebs-csi-driver");
    expect(addon.inputs.podIdentityAssociations).toEqual([{ roleArn: role.state.arn, serviceAccount: "ebs-csi-controller-sa" }]);
    expect(addon.inputs.serviceAccountRoleArn).toBeUndefined();
    expect(trustOf(role).Statement[0]).toMatchObject({ Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] });
    expect(trustOf(role).Statement[0].Condition.StringEquals).toMatchObject({ "aws:RequestTag/kubernetes-namespace": "kube-system", "aws:RequestTag/kubernetes-service-account": "ebs-csi-controller-sa" });
    expect(child(T.attach, "main-ebs-csi").inputs).toMatchObject({ role: role.state.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" });
    expect(addon.dependencies).toEqual(expect.arrayContaining([child(T.attach, "main-ebs-csi").urn, child(T.addon, "main-eks-pod-identity-agent").urn]));
  });

  it("lets the EBS CSI driver use the customer KMS keys it is given, grants only for AWS resources", () => {
    const policy = JSON.parse(child(T.rolePolicy, "main-ebs-csi-kms").inputs.policy as string);
    expect(policy.Statement[0]).toMatchObject({ Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], Resource: [KMS_KEY], Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } } });
    expect(policy.Statement[1].Resource).toEqual([KMS_KEY]);
  });
});

describe("Cluster: add-on versions", () => {
  it("installs pinned add-on versions verbatim, @pulumi/eks's vpc-cni and kube-proxy included, and looks up only the others", async () => {
    const before = engine.invokes.length;
    const pins = { "vpc-cni": "v1.19.2-eksbuild.1", "kube-proxy": "v1.34.0-eksbuild.2", coredns: "v1.11.4-eksbuild.2", "aws-ebs-csi-driver": "v1.44.0-eksbuild.1" };
    new Cluster("pinned", baseArgs({ addonVersions: pins }));
    await engine.settle();
    const eks = child(T.cluster, "pinned").inputs as Record<string, any>;
    expect(eks.vpcCniOptions).toMatchObject({ addonVersion: "v1.19.2-eksbuild.1", enableNetworkPolicy: true });
    expect(eks.kubeProxyAddonOptions).toMatchObject({ version: "v1.34.0-eksbuild.2" });
    expect(child(T.addon, "pinned-coredns").inputs.addonVersion).toBe("v1.11.4-eksbuild.2");
    expect(child(T.addon, "pinned-aws-ebs-csi-driver").inputs.addonVersion).toBe("v1.44.0-eksbuild.1");
    expect(child(T.addon, "pinned-metrics-server").inputs.addonVersion).toBe("v1.0.0-eksbuild.1.34");
    const looked = engine.invokes.slice(before).filter((i) => i.token === "aws:eks/getAddonVersion:getAddonVersion").map((i) => i.inputs.addonName);
    expect(looked.sort()).toEqual(["eks-pod-identity-agent", "metrics-server"]);
  });

  it("rejects an unknown add-on or a version EKS would not recognise", () => {
    const error = argumentErrorOf(() => new Cluster("bad-pins", baseArgs({ addonVersions: { coredns: "latest", "vpc-cin": "v1.0.0" } as never })));
    expect(error.issues.map((i) => i.path)).toEqual(["addonVersions.vpc-cin", "addonVersions.coredns"]);
  });
});

describe("Cluster: customer KMS keys for EBS", () => {
  it("names keys by ARN and aliases by kms:ResourceAliases (KMS never authorizes a key by its alias ARN)", async () => {
    const alias = `arn:aws:kms:us-east-1:${ACCOUNT}:alias/search/ebs`;
    new Cluster("kms-alias", baseArgs({ ebsKmsKeyArns: [KMS_KEY, alias] }));
    await engine.settle();
    const policy = JSON.parse(child(T.rolePolicy, "kms-alias-ebs-csi-kms").inputs.policy as string);
    expect(policy.Statement.map((s: any) => [s.Sid, s.Resource])).toEqual([
      ["GrantsForEbs", [KMS_KEY]],
      ["UseKeys", [KMS_KEY]],
      ["GrantsForEbsByAlias", "*"],
      ["UseKeysByAlias", "*"],
    ]);
    expect(policy.Statement[2].Condition).toEqual({ "ForAnyValue:StringEquals": { "kms:ResourceAliases": ["alias/search/ebs"] }, Bool: { "kms:GrantIsForAWSResource": "true" } });
    expect(policy.Statement[3].Condition).toEqual({ "ForAnyValue:StringEquals": { "kms:ResourceAliases": ["alias/search/ebs"] } });
  });

  it("refuses a key that is not a KMS ARN before it becomes a MalformedPolicyDocument (saw this fail: any string passed)", () => {
    const error = argumentErrorOf(() => new Cluster("kms-bad", baseArgs({ ebsKmsKeyArns: ["1234abcd-12ab-34cd-56ef-1234567890ab", KMS_KEY, pulumi.output("unknown-yet")] })));
    expect(error.issues.map((i) => i.path)).toEqual(["ebsKmsKeyArns[0]"]);
  });
});

describe("Cluster: cluster services", () => {
  const saOf = (role: RecordedResource) => trustOf(role).Statement[0].Condition.StringEquals;

  it("installs metrics-server as an EKS add-on after the nodes", () => {
    const addon = child(T.addon, "main-metrics-server");
    expect(addon.dependencies).toContain(child(T.ng, "main-general").urn);
  });

  it("installs the AWS Load Balancer Controller, pinned, on this cluster, with a role trusted only for its own service account", () => {
    const release = child(T.release, "main-aws-load-balancer-controller");
    const provider = child(T.provider, "main-k8s");
    expect(release.provider?.startsWith(`${provider.urn}::`)).toBe(true);
    expect(release.inputs).toMatchObject({ chart: "aws-load-balancer-controller", version: "3.4.3", namespace: "kube-system", repositoryOpts: { repo: "https://aws.github.io/eks-charts" } });
    const role = child(T.role, "main-aws-load-balancer-controller");
    const values = release.inputs.values as Record<string, any>;
    expect(values).toMatchObject({ clusterName: "search-dev", region: "us-east-1", vpcId: "vpc-0abc" });
    expect(values.serviceAccount).toEqual({ create: true, name: "aws-load-balancer-controller", annotations: {} });
    expect(saOf(role)).toMatchObject({ "aws:RequestTag/kubernetes-namespace": "kube-system", "aws:RequestTag/kubernetes-service-account": "aws-load-balancer-controller" });
    const association = child(T.podIdentity, "main-aws-load-balancer-controller");
    expect(association.inputs).toMatchObject({ clusterName: "search-dev", namespace: "kube-system", serviceAccount: "aws-load-balancer-controller", roleArn: role.state.arn });
    expect(release.dependencies).toContain(association.urn);
    const policy = child(T.policy, "main-aws-load-balancer-controller");
    expect(child(T.attach, "main-aws-load-balancer-controller").inputs).toMatchObject({ role: role.state.name, policyArn: policy.state.arn });
    expect(JSON.parse(policy.inputs.policy as string).Statement).toHaveLength(16);
    expect(release.dependencies).toEqual(expect.arrayContaining([child(T.addon, "main-coredns").urn, child(T.attach, "main-aws-load-balancer-controller").urn]));
  });

  it("installs Cluster Autoscaler for this cluster's node groups, with a role trusted only for its own service account and scoped to owned groups", () => {
    const release = child(T.release, "main-cluster-autoscaler");
    expect(release.inputs).toMatchObject({ chart: "cluster-autoscaler", version: "9.53.0", namespace: "kube-system" });
    const role = child(T.role, "main-cluster-autoscaler");
    const values = release.inputs.values as Record<string, any>;
    expect(values).toMatchObject({ autoDiscovery: { clusterName: "search-dev" }, awsRegion: "us-east-1", image: { tag: "v1.34.5" } });
    expect(values.rbac.serviceAccount).toEqual({ create: true, name: "cluster-autoscaler", annotations: {} });
    expect(saOf(role)).toMatchObject({ "aws:RequestTag/kubernetes-service-account": "cluster-autoscaler" });
    expect(child(T.podIdentity, "main-cluster-autoscaler").inputs).toMatchObject({ namespace: "kube-system", serviceAccount: "cluster-autoscaler", roleArn: role.state.arn });
    const policy = JSON.parse(child(T.rolePolicy, "main-cluster-autoscaler").inputs.policy as string);
    expect(policy.Statement[0].Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/search-dev": "owned" } });
  });
});

describe("Cluster: outputs", () => {
  it("exports the kubeconfig as a secret that reaches the provider and no resource input in plain text", async () => {
    expect(await isSecretOutput(cluster.kubeconfig)).toBe(true);
    const kubeconfig = JSON.parse(await valueOf(cluster.kubeconfig));
    expect(kubeconfig.users[0].user.exec).toMatchObject({ command: "aws", args: expect.arrayContaining(["get-token", "search-dev"]) });
    const provider = child(T.provider, "main-k8s");
    expect(isSecretWrapper(provider.inputs.kubeconfig)).toBe(true);
    expect(JSON.parse(unwrapSecrets(provider.inputs.kubeconfig) as string)).toEqual(kubeconfig);
    expect(plainSecretLeaks(engine, "certificate-authority-data")).toEqual([]);
  });

  it("builds one provider that only a different cluster replaces, and never forgets resources of an unreachable cluster", () => {
    const provider = child(T.provider, "main-k8s");
    expect(provider.inputs).toMatchObject({ clusterIdentifier: eksState().eksCluster.arn, deleteUnreachable: "false", enableServerSideApply: "true", enablePatchForce: "true" });
  });

  it("exposes the cluster name, OIDC provider and node security group", async () => {
    expect(await valueOf(cluster.clusterName)).toBe("search-dev");
    expect(await valueOf(cluster.oidcProviderArn)).toBe(eksState().oidcProviderArn);
    expect(await valueOf(cluster.oidcProviderUrl)).toBe(eksState().oidcProviderUrl);
    expect(await valueOf(cluster.nodeSecurityGroupId)).toBe(eksState().nodeSecurityGroupId);
    expect(eksInputs().skipDefaultSecurityGroups).toBe(true);
  });
});

describe("Cluster variants", () => {
  it("grants the deploying identity's role (not its session) admin when bootstrapCreatorAdmin is set", async () => {
    new Cluster("creator", baseArgs({ adminRoleArns: [ADMIN], bootstrapCreatorAdmin: true }));
    await engine.settle();
    const entries = engine.byType("aws:eks/accessEntry:AccessEntry").filter((e) => e.name.startsWith("creator-"));
    expect(entries.map((e) => e.inputs.principalArn).sort()).toEqual([ADMIN, DEPLOYER].sort());
    expect(entries.find((e) => e.inputs.principalArn === DEPLOYER)!.name).toBe("creator-creator");
  });

  it("installs no cluster service that is switched off, nor Cluster Autoscaler when no group can scale", async () => {
    new Cluster(
      "fixed",
      baseArgs({ nodeGroups: [{ name: "only", instanceTypes: ["m6i.large"], minSize: 2, maxSize: 2 }], services: { metricsServer: false } }),
    );
    new Cluster("bare", baseArgs({ services: { metricsServer: false, loadBalancerController: false, clusterAutoscaler: false } }));
    await engine.settle();
    const names = (type: string) => engine.byType(type).map((r) => r.name);
    expect(names(T.release)).toContain("fixed-aws-load-balancer-controller");
    expect(names(T.release)).not.toContain("fixed-cluster-autoscaler");
    expect(names(T.release).filter((n) => n.startsWith("bare-"))).toEqual([]);
    expect(names(T.addon).filter((n) => n.startsWith("bare-")).sort()).toEqual(["bare-aws-ebs-csi-driver", "bare-coredns", "bare-eks-pod-identity-agent"]);
    expect(engine.find(T.kms, "bare-secrets")).toBeUndefined();
    expect(engine.find(T.logGroup, "bare-control-plane")).toBeUndefined();
    expect(child(T.cluster, "bare").inputs.encryptionConfigKeyArn).toBeUndefined();
  });

  it("turns on EKS deletion protection and sets the support policy only when asked", async () => {
    new Cluster("guarded", baseArgs({ deletionProtection: true, upgradePolicy: "STANDARD" }));
    await engine.settle();
    expect(child(T.cluster, "guarded").inputs).toMatchObject({ deletionProtection: true, upgradePolicy: { supportType: "STANDARD" } });
    expect(eksInputs()).toMatchObject({ deletionProtection: false });
    expect(eksInputs().upgradePolicy).toBeUndefined();
  });

  it("makes one node group per private subnet for a perAvailabilityZone spec, same spec, sizes per AZ (saw this fail: one group over all subnets)", async () => {
    new Cluster(
      "zonal",
      baseArgs({
        privateSubnetIds: ["subnet-priv-a", "subnet-priv-b", "subnet-priv-c"],
        nodeGroups: [{ name: "search", instanceTypes: ["r6i.xlarge"], minSize: 1, maxSize: 3, labels: { workload: "search" }, perAvailabilityZone: true }],
      }),
    );
    await engine.settle();
    const groups = engine.byType(T.ng).filter((g) => g.name.startsWith("zonal-"));
    expect(groups.map((g) => [g.name, g.inputs.subnetIds])).toEqual([
      ["zonal-search-az0", ["subnet-priv-a"]],
      ["zonal-search-az1", ["subnet-priv-b"]],
      ["zonal-search-az2", ["subnet-priv-c"]],
    ]);
    const [launchTemplate] = engine.byType(T.lt).filter((lt) => lt.name.startsWith("zonal-"));
    for (const g of groups) {
      expect(g.inputs).toMatchObject({ scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 3 }, labels: { workload: "search" }, launchTemplate: { id: launchTemplate.id } });
      // Cluster Autoscaler finds every AZ's group and keeps them balanced (balance-similar-node-groups).
      expect(g.inputs.tags).toMatchObject({ "k8s.io/cluster-autoscaler/enabled": "true" });
    }
  });

  it("needs the private subnets as a list (one Input each) for per-AZ node groups", () => {
    const error = argumentErrorOf(() => new Cluster("zonal-output", baseArgs({ privateSubnetIds: pulumi.output(["a", "b"]), nodeGroups: [{ name: "g", instanceTypes: ["m6i.large"], minSize: 1, maxSize: 1, perAvailabilityZone: true }] })));
    expect(error.issues.map((i) => i.path)).toEqual(["privateSubnetIds"]);
  });

  it("closes the public endpoint when asked", async () => {
    new Cluster("private", baseArgs({ endpoint: { publicAccess: false, privateAccess: true } }));
    await engine.settle();
    const inputs = child(T.cluster, "private").inputs;
    expect(inputs).toMatchObject({ endpointPublicAccess: false, endpointPrivateAccess: true });
    expect(inputs.publicAccessCidrs).toBeUndefined();
  });

  it("rejects bad arguments with one ArgumentError listing every problem, before registering anything", () => {
    const before = engine.resources.length;
    const error = argumentErrorOf(() => {
      new Cluster("broken", {
        ...baseArgs(),
        version: "1.3",
        privateSubnetIds: ["subnet-only-one"],
        nodeGroups: [
          { name: "Bad_Name", instanceTypes: [], minSize: 3, maxSize: 2 },
          { name: "ok", instanceTypes: ["m6i.large"], minSize: 1, maxSize: 2 },
          { name: "ok", instanceTypes: ["m6i.large"], minSize: 1, maxSize: 2 },
        ],
        endpoint: { publicAccess: false, privateAccess: false, publicAccessCidrs: ["10.0.0.0/8"] },
        adminRoleArns: ["not-an-arn"],
        logTypes: ["api", "everything" as "api"],
        logRetentionDays: 45,
      });
    });
    const paths = error.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "version",
        "privateSubnetIds",
        "nodeGroups[0].name",
        "nodeGroups[0].instanceTypes",
        "nodeGroups[0].minSize",
        "nodeGroups[2].name",
        "endpoint",
        "endpoint.publicAccessCidrs",
        "adminRoleArns[0]",
        "logTypes[1]",
        "logRetentionDays",
      ]),
    );
    expect(error.message).toContain('args.logTypes[1]: must be one of api, audit, authenticator, controllerManager, scheduler (got "everything")');
    expect(engine.resources.length).toBe(before);
    expect(engine.find("eks-search-platform:index:Cluster", "broken")).toBeUndefined();
  });

  it("refuses a cluster nobody could administer", () => {
    expect(() => new Cluster("orphan", baseArgs({ adminRoleArns: [] }))).toThrow(/args\.adminRoleArns: nobody could administer the cluster/);
  });
});
