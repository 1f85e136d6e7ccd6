import { EXIT_CODE_TABLE } from "./exit-codes";

/**
 * Command-line parsing for the driver: a pure function from argv to options, reporting every problem at
 * once (like the config and argument checks elsewhere in this package). One table, `OPTIONS`, says
 * which flags exist, which commands they apply to and what they mean; parsing and every `--help` text
 * (global and per command) come from it.
 */

export const COMMANDS = ["preview", "up", "refresh", "destroy", "drift", "outputs"] as const;
export type Command = (typeof COMMANDS)[number];

/** The name people run the driver by (the package's `bin`). */
export const BIN_NAME = "eks-search-platform-deploy";

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
  /** Fail (exit 2) when the operation would change anything. */
  expectNoChanges: boolean;
  /** Print each step's property diff as it is planned or applied. */
  diff: boolean;
  /** Operate on these URNs only. */
  targets: string[];
  /** With `targets`: their dependents too. */
  targetDependents: boolean;
  /** Replace these URNs even if their inputs did not change. */
  replace: string[];
  /** preview: save the plan here; up: apply exactly the plan saved here. */
  plan?: string;
  /** The update's message in the stack's history. */
  message?: string;
  /** Create the stack when it does not exist (otherwise a missing stack is an error). */
  createStack: boolean;
  /** Allow a replacement or deletion of a stateful resource (a StatefulSet, a volume, a cluster, a key). */
  allowDestructive: boolean;
  /** Config keys (path form, `*` for one segment) whose image the last successful update deployed is kept. */
  keepDeployed: string[];
  /** Also write the Markdown summary here (for a PR comment step). */
  summaryFile?: string;
  /** The Pulumi project directory; the driver defaults it to the current directory. */
  workDir?: string;
}

export type ParseResult =
  | { kind: "run"; options: CliOptions }
  | { kind: "help"; command?: Command }
  | { kind: "error"; problems: string[]; json: boolean };

type BooleanKey = "json" | "yes" | "force" | "showSecrets" | "refresh" | "forceUnlock" | "clearPendingCreates" | "expectNoChanges" | "diff" | "targetDependents" | "createStack" | "allowDestructive";
type ValueKey = "stack" | "config" | "secret" | "summaryFile" | "workDir" | "importPendingCreate" | "target" | "replace" | "plan" | "message" | "keepDeployed";

interface OptionSpec {
  flag: `--${string}`;
  short?: `-${string}`;
  /** The value's placeholder in help; absent for a boolean flag. */
  value?: string;
  key: BooleanKey | ValueKey;
  /** The commands the flag applies to; elsewhere it is a usage error rather than silently ignored. */
  commands: readonly Command[];
  /** One line of help (more lines are indented under it). */
  help: string;
}

const ALL = COMMANDS;
const OPERATIONS: readonly Command[] = ["preview", "up", "refresh", "destroy", "drift"];
const ENGINE: readonly Command[] = ["preview", "up", "refresh", "destroy"];

