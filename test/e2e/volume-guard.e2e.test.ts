// Issue 13: the VolumeDeletionGuard's delete against a real kube-apiserver and kube-controller-manager (the PV
// controller marks the PVs Released and, for a CSI driver, leaves their deletion to it; this test plays the driver).
// The guard's provider runs as Pulumi's dynamic-provider host runs it: serialized with Pulumi's closure serializer,
// compiled from the string with require-from-string, `handler()`, `delete(id, props)`; the kubeconfig signs in with
// exec credentials, as `aws eks get-token` does on EKS. No AWS here: no EBS volume is deleted, only PVs.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { IPersistentVolume } from "kubernetes-models/v1/PersistentVolume";
import { serializeFunction } from "@pulumi/pulumi/runtime/closure/serializeClosure";
import { startControlPlane, type ControlPlane } from "./control-plane";
import { SKIP_VOLUME_WAIT_ENV, volumeGuardProvider, type VolumeGuardState } from "../../components/cluster/volume-deletions";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => { handler(): typeof volumeGuardProvider };

let cp: ControlPlane;
let provider: typeof volumeGuardProvider;
let state: VolumeGuardState;

const VOLUMES = ["vol-0e2e00000000000a1", "vol-0e2e00000000000a2"];

/** A PV as the EBS CSI driver makes one, bound to a claim that no longer exists. */
const releasedPv = (name: string, volumeId: string, policy = "Delete") => ({
  apiVersion: "v1",
  kind: "PersistentVolume",
  metadata: { name, annotations: { "pv.kubernetes.io/provisioned-by": "ebs.csi.aws.com" } },
  spec: {
    capacity: { storage: "10Gi" },
    accessModes: ["ReadWriteOnce"],
    persistentVolumeReclaimPolicy: policy,
    storageClassName: "gp3-encrypted",
    csi: { driver: "ebs.csi.aws.com", volumeHandle: volumeId, fsType: "ext4" },
    claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: "search", name: `data-${name}`, uid: `deleted-claim-${name}` },
  },
});

async function phases(): Promise<Record<string, string | undefined>> {
  const pvs = (await cp.kube.list<IPersistentVolume>("/api/v1/persistentvolumes")).items;
  return Object.fromEntries(pvs.map((pv) => [pv.metadata?.name ?? "", pv.status?.phase]));
}

