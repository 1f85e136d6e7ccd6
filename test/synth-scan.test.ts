import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { classify, findingsOf, parsePolicy, type Policy } from "../scripts/scan-manifests";

const check = (id: string, grade: number, skipped = false, summary = `${id} says no`) => ({ check: { id }, grade, skipped, comments: [{ path: "api", summary }] });
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

  it("fails every finding no exclusion covers, matching objects by pattern", () => {
    const findings = findingsOf(report);
    const policy: Policy = { flags: [], exclusions: [{ check: "deployment-has-host-podantiaffinity", reason: "spread" }, { check: "pod-networkpolicy", objects: ["StatefulSet/*"], reason: "x" }] };
    expect(classify(findings, policy).unjustified.map((f) => f.check)).toEqual(["pod-networkpolicy"]);
    policy.exclusions[1].objects = ["Deployment/search/*"];
    const { excluded, unjustified } = classify(findings, policy);
    expect([excluded.length, unjustified.length]).toEqual([2, 0]);
  });

  it("lets a message-scoped exclusion cover only the failure it names, not another of the same check", () => {
    const probes = (summary: string) => findingsOf([{ ...report[0], checks: [check("pod-probes", summary.includes("readiness") ? 1 : 7, false, summary)] }]);
    const policy: Policy = { flags: [], exclusions: [{ check: "pod-probes", message: "missing a livenessProbe", reason: "no default liveness" }] };
    expect(classify(probes("Container is missing a livenessProbe"), policy).unjustified).toEqual([]);
    expect(classify(probes("Container is missing a readinessProbe"), policy).unjustified.map((f) => f.check)).toEqual(["pod-probes"]);
  });

  it("has no pending state: a pending list, an owner field or a reasonless entry is an error naming each", () => {
    const bad = { flags: [{ flag: "--x" }], exclusions: [{ check: "pod-probes", owner: "components/app-tier.ts", reason: "r" }], pending: [{ check: "pod-networkpolicy", owner: "x" }] };
    let message = "";
    try {
      parsePolicy(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('top level: unknown key "pending"');
    expect(message).toContain('exclusions[0]: unknown key "owner"');
    expect(message).toContain("flags[0] (--x): needs a reason");
  });

  it("gives every exclusion and flag of .kube-score.yaml a real reason, and has nothing pending", () => {
    const raw = parse(readFileSync(".kube-score.yaml", "utf8"));
    const policy = parsePolicy(raw);
    expect(Object.keys(raw).sort()).toEqual(["exclusions", "flags"]);
    for (const entry of [...policy.flags, ...policy.exclusions]) expect(entry.reason.length, JSON.stringify(entry)).toBeGreaterThan(40);
  });
});
