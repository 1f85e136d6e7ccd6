/**
 * Command-line arguments of `npm run synth`.
 */

export interface SynthArgs {
  stack: string;
  out: string;
  config: [string, string][];
  secrets: [string, string][];
  json: boolean;
}

export const SYNTH_USAGE = `Usage: npm run synth -- --stack <name> [--out <dir>] [--config <key>=<value>]... [--secret <key>=<value>]... [--json]

Evaluates index.ts against Pulumi.<name>.yaml with the Pulumi engine mocked: no cloud account, no CLI.
  --stack, -s <name>      the stack (Pulumi.<name>.yaml)
  --out <dir>             output directory, emptied first (default: out/<name>)
  --config <key>=<value>  override a config key, dotted like \`pulumi config set --path\`: elasticsearch.replicas=3
  --secret <key>=<value>  set a secret key the same way: elasticPassword=..., appSecrets.api.SESSION_KEY=...
  --json                  print one JSON document instead of the summary
Writes <dir>/kubernetes/<namespace>/*.yaml (apply-able), <dir>/resources.json and <dir>/summary.txt.
Secret values never appear: they show as [secret].`;

/** A usage mistake: print it with {@link SYNTH_USAGE}. */
export class UsageError extends Error {
  override name = "UsageError";
}

function pair(flag: string, text: string): [string, string] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UsageError(`${flag} expects <key>=<value>, got "${text}"`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** Parses `argv` (without node and script). `--flag value` and `--flag=value` both work. */
export function parseSynthArgs(argv: readonly string[]): SynthArgs | "help" {
  let stack: string | undefined;
  let out: string | undefined;
  const config: [string, string][] = [];
  const secrets: [string, string][] = [];
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case "--help":
      case "-h":
        return "help";
      case "--stack":
      case "-s":
        stack = value();
        break;
      case "--out":
        out = value();
        break;
      case "--config":
      case "-c":
        config.push(pair(flag, value()));
        break;
      case "--secret":
        secrets.push(pair(flag, value()));
        break;
      case "--json":
        if (eq > 0) throw new UsageError("--json takes no value");
        json = true;
        break;
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  if (stack === undefined) throw new UsageError("--stack is required");
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`--stack "${stack}" is not a stack name (letters, digits, _ . -)`);
  return { stack, out: out ?? `out/${stack}`, config, secrets, json };
}
