import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { classify, findingsOf } from "../scripts/scan-manifests";

const check = (id: string, grade: number, skipped = false) => ({ check: { id }, grade, skipped, comments: [{ path: "api", summary: `${id} says no` }] });
const report = [
  {
    object_name: "x",
    type_meta: { kind: "Deployment" },
    object_meta: { name: "api", namespace: "search" },
    checks: [check("pod-networkpolicy", 1), check("deployment-has-host-podantiaffinity", 5), check("container-image-tag", 10), check("container-seccomp-profile", 1, true)],
  },
];

describe("the kube-score policy", () => {
  it("turns failed, non-skipped checks into findings with their severity", () => {
    expect(findingsOf(report)).toEqual([
      { object: "Deployment/search/api", check: "pod-networkpolicy", severity: "CRITICAL", messages: ["(api) pod-networkpolicy says no"] },
      { object: "Deployment/search/api", check: "deployment-has-host-podantiaffinity", severity: "WARNING", messages: ["(api) deployment-has-host-podantiaffinity says no"] },
    ]);
  });

  it("fails only findings that are neither excluded nor pending, matching objects by pattern", () => {
    const findings = findingsOf(report);
    const policy = { flags: [], exclusions: [{ check: "deployment-has-host-podantiaffinity", reason: "spread" }], pending: [{ check: "pod-networkpolicy", objects: ["StatefulSet/*"], owner: "es" }] };
    expect(classify(findings, policy).unjustified.map((f) => f.check)).toEqual(["pod-networkpolicy"]);
    policy.pending[0].objects = ["Deployment/search/*"];
    const { excluded, pending, unjustified } = classify(findings, policy);
    expect([excluded.length, pending.length, unjustified.length]).toEqual([1, 1, 0]);
  });

  it("gives every exclusion and flag a reason and every pending fix an owner (.kube-score.yaml)", () => {
    const policy = parse(readFileSync(".kube-score.yaml", "utf8"));
    for (const entry of [...policy.flags, ...policy.exclusions]) expect(entry.reason?.length, JSON.stringify(entry)).toBeGreaterThan(40);
    for (const entry of policy.pending) expect(entry.owner).toMatch(/^components\/.+\.ts$/);
  });
});
