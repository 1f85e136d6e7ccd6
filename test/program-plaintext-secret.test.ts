import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { programError } from "./program-checks";

describe("program: a secret stored in plain text in the stack file", () => {
  it("stops with a RunError naming the key and the command to fix it, before registering anything", async () => {
    const { engine, error } = await programError("local", (config) => {
      // As if someone wrote `elasticPassword: hunter2-hunter2` into Pulumi.local.yaml instead of `pulumi config set --secret`.
      config["eks-search-platform:elasticPassword"] = "hunter2-hunter2";
    });
    expect(pulumi.RunError.isInstance(error as Error)).toBe(true);
    expect((error as Error).message).toContain('Invalid configuration for stack "local" (1 problem)');
    expect((error as Error).message).toContain("eks-search-platform:elasticPassword: is stored in plain text");
    expect((error as Error).message).not.toContain("hunter2-hunter2");
    expect(engine.resources).toEqual([]);
  });
});
