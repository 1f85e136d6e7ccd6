/**
 * The AWS credentials behind the cluster's kubeconfig: `aws eks get-token` must sign with what the stack's AWS
 * provider uses (its profile, the role it assumes), or the Kubernetes API refuses every request (Unauthorized).
 */

/** What `aws eks get-token` runs as. */
export interface KubeconfigCredentials {
  /** AWS CLI profile (`--profile`; wins over ambient AWS_* variables). @default - the default credential chain */
  profile?: string;
  /** IAM role to assume for the token (@pulumi/eks adds it to the exec arguments). @default - none */
  roleArn?: string;
}

/** Where the stack's `aws:` config is read from (a `pulumi.Config("aws")`). */
export interface AwsConfigReader {
  get(key: string): string | undefined;
}

/**
 * The credentials of the stack's default AWS provider: `aws:profile`, and the last role of its assume-role chain
 * (`aws:assumeRoles`, provider v7; `aws:assumeRole`, v6). A chain of several roles cannot be replayed by
 * `aws eks get-token`: the last role must then be assumable from the profile itself.
 */
export function stackAwsCredentials(config: AwsConfigReader): KubeconfigCredentials {
  const parse = (key: string): unknown => {
    const raw = config.get(key);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return undefined;
    }
  };
  const roleOf = (value: unknown): string | undefined =>
    typeof value === "object" && value !== null && typeof (value as { roleArn?: unknown }).roleArn === "string" ? (value as { roleArn: string }).roleArn : undefined;
  const chain = parse("assumeRoles");
  const roleArn = Array.isArray(chain) ? roleOf(chain[chain.length - 1]) : roleOf(parse("assumeRole"));
  const profile = config.get("profile");
  return { ...(profile ? { profile } : {}), ...(roleArn ? { roleArn } : {}) };
}

interface ExecUser {
  user?: { exec?: { command?: string; args?: string[] } };
}

/**
 * A kubeconfig (JSON) whose `aws eks get-token` users also pass `--profile <profile>`, once. @pulumi/eks leaves
 * the profile out of the kubeconfig it exports (so that other people can use it with theirs); the provider that
 * deploys needs it.
 */
export function kubeconfigWithProfile(kubeconfigJson: string, profile: string | undefined): string {
  if (!profile) return kubeconfigJson;
  const config = JSON.parse(kubeconfigJson) as { users?: ExecUser[] };
  for (const entry of config.users ?? []) {
    const exec = entry.user?.exec;
    if (!exec || !/(^|\/)aws$/.test(exec.command ?? "") || !exec.args?.includes("get-token") || exec.args.includes("--profile")) continue;
    exec.args = [...exec.args, "--profile", profile];
  }
  return JSON.stringify(config);
}
