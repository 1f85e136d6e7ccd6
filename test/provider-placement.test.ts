// The component package's AppTier placement arguments: tolerations, topology spread constraints and affinity
// are in the schema as named types whose string unions are enums (TaintEffect is the Cluster's NodeTaint's
// own), and the provider passes them to the real Deployment.
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { kubeObjects, setupMocks, type MockEngine } from "./mocks";
import { ComponentPackageProvider } from "../provider/provider";
import { ArgumentError } from "../components/shared/validate";

type Property = { $ref?: string; type?: string; items?: Property; additionalProperties?: Property };
const schema = JSON.parse(fs.readFileSync("provider/schema.json", "utf8")) as {
  name: string;
  version: string;
  resources: Record<string, { inputProperties: Record<string, Property>; properties: Record<string, unknown> }>;
  types: Record<string, { type: string; enum?: { name: string; value: string }[]; properties?: Record<string, Property>; required?: string[] }>;
};
const APP_TIER = "eks-search-platform:index:AppTier";
const tokenOf = (ref: string | undefined): string => (ref ?? "").replace("#/types/", "");
const typeOf = (ref: string | undefined) => schema.types[tokenOf(ref)];
const propsOf = (ref: string | undefined): Record<string, Property> => typeOf(ref)?.properties ?? {};
const enumOf = (ref: string | undefined) => typeOf(ref)?.enum?.map((e) => e.value);
const args = () => schema.resources[APP_TIER].inputProperties;

const tolerations = [
  { key: "dedicated", operator: "Equal", value: "search", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 },
];
const topologySpreadConstraints = [{ topologyKey: "topology.kubernetes.io/zone", maxSkew: 2, whenUnsatisfiable: "DoNotSchedule", minDomains: 2, nodeAffinityPolicy: "Honor", nodeTaintsPolicy: "Ignore" }];

describe("the component package's AppTier tolerations and topology spread", () => {
  let engine: MockEngine;
  const provider = new ComponentPackageProvider(schema);
  beforeAll(async () => {
    engine = await setupMocks();
  });

  it("lists tolerations with TolerationOperator and the Cluster's TaintEffect as enums", () => {
    const toleration = propsOf(args().tolerations?.items?.$ref);
    expect(Object.keys(toleration)).toEqual(["key", "operator", "value", "effect", "tolerationSeconds"]);
    expect(tokenOf(toleration.operator.$ref)).toBe("eks-search-platform:index:TolerationOperator");
    expect(enumOf(toleration.operator.$ref)).toEqual(["Equal", "Exists"]);
    expect(tokenOf(toleration.effect.$ref)).toBe("eks-search-platform:index:TaintEffect");
    expect(enumOf(toleration.effect.$ref)).toEqual(["NoSchedule", "PreferNoSchedule", "NoExecute"]);
    expect(toleration.tolerationSeconds.type).toBe("number");
    // one TaintEffect: the Cluster's node group taints refer to the same type
    const nodeGroup = propsOf(schema.resources["eks-search-platform:index:Cluster"].inputProperties.nodeGroups.items?.$ref);
    expect(propsOf(nodeGroup.taints.items?.$ref).effect.$ref).toBe(toleration.effect.$ref);
  });

  it("lists topologySpreadConstraints with WhenUnsatisfiable and NodeInclusionPolicy as enums", () => {
    const ref = args().topologySpreadConstraints?.items?.$ref;
    const spread = propsOf(ref);
    expect(Object.keys(spread)).toEqual(["topologyKey", "maxSkew", "whenUnsatisfiable", "minDomains", "nodeAffinityPolicy", "nodeTaintsPolicy"]);
    expect(typeOf(ref).required).toEqual(["topologyKey"]);
    expect(tokenOf(spread.whenUnsatisfiable.$ref)).toBe("eks-search-platform:index:WhenUnsatisfiable");
    expect(enumOf(spread.whenUnsatisfiable.$ref)).toEqual(["ScheduleAnyway", "DoNotSchedule"]);
    for (const policy of [spread.nodeAffinityPolicy, spread.nodeTaintsPolicy]) {
      expect(tokenOf(policy.$ref)).toBe("eks-search-platform:index:NodeInclusionPolicy");
      expect(enumOf(policy.$ref)).toEqual(["Honor", "Ignore"]);
    }
  });

  it("passes them through construct to the Deployment's pods", async () => {
    await provider.construct("placed", APP_TIER, { namespace: "search", image: "ghcr.io/example/api:1", replicas: 3, tolerations, topologySpreadConstraints }, {});
    await engine.settle();
    const [deployment] = kubeObjects(engine, "Deployment").filter((d) => d.metadata?.name === "placed");
    const pod = deployment.spec.template.spec;
    expect(pod.tolerations).toEqual(tolerations);
    expect(pod.topologySpreadConstraints).toHaveLength(1);
    expect(pod.topologySpreadConstraints[0]).toMatchObject(topologySpreadConstraints[0]);
    expect(pod.topologySpreadConstraints[0].labelSelector.matchLabels).toMatchObject({ "app.kubernetes.io/name": "placed" });
  });

  it("refuses a bad toleration and spread with the component's ArgumentError, each problem listed", async () => {
    const bad = { namespace: "search", image: "ghcr.io/example/api:1", tolerations: [{ key: "a", operator: "Maybe" }], topologySpreadConstraints: [{ topologyKey: "zone", whenUnsatisfiable: "Sometimes" }] };
    const error = await provider.construct("badly-placed", APP_TIER, bad, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    for (const path of ["tolerations[0].operator", "topologySpreadConstraints[0].whenUnsatisfiable"]) expect(String(error)).toContain(path);
  });
});
