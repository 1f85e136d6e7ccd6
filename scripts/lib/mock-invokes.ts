/**
 * The mock engine's answers to provider functions (invokes): AZ, region, caller-identity and partition
 * look-ups, IAM policy documents, session contexts and EKS add-on versions. Any other token echoes its inputs.
 */
import { unwrapSecrets } from "../../components/shared/redact";

/** The zone-ID prefix AWS uses for a region: us-east-1 → use1, ap-northeast-1 → apne1, ca-central-1 → cac1. */
export function zoneIdPrefix(region: string): string {
  const [area, direction = "", number = ""] = region.split("-");
  const short = direction.replace("north", "n").replace("south", "s").replace("east", "e").replace("west", "w").replace("central", "c");
  return `${area}${short}${number}`;
}

/** The AZs the mock reports for a region when none are configured. */
export function defaultAvailabilityZones(region: string): { name: string; zoneId: string }[] {
  // One real-world us-east-1 mapping; elsewhere names and IDs line up.
  const order = region === "us-east-1" ? [4, 6, 1, 2, 3, 5] : [1, 2, 3, 4, 5, 6];
  return ["a", "b", "c", "d", "e", "f"].map((suffix, i) => ({ name: `${region}${suffix}`, zoneId: `${zoneIdPrefix(region)}-az${order[i]}` }));
}

/** What the invoke mocks answer from: the engine's region, account and AZs. */
export interface MockInvokeContext {
  region: string;
  accountId: string;
  availabilityZones: Record<string, { name: string; zoneId: string }[]>;
}

/** The result of the invoke `token` with `inputs`. */
export function mockInvoke(ctx: MockInvokeContext, token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const region = ctx.region;
  switch (token) {
    case "aws:index/getAvailabilityZones:getAvailabilityZones": {
      // As AWS does: the account's AZs in its order, less the excluded names and zone IDs.
      const excludeNames = (inputs.excludeNames as string[] | undefined) ?? [];
      const excludeZoneIds = (inputs.excludeZoneIds as string[] | undefined) ?? [];
      const zones = (ctx.availabilityZones[region] ?? defaultAvailabilityZones(region)).filter((z) => !excludeNames.includes(z.name) && !excludeZoneIds.includes(z.zoneId));
      return { id: region, names: zones.map((z) => z.name), zoneIds: zones.map((z) => z.zoneId), groupNames: [region] };
    }
    case "aws:index/getRegion:getRegion":
      return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        id: ctx.accountId,
        accountId: ctx.accountId,
        arn: `arn:aws:sts::${ctx.accountId}:assumed-role/deployer/session`,
        userId: "AROAEXAMPLE:session",
      };
    case "aws:index/getPartition:getPartition":
      return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return { id: "policy", json: JSON.stringify(policyDocument(unwrapSecrets(inputs))) };
    case "aws:iam/getSessionContext:getSessionContext": {
      // An assumed-role session ARN maps to its role (as AWS does); any other ARN passes through.
      const arn = String(inputs.arn);
      const match = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
      if (!match) return { id: arn, arn, issuerArn: arn };
      const [, partition, account, role, session] = match;
      return { id: arn, arn, issuerArn: `arn:${partition}:iam::${account}:role/${role}`, issuerName: role, issuerId: "AROAEXAMPLE", sessionName: session };
    }
    case "aws:eks/getAddonVersion:getAddonVersion":
      return { id: String(inputs.addonName), addonName: inputs.addonName, kubernetesVersion: inputs.kubernetesVersion, mostRecent: inputs.mostRecent, version: `v1.0.0-eksbuild.${typeof inputs.kubernetesVersion === "string" ? inputs.kubernetesVersion : "x"}` };
    default:
      return inputs;
  }
}

/** A JSON IAM policy from `aws.iam.getPolicyDocument` inputs, close enough to AWS's rendering to assert on. */
function policyDocument(inputs: Record<string, unknown>): unknown {
  const statements = (inputs.statements as Record<string, unknown>[] | undefined) ?? [];
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => {
      const out: Record<string, unknown> = { Effect: s.effect ?? "Allow" };
      if (s.sid) out.Sid = s.sid;
      if (s.actions) out.Action = s.actions;
      if (s.resources) out.Resource = s.resources;
      const principals = s.principals as { type: string; identifiers: string[] }[] | undefined;
      if (principals) out.Principal = Object.fromEntries(principals.map((p) => [p.type, p.identifiers]));
      const conditions = s.conditions as { test: string; variable: string; values: string[] }[] | undefined;
      if (conditions) {
        const condition: Record<string, Record<string, string[]>> = {};
        for (const c of conditions) (condition[c.test] ??= {})[c.variable] = c.values;
        out.Condition = condition;
      }
      return out;
    }),
  };
}
