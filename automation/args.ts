import { COMMANDS, OPTIONS, type BooleanKey, type Command, type OptionSpec, type ValueKey } from "./options";

/**
 * Command-line parsing for the driver: a pure function from argv to options, reporting every problem at
 * once (like the config and argument checks elsewhere in this package). One table, `OPTIONS` (options.ts),
 * says which flags exist, which commands they apply to and what they mean; parsing and every `--help` text
 * (help.ts, global and per command) come from it.
 */

export { BIN_NAME, COMMAND_HELP, COMMANDS, OPTIONS, type Command } from "./options";
export { helpText, invocation } from "./help";

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
