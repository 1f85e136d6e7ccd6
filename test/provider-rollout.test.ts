// The component package's rollout arguments: a PodDisruptionBudget's and a RollingUpdate's values are a pod
// count or a percentage, as in Kubernetes' IntOrString. The analyzer takes no union of primitives, so
// npm run schema:provider types them `oneOf: [integer, string]` (INT_OR_STRING_PROPERTIES), and the provider
// passes either form to the real Deployment and PodDisruptionBudget.
import * as fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { kubeObjects, setupMocks, type MockEngine } from "./mocks";
import { ComponentPackageProvider, INT_OR_STRING_PROPERTIES } from "../provider/provider";
import { withIntOrString, type SchemaProperties } from "../scripts/provider-schema";
import { ArgumentError } from "../components/shared/validate";

type Property = { $ref?: string; type?: string; oneOf?: { type: string }[] };
const schema = JSON.parse(fs.readFileSync("provider/schema.json", "utf8")) as SchemaProperties & {
  name: string;
  version: string;
  resources: Record<string, { inputProperties: Record<string, Property> }>;
  types: Record<string, { properties?: Record<string, Property> }>;
};
const APP_TIER = "eks-search-platform:index:AppTier";
const propsOf = (ref: string | undefined): Record<string, Property> => schema.types[(ref ?? "").replace("#/types/", "")]?.properties ?? {};
const INT_OR_STRING = [{ type: "integer" }, { type: "string" }];

describe("the component package's disruption budget and rollout strategy", () => {
  let engine: MockEngine;
  const provider = new ComponentPackageProvider(schema);
  beforeAll(async () => {
    engine = await setupMocks();
  });

  it("types their values as an integer or a string (a percentage)", () => {
    const args = schema.resources[APP_TIER].inputProperties;
    const budget = propsOf(args.disruptionBudget.$ref);
    const strategy = propsOf(args.strategy.$ref);
    for (const p of [budget.minAvailable, budget.maxUnavailable, strategy.maxUnavailable, strategy.maxSurge]) expect(p).toMatchObject({ oneOf: INT_OR_STRING });
    for (const p of [budget.minAvailable, strategy.maxSurge]) expect(p).not.toHaveProperty("type");
  });

  it("passes percentages and counts through construct to the Deployment and the PodDisruptionBudget", async () => {
    const inputs = { namespace: "search", image: "ghcr.io/example/api:1", replicas: 4, strategy: { maxUnavailable: 1, maxSurge: "50%" }, disruptionBudget: { minAvailable: "75%" } };
    await provider.construct("rolling", APP_TIER, inputs, {});
    await engine.settle();
    const [deployment] = kubeObjects(engine, "Deployment").filter((d) => d.metadata?.name === "rolling");
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 1, maxSurge: "50%" });
    const [pdb] = kubeObjects(engine, "PodDisruptionBudget").filter((d) => d.metadata?.name === "rolling");
    expect(pdb.spec.minAvailable).toBe("75%");
    expect(pdb.spec).not.toHaveProperty("maxUnavailable");
  });

  it("refuses a value that is neither a count nor a percentage, each listed in the component's ArgumentError", async () => {
    const inputs = { namespace: "search", image: "ghcr.io/example/api:1", strategy: { maxSurge: "lots" }, disruptionBudget: { maxUnavailable: "1.5" } };
    const error = await provider.construct("bad-rollout", APP_TIER, inputs, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    for (const path of ["strategy.maxSurge", "disruptionBudget.maxUnavailable"]) expect(String(error)).toContain(path);
  });

  it("fails to generate the schema when a listed property is missing or was not inferred as a number", () => {
    const inferred = JSON.parse(JSON.stringify(schema)) as typeof schema;
    const types = inferred.types;
    delete types["eks-search-platform:index:StrategyArgs"].properties!.maxSurge;
    types["eks-search-platform:index:DisruptionBudgetArgs"].properties!.minAvailable = { type: "boolean" };
    const message = (() => {
      try {
        withIntOrString(inferred, INT_OR_STRING_PROPERTIES);
        return "";
      } catch (e) {
        return String(e);
      }
    })();
    expect(message).toContain("type StrategyArgs property maxSurge is not in the schema");
    expect(message).toContain("type DisruptionBudgetArgs property minAvailable is inferred as boolean, not number");
  });
});
