import { beforeAll, describe, expect, it } from "vitest";
import { configIssueLines, type MockEngine } from "./mocks";
import { programError } from "./program-checks";

// The stack key cluster.volumeDeletionWait reaches the Cluster's VolumeDeletionGuard (issue 13).
let engine: MockEngine;
let error: unknown;
beforeAll(async () => {
  ({ engine, error } = await programError("dev", (config) => {
    const cluster = JSON.parse(config["eks-search-platform:cluster"]) as Record<string, unknown>;
    cluster.volumeDeletionWait = { timeoutSeconds: 900 };
    config["eks-search-platform:cluster"] = JSON.stringify(cluster);
  }));
});

describe("cluster.volumeDeletionWait in the stack", () => {
  it("sets the guard's timeout", () => {
    expect(error).toBeUndefined();
    const guards = engine.resources.filter((r) => r.type.endsWith(":VolumeDeletionGuard"));
    expect(guards.map((g) => g.inputs.timeoutSeconds)).toEqual([900]);
  });

  it("is checked with the config: a whole number of seconds from 30 to 3600, known keys only", () => {
    const raw = (wait: unknown) => ({ target: "aws", cluster: { volumeDeletionWait: wait } });
    expect(configIssueLines(raw({ timeoutSeconds: 10 })).join("\n")).toContain("cluster.volumeDeletionWait.timeoutSeconds");
    expect(configIssueLines(raw({ timeoutSeconds: 90.5 })).join("\n")).toContain("cluster.volumeDeletionWait.timeoutSeconds");
    expect(configIssueLines(raw({ enabled: "yes" })).join("\n")).toContain("cluster.volumeDeletionWait.enabled");
    expect(configIssueLines(raw({ wait: 1 })).join("\n")).toContain("cluster.volumeDeletionWait");
    expect(configIssueLines(raw({ enabled: false, timeoutSeconds: 3600 })).filter((l) => l.includes("volumeDeletionWait"))).toEqual([]);
  });
});
