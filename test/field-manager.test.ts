import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { FIELD_MANAGER_ANNOTATION, stableFieldManagerName, stableFieldManagers } from "../components/shared/field-manager";
import { setupMocks, valueOf } from "./mocks";

const args = (type: string, name: string, props: Record<string, unknown>, custom = true) =>
  ({ type, name, custom, props, opts: { ignoreChanges: ["x"] } }) as unknown as pulumi.ResourceTransformArgs;

describe("stableFieldManagerName", () => {
  it("is the same on every run for one resource and differs by project, stack, type and name", () => {
    const base = stableFieldManagerName("p", "dev", "kubernetes:apps/v1:StatefulSet", "es");
    expect(base).toMatch(/^pulumi-kubernetes-[0-9a-f]{16}$/);
    expect(stableFieldManagerName("p", "dev", "kubernetes:apps/v1:StatefulSet", "es")).toBe(base);
    const others = [
      stableFieldManagerName("q", "dev", "kubernetes:apps/v1:StatefulSet", "es"),
      stableFieldManagerName("p", "prod", "kubernetes:apps/v1:StatefulSet", "es"),
      stableFieldManagerName("p", "dev", "kubernetes:core/v1:Service", "es"),
      stableFieldManagerName("p", "dev", "kubernetes:apps/v1:StatefulSet", "es2"),
      // No separator ambiguity: ("p", "dev", …) and ("pd", "ev", …) are different declarations.
      stableFieldManagerName("pd", "ev", "kubernetes:apps/v1:StatefulSet", "es"),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
  });
});

describe("stableFieldManagers", () => {
  it("annotates a Kubernetes object's metadata, keeping its other metadata, props and options", async () => {
    await setupMocks({ stack: "dev" });
    const result = stableFieldManagers(args("kubernetes:apps/v1:StatefulSet", "es", { metadata: { name: "es", labels: { a: "b" }, annotations: { keep: "me" } }, spec: { replicas: 3 } }));
    expect(result?.opts).toEqual({ ignoreChanges: ["x"] });
    expect(result?.props).toEqual({
      metadata: { name: "es", labels: { a: "b" }, annotations: { keep: "me", [FIELD_MANAGER_ANNOTATION]: stableFieldManagerName("eks-search-platform", "dev", "kubernetes:apps/v1:StatefulSet", "es") } },
      spec: { replicas: 3 },
    });
  });

  it("adds metadata when there is none, and resolves metadata or annotations given as outputs", async () => {
    await setupMocks({ stack: "dev" });
    const manager = stableFieldManagerName("eks-search-platform", "dev", "kubernetes:core/v1:Service", "svc");
    expect(stableFieldManagers(args("kubernetes:core/v1:Service", "svc", {}))?.props.metadata).toEqual({ annotations: { [FIELD_MANAGER_ANNOTATION]: manager } });
    const whole = stableFieldManagers(args("kubernetes:core/v1:Service", "svc", { metadata: pulumi.output({ name: "svc" }) }));
    expect(await valueOf(whole?.props.metadata as pulumi.Output<unknown>)).toEqual({ name: "svc", annotations: { [FIELD_MANAGER_ANNOTATION]: manager } });
    const annotations = stableFieldManagers(args("kubernetes:core/v1:Service", "svc", { metadata: { name: "svc", annotations: pulumi.output({ a: "1" }) } }));
    const meta = annotations?.props.metadata as { name: string; annotations: pulumi.Output<unknown> };
    expect(meta.name).toBe("svc");
    expect(await valueOf(meta.annotations)).toEqual({ a: "1", [FIELD_MANAGER_ANNOTATION]: manager });
  });

  it("keeps a field manager the user set", async () => {
    await setupMocks({ stack: "dev" });
    const result = stableFieldManagers(args("kubernetes:core/v1:ConfigMap", "cm", { metadata: { annotations: { [FIELD_MANAGER_ANNOTATION]: "mine" } } }));
    expect(result?.props.metadata).toEqual({ annotations: { [FIELD_MANAGER_ANNOTATION]: "mine" } });
  });

  it("leaves Helm releases, providers, lists, components and non-Kubernetes resources alone", () => {
    expect(stableFieldManagers(args("kubernetes:helm.sh/v3:Release", "lbc", { name: "lbc" }))).toBeUndefined();
    expect(stableFieldManagers(args("pulumi:providers:kubernetes", "k8s", {}))).toBeUndefined();
    expect(stableFieldManagers(args("kubernetes:core/v1:ConfigMapList", "l", { items: [] }))).toBeUndefined();
    expect(stableFieldManagers(args("kubernetes:helm.sh/v4:Chart", "c", {}, false))).toBeUndefined();
    expect(stableFieldManagers(args("aws:eks/cluster:Cluster", "c", { name: "c" }))).toBeUndefined();
  });
});

// The engine applies the components' transforms; the mocks do not, so that half is proven on a real API server:
// test/e2e/platform.e2e.test.ts checks every live object's managers.
