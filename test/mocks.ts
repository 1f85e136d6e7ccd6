/**
 * The shared mocks harness. Every test that constructs resources starts with `await setupMocks()`,
 * before it creates any resource or imports the program.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockEngine, type MockEngineOptions, type RecordedResource } from "../scripts/lib/mock-engine";
import { isSecretWrapper, unwrapSecrets } from "../components/shared/redact";
import { PACKAGE_NAME } from "../components/shared/naming";
import { ArgumentError } from "../components/shared/validate";
import { ConfigError } from "../components/config/errors";
import { parsePlatformConfig } from "../components/config/parse";

export { MockEngine, unwrapSecrets, isSecretWrapper };
export type { RecordedResource };

export interface SetupOptions {
  stack?: string;
  /** Project config: keys without namespace (`aws:`-style keys are kept as given); objects are JSON-encoded. */
  config?: Record<string, unknown>;
  /** Secret project config, same form as `config`. */
  secrets?: Record<string, unknown>;
  preview?: boolean;
  /** What the emulated AWS account looks like (its AZs, account ID). */
  aws?: MockEngineOptions;
}

function configEntries(values: Record<string, unknown> | undefined): [string, string][] {
  return Object.entries(values ?? {}).map(([key, value]) => [
    key.includes(":") ? key : `${PACKAGE_NAME}:${key}`,
    typeof value === "string" ? value : JSON.stringify(value),
  ]);
}

/** Installs a fresh {@link MockEngine} with the given config and returns it. */
export async function setupMocks(options: SetupOptions = {}): Promise<MockEngine> {
  const engine = new MockEngine(options.aws);
  const plain = configEntries(options.config);
  const secret = configEntries(options.secrets);
  await engine.install({
    project: PACKAGE_NAME,
    stack: options.stack ?? "test",
    config: Object.fromEntries([["aws:region", "us-east-1"], ...plain, ...secret]),
    secretKeys: secret.map(([key]) => key),
    preview: options.preview,
  });
  return engine;
}

/** The value of an output once known (mocks resolve everything outside preview). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((value) => { resolve(value as T); return value; }));
}

/** Whether an output is marked secret. */
export function isSecretOutput<T>(output: pulumi.Output<T>): Promise<boolean> {
  return pulumi.isSecret(output);
}

/** Paths inside `value` where `needle` appears in a string that is NOT inside a secret wrapper. */
export function plainOccurrences(value: unknown, needle: string, path = ""): string[] {
  if (isSecretWrapper(value)) return [];
  if (typeof value === "string") return value.includes(needle) ? [path || "(value)"] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => plainOccurrences(item, needle, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => plainOccurrences(v, needle, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Every resource input where `needle` appears in plain text, as `type name: path`. */
export function plainSecretLeaks(engine: MockEngine, needle: string): string[] {
  return engine.resources.flatMap((r) => plainOccurrences(r.inputs, needle).map((p) => `${r.type} ${r.name}: ${p}`));
}

/** Kubernetes objects of one kind (by `kind`), state unwrapped, e.g. `kubeObjects(engine, "Deployment")`; only `among` when given. */
export function kubeObjects(engine: MockEngine, kind: string, among: RecordedResource[] = engine.resources): Record<string, any>[] {
  return among.filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith(`:${kind}`)).map((r) => unwrapSecrets(r.state) as Record<string, any>);
}

/** Resources whose parent chain includes the component of `type` named `name`. */
export function childrenOf(engine: MockEngine, type: string, name: string): RecordedResource[] {
  const urn = engine.get(type, name).urn;
  return engine.resources.filter((r) => engine.parentChain(r).includes(urn));
}

/**
 * Runs `construct` and returns the {@link ArgumentError} it throws; fails the test if it throws anything
 * else or nothing. Components must reject bad arguments with one such error listing every problem.
 */
export function argumentErrorOf(construct: () => unknown): ArgumentError {
  try {
    construct();
  } catch (error) {
    if (error instanceof ArgumentError) return error;
    throw new Error(`expected an ArgumentError, got: ${String(error)}`);
  }
  throw new Error("expected an ArgumentError, but nothing was thrown");
}

/** What parsePlatformConfig reports for `raw`, one `path: message` per issue; [] when it parses. */
export function configIssueLines(raw: unknown): string[] {
  try {
    parsePlatformConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}
