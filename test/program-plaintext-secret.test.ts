import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { MockEngine } from "../scripts/lib/mock-engine";
import { loadStackFile } from "../scripts/lib/stack-config";

describe("program: a secret stored in plain text in the stack file", () => {
  it("stops with a RunError naming the key and the command to fix it, before registering anything", async () => {
    const stack = loadStackFile("local", ".");
    // As if someone wrote `elasticPassword: hunter2-hunter2` into Pulumi.local.yaml instead of `pulumi config set --secret`.
    stack.config["eks-search-platform:elasticPassword"] = "hunter2-hunter2";
    const engine = new MockEngine();
    await engine.install({ project: "eks-search-platform", stack: "local", config: stack.config, secretKeys: [] });
    const error: unknown = await import("../index.js").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(pulumi.RunError.isInstance(error as Error)).toBe(true);
    expect((error as Error).message).toContain('Invalid configuration for stack "local" (1 problem)');
    expect((error as Error).message).toContain("eks-search-platform:elasticPassword: is stored in plain text");
    expect((error as Error).message).not.toContain("hunter2-hunter2");
    await engine.settle();
    expect(engine.resources).toEqual([]);
  });
});