/** Every option, in help order. */
export const OPTIONS: readonly OptionSpec[] = [
  { flag: "--stack", short: "-s", value: "<name>", key: "stack", commands: ALL, help: "stack to operate on (required)" },
  {
    flag: "--config",
    short: "-c",
    value: "<k=v>",
    key: "config",
    commands: OPERATIONS,
    help: "set a config value before the operation (path form, repeatable),\ne.g. --config apps.tiers.api.image=ghcr.io/org/api@sha256:<digest>",
  },
  { flag: "--secret", value: "<k=v>", key: "secret", commands: OPERATIONS, help: "set a secret config value (encrypted; never printed; repeatable)" },
  { flag: "--create-stack", key: "createStack", commands: ["preview", "up"], help: "create the stack when it does not exist (without it, a missing stack is exit 3)" },
  { flag: "--expect-no-changes", key: "expectNoChanges", commands: ENGINE, help: "exit 2 if the operation would change anything" },
  { flag: "--diff", key: "diff", commands: OPERATIONS, help: "print each step's property diff as it is planned or applied" },
  { flag: "--target", value: "<urn>", key: "target", commands: ENGINE, help: "operate on this resource only (repeatable)" },
  { flag: "--target-dependents", key: "targetDependents", commands: ENGINE, help: "with --target: the targets' dependents too" },
  { flag: "--replace", value: "<urn>", key: "replace", commands: ["preview", "up"], help: "replace this resource even if it did not change (repeatable)" },
  {
    flag: "--plan",
    value: "<file>",
    key: "plan",
    commands: ["preview", "up"],
    help: "preview: save the update plan to <file>; up: apply exactly that plan (up fails if the\nprogram now wants anything the plan did not contain)",
  },
  { flag: "--message", short: "-m", value: "<text>", key: "message", commands: ["up", "refresh", "destroy"], help: "the update's message in the stack's history" },
  {
    flag: "--allow-destructive",
    key: "allowDestructive",
    commands: ["preview", "up"],
    help: "allow replacing or deleting a stateful resource (StatefulSet, PVC, Namespace, KMS key,\ncluster, volume); without it such a plan ends with exit 5",
  },
  {
    flag: "--keep-deployed",
    value: "<key>",
    key: "keepDeployed",
    commands: ["preview", "up", "drift"],
    help: "for this config key (path form, * for one segment, repeatable), keep the image digest the\nlast successful update deployed while the config names the same image (see docs/ci.md)",
  },
  { flag: "--json", key: "json", commands: ALL, help: 'machine output: one JSON object per line; the last line has "event":"result"' },
  { flag: "--yes", short: "-y", key: "yes", commands: OPERATIONS, help: "confirm up on a production stack (and --force-unlock on one)" },
  { flag: "--force", key: "force", commands: ["destroy"], help: "allow destroy on a protected or deletion-protected stack" },
  { flag: "--show-secrets", key: "showSecrets", commands: ["outputs"], help: "print secret outputs in clear" },
  { flag: "--refresh", key: "refresh", commands: ["preview", "up", "destroy"], help: "refresh state before the operation" },
  { flag: "--force-unlock", key: "forceUnlock", commands: OPERATIONS, help: "if another update holds the stack's lock, clear it first (pulumi cancel);\nneeds --yes on a production stack" },
  { flag: "--clear-pending-creates", key: "clearPendingCreates", commands: OPERATIONS, help: "clear interrupted creates the driver cannot verify (cloud resources)" },
  { flag: "--import-pending-create", value: "<urn>=<id>", key: "importPendingCreate", commands: OPERATIONS, help: "adopt an interrupted create that exists, under its cloud ID" },
  { flag: "--summary-file", value: "<path>", key: "summaryFile", commands: OPERATIONS, help: "also write the Markdown summary to <path> ($GITHUB_STEP_SUMMARY is used when set)" },
  { flag: "--work-dir", value: "<dir>", key: "workDir", commands: ALL, help: "Pulumi project directory (default: the current directory)" },
];

/** What each command does, for help. */
export const COMMAND_HELP: Record<Command, { summary: string; details: string }> = {
  preview: {
    summary: "show what up would change",
    details: "Plans an update without changing anything: every resource it would create, update, replace or delete,\nwith property diffs in the summary. Never writes the stack's config file. Ends with exit 5 when a stateful\nresource would be replaced or deleted (unless --allow-destructive) and with exit 6 when the program could\nnot reach a cluster it reads (the plan would be wrong).",
  },
  up: {
    summary: "create or update the stack (a production stack, named prod or protected, needs --yes)",
    details: "Updates the stack. A production stack (named prod/production, or with <project>:protect: true) needs --yes.\nWith --plan, applies exactly the plan a preview saved. Without --plan or --allow-destructive, previews first\nand refuses (exit 5) when a stateful resource would be replaced or deleted. Writes the stack outputs to\n$GITHUB_OUTPUT when it is set (secret outputs omitted).",
  },
  refresh: { summary: "adopt the cloud's actual state into the stack's state", details: "Reads every resource from the cloud and writes what it finds into the stack's state." },
  destroy: {
    summary: "delete every resource (refused on a protected stack unless --force)",
    details: "Deletes every resource of the stack. Refused on a stack whose config sets <project>:protect: true or\n<project>:cluster.deletionProtection: true (EKS would refuse the cluster last) unless --force (--config\nprotect=false or cluster.deletionProtection=false cannot lift it).",
  },
  drift: {
    summary: "read-only check: refresh preview, then preview, both expecting no changes (exit 2 on drift)",
    details: "Compares the cloud with the stack's state (refresh preview) and the program with the state (preview).\nExit 0: no drift; 2: drift; 6: a cluster could not be reached. Never writes state or the config file.",
  },
  outputs: {
    summary: "print the stack outputs (secrets masked unless --show-secrets)",
    details: "Prints the outputs of the last update; writes them to $GITHUB_OUTPUT when it is set (secret outputs omitted).",
  },
};