async function createReleased(): Promise<void> {
  await cp.kube.apply(releasedPv("pv-guard-1", VOLUMES[0]));
  await cp.kube.apply(releasedPv("pv-guard-2", VOLUMES[1]));
  for (let i = 0; i < 120; i++) {
    const p = await phases();
    if (p["pv-guard-1"] === "Released" && p["pv-guard-2"] === "Released") return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the PV controller did not release the PVs: ${JSON.stringify(await phases())}`);
}

const deletePv = (name: string) => cp.kube.delete(`/api/v1/persistentvolumes/${name}`);

beforeAll(async () => {
  cp = await startControlPlane({ kwok: false, provisioner: false, fakeLoadBalancers: false, installKubernetesPlugin: false });
  // Exec credentials: a command prints an ExecCredential (here with the admin's client certificate; on EKS
  // `aws eks get-token` prints a token), as client-go's exec plugins do.
  const admin = JSON.parse(fs.readFileSync(cp.kubeconfigPath, "utf8")) as { clusters: unknown[]; users: { user: Record<string, string> }[] };
  const pem = (key: string) => Buffer.from(admin.users[0].user[key], "base64").toString("utf8");
  const credentialFile = path.join(cp.tmpDir, "exec-credential.json");
  fs.writeFileSync(credentialFile, JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1beta1", kind: "ExecCredential", status: { clientCertificateData: pem("client-certificate-data"), clientKeyData: pem("client-key-data") } }), { mode: 0o600 });
  const kubeconfig = {
    apiVersion: "v1",
    kind: "Config",
    clusters: admin.clusters,
    users: [{ name: "exec", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "cat", args: [credentialFile], interactiveMode: "Never" } } }],
    contexts: [{ name: "e2e", context: { cluster: "e2e", user: "exec" } }],
    "current-context": "e2e",
  };
  state = { kubeconfig: JSON.stringify(kubeconfig), clusterName: "e2e-guard", region: "us-east-1", driver: "ebs.csi.aws.com", timeoutSeconds: 8 };
  const serialized = await serializeFunction(() => volumeGuardProvider, { allowSecrets: true });
  expect(serialized.containsSecrets).toBe(false);
  provider = requireFromString(serialized.text).handler();
});

afterAll(async () => {
  await cp?.stop();
});

describe("VolumeDeletionGuard's delete on a real control plane", () => {
  it("waits while released Delete PVs of the EBS driver remain, and returns once they are deleted", async () => {
    onTestFailed(() => console.error(cp.logTails(30)));
    await createReleased();
    await cp.kube.apply(releasedPv("pv-guard-kept", "vol-0e2e0000000000kept", "Retain"));
    const started = Date.now();
    let settledAt: number | undefined;
    const deleting = provider.delete("e2e-guard-volume-deletion-guard", { ...state, timeoutSeconds: 60 }).then(() => { settledAt = Date.now(); });
    await new Promise((r) => setTimeout(r, 4000));
    expect(settledAt, "returned while volumes were pending").toBeUndefined();
    // The driver deletes the volumes one by one.
    await deletePv("pv-guard-1");
    await new Promise((r) => setTimeout(r, 2000));
    expect(settledAt, "returned with one volume pending").toBeUndefined();
    const lastDeleted = Date.now();
    await deletePv("pv-guard-2");
    await deleting;
    const waited = (settledAt! - started) / 1000;
    console.log(`guard waited ${waited.toFixed(1)} s; returned ${((settledAt! - lastDeleted) / 1000).toFixed(1)} s after the last PV went (poll 5 s)`);
    expect(waited).toBeGreaterThanOrEqual(6);
    expect(settledAt! - lastDeleted).toBeLessThan(12_000);
    // The Retain PV is not waited for, and still there.
    expect((await phases())["pv-guard-kept"]).toBe("Released");
  });

  it("fails at the timeout naming the volume IDs when the PVs stay, and skips with the environment variable", async () => {
    onTestFailed(() => console.error(cp.logTails(30)));
    await createReleased();
    const started = Date.now();
    const error = await provider.delete("e2e-guard-volume-deletion-guard", state).then(() => undefined, (e: Error) => e);
    const took = (Date.now() - started) / 1000;
    console.log(`guard failed after ${took.toFixed(1)} s (timeout ${state.timeoutSeconds} s)`);
    expect(error?.message).toContain(`after ${state.timeoutSeconds} s the EBS CSI driver has not deleted`);
    expect(error?.message).toContain(`aws ec2 describe-volumes --region us-east-1 --volume-ids ${VOLUMES.join(" ")}`);
    expect(error?.message).toContain(`${SKIP_VOLUME_WAIT_ENV}=1`);
    expect(error?.message).not.toContain("vol-0e2e0000000000kept");
    expect(took).toBeGreaterThanOrEqual(state.timeoutSeconds);
    expect(took).toBeLessThan(state.timeoutSeconds + 10);
    process.env[SKIP_VOLUME_WAIT_ENV] = "1";
    try {
      const skipped = Date.now();
      await provider.delete("e2e-guard-volume-deletion-guard", state);
      expect(Date.now() - skipped).toBeLessThan(1000);
    } finally {
      delete process.env[SKIP_VOLUME_WAIT_ENV];
    }
    expect(Object.keys(await phases())).toEqual(expect.arrayContaining(["pv-guard-1", "pv-guard-2"]));
  });

  it("fails closed when the cluster cannot be reached", async () => {
    const unreachable = state.kubeconfig.replace(/https:\/\/127\.0\.0\.1:\d+/, "https://127.0.0.1:1");
    const error = await provider.delete("e2e-guard-volume-deletion-guard", { ...state, kubeconfig: unreachable }).then(() => undefined, (e: Error) => e);
    expect(error?.message).toContain("could not be listed");
    expect(error?.message).toContain("ECONNREFUSED");
  });
});
