import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { disableCreatorAdminBootstrap } from "../components/cluster/access";
import { protectStatefulResources } from "../components/platform/platform";
import { fitAutoNames } from "../components/shared/aws-names";
import { stableFieldManagers } from "../components/shared/field-manager";
import { passThroughOptions } from "../components/shared/transform-options";
import { setupMocks } from "./mocks";

// What @pulumi/pulumi's registerTransform hands a transform for a custom resource whose program set no
// deleteBeforeReplace: the SDK decodes the unset field as false (runtime/callbacks.js, getDeleteBeforeReplace()).
const decodedOpts = { deleteBeforeReplace: false, additionalSecretOutputs: [], ignoreChanges: ["x"] };
const args = (type: string, name: string, props: Record<string, unknown>, opts: Record<string, unknown> = decodedOpts) =>
  ({ type, name, custom: true, props, opts }) as unknown as pulumi.ResourceTransformArgs;

describe("passThroughOptions", () => {
  it("drops the made-up deleteBeforeReplace: false and keeps an explicit true and every other option", () => {
    expect(passThroughOptions(decodedOpts as pulumi.CustomResourceOptions)).toEqual({ additionalSecretOutputs: [], ignoreChanges: ["x"] });
    expect(passThroughOptions({ deleteBeforeReplace: true, protect: true })).toEqual({ deleteBeforeReplace: true, protect: true });
    expect(passThroughOptions({ protect: true })).toEqual({ protect: true });
  });
});

// Each of our transforms returns options to the engine; none may send deleteBeforeReplace: false, which would
// override the Kubernetes provider's delete-before-replace for named objects (a rotated Secret was deleted).
describe("the components' transforms leave deleteBeforeReplace to the provider", () => {
  it("stableFieldManagers", async () => {
    await setupMocks({ stack: "dev" });
    const result = stableFieldManagers(args("kubernetes:core/v1:Secret", "s", { metadata: { name: "s" } }));
    expect(result?.opts).toEqual({ additionalSecretOutputs: [], ignoreChanges: ["x"] });
  });

  it("protectStatefulResources", () => {
    const result = protectStatefulResources(args("kubernetes:apps/v1:StatefulSet", "es", {}));
    expect(result?.opts).toMatchObject({ protect: true, ignoreChanges: ["x"] });
    expect(result?.opts).not.toHaveProperty("deleteBeforeReplace");
    expect(protectStatefulResources(args("kubernetes:apps/v1:StatefulSet", "es", {}, { deleteBeforeReplace: true }))?.opts).toMatchObject({ deleteBeforeReplace: true, protect: true });
  });

  it("fitAutoNames", () => {
    const result = fitAutoNames(args("aws:iam/role:Role", `a-very-long-stack-name-for-a-platform-${"x".repeat(40)}-eksRole-role`, {}));
    expect(result?.props.namePrefix).toBeDefined();
    expect(result?.opts).toEqual({ additionalSecretOutputs: [], ignoreChanges: ["x"] });
  });

  it("disableCreatorAdminBootstrap", () => {
    const result = disableCreatorAdminBootstrap(args("aws:eks/cluster:Cluster", "c", {}));
    expect(result?.opts).toEqual({ additionalSecretOutputs: [], ignoreChanges: ["x"] });
  });
});