// A stack name as the CLI accepts it: [org/[project/]]stack.
const STACK_NAME = /^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/;
// A config key: optional namespace, then a (path-form) key; no spaces or '='.
const CONFIG_KEY = /^([A-Za-z0-9_.-]+:)?[A-Za-z0-9_][^\s=]*$/;
// A key pattern for --keep-deployed: the same, with `*` for a whole segment.
const KEY_PATTERN = /^([A-Za-z0-9_.-]+:)?([A-Za-z0-9_-]+|\*)(\.([A-Za-z0-9_-]+|\*))*$/;

function isCommand(word: string): word is Command {
  return (COMMANDS as readonly string[]).includes(word);
}

function optionFor(flag: string): OptionSpec | undefined {
  return OPTIONS.find((o) => o.flag === flag || o.short === flag);
}

/** Parses the driver's argv (without `node` and the script). */
export function parseArgs(argv: readonly string[]): ParseResult {
  const problems: string[] = [];
  const positionals: string[] = [];
  const config: ConfigAssignment[] = [];
  const booleans: Record<BooleanKey, boolean> = {
    json: false,
    yes: false,
    force: false,
    showSecrets: false,
    refresh: false,
    forceUnlock: false,
    clearPendingCreates: false,
    expectNoChanges: false,
    diff: false,
    targetDependents: false,
    createStack: false,
    allowDestructive: false,
  };
  const pendingCreateIds: Record<string, string> = {};
  const seen: OptionSpec[] = [];
  const stacks: string[] = [];
  const targets: string[] = [];
  const replace: string[] = [];
  const keepDeployed: string[] = [];
  const single: Partial<Record<"summaryFile" | "workDir" | "plan" | "message", string>> = {};
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
    const spec = optionFor(flag);
    if (!spec) {
      problems.push(`unknown option ${JSON.stringify(flag)}`);
      continue;
    }
    if (spec.value === undefined) {
      if (flag !== word) {
        problems.push(`${flag} takes no value (got ${JSON.stringify(word)})`);
        continue;
      }
      booleans[spec.key as BooleanKey] = true;
      seen.push(spec);
      continue;
    }
    let value: string | undefined;
    if (flag !== word) value = word.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("-")) value = argv[++i];
    if (value === undefined) {
      problems.push(`${flag} needs a value`);
      continue;
    }
    seen.push(spec);
    switch (spec.key as ValueKey) {
      case "stack":
        stacks.push(value);
        break;
      case "config":
      case "secret": {
        const secret = spec.key === "secret";
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
      case "importPendingCreate": {
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
      case "target":
      case "replace":
        if (!value.startsWith("urn:pulumi:")) {
          problems.push(`${flag} takes a resource URN such as urn:pulumi:dev::project::aws:ec2/vpc:Vpc::name (got ${JSON.stringify(value)})`);
          break;
        }
        (spec.key === "target" ? targets : replace).push(value);
        break;
      case "keepDeployed":
        if (!KEY_PATTERN.test(value)) {
          problems.push(`--keep-deployed takes a config key in path form, * for one segment, such as apps.tiers.*.image (got ${JSON.stringify(value)})`);
          break;
        }
        keepDeployed.push(value);
        break;
      case "summaryFile":
      case "workDir":
      case "plan":
      case "message": {
        const key = spec.key as "summaryFile" | "workDir" | "plan" | "message";
        if (single[key] !== undefined) problems.push(`${flag} is given more than once`);
        if (value === "") problems.push(`${flag} needs a value`);
        single[key] = value;
        break;
      }
    }
  }

  const [commandWord, ...extra] = positionals;
  const command = commandWord !== undefined && isCommand(commandWord) ? commandWord : undefined;
  if (help) return command ? { kind: "help", command } : { kind: "help" };

  if (commandWord === undefined) problems.push(`a command is required: one of ${COMMANDS.join(", ")}`);
  else if (!command) problems.push(`unknown command ${JSON.stringify(commandWord)}: use one of ${COMMANDS.join(", ")}`);
  if (extra.length > 0) problems.push(`unexpected argument${extra.length > 1 ? "s" : ""} ${extra.map((e) => JSON.stringify(e)).join(" ")}`);

  if (stacks.length === 0) problems.push("--stack <name> is required");
  else if (stacks.length > 1) problems.push(`--stack is given ${stacks.length} times`);
  else if (!STACK_NAME.test(stacks[0])) problems.push(`--stack ${JSON.stringify(stacks[0])} is not a stack name such as dev or org/project/prod`);

  if (command !== undefined) {
    const reported = new Set<string>();
    for (const spec of seen) {
      if (spec.commands.includes(command) || reported.has(spec.flag)) continue;
      reported.add(spec.flag);
      problems.push(`${spec.flag} applies to ${spec.commands.join(", ")}, not ${command}`);
    }
    if (booleans.targetDependents && targets.length === 0) problems.push("--target-dependents needs --target");
    if (command === "up" && single.plan !== undefined && (targets.length > 0 || replace.length > 0)) {
      problems.push("--plan applies the saved plan as it is: give --target/--replace to the preview that saves it");
    }
  }

  if (problems.length > 0 || command === undefined) return { kind: "error", problems, json: booleans.json };
  return {
    kind: "run",
    options: { command, stack: stacks[0], config, ...booleans, pendingCreateIds, targets, replace, keepDeployed, ...single },
  };
}

