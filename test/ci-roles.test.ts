// Roles that match their job (issue 15, defect 2): the stacks CI runs grant EKS access only to the roles
// they list, never to "whoever runs pulumi" (bootstrapCreatorAdmin), so a preview or drift check by the
// read-only role plans no access-entry swap; and the read-only roles have a viewer entry of their own.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { runProgram } from "./program-checks";

interface ClusterConfig {
  adminRoleArns?: string[];
  viewerRoleArns?: string[];
  bootstrapCreatorAdmin?: boolean;
}

const clusterOf = (stack: string): ClusterConfig =>
  (parse(readFileSync(`Pulumi.${stack}.yaml`, "utf8")) as { config: Record<string, unknown> }).config["eks-search-platform:cluster"] as ClusterConfig;

describe.each(["dev", "prod"])("the %s stack, run from CI", (stack) => {
  it("has no caller-dependent access entry and lists admin and viewer roles", () => {
    const cluster = clusterOf(stack);
    expect(cluster.bootstrapCreatorAdmin ?? false).toBe(false);
    expect(cluster.adminRoleArns?.length).toBeGreaterThan(0);
    expect(cluster.viewerRoleArns?.length).toBeGreaterThan(0);
  });

});

// One program run per test file (the mocks are process-wide); prod's viewer entry is checked in program-prod.test.ts.
describe("the dev program", () => {
  it("grants exactly the listed roles, whoever deploys: admins the admin policy, viewers a view policy", async () => {
    const cluster = clusterOf("dev");
    const { engine } = await runProgram("dev", { elasticPassword: "ci-roles-Pw-4f1e" });
    const entries = engine.byType("aws:eks/accessEntry:AccessEntry").map((e) => String(e.inputs.principalArn)).sort();
    expect(entries).toEqual([...(cluster.adminRoleArns ?? []), ...(cluster.viewerRoleArns ?? [])].sort());
    const policies = engine.byType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => `${String(a.inputs.principalArn)} ${String(a.inputs.policyArn).split("/").pop()}`);
    for (const viewer of cluster.viewerRoleArns ?? []) expect(policies).toContainEqual(expect.stringMatching(new RegExp(`^${viewer} AmazonEKS(Admin)?ViewPolicy$`)));
  });
});
