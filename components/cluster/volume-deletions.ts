/**
 * What a destroy waits for before the EBS CSI driver goes: the persistent volumes that driver is still deleting.
 * Kubernetes deletes a claim's volume after the claim is gone, asynchronously; an EBS volume the driver has not
 * reached when its add-on is deleted stays in the account, billed. Pure decisions here, the waiting loop with its
 * clock and client injected; volume-guard.ts runs it on destroy.
 *
 * Everything the loop calls lives in this file: the guard's dynamic provider is serialized by value into the
 * stack's state, and a function of another module would be captured as a `require` of that module's path.
 * For the same reason the constants are plain `const`s exported by the list at the end: an `export const` compiles
 * to `exports.NAME` at every use, and a captured `exports` is this module, which Pulumi would `require` by a path the
 * installed package does not export (test/volume-guard-packaged.test.ts).
 */

// Types only: nothing of the client is loaded until a delete runs.
import type * as KubernetesClient from "@kubernetes/client-node" with { "resolution-mode": "import" };

/** The EBS CSI driver's name, in a PV's `spec.csi.driver`. */
const EBS_CSI_DRIVER = "ebs.csi.aws.com";

/** Setting this environment variable to `1` makes a destroy skip the wait (the volumes may then be left). */
const SKIP_VOLUME_WAIT_ENV = "EKS_SEARCH_PLATFORM_SKIP_VOLUME_WAIT";

/** The fields of a Kubernetes PersistentVolume the decision reads. */
export interface PersistentVolumeFacts {
  metadata?: { name?: string; deletionTimestamp?: string | Date };
  spec?: {
    csi?: { driver?: string; volumeHandle?: string };
    persistentVolumeReclaimPolicy?: string;
    claimRef?: { namespace?: string; name?: string; uid?: string };
  };
  status?: { phase?: string };
}

/** The fields of a PersistentVolumeClaim the decision reads. */
export interface PersistentVolumeClaimFacts {
  metadata?: { namespace?: string; name?: string; uid?: string };
}

/** One volume of the driver, as the wait reports it. */
export interface DriverVolume {
  /** The PV's name. */
  pv: string;
  /** The EBS volume ID (`vol-…`), the PV's `spec.csi.volumeHandle`. */
  volumeId: string;
  /** `namespace/name` of the claim it was made for, if any. */
  claim?: string;
  /** The PV's phase (Released, Bound, Failed, …). */
  phase?: string;
}

/** What the driver still has to do. */
export interface VolumeDeletions {
  /** Volumes the driver is deleting (reclaim policy Delete, claim gone): the add-on must outlive them. */
  pending: DriverVolume[];
  /** Volumes still bound to a live claim: nothing deletes them, and they outlive the cluster. */
  bound: DriverVolume[];
}

function claimKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ""}/${name ?? ""}`;
}

/**
 * Sorts the driver's PVs into those it is still deleting and those bound to live claims. A PV counts as pending when
 * its reclaim policy is Delete and it was made for a claim that no longer exists (by UID when the PV records one, so
 * a new claim of the same name does not count): Released, Failed (the deletion failed and is retried) or still shown
 * Bound for the moment before the PV controller notices. A PV with reclaim policy Retain is kept on purpose, and one
 * never bound (Available) is not deleted by anyone: neither is waited for. Other drivers' PVs are ignored.
 */
export function pendingVolumeDeletions(
  pvs: readonly PersistentVolumeFacts[],
  claims: readonly PersistentVolumeClaimFacts[],
  driver: string = EBS_CSI_DRIVER,
): VolumeDeletions {
  const liveUids = new Set(claims.map((c) => c.metadata?.uid).filter((uid): uid is string => Boolean(uid)));
  const liveNames = new Set(claims.map((c) => claimKey(c.metadata?.namespace, c.metadata?.name)));
  const result: VolumeDeletions = { pending: [], bound: [] };
  for (const pv of pvs) {
    const spec = pv.spec ?? {};
    if (spec.csi?.driver !== driver) continue;
    const ref = spec.claimRef;
    const volume: DriverVolume = {
      pv: pv.metadata?.name ?? "(unnamed)",
      volumeId: spec.csi.volumeHandle ?? "(unknown volume ID)",
      ...(ref ? { claim: claimKey(ref.namespace, ref.name) } : {}),
      ...(pv.status?.phase ? { phase: pv.status.phase } : {}),
    };
    if (!ref) continue; // never bound: no claim ever released it
    const claimLives = ref.uid ? liveUids.has(ref.uid) : liveNames.has(claimKey(ref.namespace, ref.name));
    if (claimLives) result.bound.push(volume);
    else if (spec.persistentVolumeReclaimPolicy === "Delete") result.pending.push(volume);
  }
  return result;
}

/** How long a destroy waits for the driver, and how often it looks. */
export interface VolumeWaitPolicy {
  timeoutMs: number;
  pollMs: number;
}

/** The default wait: 10 minutes (the driver deletes a detached volume in seconds; detaching can take minutes). */
const DEFAULT_VOLUME_WAIT_SECONDS = 600;
/** The shortest and longest wait a Cluster accepts. */
const VOLUME_WAIT_SECONDS_RANGE = { min: 30, max: 3600 } as const;

/** The wait for a timeout in seconds: polls every 5 s, or a tenth of the timeout when that is shorter (at least 0.5 s). */
export function volumeWaitPolicy(timeoutSeconds: number = DEFAULT_VOLUME_WAIT_SECONDS): VolumeWaitPolicy {
  const timeoutMs = Math.round(timeoutSeconds * 1000);
  return { timeoutMs, pollMs: Math.max(500, Math.min(5000, Math.round(timeoutMs / 10))) };
}

/** The next step of the wait: done when nothing is pending, a timeout once the deadline has passed, else wait. */
export function nextVolumeWaitStep(state: VolumeDeletions | undefined, elapsedMs: number, policy: VolumeWaitPolicy): "done" | "wait" | "timeout" {
  if (state && state.pending.length === 0) return "done";
  return elapsedMs >= policy.timeoutMs ? "timeout" : "wait";
}

function describeVolumes(volumes: readonly DriverVolume[]): string {
  return volumes.map((v) => `${v.volumeId} (PV ${v.pv}${v.claim ? `, claim ${v.claim}` : ""}${v.phase ? `, ${v.phase}` : ""})`).join(", ");
}

/** Where the timeout message comes from, for its commands. */
export interface VolumeWaitContext {
  clusterName: string;
  region?: string;
  timeoutSeconds: number;
}

/**
 * The error a timed-out wait fails the guard's delete with: the volume IDs, how to look at them, and how to go on
 * without waiting (the add-on's delete then leaves them).
 */
export function volumeWaitTimeoutMessage(state: VolumeDeletions | undefined, context: VolumeWaitContext, lastError?: string): string {
  const region = context.region ? ` --region ${context.region}` : "";
  const lines = [`EKS cluster ${context.clusterName}: after ${context.timeoutSeconds} s the EBS CSI driver has not deleted every released volume, so its add-on is not deleted yet (it would leave them in the account, billed).`];
  if (state) {
    const ids = state.pending.map((v) => v.volumeId);
    lines.push(`Still being deleted: ${describeVolumes(state.pending)}.`);
    lines.push(`Look at them: aws ec2 describe-volumes${region} --volume-ids ${ids.join(" ")}`);
  } else {
    lines.push(`The persistent volumes could not be listed${lastError ? `: ${lastError}` : ""}.`);
    lines.push(`Look for the driver's volumes: aws ec2 describe-volumes${region} --filters Name=tag-key,Values=kubernetes.io/created-for/pvc/name`);
  }
  lines.push(
    `Run the destroy again to wait longer, or skip the wait with ${SKIP_VOLUME_WAIT_ENV}=1 (then delete leftover volumes yourself: aws ec2 delete-volume${region} --volume-id <id>). ` +
      `To turn the wait off for good, set the Cluster's volumeDeletionWait.enabled to false (cluster.volumeDeletionWait.enabled in the stack) and run up first.`,
  );
  return lines.join("\n");
}

/** What {@link waitForVolumeDeletions} needs from the world. */
export interface VolumeWaitIo {
  /** Lists the cluster's PVs and PVCs. */
  list(): Promise<{ pvs: readonly PersistentVolumeFacts[]; claims: readonly PersistentVolumeClaimFacts[] }>;
  /** Milliseconds since some fixed point. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Progress and the bound volumes, for the destroy's log. */
  log(message: string): void;
}

/** The outcome of a wait that did not time out. */
export interface VolumeWaitResult {
  /** Volumes still bound to live claims when the wait ended. */
  bound: DriverVolume[];
  /** How many times the PVs were listed. */
  polls: number;
}

/**
 * Waits while the driver has volumes to delete; throws {@link volumeWaitTimeoutMessage} at the deadline. A listing
 * that fails is retried until then (fail closed: an unreachable cluster does not count as "nothing pending").
 */
export async function waitForVolumeDeletions(io: VolumeWaitIo, policy: VolumeWaitPolicy, context: VolumeWaitContext, driver: string = EBS_CSI_DRIVER): Promise<VolumeWaitResult> {
  const start = io.now();
  let state: VolumeDeletions | undefined;
  let lastError: string | undefined;
  let polls = 0;
  for (;;) {
    try {
      const listed = await io.list();
      state = pendingVolumeDeletions(listed.pvs, listed.claims, driver);
      lastError = undefined;
    } catch (error) {
      state = undefined;
      lastError = error instanceof Error ? error.message : String(error);
    }
    polls += 1;
    const step = nextVolumeWaitStep(state, io.now() - start, policy);
    if (step === "done" && state) {
      if (state.bound.length) io.log(`EKS cluster ${context.clusterName}: volumes still bound to live claims outlive this destroy: ${describeVolumes(state.bound)}.`);
      return { bound: state.bound, polls };
    }
    if (step === "timeout") throw new Error(volumeWaitTimeoutMessage(state, context, lastError));
    if (polls === 1) io.log(`EKS cluster ${context.clusterName}: waiting for the EBS CSI driver to delete ${state ? describeVolumes(state.pending) : "the released volumes (listing failed, retrying)"}.`);
    await io.sleep(policy.pollMs);
  }
}

