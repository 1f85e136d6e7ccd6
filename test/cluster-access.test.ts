/**
 * Access entries: one per principal, named after the principal (never its list position), so reordering
 * or removing an ARN touches only that ARN's entry, and EKS never sees a second entry for a principal that
 * still has one (`ResourceInUseException`).
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { setupMocks, unwrapSecrets, argumentErrorOf, type MockEngine, type RecordedResource } from "./mocks";
import { Cluster, type ClusterArgs } from "../components/cluster/cluster";

const ACCOUNT = "123456789012";
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/platform-admin`;
const OPS = `arn:aws:iam::${ACCOUNT}:role/ops/oncall`;
// The mock caller is the assumed-role session arn:aws:sts::<account>:assumed-role/deployer/session.
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/deployer`;
const CI_PREVIEW = `arn:aws:iam::${ACCOUNT}:role/ci-preview`;

const T = {
  component: "eks-search-platform:index:Cluster",
  eks: "eks:index:Cluster",
  entry: "aws:eks/accessEntry:AccessEntry",
  association: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  provider: "pulumi:providers:kubernetes",
};

const args = (overrides: Partial<ClusterArgs>): ClusterArgs => ({
  vpcId: "vpc-0abc",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
  nodeGroups: [{ name: "general", instanceTypes: ["m6i.large"], minSize: 2, maxSize: 2 }],
  services: { loadBalancerController: false, clusterAutoscaler: false, metricsServer: false },
  ...overrides,
});

let engine: MockEngine;
beforeAll(async () => {
  engine = await setupMocks();
  new Cluster("order-a", args({ adminRoleArns: [ADMIN, OPS, DEPLOYER] }));
  new Cluster("order-b", args({ adminRoleArns: [DEPLOYER, ADMIN, OPS] }));
  new Cluster("creator", args({ adminRoleArns: [ADMIN], bootstrapCreatorAdmin: true }));
  new Cluster("listed", args({ adminRoleArns: [ADMIN, DEPLOYER] }));
  new Cluster("viewers", args({ adminRoleArns: [DEPLOYER], viewerRoleArns: [CI_PREVIEW] }));
  new Cluster("adopt", args({ clusterName: "legacy", adminRoleArns: [DEPLOYER, ADMIN], adoptAccessEntries: [DEPLOYER] }));
  await engine.settle();
});

const componentUrn = (name: string) => engine.get(T.component, name).urn;
const under = (name: string, type: string): RecordedResource[] => engine.byType(type).filter((r) => engine.parentChain(r).includes(componentUrn(name)));

/**
 * Principal → the name of its access entry, for a Cluster component named `name`, wherever the entries
 * live: resources of the component, or (the earlier wiring) @pulumi/eks `accessEntries`, which that
 * component registers as `${name}-${key}`.
 */
function entryNames(name: string): Record<string, string> {
  const byPrincipal: Record<string, string> = {};
  for (const entry of under(name, T.entry)) byPrincipal[String(unwrapSecrets(entry.inputs.principalArn))] = entry.name;
  const eks = engine.byType(T.eks).find((r) => r.parent === componentUrn(name));
  for (const [key, entry] of Object.entries((eks?.inputs.accessEntries ?? {}) as Record<string, { principalArn: string }>)) {
    byPrincipal[String(unwrapSecrets(entry.principalArn))] = `${name}-${key}`;
  }
  return byPrincipal;
}

/** The URN a child of type `type` named `name` has under the resource `parentUrn`. */
function childUrn(parentUrn: string, type: string, name: string): string {
  const [stackPart, project, typeChain] = parentUrn.split("::");
  return `${stackPart}::${project}::${typeChain}$${type}::${name}`;
}

/** The same name without the component's own name, to compare two components. */
const relative = (name: string) => Object.fromEntries(Object.entries(entryNames(name)).map(([arn, n]) => [arn, n.slice(name.length)]));

