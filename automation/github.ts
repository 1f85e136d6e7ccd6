import type { StackOutputs } from "./stack";

/**
 * `$GITHUB_OUTPUT` lines for a step: one `name=value` per output (a multi-line value in the heredoc form
 * GitHub documents, with a delimiter the value does not contain). Secret outputs are left out, and
 * listed by name in `secret-outputs`, so a later step knows they exist and where to read them
 * (`outputs --show-secrets`); a step output is plain text in the job's log and API.
 */

// Step output names: letters, digits, '-' and '_', starting with a letter or '_'.
const OUTPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function line(name: string, value: string): string {
  if (!value.includes("\n") && !value.includes("\r")) return `${name}=${value}\n`;
  let delimiter = "EOF";
  for (let n = 1; value.includes(delimiter); n++) delimiter = `EOF_${n}`;
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** The text to append to $GITHUB_OUTPUT for these outputs (values as strings, other JSON as JSON). */
export function githubOutputText(outputs: StackOutputs): { text: string; skipped: string[] } {
  const secret: string[] = [];
  const skipped: string[] = [];
  let text = "";
  for (const [name, { value, secret: isSecret }] of Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b))) {
    if (isSecret) {
      secret.push(name);
      continue;
    }
    if (!OUTPUT_NAME.test(name)) {
      skipped.push(name);
      continue;
    }
    text += line(name, typeof value === "string" ? value : JSON.stringify(value));
  }
  if (secret.length > 0) text += line("secret-outputs", secret.join(","));
  return { text, skipped };
}

/** Extra step outputs of a run (e.g. `has-changes` of a preview), as $GITHUB_OUTPUT text. */
export function githubValues(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => line(k, v))
    .join("");
}
