import { ExitCode } from "./exit-codes";
import { SetupError, StackLockedError, StackMissingError } from "./stack";
import { cleanMessage } from "./progress";

/**
 * Maps a failed operation to an exit code and a one-paragraph reason, from the error and the engine's
 * error diagnostics. The program's ConfigError reaches us only as text (the engine runs it in another
 * process), so text patterns are the contract here; they are tested against the messages we emit.
 */

export interface Classification {
  code: ExitCode;
  reason: string;
}

// Both the CLI's wordings: "changes were proposed" (preview) and "changes occurred" (up/refresh).
const NO_CHANGES_EXPECTED = /no changes were expected/i;

const CONFIG_PROBLEMS: readonly RegExp[] = [
  /Invalid configuration for stack/, // index.ts turns ConfigError into this RunError
  /\bConfigError\b/,
  /Invalid arguments for [A-Za-z]+ "/, // a component's ArgumentError
  /Missing required configuration variable/,
  /validating stack config/i, // Pulumi.yaml declares a key the stack lacks
  /is missing configuration values?/i,
  /passphrase must be set/i,
  /incorrect passphrase/i,
  /no Pulumi\.ya?ml project file found/i,
  /configuration key .* (is not|not like)/i,
];

const LOCKED = /the stack is currently locked by|\[409\] Conflict: Another update is currently in progress/;

// A Go HTTP client that could not talk to an API (Kubernetes API server, AWS endpoint): `Get "https://…":
// dial tcp 127.0.0.1:6443: connect: connection refused`, and the providers' own words for it. Anchored
// on the request URL, so a pod's failing probe quoted in an await message ("dial tcp 10.0.0.7:8080:
// connect: connection refused") does not count.
const UNREACHABLE = [
  /(Get|Post|Put|Patch|Delete|Head) "https?:\/\/[^"]+": (dial tcp[^\n]*: (connect: connection refused|i\/o timeout|no such host|connect: no route to host)|EOF|read: connection reset by peer|net\/http: TLS handshake timeout|http2: [^\n]*|context deadline exceeded)/,
  /configured Kubernetes cluster is unreachable/i,
  /the server is currently unable to handle the request/,
  /dial tcp: lookup [^\s:]+[^\n]*no such host/,
];

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : JSON.stringify(error) ?? String(error);
}

/** The first line of `text` matching `pattern`, with its continuation lines (config errors list issues). */
function excerpt(text: string, pattern: RegExp, maxLines = 20): string {
  const lines = cleanMessage(text).split("\n");
  const at = lines.findIndex((l) => pattern.test(l));
  if (at < 0) return firstLines(text, maxLines);
  return lines.slice(at, at + maxLines).join("\n").trim();
}

function firstLines(text: string, maxLines: number): string {
  const lines = cleanMessage(text).split("\n").filter((l) => l.trim() !== "");
  return lines.slice(0, maxLines).join("\n") + (lines.length > maxLines ? "\n…" : "");
}

/** True when the error means "another update holds the stack's lock". */
export function isLockedError(error: unknown): boolean {
  return error instanceof StackLockedError || (error instanceof Error && error.name === "ConcurrentUpdateError") || LOCKED.test(messageOf(error));
}

/** The first line saying an API could not be reached, if the error or the engine's error diagnostics have one. */
export function unreachableMessage(error: unknown, diagnostics: readonly string[] = []): string | undefined {
  for (const text of [messageOf(error), ...diagnostics]) {
    for (const line of cleanMessage(text).split("\n")) if (UNREACHABLE.some((p) => p.test(line))) return line.trim();
  }
  return undefined;
}

/** True when the operation failed only because changes were found and none were expected. */
export function isUnexpectedChanges(error: unknown): boolean {
  return NO_CHANGES_EXPECTED.test(messageOf(error));
}

export function classifyFailure(error: unknown, diagnostics: readonly string[] = []): Classification {
  const text = [messageOf(error), ...diagnostics].join("\n");
  if (isLockedError(error)) return { code: ExitCode.Locked, reason: "the stack is locked by another update" };
  if (error instanceof StackMissingError) return { code: ExitCode.Usage, reason: error.message };
  if (error instanceof SetupError) return { code: ExitCode.Usage, reason: error.message };
  // Config problems first: a program that cannot start also "changes nothing".
  const config = CONFIG_PROBLEMS.find((p) => p.test(text));
  if (config) {
    // The program's own diagnostic says it best; the CLI's error text repeats it amid its transcript.
    const diagnostic = diagnostics.find((d) => config.test(d));
    return { code: ExitCode.Usage, reason: diagnostic !== undefined ? firstLines(diagnostic, 20) : excerpt(messageOf(error), config) };
  }
  const unreachable = unreachableMessage(error, diagnostics);
  if (unreachable !== undefined) return { code: ExitCode.Unreachable, reason: `an API the operation needs could not be reached: ${unreachable}` };
  if (NO_CHANGES_EXPECTED.test(text)) return { code: ExitCode.Changes, reason: "changes were found where none were expected" };
  const reason = diagnostics.length > 0 ? firstLines(diagnostics.join("\n"), 20) : firstLines(messageOf(error), 20);
  return { code: ExitCode.Failed, reason };
}
