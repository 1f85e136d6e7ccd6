/**
 * The mock engine's provider defaults: what the Kubernetes, AWS, EKS, random and TLS providers would
 * return for a new resource (auto-names, IDs, ARNs, cluster IPs, load-balancer hostnames, the EKS
 * component's outputs, generated values), derived from a hash of `type::name` so every run is the same.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import * as bcrypt from "bcryptjs";
import { unwrapSecrets } from "../../components/shared/redact";

/** The account the mocks emulate. */
export interface MockAccount {
  /** The AWS region (read when needed: the stack's config may set it). */
  region(): string;
  accountId: string;
  /** EKS cluster names whose state keeps the creator's bootstrap admin entry (see MockEngineOptions). */
  clustersWithCreatorEntry: readonly string[];
}

function hash(value: string, length: number): string {
  return createHash("sha256").update(value).digest("hex").slice(0, length);
}

const AWS_ID_PREFIXES: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc-",
  "aws:ec2/subnet:Subnet": "subnet-",
  "aws:ec2/internetGateway:InternetGateway": "igw-",
  "aws:ec2/natGateway:NatGateway": "nat-",
  "aws:ec2/eip:Eip": "eipalloc-",
  "aws:ec2/routeTable:RouteTable": "rtb-",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc-",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg-",
  "aws:ec2/securityGroup:SecurityGroup": "sg-",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
  "aws:ec2/flowLog:FlowLog": "fl-",
  "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
};

/**
 * The state a provider would return for a new resource. `key` is `type::name`, the seed of every
 * generated name and ID.
 */
export function emulateResource(ctx: MockAccount, type: string, name: string, custom: boolean | undefined, inputs: Record<string, unknown>, key: string): pulumi.runtime.MockResourceResult {
  if (type.startsWith("kubernetes:")) return kubernetesResource(ctx, type, name, inputs, key);
  if (type.startsWith("eks:")) return eksComponent(ctx, type, name, inputs, key);
  if (type.startsWith("aws:")) return awsResource(ctx, type, name, inputs, key);
  if (type.startsWith("random:")) return randomResource(type, name, inputs, key);
  if (type.startsWith("tls:")) return tlsResource(type, inputs, key);
  return { id: custom === false ? undefined : `${name}-id`, state: inputs };
}

function kubernetesResource(ctx: MockAccount, type: string, name: string, inputs: Record<string, unknown>, key: string): pulumi.runtime.MockResourceResult {
  const [, groupVersion, kind] = type.split(":");
  if (groupVersion.startsWith("helm.sh")) {
    const releaseName = (inputs.name as string | undefined) ?? `${name}-${hash(key, 8)}`;
    return {
      id: `${(inputs.namespace as string | undefined) ?? "default"}/${releaseName}`,
      state: { ...inputs, name: releaseName, status: { name: releaseName, namespace: inputs.namespace ?? "default", status: "deployed", version: 1, chart: inputs.chart, appVersion: inputs.version } },
    };
  }
  if (groupVersion.startsWith("yaml") || kind === "ConfigFile" || kind === "ConfigGroup") {
    return { id: undefined, state: inputs };
  }
  const metadata = { ...((inputs.metadata as Record<string, unknown> | undefined) ?? {}) };
  metadata.name ??= `${name}-${hash(key, 8)}`;
  const apiVersion = groupVersion.startsWith("core/") ? groupVersion.slice("core/".length) : groupVersion;
  const state: Record<string, unknown> = { ...inputs, apiVersion, kind, metadata };
  const namespace = metadata.namespace as string | undefined;
  const id = namespace ? `${namespace}/${String(metadata.name)}` : String(metadata.name);
  if (kind === "Service") {
    const spec = { ...((inputs.spec as Record<string, unknown> | undefined) ?? {}) };
    if (spec.clusterIP === undefined) spec.clusterIP = `172.20.${parseInt(hash(key, 2), 16)}.${parseInt(hash(key + "x", 2), 16)}`;
    state.spec = spec;
    if (spec.type === "LoadBalancer") {
      state.status = { loadBalancer: { ingress: [{ hostname: `k8s-${hash(key, 8)}-${hash(key + "lb", 10)}.elb.${ctx.region()}.amazonaws.com` }] } };
    }
  }
  if (kind === "Ingress") {
    state.status = { loadBalancer: { ingress: [{ hostname: `k8s-${hash(key, 8)}-${hash(key + "alb", 10)}.${ctx.region()}.elb.amazonaws.com` }] } };
  }
  return { id, state };
}

function awsId(type: string, key: string): string {
  const prefix = AWS_ID_PREFIXES[type];
  return prefix ? `${prefix}0${hash(key, 16)}` : hash(key, 12);
}

