import { describe, expect, it } from "vitest";
import {
  pendingVolumeDeletions,
  nextVolumeWaitStep,
  volumeWaitPolicy,
  volumeWaitTimeoutMessage,
  waitForVolumeDeletions,
  type PersistentVolumeFacts,
  type PersistentVolumeClaimFacts,
  type VolumeWaitIo,
} from "../components/cluster/volume-deletions";

/** A PV as `kubectl get pv -o json` shows one the EBS CSI driver provisioned (trimmed to what matters, plus noise). */
function pv(name: string, volumeId: string, phase: string, opts: { policy?: string; driver?: string; claim?: { namespace: string; name: string; uid?: string } | null } = {}): PersistentVolumeFacts {
  const claim = opts.claim === undefined ? { namespace: "search", name: `data-${name}`, uid: `uid-${name}` } : opts.claim;
  return {
    metadata: { name, ...({ annotations: { "pv.kubernetes.io/provisioned-by": opts.driver ?? "ebs.csi.aws.com" }, finalizers: ["kubernetes.io/pv-protection", "external-attacher/ebs-csi-aws-com"] } as object) },
    spec: {
      ...({ accessModes: ["ReadWriteOnce"], capacity: { storage: "100Gi" }, storageClassName: "gp3-encrypted", volumeMode: "Filesystem" } as object),
      csi: { driver: opts.driver ?? "ebs.csi.aws.com", volumeHandle: volumeId, ...({ fsType: "ext4", volumeAttributes: { "storage.kubernetes.io/csiProvisionerIdentity": "1764-ebs.csi.aws.com" } } as object) },
      persistentVolumeReclaimPolicy: opts.policy ?? "Delete",
      ...(claim ? { claimRef: { ...({ apiVersion: "v1", kind: "PersistentVolumeClaim", resourceVersion: "4242" } as object), ...claim } } : {}),
    },
    status: { phase, ...({ lastPhaseTransitionTime: "2026-12-03T17:00:00Z" } as object) },
  };
}
const claim = (namespace: string, name: string, uid?: string): PersistentVolumeClaimFacts => ({ metadata: { namespace, name, ...(uid ? { uid } : {}) } });

describe("pendingVolumeDeletions", () => {
  it("waits for released Delete volumes of the EBS driver whose claim is gone, not for Retain, never-bound or other drivers' volumes", () => {
    const pvs = [
      pv("pvc-1", "vol-0aaa1", "Released"),
      pv("pvc-2", "vol-0aaa2", "Released", { policy: "Retain" }),
      pv("pvc-3", "vol-0aaa3", "Available", { claim: null }),
      pv("pvc-4", "local-4", "Released", { driver: "rancher.io/local-path" }),
      pv("pvc-5", "vol-0aaa5", "Failed"),
      pv("pvc-6", "vol-0aaa6", "Released", { driver: "ebs.csi.eks.amazonaws.com" }),
    ];
    const result = pendingVolumeDeletions(pvs, []);
    expect(result.pending.map((v) => v.volumeId)).toEqual(["vol-0aaa1", "vol-0aaa5"]);
    expect(result.pending[0]).toEqual({ pv: "pvc-1", volumeId: "vol-0aaa1", claim: "search/data-pvc-1", phase: "Released" });
    expect(result.bound).toEqual([]);
    // Auto Mode's driver is a different name: asked for, its volume counts.
    expect(pendingVolumeDeletions(pvs, [], "ebs.csi.eks.amazonaws.com").pending.map((v) => v.volumeId)).toEqual(["vol-0aaa6"]);
  });

  it("reports volumes bound to live claims instead of waiting for them, and counts a still-Bound PV whose claim is gone as pending", () => {
    const pvs = [pv("pvc-1", "vol-0bbb1", "Bound"), pv("pvc-2", "vol-0bbb2", "Bound"), pv("pvc-3", "vol-0bbb3", "Bound", { policy: "Retain" })];
    const claims = [claim("search", "data-pvc-1", "uid-pvc-1"), claim("search", "data-pvc-3", "uid-pvc-3")];
    const result = pendingVolumeDeletions(pvs, claims);
    expect(result.bound.map((v) => v.volumeId)).toEqual(["vol-0bbb1", "vol-0bbb3"]);
    expect(result.pending.map((v) => v.volumeId)).toEqual(["vol-0bbb2"]);
  });

  it("matches claims by UID when the PV records one (a new claim of the same name is not the old one), else by namespace and name", () => {
    const recreated = [claim("search", "data-pvc-1", "uid-new")];
    expect(pendingVolumeDeletions([pv("pvc-1", "vol-0ccc1", "Released")], recreated).pending).toHaveLength(1);
    const noUid = pv("pvc-2", "vol-0ccc2", "Bound", { claim: { namespace: "apps", name: "db" } });
    expect(pendingVolumeDeletions([noUid], [claim("apps", "db", "whatever")]).bound).toHaveLength(1);
    expect(pendingVolumeDeletions([noUid], [claim("other", "db")]).pending).toHaveLength(1);
  });

  it("takes an empty or odd listing without throwing", () => {
    expect(pendingVolumeDeletions([], [])).toEqual({ pending: [], bound: [] });
    expect(pendingVolumeDeletions([{}, { spec: {} }, { spec: { csi: {} } }], [{}])).toEqual({ pending: [], bound: [] });
  });
});

