/**
 * The driver's command line as data: the commands, and one table, `OPTIONS`, that says which flags exist,
 * which commands they apply to and what they mean. Parsing (args.ts) and every `--help` text (help.ts,
 * global and per command) come from it.
 */

export const COMMANDS = ["preview", "up", "refresh", "destroy", "drift", "outputs"] as const;
export type Command = (typeof COMMANDS)[number];

/** The name people run the driver by (the package's `bin`). */
export const BIN_NAME = "eks-search-platform-deploy";

export type BooleanKey = "json" | "yes" | "force" | "showSecrets" | "refresh" | "forceUnlock" | "clearPendingCreates" | "expectNoChanges" | "diff" | "targetDependents" | "createStack" | "allowDestructive";
export type ValueKey = "stack" | "config" | "secret" | "summaryFile" | "workDir" | "importPendingCreate" | "target" | "replace" | "plan" | "message" | "keepDeployed";

export interface OptionSpec {
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
