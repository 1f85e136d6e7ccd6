/**
 * A Pulumi engine stand-in for offline evaluation: the mocks harness under `test/` and `npm run synth`
 * both run on it. It records every registered resource with its parent, dependencies and options, and
 * emulates provider defaults (Kubernetes auto-names, AWS IDs and ARNs, AZ look-ups, the EKS component's
 * outputs) so that references between resources resolve as they would against a real deployment.
 */
import * as pulumi from "@pulumi/pulumi";
import * as pulumiSettings from "@pulumi/pulumi/runtime/settings";
import { createHash } from "node:crypto";
import * as bcrypt from "bcryptjs";
import { isSecretWrapper, unwrapSecrets } from "../../components/shared/redact";

export interface RecordedOptions {
  protect: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  retainOnDelete: boolean;
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
  aliasCount: number;
  /** The aliases as the engine received them: a URN, or a spec (name, type, parent URN) the engine completes. */
  aliases?: RecordedAlias[];
  /** The `import` ID (adopt an existing cloud resource instead of creating it), when set. */
  importId?: string;
  /** How many resource transforms the resource carries (the engine applies them to its descendants; the mocks do not). */
  transformCount?: number;
}

/** One alias of a resource: a whole URN, or a spec whose empty fields the engine fills from the resource. */
export type RecordedAlias = { urn: string } | { name?: string; type?: string; parentUrn?: string; noParent: boolean };

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** True for provider-backed resources; false for components (remote components included). */
  custom: boolean;
  id?: string;
  /** The parent's URN, when the resource has a parent other than the stack. */
  parent?: string;
  /** URNs this resource depends on (explicit `dependsOn` and those implied by its inputs). */
  dependencies: string[];
  /**
   * Per top-level input, the URNs its value was computed from. The engine uses these (not `dependsOn`) to decide
   * which dependents of a delete-before-replace resource it must replace too.
   */
  propertyDependencies: Record<string, string[]>;
  /** Inputs as the engine received them: secrets still wrapped, so secrecy can be asserted. */
  inputs: Record<string, unknown>;
  /** The state the mocks returned (inputs plus emulated provider defaults), secrets wrapped. */
  state: Record<string, unknown>;
  provider?: string;
  options: RecordedOptions;
}

export interface InvokeRecord {
  token: string;
  inputs: Record<string, unknown>;
}

export interface MockEngineOptions {
  /** AWS region used for ARNs and AZ names when `aws:region` is not configured. @default "us-east-1" */
  region?: string;
  /** AWS account ID used in ARNs. @default "123456789012" */
  accountId?: string;
  /**
   * The account's AZs per region, in the order AWS lists them: names map to zone IDs differently in every
   * account. @default - six AZs `<region>a`..`f`; in us-east-1 mapped as many accounts see it (us-east-1e is use1-az3)
   */
  availabilityZones?: Record<string, { name: string; zoneId: string }[]>;
  /**
   * EKS cluster names created before the creator-bootstrap transform: their state keeps
   * `accessConfig.bootstrapClusterCreatorAdminPermissions: true` (@pulumi/eks ignores changes to it), and EKS holds
   * a creator entry for them. @default - none
   */
  clustersWithCreatorEntry?: string[];
}

/** The zone-ID prefix AWS uses for a region: us-east-1 → use1, ap-northeast-1 → apne1, ca-central-1 → cac1. */
export function zoneIdPrefix(region: string): string {
  const [area, direction = "", number = ""] = region.split("-");
  const short = direction.replace("north", "n").replace("south", "s").replace("east", "e").replace("west", "w").replace("central", "c");
  return `${area}${short}${number}`;
}

/** The AZs the mock reports for a region when none are configured. */
export function defaultAvailabilityZones(region: string): { name: string; zoneId: string }[] {
  // One real-world us-east-1 mapping; elsewhere names and IDs line up.
  const order = region === "us-east-1" ? [4, 6, 1, 2, 3, 5] : [1, 2, 3, 4, 5, 6];
  return ["a", "b", "c", "d", "e", "f"].map((suffix, i) => ({ name: `${region}${suffix}`, zoneId: `${zoneIdPrefix(region)}-az${order[i]}` }));
}

interface ProtoRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap?(): { forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getProvider(): string;
  getProtect?(): boolean | undefined;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getRetainondelete?(): boolean | undefined;
  getReplaceonchangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getAliasesList?(): ProtoAlias[];
  getImportid?(): string;
  getTransformsList?(): unknown[];
  getObject(): unknown;
}