function arn(ctx: MockAccount, service: string, resource: string, global = false): string {
  return `arn:aws:${service}:${global ? "" : ctx.region()}:${ctx.accountId}:${resource}`;
}

function awsResource(ctx: MockAccount, type: string, name: string, inputs: Record<string, unknown>, key: string): pulumi.runtime.MockResourceResult {
  const [, moduleAndFile, resourceType] = type.split(":");
  const service = moduleAndFile.split("/")[0];
  // Pulumi auto-names `<name>-<7 random>`; a namePrefix gets the AWS provider's 26-character unique suffix.
  const prefix = inputs.namePrefix as string | undefined;
  const physicalName = (inputs.name as string | undefined) ?? (prefix !== undefined ? `${prefix}${hash(key, 26)}` : `${name}-${hash(key, 7)}`);
  const id = awsId(type, key);
  const state: Record<string, unknown> = { ...inputs, id };
  switch (type) {
    case "aws:iam/role:Role":
    case "aws:iam/policy:Policy":
      state.name = physicalName;
      state.arn = arn(ctx, "iam", `${resourceType.toLowerCase()}/${physicalName}`, true);
      return { id: physicalName, state };
    case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
      return { id: `${String(unwrapSecrets(inputs.role))}-${hash(key, 8)}`, state };
    case "aws:kms/key:Key": {
      const keyId = `${hash(key, 8)}-${hash(key + "1", 4)}-${hash(key + "2", 4)}-${hash(key + "3", 4)}-${hash(key + "4", 12)}`;
      return { id: keyId, state: { ...state, id: keyId, keyId, arn: arn(ctx, "kms", `key/${keyId}`) } };
    }
    case "aws:cloudwatch/logGroup:LogGroup":
      return { id: physicalName, state: { ...state, name: physicalName, arn: arn(ctx, "logs", `log-group:${physicalName}`) } };
    case "aws:eks/addon:Addon":
    case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
    case "aws:eks/accessEntry:AccessEntry":
      return { id, state: { ...state, arn: arn(ctx, "eks", `${resourceType.toLowerCase()}/${id}`) } };
    default:
      state.arn = arn(ctx, service, `${resourceType.toLowerCase()}/${id}`);
      if (inputs.name === undefined && !type.startsWith("aws:ec2/")) state.name = physicalName;
      return { id, state };
  }
}