describe("the wait policy", () => {
  it("polls every 5 s for the default 10 minutes, faster for short timeouts, never faster than 0.5 s", () => {
    expect(volumeWaitPolicy()).toEqual({ timeoutMs: 600_000, pollMs: 5000 });
    expect(volumeWaitPolicy(30)).toEqual({ timeoutMs: 30_000, pollMs: 3000 });
    expect(volumeWaitPolicy(2)).toEqual({ timeoutMs: 2000, pollMs: 500 });
  });

  it("is done only with a listing and nothing pending; an unknown state waits until the deadline, then times out", () => {
    const policy = volumeWaitPolicy(60);
    const pending = { pending: [{ pv: "p", volumeId: "vol-1" }], bound: [] };
    expect(nextVolumeWaitStep({ pending: [], bound: [] }, 0, policy)).toBe("done");
    expect(nextVolumeWaitStep({ pending: [], bound: [] }, 999_999, policy)).toBe("done");
    expect(nextVolumeWaitStep(pending, 59_999, policy)).toBe("wait");
    expect(nextVolumeWaitStep(pending, 60_000, policy)).toBe("timeout");
    expect(nextVolumeWaitStep(undefined, 1000, policy)).toBe("wait");
    expect(nextVolumeWaitStep(undefined, 60_000, policy)).toBe("timeout");
  });
});

/** A fake cluster whose listings come from a script, on a fake clock. */
function fakeIo(listings: (() => { pvs: PersistentVolumeFacts[]; claims: PersistentVolumeClaimFacts[] })[]): VolumeWaitIo & { logs: string[]; slept: number[] } {
  let clock = 0;
  let i = 0;
  const logs: string[] = [];
  const slept: number[] = [];
  return {
    logs,
    slept,
    list: () => { try { return Promise.resolve(listings[Math.min(i++, listings.length - 1)]()); } catch (error) { return Promise.reject(error instanceof Error ? error : new Error(String(error))); } },
    now: () => clock,
    sleep: (ms) => { slept.push(ms); clock += ms; return Promise.resolve(); },
    log: (m) => logs.push(m),
  };
}
const context = { clusterName: "search-prod", region: "eu-west-1", timeoutSeconds: 30 };

describe("waitForVolumeDeletions", () => {
  it("returns at once when nothing is pending, reporting the volumes bound to live claims", async () => {
    const io = fakeIo([() => ({ pvs: [pv("pvc-1", "vol-0ddd1", "Bound")], claims: [claim("search", "data-pvc-1", "uid-pvc-1")] })]);
    const result = await waitForVolumeDeletions(io, volumeWaitPolicy(30), context);
    expect(result).toMatchObject({ polls: 1, bound: [{ volumeId: "vol-0ddd1" }] });
    expect(io.slept).toEqual([]);
    expect(io.logs.join("\n")).toContain("vol-0ddd1 (PV pvc-1, claim search/data-pvc-1, Bound)");
  });

  it("waits while the driver deletes, and returns once the PVs are gone", async () => {
    const released = { pvs: [pv("pvc-1", "vol-0eee1", "Released"), pv("pvc-2", "vol-0eee2", "Released")], claims: [] };
    const io = fakeIo([() => released, () => released, () => ({ pvs: [pv("pvc-2", "vol-0eee2", "Released")], claims: [] }), () => ({ pvs: [], claims: [] })]);
    const result = await waitForVolumeDeletions(io, volumeWaitPolicy(30), context);
    expect(result.polls).toBe(4);
    expect(io.slept).toEqual([3000, 3000, 3000]);
    expect(io.logs[0]).toContain("waiting for the EBS CSI driver to delete vol-0eee1");
  });

  it("fails at the deadline naming the volume IDs, the describe-volumes command and how to skip", async () => {
    const io = fakeIo([() => ({ pvs: [pv("pvc-1", "vol-0fff1", "Released"), pv("pvc-9", "vol-0fff9", "Failed")], claims: [] })]);
    const error = await waitForVolumeDeletions(io, volumeWaitPolicy(30), context).then(() => undefined, (e: Error) => e);
    expect(error?.message).toContain("after 30 s the EBS CSI driver has not deleted");
    expect(error?.message).toContain("aws ec2 describe-volumes --region eu-west-1 --volume-ids vol-0fff1 vol-0fff9");
    expect(error?.message).toContain("EKS_SEARCH_PLATFORM_SKIP_VOLUME_WAIT=1");
    expect(error?.message).toContain("volumeDeletionWait.enabled");
    expect(io.slept.reduce((a, b) => a + b, 0)).toBe(30_000);
  });

  it("keeps retrying a listing that fails, and fails closed at the deadline with the last error", async () => {
    const io = fakeIo([() => { throw new Error("connect ECONNREFUSED 10.0.1.5:443"); }]);
    const error = await waitForVolumeDeletions(io, volumeWaitPolicy(30), context).then(() => undefined, (e: Error) => e);
    expect(error?.message).toContain("could not be listed: connect ECONNREFUSED 10.0.1.5:443");
    expect(error?.message).toContain("Name=tag-key,Values=kubernetes.io/created-for/pvc/name");
    // A listing that recovers ends the wait normally.
    const flaky = fakeIo([() => { throw new Error("timeout"); }, () => ({ pvs: [], claims: [] })]);
    await expect(waitForVolumeDeletions(flaky, volumeWaitPolicy(30), context)).resolves.toMatchObject({ polls: 2 });
    expect(volumeWaitTimeoutMessage(undefined, { clusterName: "c", timeoutSeconds: 5 })).not.toContain("--region");
  });
});