interface ProtoAlias {
  getUrn(): string;
  getSpec(): { getName(): string; getType(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

function recordAlias(alias: ProtoAlias): RecordedAlias {
  const spec = alias.getSpec();
  if (!spec) return { urn: alias.getUrn() };
  return { name: spec.getName() || undefined, type: spec.getType() || undefined, parentUrn: spec.getParenturn() || undefined, noParent: spec.getNoparent() };
}

interface ProtoResponse {
  getUrn(): string;
  getId(): string;
  getObject(): unknown;
}

type Callback = (err: unknown, response: ProtoResponse | undefined) => void;

interface PatchableMonitor {
  registerResource(req: ProtoRequest, callback: Callback): Promise<void> | void;
}

// waitForRPCs is exported at runtime but marked internal in the typings.
const settingsModule = pulumiSettings as unknown as { waitForRPCs?: () => Promise<void> };

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

export class MockEngine implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  readonly invokes: InvokeRecord[] = [];
  /**
   * The inputs the SDK's mock monitor deserialized for {@link newResource}, by `type::name`, until
   * {@link record} takes them: deserializing a resource reference rebuilds the resource (a getResource and
   * four promises per property), so the same request is not deserialized twice.
   */
  private readonly pendingInputs = new Map<string, Record<string, unknown>[]>();
  private readonly options: Required<MockEngineOptions>;

  constructor(options: MockEngineOptions = {}) {
    this.options = {
      region: options.region ?? "us-east-1",
      accountId: options.accountId ?? "123456789012",
      availabilityZones: options.availabilityZones ?? {},
      clustersWithCreatorEntry: options.clustersWithCreatorEntry ?? [],
    };
  }

  /** Sets the stack's config and installs this engine as the Pulumi monitor. Call before any resource is created. */
  async install(args: {
    project: string;
    stack: string;
    config?: Record<string, string>;
    secretKeys?: string[];
    preview?: boolean;
  }): Promise<void> {
    pulumi.runtime.setAllConfig(args.config ?? {}, args.secretKeys ?? []);
    await pulumi.runtime.setMocks(this, args.project, args.stack, args.preview ?? false);
    const monitor = pulumi.runtime.getMonitor() as unknown as PatchableMonitor;
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) =>
      original(req, (err, response) => {
        if (!err && response) this.record(req, response);
        callback(err, response);
      });
  }

  /** Resolves when every pending registration and the work it triggered has finished. */
  async settle(): Promise<void> {
    for (let quiet = 0; quiet < 3; ) {
      const before = this.resources.length;
      await settingsModule.waitForRPCs?.();
      await new Promise((resolve) => setImmediate(resolve));
      quiet = this.resources.length === before ? quiet + 1 : 0;
    }
  }

  region(): string {
    return pulumi.runtime.getConfig("aws:region") ?? this.options.region;
  }

  // ----- queries --------------------------------------------------------------------------------------

  byType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  find(type: string, name: string): RecordedResource | undefined {
    return this.resources.find((r) => r.type === type && r.name === name);
  }

  get(type: string, name: string): RecordedResource {
    const found = this.find(type, name);
    if (!found) {
      const names = this.byType(type).map((r) => r.name);
      throw new Error(`no ${type} named "${name}" (have: ${names.join(", ") || "none"})`);
    }
    return found;
  }

  byUrn(urn: string): RecordedResource | undefined {
    return this.resources.find((r) => r.urn === urn);
  }

  childrenOf(urn: string): RecordedResource[] {
    return this.resources.filter((r) => r.parent === urn);
  }

  /** The chain of parent URNs from the resource up to (not including) the stack. */
  parentChain(resource: RecordedResource): string[] {
    const chain: string[] = [];
    let current = resource.parent;
    while (current) {
      chain.push(current);
      current = this.byUrn(current)?.parent;
    }
    return chain;
  }

  // ----- the Mocks interface ----------------------------------------------------------------------------

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    const key = `${args.type}::${args.name}`;
    const pending = this.pendingInputs.get(key);
    if (pending) pending.push(inputs);
    else this.pendingInputs.set(key, [inputs]);
    if (args.type.startsWith("kubernetes:")) return this.kubernetesResource(args.type, args.name, inputs, key);
    if (args.type.startsWith("eks:")) return this.eksComponent(args.type, args.name, inputs, key);
    if (args.type.startsWith("aws:")) return this.awsResource(args.type, args.name, inputs, key);
    if (args.type.startsWith("random:")) return this.randomResource(args.type, args.name, inputs, key);
    if (args.type.startsWith("tls:")) return this.tlsResource(args.type, inputs, key);
    return { id: args.custom === false ? undefined : `${args.name}-id`, state: inputs };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    this.invokes.push({ token: args.token, inputs });
    const region = this.region();
    switch (args.token) {
      case "aws:index/getAvailabilityZones:getAvailabilityZones": {
        // As AWS does: the account's AZs in its order, less the excluded names and zone IDs.
        const excludeNames = (inputs.excludeNames as string[] | undefined) ?? [];
        const excludeZoneIds = (inputs.excludeZoneIds as string[] | undefined) ?? [];
        const zones = (this.options.availabilityZones[region] ?? defaultAvailabilityZones(region)).filter((z) => !excludeNames.includes(z.name) && !excludeZoneIds.includes(z.zoneId));
        return { id: region, names: zones.map((z) => z.name), zoneIds: zones.map((z) => z.zoneId), groupNames: [region] };
      }
      case "aws:index/getRegion:getRegion":
        return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          id: this.options.accountId,
          accountId: this.options.accountId,
          arn: `arn:aws:sts::${this.options.accountId}:assumed-role/deployer/session`,
          userId: "AROAEXAMPLE:session",
        };
      case "aws:index/getPartition:getPartition":
        return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
      case "aws:iam/getPolicyDocument:getPolicyDocument":
        return { id: "policy", json: JSON.stringify(policyDocument(unwrapSecrets(inputs))) };
      case "aws:iam/getSessionContext:getSessionContext": {
        // An assumed-role session ARN maps to its role (as AWS does); any other ARN passes through.
        const arn = String(inputs.arn);
        const match = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
        if (!match) return { id: arn, arn, issuerArn: arn };
        const [, partition, account, role, session] = match;
        return { id: arn, arn, issuerArn: `arn:${partition}:iam::${account}:role/${role}`, issuerName: role, issuerId: "AROAEXAMPLE", sessionName: session };
      }
      case "aws:eks/getAddonVersion:getAddonVersion":
        return { id: String(inputs.addonName), addonName: inputs.addonName, kubernetesVersion: inputs.kubernetesVersion, mostRecent: inputs.mostRecent, version: `v1.0.0-eksbuild.${typeof inputs.kubernetesVersion === "string" ? inputs.kubernetesVersion : "x"}` };
      default:
        return inputs;
    }
  }

  // ----- provider default emulation -------------------------------------------------------------------

  private kubernetesResource(type: string, name: string, inputs: Record<string, unknown>, key: string): pulumi.runtime.MockResourceResult {
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
        state.status = { loadBalancer: { ingress: [{ hostname: `k8s-${hash(key, 8)}-${hash(key + "lb", 10)}.elb.${this.region()}.amazonaws.com` }] } };
      }
    }
    if (kind === "Ingress") {
      state.status = { loadBalancer: { ingress: [{ hostname: `k8s-${hash(key, 8)}-${hash(key + "alb", 10)}.${this.region()}.elb.amazonaws.com` }] } };
    }
    return { id, state };
  }

  private awsId(type: string, key: string): string {
    const prefix = AWS_ID_PREFIXES[type];
    return prefix ? `${prefix}0${hash(key, 16)}` : hash(key, 12);
  }

  private arn(service: string, resource: string, global = false): string {
    return `arn:aws:${service}:${global ? "" : this.region()}:${this.options.accountId}:${resource}`;
  }

  private awsResource(type: string, name: string, inputs: Record<string, unknown>, key: string): pulumi.runtime.MockResourceResult {
    const [, moduleAndFile, resourceType] = type.split(":");
    const service = moduleAndFile.split("/")[0];
    // Pulumi auto-names `<name>-<7 random>`; a namePrefix gets the AWS provider's 26-character unique suffix.
    const prefix = inputs.namePrefix as string | undefined;
    const physicalName = (inputs.name as string | undefined) ?? (prefix !== undefined ? `${prefix}${hash(key, 26)}` : `${name}-${hash(key, 7)}`);
    const id = this.awsId(type, key);
    const state: Record<string, unknown> = { ...inputs, id };
    switch (type) {
      case "aws:iam/role:Role":
      case "aws:iam/policy:Policy":
        state.name = physicalName;
        state.arn = this.arn("iam", `${resourceType.toLowerCase()}/${physicalName}`, true);
        return { id: physicalName, state };
      case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
        return { id: `${String(unwrapSecrets(inputs.role))}-${hash(key, 8)}`, state };
      case "aws:kms/key:Key": {
        const keyId = `${hash(key, 8)}-${hash(key + "1", 4)}-${hash(key + "2", 4)}-${hash(key + "3", 4)}-${hash(key + "4", 12)}`;
        return { id: keyId, state: { ...state, id: keyId, keyId, arn: this.arn("kms", `key/${keyId}`) } };
      }
      case "aws:cloudwatch/logGroup:LogGroup":
        return { id: physicalName, state: { ...state, name: physicalName, arn: this.arn("logs", `log-group:${physicalName}`) } };
      case "aws:eks/addon:Addon":
      case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
      case "aws:eks/accessEntry:AccessEntry":
        return { id, state: { ...state, arn: this.arn("eks", `${resourceType.toLowerCase()}/${id}`) } };
      default:
        state.arn = this.arn(service, `${resourceType.toLowerCase()}/${id}`);
        if (inputs.name === undefined && !type.startsWith("aws:ec2/")) state.name = physicalName;
        return { id, state };
    }
  }

  private eksComponent(type: string, name: string, inputs: Record<string, unknown>, key: string): pulumi.runtime.MockResourceResult {
    const region = this.region();
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
        arn: this.arn("eks", `cluster/${clusterName}`),
        endpoint,
        version: inputs.version ?? "1.34",
        certificateAuthority: { data: caData },
        identities: [{ oidcs: [{ issuer: `https://${issuer}` }] }],
        vpcConfig: { clusterSecurityGroupId, vpcId: inputs.vpcId, subnetIds: [] },
        accessConfig: { authenticationMode: inputs.authenticationMode ?? "API", bootstrapClusterCreatorAdminPermissions: this.options.clustersWithCreatorEntry.includes(clusterName) },
      };
      return {
        id: undefined,
        state: {
          kubeconfig,
          kubeconfigJson: JSON.stringify(kubeconfig),
          eksCluster,
          core: { cluster: eksCluster, endpoint, vpcId: inputs.vpcId, subnetIds: [], clusterSecurityGroupId, oidcProvider: { arn: `arn:aws:iam::${this.options.accountId}:oidc-provider/${issuer}`, url: issuer } },
          clusterSecurityGroupId,
          nodeSecurityGroupId,
          // @pulumi/eks creates the Auto Mode node role (`<name>-nodeRole`) when autoMode is on.
          autoModeNodeRoleName: (unwrapSecrets(inputs.autoMode) as { enabled?: unknown } | undefined)?.enabled === true ? `${name}-nodeRole-${hash(key + "auto", 7)}` : "",
          oidcProviderArn: `arn:aws:iam::${this.options.accountId}:oidc-provider/${issuer}`,
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
      // (that has clusterName and nodeRoleArn); echoing them would rebuild both resources on every read of the state.
      const { cluster: _cluster, nodeRole: _nodeRole, ...nodeGroupInputs } = unwrapSecrets(inputs);
      return {
        id: undefined,
        state: {
          nodeGroup: {
            ...nodeGroupInputs,
            id: nodeGroupName,
            nodeGroupName,
            arn: this.arn("eks", `nodegroup/${nodeGroupName}`),
            status: "ACTIVE",
            resources: [{ autoscalingGroups: [{ name: `eks-${nodeGroupName}-${hash(key, 8)}` }] }],
          },
          placementGroupName: "",
        },
      };
    }
    return { id: undefined, state: inputs };
  }

  private randomResource(type: string, name: string, inputs: Record<string, unknown>, key: string): pulumi.runtime.MockResourceResult {
    const length = typeof inputs.length === "number" ? inputs.length : 16;
    const value = `mock${hash(key, Math.max(length - 4, 4))}`.slice(0, Math.max(length, 8));
    const state: Record<string, unknown> = { ...inputs, result: value };
    // A real bcrypt of the result, as the provider computes it once at creation (it uses cost 10; cost 4 here
    // keeps mocks fast), so a test can verify what reaches Elasticsearch's users file.
    if (type === "random:index/randomPassword:RandomPassword") state.bcryptHash = bcrypt.hashSync(value, bcrypt.genSaltSync(4));
    if (type === "random:index/randomId:RandomId") Object.assign(state, { hex: hash(key, 16), b64Url: hash(key, 11), dec: String(parseInt(hash(key, 8), 16)) });
    return { id: `${name}-${hash(key, 8)}`, state };
  }

  private tlsResource(type: string, inputs: Record<string, unknown>, key: string): pulumi.runtime.MockResourceResult {
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

  // ----- recording ----------------------------------------------------------------------------------

  private record(req: ProtoRequest, response: ProtoResponse): void {
    const urn = response.getUrn();
    const key = `${req.getType()}::${req.getName()}`;
    const pending = this.pendingInputs.get(key);
    this.pendingInputs.delete(key);
    // Two registrations of one type and name under different parents may complete in either order: then deserialize.
    // So too when the SDK rebuilt a resource reference as a live resource: the record keeps the reference's URN.
    const inputs = pending?.length === 1 && !holdsResource(pending[0]) ? pending[0] : deserializeRecorded(req.getObject());
    const resource: RecordedResource = {
      urn,
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      id: response.getId() || undefined,
      parent: req.getParent() || undefined,
      dependencies: req.getDependenciesList(),
      propertyDependencies: propertyDependenciesOf(req),
      inputs,
      state: deserializeRecorded(response.getObject()),
      provider: req.getProvider() || undefined,
      options: {
        protect: req.getProtect?.() ?? false,
        ignoreChanges: req.getIgnorechangesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        retainOnDelete: req.getRetainondelete?.() ?? false,
        replaceOnChanges: req.getReplaceonchangesList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        aliasCount: req.getAliasesList?.().length ?? 0,
        aliases: (req.getAliasesList?.() ?? []).map(recordAlias),
        importId: req.getImportid?.() || undefined,
        transformCount: req.getTransformsList?.().length ?? 0,
      },
    };
    const existing = this.resources.findIndex((r) => r.urn === urn);
    if (existing >= 0) this.resources[existing] = resource;
    else this.resources.push(resource);
  }
}

