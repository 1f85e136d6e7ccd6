/**
 * Issue 13, defect 6: the AWS credentials the stack's provider uses must also sign the Kubernetes provider's
 * `aws eks get-token`, or every Helm release and Kubernetes object is refused (Unauthorized).
 * @pulumi/eks puts providerCredentialOpts.roleArn into its kubeconfig but leaves the profile out of the
 * kubeconfig it exports, so the component adds the profile itself.
 */
import { describe, expect, it } from "vitest";
import { setupMocks, unwrapSecrets, argumentErrorOf, valueOf } from "./mocks";
import { Cluster, type ClusterArgs } from "../components/cluster/cluster";
import { kubeconfigWithEnvironment, kubeconfigWithProfile, stackAwsCredentials, stackAwsEnvironment } from "../components/cluster/kubeconfig";

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
const envOf = (exec: Exec) => Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value]));

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

  // The AWS provider also signs with static keys, shared files or a web identity from the stack's aws: config;
  // get-token saw none of them and signed with the machine's default chain (saw this fail: no env, Unauthorized).
  it("passes the stack's static keys (aws:accessKey, secretKey, token) to get-token in the provider's kubeconfig only, over its profile", async () => {
    const engine = await setupMocks({
      config: { "aws:profile": "shadowed" },
      secrets: { "aws:accessKey": "AKIAEXAMPLEKEY123456", "aws:secretKey": "secret/example+key" },
    });
    const cluster = new Cluster("keys", args());
    await engine.settle();
    const provider = engine.get("pulumi:providers:kubernetes", "keys-k8s");
    const exec = execOf(provider.inputs.kubeconfig);
    // An ambient AWS_SESSION_TOKEN must not pair with the stack's long-lived keys: set empty, which the CLI ignores.
    expect(envOf(exec)).toMatchObject({ AWS_ACCESS_KEY_ID: "AKIAEXAMPLEKEY123456", AWS_SECRET_ACCESS_KEY: "secret/example+key", AWS_SESSION_TOKEN: "" });
    expect(envOf(exec).KUBERNETES_EXEC_INFO).toBeDefined();
    // The provider uses the keys over the profile; --profile would make the CLI do the opposite.
    expect(flag(exec, "--profile")).toBeUndefined();
    expect(provider.inputs.kubeconfig).not.toEqual(unwrapSecrets(provider.inputs.kubeconfig));
    const exported = execOf(await valueOf(cluster.kubeconfig));
    expect(envOf(exported).AWS_ACCESS_KEY_ID).toBeUndefined();
  });

  it("passes shared credential and config files and a web identity to get-token", async () => {
    const engine = await setupMocks({
      config: {
        "aws:sharedCredentialsFiles": JSON.stringify(["/ci/credentials"]),
        "aws:sharedConfigFiles": JSON.stringify(["/ci/config"]),
        "aws:assumeRoleWithWebIdentity": JSON.stringify({ roleArn: DEPLOYER, webIdentityTokenFile: "/var/run/token", sessionName: "ci" }),
      },
    });
    new Cluster("files", args());
    await engine.settle();
    const exec = execOf(engine.get("pulumi:providers:kubernetes", "files-k8s").inputs.kubeconfig);
    expect(envOf(exec)).toMatchObject({
      AWS_SHARED_CREDENTIALS_FILE: "/ci/credentials",
      AWS_CONFIG_FILE: "/ci/config",
      AWS_ROLE_ARN: DEPLOYER,
      AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token",
      AWS_ROLE_SESSION_NAME: "ci",
    });
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

  it("maps the stack's aws: credential settings to the AWS CLI's environment, and notes what get-token cannot replay", () => {
    const reader = (values: Record<string, string>) => ({ get: (k: string) => values[k] });
    expect(stackAwsEnvironment(reader({ accessKey: "A", secretKey: "S", token: "T" })).env).toEqual({ AWS_ACCESS_KEY_ID: "A", AWS_SECRET_ACCESS_KEY: "S", AWS_SESSION_TOKEN: "T" });
    expect(stackAwsEnvironment(reader({})).env).toEqual({});
    const two = stackAwsEnvironment(reader({ sharedCredentialsFiles: JSON.stringify(["/a", "/b"]) }));
    expect(two.env).toEqual({ AWS_SHARED_CREDENTIALS_FILE: "/a" });
    expect(two.notes.join("\n")).toContain("aws:sharedCredentialsFiles");
    expect(stackAwsEnvironment(reader({ accessKey: "A" })).notes.join("\n")).toContain("aws:secretKey");
    expect(stackAwsCredentials(reader({ profile: "p", accessKey: "A", secretKey: "S" }))).toEqual({});
  });

  it("sets each variable on aws get-token once, and leaves other users alone", () => {
    const twice = kubeconfigWithEnvironment(kubeconfigWithEnvironment(kubeconfig, { AWS_CONFIG_FILE: "/a" }), { AWS_CONFIG_FILE: "/b" });
    expect(execOf(twice).env).toEqual([{ name: "AWS_CONFIG_FILE", value: "/b" }]);
    expect(kubeconfigWithEnvironment(kubeconfig, {})).toBe(kubeconfig);
  });
});