function optionLines(options: readonly OptionSpec[]): string {
  const heads = options.map((o) => `${o.short ? `${o.short}, ` : "    "}${o.flag}${o.value ? ` ${o.value}` : ""}`);
  const width = Math.min(30, Math.max(...heads.map((h) => h.length)));
  return options
    .map((o, i) => {
      const [first, ...rest] = o.help.split("\n");
      const head = heads[i];
      const lines = head.length > width ? [`  ${head}`, `  ${" ".repeat(width)}  ${first}`] : [`  ${head.padEnd(width)}  ${first}`];
      for (const line of rest) lines.push(`  ${" ".repeat(width)}  ${line}`);
      return lines.join("\n");
    })
    .join("\n");
}

const ENVIRONMENT = `Environment:
  PULUMI_BACKEND_URL        state backend, e.g. file:///path/to/state or s3://bucket (default: the CLI's login)
  PULUMI_ACCESS_TOKEN       Pulumi Cloud token, when the backend is Pulumi Cloud
  PULUMI_CONFIG_PASSPHRASE  selects the passphrase secrets provider (or PULUMI_CONFIG_PASSPHRASE_FILE)
  PULUMI_CLI_ROOT           use the Pulumi CLI at <root>/bin/pulumi (PULUMI_COMMAND=<root>/bin/pulumi works too)
  GITHUB_STEP_SUMMARY       when set, the summary is appended there in Markdown
  GITHUB_OUTPUT             when set, up and outputs write the stack outputs there (secret outputs omitted)
  DEPLOY_LOCK_RETRIES       retries while the stack is locked by another update (default 3)
  DEPLOY_LOCK_RETRY_DELAY_SECONDS  first retry delay, doubled each time up to 60 s (default 15)
  DEPLOY_UNREACHABLE_RETRIES        retries when an API server cannot be reached (default 2)
  DEPLOY_UNREACHABLE_RETRY_DELAY_SECONDS  first delay, doubled each time up to 60 s (default 10)`;

function exitCodes(): string {
  return `Exit codes:\n${EXIT_CODE_TABLE.map(({ code, meaning }) => `  ${String(code).padStart(3)}  ${meaning}`).join("\n")}`;
}

/** The `--help` text: global, or for one command (its flags only). Exit codes included. */
export function helpText(command?: Command): string {
  if (command) {
    const options = OPTIONS.filter((o) => o.commands.includes(command));
    return `Usage: ${BIN_NAME} ${command} --stack <name> [options]

${COMMAND_HELP[command].details}

Options:
${optionLines(options)}
  -h, --help  show this help

${ENVIRONMENT}

${exitCodes()}
`;
  }
  const width = Math.max(...COMMANDS.map((c) => c.length));
  return `Usage: ${BIN_NAME} <command> --stack <name> [options]
       ${BIN_NAME} <command> --help   (the options of one command)

Runs the Pulumi project in the current directory (or --work-dir) through the Automation API, for CI and
for people. In this repository: npm run deploy -- <command> ...

Commands:
${COMMANDS.map((c) => `  ${c.padEnd(width)}  ${COMMAND_HELP[c].summary}`).join("\n")}

Options:
${optionLines(OPTIONS)}
  -h, --help  show this help

${ENVIRONMENT}

${exitCodes()}
`;
}

/**
 * How the user runs the driver, for the commands it prints: `npm run deploy --` inside this repository
 * (npm sets `npm_lifecycle_event` to the script's name), else the package's bin.
 */
export function invocation(env: Readonly<Record<string, string | undefined>>): string {
  return env.npm_lifecycle_event === "deploy" ? "npm run deploy --" : "eks-search-platform-deploy";
}
