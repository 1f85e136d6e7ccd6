import { EXIT_CODE_TABLE } from "./exit-codes";

/**
 * Command-line parsing for the driver: a pure function from argv to options, reporting every problem at
 * once (like the config and argument checks elsewhere in this package).
 */

export const COMMANDS = ["preview", "up", "refresh", "destroy", "drift", "outputs"] as const;
export type Command = (typeof COMMANDS)[number];

/** A `--config` or `--secret` assignment, applied with `setConfig(key, { value, secret }, path=true)`. */
export interface ConfigAssignment {
  key: string;
  value: string;
  secret: boolean;
}

export interface CliOptions {
  command: Command;
  stack: string;
  config: ConfigAssignment[];
  json: boolean;
  yes: boolean;
  force: boolean;
  showSecrets: boolean;
  refresh: boolean;
  /** Clear the stack's lock first when another update holds it (`pulumi cancel`). */
  forceUnlock: boolean;
  /** Clear pending creates the driver cannot verify (the resource may exist unmanaged). */
  clearPendingCreates: boolean;
  /** IDs of pending creates found by the user, by URN: adopted into the state under them. */
  pendingCreateIds: Record<string, string>;
  /** Also write the Markdown summary here (for a PR comment step). */
  summaryFile?: string;
  /** The Pulumi project directory; the driver defaults it to this repository. */
  workDir?: string;
}

export type ParseResult =
  | { kind: "run"; options: CliOptions }
  | { kind: "help" }
  | { kind: "error"; problems: string[]; json: boolean };

const BOOLEAN_FLAGS = {
  "--json": "json",
  "--yes": "yes",
  "-y": "yes",
  "--force": "force",
  "--show-secrets": "showSecrets",
  "--refresh": "refresh",
  "--force-unlock": "forceUnlock",
  "--clear-pending-creates": "clearPendingCreates",
} as const;
const VALUE_FLAGS = ["--stack", "-s", "--config", "-c", "--secret", "--summary-file", "--work-dir", "--import-pending-create"] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

// Where a flag means something; elsewhere it is a usage error rather than silently ignored.
const FLAG_COMMANDS: Partial<Record<keyof typeof BOOLEAN_FLAGS, readonly Command[]>> = {
  "--force": ["destroy"],
  "--show-secrets": ["outputs"],
  "--refresh": ["preview", "up", "destroy"],
  "--force-unlock": ["preview", "up", "refresh", "destroy", "drift"],
  "--clear-pending-creates": ["preview", "up", "refresh", "destroy", "drift"],
};

// A stack name as the CLI accepts it: [org/[project/]]stack.
const STACK_NAME = /^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/;
// A config key: optional namespace, then a (path-form) key; no spaces or '='.
const CONFIG_KEY = /^([A-Za-z0-9_.-]+:)?[A-Za-z0-9_][^\s=]*$/;

function isValueFlag(flag: string): flag is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(flag);
}

function isCommand(word: string): word is Command {
  return (COMMANDS as readonly string[]).includes(word);
}

/** Parses the driver's argv (without `node` and the script). */
export function parseArgs(argv: readonly string[]): ParseResult {
  const problems: string[] = [];
  const positionals: string[] = [];
  const config: ConfigAssignment[] = [];
  const booleans = { json: false, yes: false, force: false, showSecrets: false, refresh: false, forceUnlock: false, clearPendingCreates: false };
  const pendingCreateIds: Record<string, string> = {};
  const seenBooleans: (keyof typeof BOOLEAN_FLAGS)[] = [];
  const stacks: string[] = [];
  let summaryFile: string | undefined;
  let workDir: string | undefined;
  let help = false;

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === "--help" || word === "-h") {
      help = true;
      continue;
    }
    if (!word.startsWith("-") || word === "-") {
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf("=");
    const flag = word.startsWith("--") && eq > 0 ? word.slice(0, eq) : word;
    if (flag in BOOLEAN_FLAGS) {
      if (flag !== word) {
        problems.push(`${flag} takes no value (got ${JSON.stringify(word)})`);
        continue;
      }
      const name = flag as keyof typeof BOOLEAN_FLAGS;
      booleans[BOOLEAN_FLAGS[name]] = true;
      seenBooleans.push(name);
      continue;
    }
    if (!isValueFlag(flag)) {
      problems.push(`unknown option ${JSON.stringify(flag)}`);
      continue;
    }
    let value: string | undefined;
    if (flag !== word) value = word.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("-")) value = argv[++i];
    if (value === undefined) {
      problems.push(`${flag} needs a value`);
      continue;
    }
    switch (flag) {
      case "--stack":
      case "-s":
        stacks.push(value);
        break;
      case "--config":
      case "-c":
      case "--secret": {
        const secret = flag === "--secret";
        const sep = value.indexOf("=");
        // Never echo a --secret value back, even in an error.
        const shown = secret ? `${sep > 0 ? value.slice(0, sep) : "<key>"}=…` : value;
        if (sep <= 0) {
          problems.push(`${flag} takes key=value (got ${JSON.stringify(shown)})`);
          break;
        }
        const key = value.slice(0, sep);
        if (!CONFIG_KEY.test(key)) {
          problems.push(`${flag} key ${JSON.stringify(key)} is not a config key such as apps.tiers.api.image or aws:region`);
          break;
        }
        if (config.some((c) => c.key === key)) {
          problems.push(`config key ${JSON.stringify(key)} is given more than once`);
          break;
        }
        config.push({ key, value: value.slice(sep + 1), secret });
        break;
      }
      case "--summary-file":
        summaryFile = value;
        break;
      case "--work-dir":
        workDir = value;
        break;
      case "--import-pending-create": {
        // URNs hold "::" and may hold "=" in names; IDs do not: split at the last "=".
        const sep = value.lastIndexOf("=");
        const urn = value.slice(0, sep);
        if (sep <= 0 || !urn.startsWith("urn:pulumi:") || sep === value.length - 1) {
          problems.push(`--import-pending-create takes <urn>=<id> (got ${JSON.stringify(value)})`);
          break;
        }
        pendingCreateIds[urn] = value.slice(sep + 1);
        break;
      }
    }
  }

  if (help) return { kind: "help" };

  const [commandWord, ...extra] = positionals;
  let command: Command | undefined;
  if (commandWord === undefined) problems.push(`a command is required: one of ${COMMANDS.join(", ")}`);
  else if (!isCommand(commandWord)) problems.push(`unknown command ${JSON.stringify(commandWord)}: use one of ${COMMANDS.join(", ")}`);
  else command = commandWord;
  if (extra.length > 0) problems.push(`unexpected argument${extra.length > 1 ? "s" : ""} ${extra.map((e) => JSON.stringify(e)).join(" ")}`);

  if (stacks.length === 0) problems.push("--stack <name> is required");
  else if (stacks.length > 1) problems.push(`--stack is given ${stacks.length} times`);
  else if (!STACK_NAME.test(stacks[0])) problems.push(`--stack ${JSON.stringify(stacks[0])} is not a stack name such as dev or org/project/prod`);

  if (command !== undefined) {
    for (const flag of new Set(seenBooleans)) {
      const allowed = FLAG_COMMANDS[flag];
      if (allowed && !allowed.includes(command)) problems.push(`${flag} applies to ${allowed.join(", ")}, not ${command}`);
    }
    if (config.length > 0 && command === "outputs") problems.push("--config/--secret do not apply to outputs");
    if (Object.keys(pendingCreateIds).length > 0 && command === "outputs") problems.push("--import-pending-create does not apply to outputs");
  }

  if (problems.length > 0 || command === undefined) return { kind: "error", problems, json: booleans.json };
  return {
    kind: "run",
    options: { command, stack: stacks[0], config, ...booleans, pendingCreateIds, summaryFile, workDir },
  };
}

