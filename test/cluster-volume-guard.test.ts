import { beforeAll, describe, expect, it } from "vitest";
import { setupMocks, argumentErrorOf, isSecretWrapper, plainOccurrences, unwrapSecrets, type MockEngine, type RecordedResource } from "./mocks";
import { destroyedBefore, runProgram } from "./program-checks";
import { Cluster, type ClusterArgs } from "../components/cluster/cluster";

// Issue 13: on destroy the EBS CSI add-on could go before the driver had deleted the volumes of the claims
// deleted just before it, orphaning billed volumes. The guard sits between: claims' owners -> guard -> add-on.
const GUARD = "pulumi-nodejs:dynamic/eks-search-platform:VolumeDeletionGuard";
const SECRET_KEY = "guard/example+secret-key";
const ELASTIC = "guard-elastic-Pw-77a1";

const guards = (engine: MockEngine) => engine.resources.filter((r) => r.type.endsWith(":VolumeDeletionGuard"));

describe("VolumeDeletionGuard in the dev program", () => {
  let engine: MockEngine;
  let guard: RecordedResource;
  beforeAll(async () => {
    ({ engine } = await runProgram("dev", { elasticPassword: ELASTIC, "aws:accessKey": "AKIAGUARDEXAMPLE0001", "aws:secretKey": SECRET_KEY }));
    [guard] = guards(engine);
  });

  it("is a dynamic resource after the EBS CSI add-on and the admin grants (saw this fail: no guard)", () => {
    expect(guards(engine).map((g) => g.type)).toEqual([GUARD]);
    const ebsCsi = engine.byType("aws:eks/addon:Addon").find((a) => a.inputs.addonName === "aws-ebs-csi-driver")!;
    // guard deleted before the add-on, and before the access entries it lists PVs with.
    expect(destroyedBefore(engine, guard, ebsCsi)).toBe(true);
    expect(destroyedBefore(engine, ebsCsi, guard)).toBe(false);
    for (const grant of engine.byType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")) expect(destroyedBefore(engine, guard, grant), grant.name).toBe(true);
    expect(unwrapSecrets(guard.inputs)).toMatchObject({ clusterName: expect.any(String), driver: "ebs.csi.aws.com", timeoutSeconds: 600, region: "us-east-1" });
  });

  it("is deleted only after the namespace, the StatefulSet and the StorageClass, whose claims' volumes it waits for", () => {
    const owners = [
      engine.byType("kubernetes:core/v1:Namespace")[0],
      engine.byType("kubernetes:apps/v1:StatefulSet")[0],
      engine.byType("kubernetes:storage.k8s.io/v1:StorageClass")[0],
    ];
    for (const owner of owners) {
      expect(owner, "owner").toBeDefined();
      expect(destroyedBefore(engine, owner, guard), owner.name).toBe(true);
      expect(destroyedBefore(engine, guard, owner), owner.name).toBe(false);
    }
  });

  it("keeps its kubeconfig (with the stack's static keys) a secret, in its inputs and out of its serialized provider", () => {
    expect(isSecretWrapper(guard.inputs.kubeconfig)).toBe(true);
    const kubeconfig = JSON.stringify(unwrapSecrets(guard.inputs.kubeconfig));
    expect(kubeconfig).toContain(SECRET_KEY);
    expect(kubeconfig).toContain("get-token");
    for (const needle of [SECRET_KEY, "AKIAGUARDEXAMPLE0001", "get-token", ELASTIC]) expect(plainOccurrences(guard.inputs, needle), needle).toEqual([]);
    const provider = String(guard.inputs.__provider);
    expect(provider).toContain("exports.handler");
    expect(provider).toContain('require("@kubernetes/client-node")');
    expect(guard.options.additionalSecretOutputs).toContain("kubeconfig");
  });
});

const args = (overrides: Partial<ClusterArgs> = {}): ClusterArgs => ({
  vpcId: "vpc-0abc",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
  nodeGroups: [{ name: "general", instanceTypes: ["t3.large"], minSize: 2, maxSize: 2 }],
  bootstrapCreatorAdmin: true,
  ...overrides,
});

describe("Cluster volumeDeletionWait", () => {
  it("is exposed as volumeDeletionGuard and in clusterServices, with the timeout given; off when asked", async () => {
    const engine = await setupMocks();
    const on = new Cluster("on", args({ volumeDeletionWait: { timeoutSeconds: 120 } }));
    const off = new Cluster("off", args({ volumeDeletionWait: { enabled: false } }));
    await engine.settle();
    expect(on.volumeDeletionGuard).toBeDefined();
    expect(on.clusterServices).toContain(on.volumeDeletionGuard);
    expect(engine.get(GUARD, "on-volume-deletion-guard").inputs.timeoutSeconds).toBe(120);
    expect(off.volumeDeletionGuard).toBeUndefined();
    expect(guards(engine).map((g) => g.name)).toEqual(["on-volume-deletion-guard"]);
  });

  it("has no guard on Auto Mode (AWS runs its EBS driver), and refuses one asked for there", async () => {
    const engine = await setupMocks();
    const auto = new Cluster("auto", args({ nodeGroups: [], autoMode: { enabled: true } }));
    await engine.settle();
    expect(auto.volumeDeletionGuard).toBeUndefined();
    expect(guards(engine)).toEqual([]);
    const error = argumentErrorOf(() => new Cluster("auto2", args({ nodeGroups: [], autoMode: { enabled: true }, volumeDeletionWait: { enabled: true } })));
    expect(error.message).toContain("args.volumeDeletionWait.enabled: cannot be true with autoMode");
  });

  it("refuses a bad timeout and unknown keys, all in one error", async () => {
    await setupMocks();
    const error = argumentErrorOf(() => new Cluster("bad", args({ volumeDeletionWait: { timeoutSeconds: 5.5, wait: true } as never })));
    expect(error.message).toContain("args.volumeDeletionWait.timeoutSeconds: must be a whole number of seconds from 30 to 3600 (got 5.5)");
    expect(error.message).toContain("volumeDeletionWait.wait");
    expect(argumentErrorOf(() => new Cluster("big", args({ volumeDeletionWait: { timeoutSeconds: 7200 } }))).issues).toHaveLength(1);
  });
});
