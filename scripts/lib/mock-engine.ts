/**
 * A Pulumi engine stand-in for offline evaluation: the mocks harness under `test/` and `npm run synth`
 * both run on it. It records every registered resource with its parent, dependencies and options, and
 * emulates provider defaults (Kubernetes auto-names, AWS IDs and ARNs, AZ look-ups, the EKS component's
 * outputs) so that references between resources resolve as they would against a real deployment.
 * What it records is built in mock-record.ts, resource state in mock-providers.ts, invoke results in
 * mock-invokes.ts; this class wires them into the SDK's mock monitor and answers queries on the records.
 */
import * as pulumi from "@pulumi/pulumi";
import * as pulumiSettings from "@pulumi/pulumi/runtime/settings";
import { isSecretWrapper } from "../../components/shared/redact";
import { installMockCallbacks, type TransformRecordingMonitor } from "./mock-callbacks";
import { mockInvoke } from "./mock-invokes";
import { emulateResource, type MockAccount } from "./mock-providers";
import { recordResource, withReferencesAsUrns, type ProtoRequest, type ProtoResponse, type RecordedResource } from "./mock-record";

export { defaultAvailabilityZones, zoneIdPrefix } from "./mock-invokes";
export type { RecordedAlias, RecordedOptions, RecordedResource } from "./mock-record";

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

type Callback = (err: unknown, response: ProtoResponse | undefined) => void;

interface PatchableMonitor {
  registerResource(req: ProtoRequest, callback: Callback): Promise<void> | void;
}

// waitForRPCs is exported at runtime but marked internal in the typings.
const settingsModule = pulumiSettings as unknown as { waitForRPCs?: () => Promise<void> };

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
  private readonly account: MockAccount;

  constructor(options: MockEngineOptions = {}) {
    this.options = {
      region: options.region ?? "us-east-1",
      accountId: options.accountId ?? "123456789012",
      availabilityZones: options.availabilityZones ?? {},
      clustersWithCreatorEntry: options.clustersWithCreatorEntry ?? [],
    };
    this.account = { region: () => this.region(), accountId: this.options.accountId, clustersWithCreatorEntry: this.options.clustersWithCreatorEntry };
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
    const monitor = pulumi.runtime.getMonitor() as unknown as PatchableMonitor & TransformRecordingMonitor;
    installMockCallbacks(monitor); // no gRPC server for the program's transforms
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) =>
      original(withReferencesAsUrns(req), (err, response) => {
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
    return emulateResource(this.account, args.type, args.name, args.custom, inputs, key);
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    this.invokes.push({ token: args.token, inputs });
    return mockInvoke({ region: this.region(), accountId: this.options.accountId, availabilityZones: this.options.availabilityZones }, args.token, inputs);
  }

  // ----- recording ----------------------------------------------------------------------------------

  private record(req: ProtoRequest, response: ProtoResponse): void {
    const key = `${req.getType()}::${req.getName()}`;
    const pending = this.pendingInputs.get(key);
    this.pendingInputs.delete(key);
    const resource = recordResource(req, response, pending);
    const existing = this.resources.findIndex((r) => r.urn === resource.urn);
    if (existing >= 0) this.resources[existing] = resource;
    else this.resources.push(resource);
  }
}

export { isSecretWrapper };