/** The `--help` text, exit codes included. */
export function helpText(): string {
  const codes = EXIT_CODE_TABLE.map(({ code, meaning }) => `  ${String(code).padStart(3)}  ${meaning}`).join("\n");
  return `Usage: npm run deploy -- <command> --stack <name> [options]

Runs this Pulumi project through the Automation API, for CI and for people.

Commands:
  preview   show what up would change
  up        create or update the stack (a production stack, named prod or with protect: true, needs --yes)
  refresh   adopt the cloud's actual state into the stack's state
  destroy   delete every resource (refused on stacks with eks-search-platform:protect: true unless --force)
  drift     read-only check: refresh preview, then preview, both expecting no changes (exit 2 on drift)
  outputs   print the stack outputs (secrets masked unless --show-secrets)

Options:
  -s, --stack <name>      stack to operate on (required)
  -c, --config <k=v>      set a config value before the operation (path form, repeatable),
                          e.g. --config apps.tiers.api.image=ghcr.io/org/api@sha256:<digest>
      --secret <k=v>      set a secret config value (encrypted; never printed; repeatable)
      --json              machine output: one JSON object per line; the last line has "event":"result"
  -y, --yes               confirm up on a production stack
      --force             allow destroy on a protected stack
      --show-secrets      print secret outputs in clear (outputs only)
      --refresh           refresh state before preview, up or destroy
      --force-unlock      if another update holds the stack's lock, clear it first (pulumi cancel);
                          needs --yes on a production stack
      --clear-pending-creates  clear interrupted creates the driver cannot verify (cloud resources)
      --import-pending-create <urn>=<id>  adopt an interrupted create that exists, under its cloud ID
      --summary-file <p>  also write the Markdown summary to <p> ($GITHUB_STEP_SUMMARY is used when set)
      --work-dir <dir>    Pulumi project directory (default: this repository)
  -h, --help              show this help

Environment:
  PULUMI_BACKEND_URL        state backend, e.g. file:///path/to/state or s3://bucket (default: the CLI's login)
  PULUMI_ACCESS_TOKEN       Pulumi Cloud token, when the backend is Pulumi Cloud
  PULUMI_CONFIG_PASSPHRASE  selects the passphrase secrets provider (or PULUMI_CONFIG_PASSPHRASE_FILE)
  PULUMI_CLI_ROOT           use the Pulumi CLI at <root>/bin/pulumi (PULUMI_COMMAND=<root>/bin/pulumi works too)
  GITHUB_STEP_SUMMARY       when set, the summary is appended there in Markdown
  DEPLOY_LOCK_RETRIES       retries while the stack is locked by another update (default 3)
  DEPLOY_LOCK_RETRY_DELAY_SECONDS  first retry delay, doubled each time up to 60 s (default 15)
  DEPLOY_UNREACHABLE_RETRIES        retries when an API server cannot be reached (default 2)
  DEPLOY_UNREACHABLE_RETRY_DELAY_SECONDS  first delay, doubled each time up to 60 s (default 10)

Exit codes:
${codes}
`;
}