function eksComponent(ctx: MockAccount, type: string, name: string, inputs: Record<string, unknown>, key: string): pulumi.runtime.MockResourceResult {
  const region = ctx.region();
  if (type === "eks:index:Cluster") {
    const clusterName = (inputs.name as string | undefined) ?? `${name}-eksCluster-${hash(key, 7)}`;
    const oidcId = hash(key, 32).toUpperCase();
    const issuer = `oidc.eks.${region}.amazonaws.com/id/${oidcId}`;
    const endpoint = `https://${oidcId}.gr7.${region}.eks.amazonaws.com`;
    const caData = Buffer.from(`mock-ca-for-${clusterName}`).toString("base64");
    const credentialOpts = unwrapSecrets(inputs.providerCredentialOpts) as { roleArn?: unknown } | undefined;
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": caData } }],
      contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
      "current-context": "aws",
      users: [
        {
          name: "aws",
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "aws",
              // As @pulumi/eks writes it: providerCredentialOpts.roleArn becomes `--role`; the exported kubeconfig
              // never carries the profile (only the provider @pulumi/eks makes for itself does).
              args: [
                "--region",
                region,
                "eks",
                "get-token",
                "--cluster-name",
                clusterName,
                "--output",
                "json",
                ...(typeof credentialOpts?.roleArn === "string" ? ["--role", credentialOpts.roleArn] : []),
              ],
              env: [{ name: "KUBERNETES_EXEC_INFO", value: '{"apiVersion": "client.authentication.k8s.io/v1beta1"}' }],
            },
          },
        },
      ],
    };
    const clusterSecurityGroupId = `sg-0${hash(key + "csg", 16)}`;
    const nodeSecurityGroupId = `sg-0${hash(key + "nsg", 16)}`;
    const eksCluster = {
      id: clusterName,
      name: clusterName,
      arn: arn(ctx, "eks", `cluster/${clusterName}`),
      endpoint,
      version: inputs.version ?? "1.34",
      certificateAuthority: { data: caData },
      identities: [{ oidcs: [{ issuer: `https://${issuer}` }] }],
      vpcConfig: { clusterSecurityGroupId, vpcId: inputs.vpcId, subnetIds: [] },
      accessConfig: { authenticationMode: inputs.authenticationMode ?? "API", bootstrapClusterCreatorAdminPermissions: ctx.clustersWithCreatorEntry.includes(clusterName) },
    };
    return {
      id: undefined,
      state: {
        kubeconfig,
        kubeconfigJson: JSON.stringify(kubeconfig),
        eksCluster,
        core: { cluster: eksCluster, endpoint, vpcId: inputs.vpcId, subnetIds: [], clusterSecurityGroupId, oidcProvider: { arn: `arn:aws:iam::${ctx.accountId}:oidc-provider/${issuer}`, url: issuer } },
        clusterSecurityGroupId,
        nodeSecurityGroupId,
        // @pulumi/eks creates the Auto Mode node role (`<name>-nodeRole`) when autoMode is on.
        autoModeNodeRoleName: (unwrapSecrets(inputs.autoMode) as { enabled?: unknown } | undefined)?.enabled === true ? `${name}-nodeRole-${hash(key + "auto", 7)}` : "",
        oidcProviderArn: `arn:aws:iam::${ctx.accountId}:oidc-provider/${issuer}`,
        oidcProviderUrl: `https://${issuer}`,
        oidcIssuer: issuer,
        clusterIngressRuleId: `sgr-0${hash(key, 16)}`,
        eksClusterIngressRuleId: `sgr-0${hash(key + "ing", 16)}`,
      },
    };
  }
  if (type === "eks:index:ManagedNodeGroup") {
    const prefix = inputs.nodeGroupNamePrefix as string | undefined;
    const nodeGroupName = (inputs.nodeGroupName as string | undefined) ?? (prefix !== undefined ? `${prefix}${hash(key, 26)}` : `${name}-${hash(key, 7)}`);
    // The component's `cluster` and `nodeRole` are arguments, not properties of the aws.eks.NodeGroup it returns
    // (that has clusterName and nodeRoleArn). They arrive as the URNs of the resources (the engine's
    // withReferencesAsUrns) and come back as such, beside the component's outputs: for an argument missing from
    // the state the SDK fills the property from the argument, rebuilding each resource from its reference (a
    // getResource and four promises for each of its dozens of output properties). Neither is a typed output.
    const { cluster, nodeRole, ...echoed } = inputs;
    const nodeGroupInputs = unwrapSecrets(echoed);
    return {
      id: undefined,
      state: {
        nodeGroup: {
          ...nodeGroupInputs,
          id: nodeGroupName,
          nodeGroupName,
          arn: arn(ctx, "eks", `nodegroup/${nodeGroupName}`),
          status: "ACTIVE",
          resources: [{ autoscalingGroups: [{ name: `eks-${nodeGroupName}-${hash(key, 8)}` }] }],
        },
        placementGroupName: "",
        ...(cluster === undefined ? {} : { cluster }),
        ...(nodeRole === undefined ? {} : { nodeRole }),
      },
    };
  }
  return { id: undefined, state: inputs };
}

function randomResource(type: string, name: string, inputs: Record<string, unknown>, key: string): pulumi.runtime.MockResourceResult {
  const length = typeof inputs.length === "number" ? inputs.length : 16;
  const value = `mock${hash(key, Math.max(length - 4, 4))}`.slice(0, Math.max(length, 8));
  const state: Record<string, unknown> = { ...inputs, result: value };
  // A real bcrypt of the result, as the provider computes it once at creation (it uses cost 10; cost 4 here
  // keeps mocks fast), so a test can verify what reaches Elasticsearch's users file.
  if (type === "random:index/randomPassword:RandomPassword") state.bcryptHash = bcrypt.hashSync(value, bcrypt.genSaltSync(4));
  if (type === "random:index/randomId:RandomId") Object.assign(state, { hex: hash(key, 16), b64Url: hash(key, 11), dec: String(parseInt(hash(key, 8), 16)) });
  return { id: `${name}-${hash(key, 8)}`, state };
}

function tlsResource(type: string, inputs: Record<string, unknown>, key: string): pulumi.runtime.MockResourceResult {
  const pem = (label: string) => `-----BEGIN ${label}-----\nMOCK${hash(key + label, 48)}\n-----END ${label}-----\n`;
  switch (type) {
    case "tls:index/privateKey:PrivateKey":
      return { id: hash(key, 16), state: { ...inputs, privateKeyPem: pem("PRIVATE KEY"), privateKeyPemPkcs8: pem("PRIVATE KEY"), publicKeyPem: pem("PUBLIC KEY") } };
    case "tls:index/selfSignedCert:SelfSignedCert":
    case "tls:index/locallySignedCert:LocallySignedCert":
      return { id: hash(key, 16), state: { ...inputs, certPem: pem("CERTIFICATE"), validityStartTime: "2026-01-01T00:00:00Z", validityEndTime: "2028-01-01T00:00:00Z", readyForRenewal: false } };
    case "tls:index/certRequest:CertRequest":
      return { id: hash(key, 16), state: { ...inputs, certRequestPem: pem("CERTIFICATE REQUEST") } };
    default:
      return { id: hash(key, 16), state: inputs };
  }
}