/** What the guard keeps in the stack's state, and reads again on delete (without the program). */
export interface VolumeGuardState {
  /** A kubeconfig whose credentials are the deploying Kubernetes provider's (`aws eks get-token`; secret). */
  kubeconfig: string;
  clusterName: string;
  region?: string;
  /** The CSI driver whose volumes are waited for. */
  driver: string;
  timeoutSeconds: number;
}

const GUARD_KEYS: readonly (keyof VolumeGuardState)[] = ["kubeconfig", "clusterName", "region", "driver", "timeoutSeconds"];

/** Where @kubernetes/client-node was when the program ran (a fallback for the delete); undefined if not found. */
const CLIENT_PATH_AT_UP: string | undefined = (() => {
  try {
    return require.resolve("@kubernetes/client-node");
  } catch {
    return undefined;
  }
})();

/** How long one listing may take before it counts as failed (an unreachable endpoint would hang for minutes). */
const LIST_TIMEOUT_MS = 20_000;

/**
 * The guard's delete: lists PVs and PVCs with @kubernetes/client-node (which runs the kubeconfig's exec credentials)
 * and waits as {@link waitForVolumeDeletions} does. With {@link SKIP_VOLUME_WAIT_ENV}=1 it returns at once.
 */
export async function runVolumeGuardDelete(state: VolumeGuardState, env: Record<string, string | undefined> = process.env): Promise<VolumeWaitResult | undefined> {
  if (env[SKIP_VOLUME_WAIT_ENV] === "1") {
    console.error(`EKS cluster ${state.clusterName}: ${SKIP_VOLUME_WAIT_ENV}=1, not waiting for the EBS CSI driver's volumes.`);
    return undefined;
  }
  // Loaded here, when a delete runs, so the program never loads it. `require`, not `import()`: the serialized provider
  // runs as CommonJS compiled from a string, and test runners rewrite `import()` into functions that cannot be
  // serialized. The client is ESM-only, so this needs Node.js's require(esm), on since 20.19.
  // From the destroy's working directory first (a Node.js project); else where `up` found it (the component package
  // run by a program in another language, whose directory has no node_modules).
  let k8s: typeof KubernetesClient;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    k8s = require("@kubernetes/client-node") as typeof KubernetesClient;
  } catch (error) {
    if (!CLIENT_PATH_AT_UP) throw error;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    k8s = require(CLIENT_PATH_AT_UP) as typeof KubernetesClient;
  }
  const config = new k8s.KubeConfig();
  config.loadFromString(state.kubeconfig);
  const core = config.makeApiClient(k8s.CoreV1Api);
  const withTimeout = <T>(promise: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer from the Kubernetes API in ${LIST_TIMEOUT_MS / 1000} s`)), LIST_TIMEOUT_MS); });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  };
  const io: VolumeWaitIo = {
    list: async () => {
      const [pvs, claims] = await withTimeout(Promise.all([core.listPersistentVolume(), core.listPersistentVolumeClaimForAllNamespaces()]));
      return { pvs: pvs.items, claims: claims.items };
    },
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (message) => console.error(message),
  };
  return waitForVolumeDeletions(io, volumeWaitPolicy(state.timeoutSeconds), { clusterName: state.clusterName, timeoutSeconds: state.timeoutSeconds, ...(state.region ? { region: state.region } : {}) }, state.driver);
}

/**
 * The guard's dynamic provider. Pulumi serializes it into the state, so a plain `pulumi destroy` runs its delete
 * without the program. Create and update only keep their inputs; a changed input updates in place (a replacement
 * would run the old guard's delete, and with it a wait, in the middle of an update).
 */
const volumeGuardProvider = {
  create(inputs: VolumeGuardState): Promise<{ id: string; outs: VolumeGuardState }> {
    return Promise.resolve({ id: `${inputs.clusterName}-volume-deletion-guard`, outs: inputs });
  },
  diff(_id: string, olds: VolumeGuardState, news: VolumeGuardState): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
    return Promise.resolve({ changes: GUARD_KEYS.some((key) => olds[key] !== news[key]), replaces: [], deleteBeforeReplace: false });
  },
  update(_id: string, _olds: VolumeGuardState, news: VolumeGuardState): Promise<{ outs: VolumeGuardState }> {
    return Promise.resolve({ outs: news });
  },
  async delete(_id: string, props: VolumeGuardState): Promise<void> {
    await runVolumeGuardDelete(props);
  },
};

export { EBS_CSI_DRIVER, SKIP_VOLUME_WAIT_ENV, DEFAULT_VOLUME_WAIT_SECONDS, VOLUME_WAIT_SECONDS_RANGE, volumeGuardProvider };