interface ProtoStruct {
  toJavaScript(): Record<string, unknown>;
}

/** Whether `value` holds a live resource anywhere (the SDK's deserialization rebuilds resource references as such). */
function holdsResource(value: unknown): boolean {
  if (pulumi.Resource.isInstance(value)) return true;
  if (Array.isArray(value)) return value.some(holdsResource);
  if (typeof value === "object" && value !== null) return Object.values(value).some(holdsResource);
  return false;
}

/** `value` (a serialized property) with each resource reference replaced by the referenced resource's URN. */
function referencesAsUrns(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(referencesAsUrns);
  if (typeof value === "object" && value !== null) {
    const object = value as Record<string, unknown>;
    if (object[pulumi.runtime.specialSigKey] === pulumi.runtime.specialResourceSig) return object.urn;
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, referencesAsUrns(v)]));
  }
  return value;
}

/**
 * A request's or response's properties as the SDK deserializes them (secrets wrapped, unknowns dropped), except
 * that a resource reference stays what the engine received: the URN, not a live resource rebuilt from it, whose
 * fields are Outputs and would be recorded (and written to resources.json) as toJSON warnings.
 */
function deserializeRecorded(struct: unknown): Record<string, unknown> {
  if (!struct) return {};
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((struct as ProtoStruct).toJavaScript())) {
    if (value !== undefined) props[key] = pulumi.runtime.deserializeProperty(referencesAsUrns(value)) as unknown;
  }
  return props;
}

function propertyDependenciesOf(req: ProtoRequest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  req.getPropertydependenciesMap?.().forEach((deps, key) => {
    out[key] = deps.getUrnsList();
  });
  return out;
}

/** A JSON IAM policy from `aws.iam.getPolicyDocument` inputs, close enough to AWS's rendering to assert on. */
function policyDocument(inputs: Record<string, unknown>): unknown {
  const statements = (inputs.statements as Record<string, unknown>[] | undefined) ?? [];
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => {
      const out: Record<string, unknown> = { Effect: s.effect ?? "Allow" };
      if (s.sid) out.Sid = s.sid;
      if (s.actions) out.Action = s.actions;
      if (s.resources) out.Resource = s.resources;
      const principals = s.principals as { type: string; identifiers: string[] }[] | undefined;
      if (principals) out.Principal = Object.fromEntries(principals.map((p) => [p.type, p.identifiers]));
      const conditions = s.conditions as { test: string; variable: string; values: string[] }[] | undefined;
      if (conditions) {
        const condition: Record<string, Record<string, string[]>> = {};
        for (const c of conditions) (condition[c.test] ??= {})[c.variable] = c.values;
        out.Condition = condition;
      }
      return out;
    }),
  };
}

export { isSecretWrapper };
