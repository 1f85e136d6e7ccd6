/**
 * Issue 13, defect 6: the AWS credentials the stack's provider uses must also sign the Kubernetes provider's
 * `aws eks get-token`, or every Helm release and Kubernetes object is refused (Unauthorized).
 * @pulumi/eks puts providerCredentialOpts.roleArn into its kubeconfig but leaves the profile out of the
 * kubeconfig it exports, so the component adds the profile itself.
 */
import { describe, expect, it } from "vitest";
import { setupMocks, unwrapSecrets, argumentErrorOf, valueOf } from "./mocks";
import { Cluster, type ClusterArgs } from "../components/cluster/cluster";
import { kubeconfigWithProfile, stackAwsCredentials } from "../components/cluster/kubeconfig";

const DEPLOYER = "arn:aws:iam::123456789012:role/deployer";
const args = (overrides: Partial<ClusterArgs> = {}): ClusterArgs => ({
  vpcId: "vpc-0abc",
  publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
  privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
  nodeGroups: [{ name: "general", instanceTypes: ["m6i.large"], minSize: 2, maxSize: 2 }],
  adminRoleArns: [DEPLOYER],
  ...overrides,
});

type Exec = { command: string; args: string[]; env?: { name: string; value: string }[] };
function execOf(kubeconfig: unknown): Exec {
  const parsed = JSON.parse(String(unwrapSecrets(kubeconfig))) as { users: { user: { exec: Exec } }[] };
  return parsed.users[0].user.exec;
}
const flag = (exec: Exec, name: string) => (exec.args.includes(name) ? exec.args[exec.args.indexOf(name) + 1] : undefined);

describe("the Kubernetes provider's credentials", () => {
  it("uses the stack's aws:profile and the role it assumes (aws:assumeRoles) for get-token", async () => {
    const engine = await setupMocks({ config: { "aws:profile": "search-deploy", "aws:assumeRoles": JSON.stringify([{ roleArn: DEPLOYER }]) } });
    const cluster = new Cluster("cred", args());
    await engine.settle();
    const provider = engine.get("pulumi:providers:kubernetes", "cred-k8s");
    const exec = execOf(provider.inputs.kubeconfig);
    expect(exec.args.slice(exec.args.indexOf("get-token"))).toContain("--cluster-name");
    expect(flag(exec, "--profile")).toBe("search-deploy");
    expect(flag(exec, "--role")).toBe(DEPLOYER);
    // @pulumi/eks got the role (its own kubeconfig and provider use it too).
    expect(unwrapSecrets(engine.get("eks:index:Cluster", "cred").inputs.providerCredentialOpts)).toEqual({ roleArn: DEPLOYER });
    // The exported kubeconfig carries the role but not the profile: other people have other profiles.
    const exported = execOf(await valueOf(cluster.kubeconfig));
    expect(flag(exported, "--role")).toBe(DEPLOYER);
    expect(flag(exported, "--profile")).toBeUndefined();
  });

  it("takes explicit credentials over the stack's, and adds nothing with neither", async () => {
    const engine = await setupMocks({ config: { "aws:profile": "ignored" } });
    new Cluster("explicit", args({ kubeconfigCredentials: { profile: "ops" } }));
    new Cluster("plain", args({ kubeconfigCredentials: {} }));
    await engine.settle();
    expect(flag(execOf(engine.get("pulumi:providers:kubernetes", "explicit-k8s").inputs.kubeconfig), "--profile")).toBe("ops");
    const plain = execOf(engine.get("pulumi:providers:kubernetes", "plain-k8s").inputs.kubeconfig);
    expect([flag(plain, "--profile"), flag(plain, "--role")]).toEqual([undefined, undefined]);
  });

  it("keeps the provider's kubeconfig secret", async () => {
    const engine = await setupMocks({ config: { "aws:profile": "search-deploy" } });
    new Cluster("secret", args());
    await engine.settle();
    const kubeconfig = engine.get("pulumi:providers:kubernetes", "secret-k8s").inputs.kubeconfig;
    expect(kubeconfig).not.toEqual(unwrapSecrets(kubeconfig));
  });

  it("refuses a profile or role that is not one", () => {
    const error = argumentErrorOf(() => new Cluster("bad", args({ kubeconfigCredentials: { profile: "two words", roleArn: "deployer" } })));
    expect(error.issues.map((i) => i.path)).toEqual(["kubeconfigCredentials.profile", "kubeconfigCredentials.roleArn"]);
  });
});

describe("kubeconfigWithProfile and stackAwsCredentials", () => {
  const kubeconfig = JSON.stringify({ users: [{ name: "aws", user: { exec: { command: "aws", args: ["eks", "get-token", "--cluster-name", "c"] } } }] });

  it("adds --profile to aws get-token once, and leaves other users alone", () => {
    const once = kubeconfigWithProfile(kubeconfigWithProfile(kubeconfig, "p"), "p");
    expect(execOf(once).args).toEqual(["eks", "get-token", "--cluster-name", "c", "--profile", "p"]);
    expect(kubeconfigWithProfile(kubeconfig, undefined)).toBe(kubeconfig);
  });

  it("reads the last role of the assume-role chain (v7 assumeRoles, v6 assumeRole)", () => {
    expect(stackAwsCredentials({ get: (k) => ({ profile: "p", assumeRoles: JSON.stringify([{ roleArn: "a" }, { roleArn: DEPLOYER }]) })[k] })).toEqual({ profile: "p", roleArn: DEPLOYER });
    expect(stackAwsCredentials({ get: (k) => ({ assumeRole: JSON.stringify({ roleArn: DEPLOYER }) })[k] })).toEqual({ roleArn: DEPLOYER });
    expect(stackAwsCredentials({ get: () => undefined })).toEqual({});
  });
});
