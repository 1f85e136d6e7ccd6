import { EXIT_CODE_TABLE } from "./exit-codes";
import { BIN_NAME, COMMAND_HELP, COMMANDS, OPTIONS, type Command, type OptionSpec } from "./options";

/** The driver's `--help` texts, built from the option table, and how the commands it prints are run. */

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