describe("Cluster access entries", () => {
  it("names each entry after its principal: reordering adminRoleArns changes no entry's name (saw this fail: admin-0/1/2 by position)", () => {
    expect(Object.keys(entryNames("order-a")).sort()).toEqual([ADMIN, DEPLOYER, OPS].sort());
    expect(relative("order-a")).toEqual(relative("order-b"));
    // Readable: the role's name, then a hash of the whole ARN (two roles of one name in two accounts never collide).
    expect(entryNames("order-a")[OPS]).toMatch(/^order-a-access-oncall-[0-9a-f]{8}$/);
    expect(entryNames("order-a")[ADMIN]).toMatch(/^order-a-access-platform-admin-[0-9a-f]{8}$/);
  });

  it("grants cluster-admin at cluster scope through one policy association per entry, a child of its entry", () => {
    for (const entry of under("order-a", T.entry)) {
      expect(entry.inputs).toMatchObject({ clusterName: "order-a", type: "STANDARD" });
      const [association] = engine.byType(T.association).filter((a) => a.parent === entry.urn);
      expect(association.name).toBe(`${entry.name}-admin`);
      expect(association.inputs).toMatchObject({
        clusterName: "order-a",
        principalArn: entry.inputs.principalArn,
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        accessScope: { type: "cluster" },
      });
      // Same principal, new spelling: EKS refuses a second entry, so a replacement deletes first.
      expect(entry.options.deleteBeforeReplace).toBe(true);
    }
  });

  it("carries state from the entries @pulumi/eks made before (admin-<i>, creator) by alias, not by re-creating them", () => {
    const eksUrn = engine.byType(T.eks).find((r) => r.parent === componentUrn("order-a"))!.urn;
    const admin = under("order-a", T.entry).find((e) => e.inputs.principalArn === ADMIN)!;
    expect(admin.options.aliases).toContainEqual({ name: "order-a-admin-0", type: undefined, parentUrn: eksUrn, noParent: false });
    const association = engine.byType(T.association).find((a) => a.parent === admin.urn)!;
    const legacyEntryUrn = childUrn(eksUrn, T.entry, "order-a-admin-0");
    expect((association.options.aliases ?? []).some((a) => "name" in a && a.name === "order-a-admin-0-admin" && a.parentUrn === legacyEntryUrn)).toBe(true);
  });

  it("moves the deployer between bootstrapCreatorAdmin and adminRoleArns without a second entry for it: the new entry aliases the old", () => {
    const creator = under("creator", T.entry).find((e) => e.name === "creator-creator")!;
    expect(creator.inputs.principalArn).toBe(DEPLOYER);
    // From creator to listed: the listed entry of the deployer takes over the creator entry's state.
    const listed = under("listed", T.entry).find((e) => e.inputs.principalArn === DEPLOYER)!;
    const expectedCreatorUrn = childUrn(componentUrn("listed"), T.entry, "listed-creator");
    expect(listed.options.aliases).toContainEqual({ urn: expectedCreatorUrn });
    // An entry of anyone else never takes that state.
    const admin = under("listed", T.entry).find((e) => e.inputs.principalArn === ADMIN)!;
    expect(admin.options.aliases).not.toContainEqual({ urn: expectedCreatorUrn });
    // From listed to creator: the creator entry takes over the listed entry's state.
    const listedName = entryNames("listed")[DEPLOYER].slice("listed".length);
    expect(creator.options.aliases).toContainEqual({ urn: childUrn(componentUrn("creator"), T.entry, `creator${listedName}`) });
  });

  it("gives viewer roles AmazonEKSViewPolicy at cluster scope, and never admin", () => {
    const viewer = under("viewers", T.entry).find((e) => e.inputs.principalArn === CI_PREVIEW)!;
    expect(viewer.name).toMatch(/^viewers-access-ci-preview-[0-9a-f]{8}$/);
    const associations = engine.byType(T.association).filter((a) => a.parent === viewer.urn);
    expect(associations.map((a) => [a.name, a.inputs.policyArn])).toEqual([[`${viewer.name}-viewer`, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"]]);
  });

  it("adopts an entry EKS already holds (the creator entry of a cluster made before the transform) by import, policy association included", () => {
    const adopted = under("adopt", T.entry).find((e) => e.inputs.principalArn === DEPLOYER)!;
    expect(adopted.options.importId).toBe(`legacy:${DEPLOYER}`);
    const association = engine.byType(T.association).find((a) => a.parent === adopted.urn)!;
    expect(association.options.importId).toBe(`legacy#${DEPLOYER}#arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`);
    const other = under("adopt", T.entry).find((e) => e.inputs.principalArn === ADMIN)!;
    expect(other.options.importId).toBeUndefined();
  });

  it("makes the Kubernetes provider wait for the admin grants, so the first Helm release is not refused", () => {
    const provider = under("order-a", T.provider)[0];
    for (const association of engine.byType(T.association).filter((a) => a.name.startsWith("order-a-"))) {
      expect(provider.dependencies, association.name).toContain(association.urn);
    }
  });

  it("rejects a principal listed twice or as both admin and viewer, and an adopted ARN that is not listed", () => {
    const error = argumentErrorOf(() => new Cluster("dupes", args({ adminRoleArns: [ADMIN, ADMIN], viewerRoleArns: [ADMIN], adoptAccessEntries: [OPS] })));
    expect(error.issues.map((i) => i.path)).toEqual(["adminRoleArns[1]", "viewerRoleArns[0]", "adoptAccessEntries[0]"]);
  });
});

describe("the warning that the deployer cannot install the cluster services", () => {
  const deployWarnings = async (overrides: Partial<ClusterArgs>) => {
    const fresh = await setupMocks();
    const warn = vi.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
      new Cluster("warned", args(overrides));
      await fresh.settle();
      return warn.mock.calls.map((call) => String(call[0])).filter((m) => m.includes("is not in adminRoleArns"));
    } finally {
      warn.mockRestore();
    }
  };

  it("names a deployer that is neither admin nor viewer", async () => {
    const [warning] = await deployWarnings({ adminRoleArns: [ADMIN] });
    expect(warning).toContain(`the deploying identity ${DEPLOYER} is not in adminRoleArns`);
  });

  it("stays quiet for an admin, and for a viewer role, which previews and never deploys (saw this fail: viewers were warned)", async () => {
    expect(await deployWarnings({ adminRoleArns: [ADMIN, DEPLOYER] })).toEqual([]);
    expect(await deployWarnings({ adminRoleArns: [ADMIN], viewerRoleArns: [DEPLOYER] })).toEqual([]);
  });
});

describe("a cluster created before the creator-bootstrap transform (issue 13, defect 5)", () => {
  // EKS holds a creator entry for "legacy-eks" (its state keeps bootstrapClusterCreatorAdminPermissions: true).
  const warningsFor = async (overrides: Partial<ClusterArgs>) => {
    const legacy = await setupMocks({ aws: { clustersWithCreatorEntry: ["legacy-eks"] } });
    const warn = vi.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
    try {
      new Cluster("legacy", args({ clusterName: "legacy-eks", ...overrides }));
      await legacy.settle();
      return warn.mock.calls.map((call) => String(call[0])).filter((m) => m.includes("creator access entry"));
    } finally {
      warn.mockRestore();
    }
  };

  it("warns, naming the fix, when the deployer gets an entry of its own (bootstrapCreatorAdmin) or is listed without adoption", async () => {
    const [creator] = await warningsFor({ adminRoleArns: [ADMIN], bootstrapCreatorAdmin: true });
    expect(creator).toMatch(/ResourceInUseException: drop bootstrapCreatorAdmin, list arn:aws:iam::123456789012:role\/deployer in adminRoleArns and adoptAccessEntries/);
    const [listed] = await warningsFor({ adminRoleArns: [ADMIN, DEPLOYER] });
    expect(listed).toMatch(/entry listed for it fails with ResourceInUseException/);
    expect(listed).toContain("aws eks delete-access-entry --cluster-name legacy-eks --principal-arn arn:aws:iam::123456789012:role/deployer");
  });

  it("stays quiet once the deployer's entry is adopted, and for clusters made after the transform", async () => {
    expect(await warningsFor({ adminRoleArns: [ADMIN, DEPLOYER], adoptAccessEntries: [DEPLOYER] })).toEqual([]);
    expect(await warningsFor({ clusterName: "new-eks", adminRoleArns: [ADMIN], bootstrapCreatorAdmin: true })).toEqual([]);
  });
});
