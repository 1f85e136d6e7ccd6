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
  // With static keys the provider signs with them, not the profile; `--profile` would make the CLI do the opposite.
  const profile = hasStaticKeys(config) ? undefined : config.get("profile");
  return { ...(profile ? { profile } : {}), ...(roleArn ? { roleArn } : {}) };
}

function hasStaticKeys(config: AwsConfigReader): boolean {
  return config.get("accessKey") !== undefined && config.get("secretKey") !== undefined;
}

/** Environment variables for `aws eks get-token`, and notes on settings it cannot replay as the provider does. */
export interface KubeconfigEnvironment {
  env: Record<string, string>;
  notes: string[];
}

/**
 * The AWS CLI environment that makes `aws eks get-token` sign as the stack's AWS provider does with its other
 * credential settings: static keys (`aws:accessKey`, `aws:secretKey`, `aws:token`), shared credential and config
 * files (`aws:sharedCredentialsFiles`, `aws:sharedConfigFiles`; the CLI reads one of each) and a web identity
 * (`aws:assumeRoleWithWebIdentity` with a token file). The values are secrets where the config's are: put them only
 * in a kubeconfig that is one.
 */
export function stackAwsEnvironment(config: AwsConfigReader): KubeconfigEnvironment {
  const env: Record<string, string> = {};
  const notes: string[] = [];
  const accessKey = config.get("accessKey");
  const secretKey = config.get("secretKey");
  if (accessKey !== undefined && secretKey !== undefined) {
    // Empty, not absent: an ambient AWS_SESSION_TOKEN must not pair with the stack's keys (the CLI ignores "").
    Object.assign(env, { AWS_ACCESS_KEY_ID: accessKey, AWS_SECRET_ACCESS_KEY: secretKey, AWS_SESSION_TOKEN: config.get("token") ?? "" });
  } else if (accessKey !== undefined || secretKey !== undefined) {
    notes.push(`aws:${accessKey === undefined ? "accessKey" : "secretKey"} is not set beside aws:${accessKey === undefined ? "secretKey" : "accessKey"}, so get-token uses the default credential chain`);
  }
  const files: [string, string][] = [
    ["sharedCredentialsFiles", "AWS_SHARED_CREDENTIALS_FILE"],
    ["sharedConfigFiles", "AWS_CONFIG_FILE"],
  ];
  for (const [key, variable] of files) {
    const list = parseJson(config.get(key));
    if (!Array.isArray(list) || typeof list[0] !== "string") continue;
    env[variable] = list[0];
    if (list.length > 1) notes.push(`aws:${key} lists ${list.length} files, but get-token reads one (${variable}=${list[0]})`);
  }
  const web = parseJson(config.get("assumeRoleWithWebIdentity"));
  if (typeof web === "object" && web !== null) {
    const { roleArn, webIdentityTokenFile, sessionName } = web as Record<string, unknown>;
    if (typeof roleArn === "string" && typeof webIdentityTokenFile === "string") {
      Object.assign(env, { AWS_ROLE_ARN: roleArn, AWS_WEB_IDENTITY_TOKEN_FILE: webIdentityTokenFile, ...(typeof sessionName === "string" ? { AWS_ROLE_SESSION_NAME: sessionName } : {}) });
    } else if (typeof roleArn === "string") {
      notes.push("aws:assumeRoleWithWebIdentity has no webIdentityTokenFile (an inline token), which get-token cannot use");
    }
  }
  return { env, notes };
}

function parseJson(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

interface Exec {
  command?: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
}

interface ExecUser {
  user?: { exec?: Exec };
}

function isGetToken(exec: Exec | undefined): exec is Exec & { args: string[] } {
  return exec !== undefined && /(^|\/)aws$/.test(exec.command ?? "") && (exec.args?.includes("get-token") ?? false);
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
    if (!isGetToken(exec) || exec.args.includes("--profile")) continue;
    exec.args = [...exec.args, "--profile", profile];
  }
  return JSON.stringify(config);
}

/**
 * A kubeconfig (JSON) whose `aws eks get-token` users run with `env` set (each variable once; a value given here
 * replaces one already there). For the deploying provider's kubeconfig only: the values may be credentials.
 */
export function kubeconfigWithEnvironment(kubeconfigJson: string, env: Record<string, string>): string {
  if (Object.keys(env).length === 0) return kubeconfigJson;
  const config = JSON.parse(kubeconfigJson) as { users?: ExecUser[] };
  for (const entry of config.users ?? []) {
    const exec = entry.user?.exec;
    if (!isGetToken(exec)) continue;
    const kept = (exec.env ?? []).filter((variable) => !(variable.name in env));
    exec.env = [...kept, ...Object.entries(env).map(([name, value]) => ({ name, value }))];
  }
  return JSON.stringify(config);
}
