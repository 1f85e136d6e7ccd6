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
// The analyzer lists an enum's values in the order TypeScript created their literal types, which other files move.
const enumOf = (ref: string | undefined) => typeOf(ref)?.enum?.map((e) => e.value).sort();
const args = () => schema.resources[APP_TIER].inputProperties;

const tolerations = [
  { key: "dedicated", operator: "Equal", value: "search", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 },
];
const affinity = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }] }] },
    preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: "cpu-generation", operator: "Gt", values: ["6"] }] } }],
  },
  podAntiAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["es"] }] } } }],
  },
};
const topologySpreadConstraints = [{ topologyKey: "topology.kubernetes.io/zone", maxSkew: 2, whenUnsatisfiable: "DoNotSchedule", minDomains: 2, nodeAffinityPolicy: "Honor", nodeTaintsPolicy: "Ignore" }];

describe("the component package's AppTier tolerations, affinity and topology spread", () => {
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
    expect(enumOf(toleration.effect.$ref)).toEqual(["NoExecute", "NoSchedule", "PreferNoSchedule"]);
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
    expect(enumOf(spread.whenUnsatisfiable.$ref)).toEqual(["DoNotSchedule", "ScheduleAnyway"]);
    for (const policy of [spread.nodeAffinityPolicy, spread.nodeTaintsPolicy]) {
      expect(tokenOf(policy.$ref)).toBe("eks-search-platform:index:NodeInclusionPolicy");
      expect(enumOf(policy.$ref)).toEqual(["Honor", "Ignore"]);
    }
  });

  it("lists affinity with named types for every nested shape and the selector operators as enums", () => {
    const ref = args().affinity?.$ref;
    expect(tokenOf(ref)).toBe("eks-search-platform:index:AffinityArgs");
    const affinityProps = propsOf(ref);
    expect(Object.keys(affinityProps)).toEqual(["nodeAffinity", "podAffinity", "podAntiAffinity"]);
    const node = propsOf(affinityProps.nodeAffinity.$ref);
    const required = node.requiredDuringSchedulingIgnoredDuringExecution;
    expect(tokenOf(required.$ref)).toBe("eks-search-platform:index:NodeSelectorArgs");
    expect(typeOf(required.$ref).required).toEqual(["nodeSelectorTerms"]);
    const term = propsOf(propsOf(required.$ref).nodeSelectorTerms.items?.$ref);
    const requirement = propsOf(term.matchExpressions.items?.$ref);
    expect(tokenOf(requirement.operator.$ref)).toBe("eks-search-platform:index:NodeSelectorOperator");
    expect(enumOf(requirement.operator.$ref)).toEqual(["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"]);
    const preferred = node.preferredDuringSchedulingIgnoredDuringExecution.items?.$ref;
    expect(tokenOf(preferred)).toBe("eks-search-platform:index:PreferredSchedulingTermArgs");
    expect(typeOf(preferred).required?.sort()).toEqual(["preference", "weight"]);
    expect(propsOf(preferred).preference.$ref).toBe(propsOf(required.$ref).nodeSelectorTerms.items?.$ref);
    // pod affinity and anti-affinity are one type
    expect(affinityProps.podAffinity.$ref).toBe(affinityProps.podAntiAffinity.$ref);
    const weighted = propsOf(propsOf(affinityProps.podAffinity.$ref).preferredDuringSchedulingIgnoredDuringExecution.items?.$ref);
    const podTerm = propsOf(weighted.podAffinityTerm.$ref);
    const labelRequirement = propsOf(propsOf(podTerm.labelSelector.$ref).matchExpressions.items?.$ref);
    expect(tokenOf(labelRequirement.operator.$ref)).toBe("eks-search-platform:index:LabelSelectorOperator");
    expect(enumOf(labelRequirement.operator.$ref)).toEqual(["DoesNotExist", "Exists", "In", "NotIn"]);
  });

  it("passes them through construct to the Deployment's pods", async () => {
    await provider.construct("placed", APP_TIER, { namespace: "search", image: "ghcr.io/example/api:1", replicas: 3, tolerations, topologySpreadConstraints, affinity }, {});
    await engine.settle();
    const [deployment] = kubeObjects(engine, "Deployment").filter((d) => d.metadata?.name === "placed");
    const pod = deployment.spec.template.spec;
    expect(pod.tolerations).toEqual(tolerations);
    expect(pod.affinity).toEqual(affinity);
    expect(pod.topologySpreadConstraints).toHaveLength(1);
    expect(pod.topologySpreadConstraints[0]).toMatchObject(topologySpreadConstraints[0]);
    expect(pod.topologySpreadConstraints[0].labelSelector.matchLabels).toMatchObject({ "app.kubernetes.io/name": "placed" });
  });

  it("refuses a bad toleration and spread with the component's ArgumentError, each problem listed", async () => {
    const bad = { namespace: "search", image: "ghcr.io/example/api:1", tolerations: [{ key: "a", operator: "Maybe" }], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "k", operator: "Near" }] }] } } }, topologySpreadConstraints: [{ topologyKey: "zone", whenUnsatisfiable: "Sometimes" }] };
    const error = await provider.construct("badly-placed", APP_TIER, bad, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    for (const path of ["tolerations[0].operator", "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator", "topologySpreadConstraints[0].whenUnsatisfiable"]) expect(String(error)).toContain(path);
  });
});
