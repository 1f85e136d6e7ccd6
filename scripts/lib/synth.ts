/**
 * The offline synth core: evaluates the stack program (`index.ts`) against `Pulumi.<stack>.yaml` with the
 * engine replaced by the {@link MockEngine}, then renders and writes what it registered. The Pulumi
 * runtime is process-global, so {@link synthesize} runs once per process.
 */
import * as pulumi from "@pulumi/pulumi";
import { createRequire } from "node:module";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { volumeGuardProvider } from "../../components/cluster/volume-deletions";
import { PACKAGE_NAME } from "../../components/shared/naming";
import { redactSecrets } from "../../components/shared/redact";
import { ArgumentError } from "../../components/shared/validate";
import { MockEngine, type RecordedResource } from "./mock-engine";
import { cacheProviderSerialization, providerCacheFile } from "./provider-cache";
import { StackFileError, loadStackFile, setConfigPath } from "./stack-config";
import { syncDirectory } from "./sync-dir";
import { PROGRAM_DIR, REPO_ROOT } from "./synth-paths";
import {
  countByType,
  knownSecretStrings,
  renderManifests,
  renderNotRendered,
  renderOutputs,
  renderResources,
  type StackOutput,
  type SynthDocument,
} from "./synth-render";

export interface SynthOptions {
  /** Stack name: reads `Pulumi.<stack>.yaml`. */
  stack: string;
  /** Directory holding Pulumi.yaml, the stack files and the program. @default the repository root */
  projectDir?: string;
  /** `path=value` overrides, keys without namespace, dotted as `pulumi config set --path`. @default none */
  config?: [string, string][];
  /** Secret overrides, same form as `config`. @default none */
  secrets?: [string, string][];
  /** Loads the program and returns its exports. @default require() of `<projectDir>/index.ts` */
  loadProgram?: () => Promise<unknown>;
}

export interface SynthResult {
  stack: string;
  engine: MockEngine;
  resources: RecordedResource[];
  outputs: Record<string, StackOutput>;
  /** Every secret string to keep out of the output (see {@link knownSecretStrings}). */
  knownSecrets: string[];
  /** What the user should know: encrypted keys replaced by generated values, etc. */
  notes: string[];
  /** Console output of the program, redacted. */
  logs: string[];
}

/** A problem the user can fix (bad config, unknown stack, invalid component arguments): print, no stack trace. */
export class SynthUserError extends Error {
  override name = "SynthUserError";
}

export { REPO_ROOT };

function availableStacks(dir: string): string[] {
  return readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** The stack's config with overrides applied; secret keys are those from `--secret`. */
export function stackConfig(options: Pick<SynthOptions, "stack" | "config" | "secrets">, projectDir: string) {
  let loaded: ReturnType<typeof loadStackFile>;
  try {
    loaded = loadStackFile(options.stack, projectDir);
  } catch (error) {
    if (error instanceof StackFileError) {
      throw new SynthUserError(`unknown stack "${options.stack}": no Pulumi.${options.stack}.yaml in ${projectDir} (stacks: ${availableStacks(projectDir).join(", ") || "none"})`);
    }
    throw error;
  }
  const notes: string[] = [];
  if (loaded.encryptedKeys.length > 0) {
    notes.push(
      `${loaded.encryptedKeys.join(", ")} ${loaded.encryptedKeys.length === 1 ? "is" : "are"} encrypted in Pulumi.${options.stack}.yaml and cannot be read offline: the program generated ${loaded.encryptedKeys.length === 1 ? "a value" : "values"} instead (pass --secret to set one).`,
    );
  }
  const set = (pairs: [string, string][] | undefined, secret: boolean) => {
    for (const [path, value] of pairs ?? []) {
      try {
        setConfigPath(loaded, path, value, secret);
      } catch (error) {
        if (error instanceof StackFileError) throw new SynthUserError(`--${secret ? "secret" : "config"} ${path}: ${error.message}`);
        throw error;
      }
    }
  };
  set(options.config, false);
  set(options.secrets, true);
  return { config: loaded.config, secretKeys: loaded.secretKeys, notes };
}

function outputOf(value: unknown): Promise<StackOutput> {
  const output: pulumi.Output<unknown> = pulumi.output(value);
  return new Promise((resolveOutput) => {
    output.apply(async (plain: unknown) => {
      resolveOutput({ value: toJson(plain), secret: await pulumi.isSecret(output) });
      return plain;
    });
  });
}

function toJson(value: unknown): unknown {
  if (pulumi.Resource.isInstance(value)) return { resource: value.constructor.name };
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}

function userErrorOf(error: unknown): SynthUserError | undefined {
  // By name too: a program may load its own copy of the components (e.g. the published package).
  if (pulumi.RunError.isInstance(error) || error instanceof ArgumentError || (error instanceof Error && error.name === "ArgumentError")) {
    return new SynthUserError(error.message);
  }
  return undefined;
}

/**
 * In the transpiled copy (scripts/run-compiled.mjs marks it complete), dynamic providers' serializations are
 * kept in its directory ({@link cacheProviderSerialization}); under tsx or a test, nothing is cached.
 */
function providerCache(): () => void {
  const lockFile = join(REPO_ROOT, "package-lock.json");
  if (!existsSync(join(PROGRAM_DIR, ".complete")) || !existsSync(lockFile)) return () => undefined;
  return cacheProviderSerialization(providerCacheFile(PROGRAM_DIR, readFileSync(lockFile, "utf8")), { volumeGuardProvider });
}

/**
 * Runs the program under the MockEngine and returns what it registered. Throws {@link SynthUserError}
 * for bad config or arguments (the message lists every problem) and rethrows anything else.
 */
export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const projectDir = options.projectDir ?? REPO_ROOT;
  const { config, secretKeys, notes } = stackConfig(options, projectDir);
  const engine = new MockEngine();
  await engine.install({ project: PACKAGE_NAME, stack: options.stack, config, secretKeys });

  // The program's console output and async failures are captured: logs are redacted before printing,
  // and a rejection inside an apply fails the synth instead of vanishing.
  const logs: string[] = [];
  const failures: unknown[] = [];
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  const capture = (...args: unknown[]) => logs.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  Object.assign(console, { log: capture, info: capture, warn: capture, error: capture });
  const onFailure = (error: unknown) => failures.push(error);
  process.on("unhandledRejection", onFailure);
  process.on("uncaughtException", onFailure);
  const outputs: Record<string, StackOutput> = {};
  const undoProviderCache = providerCache();
  try {
    const programDir = options.projectDir ?? PROGRAM_DIR;
    const load = options.loadProgram ?? (() => Promise.resolve(createRequire(join(programDir, "index"))(join(programDir, "index")) as unknown));
    let exported = await load();
    if (typeof exported === "function") exported = await (exported as () => unknown)();
    const entries = Object.entries((exported ?? {}) as Record<string, unknown>).filter(([key]) => key !== "__esModule" && key !== "default");
    await engine.settle();
    for (const [key, value] of entries) outputs[key] = await outputOf(value);
    await engine.settle();
  } catch (error) {
    // Even a failure must not print a secret: redact what is known so far.
    const known = knownSecretStrings(engine.resources, Object.fromEntries(secretKeys.map((k) => [k, config[k]])));
    const user = userErrorOf(error);
    if (user) throw new SynthUserError(redactSecrets(user.message, known));
    if (error instanceof Error) {
      error.message = redactSecrets(error.message, known);
      if (error.stack) error.stack = redactSecrets(error.stack, known);
    }
    throw error;
  } finally {
    undoProviderCache();
    Object.assign(console, saved);
    process.off("unhandledRejection", onFailure);
    process.off("uncaughtException", onFailure);
  }
  const secretConfig = Object.fromEntries(secretKeys.map((k) => [k, config[k]]));
  const knownSecrets = knownSecretStrings(engine.resources, secretConfig);
  if (failures.length > 0) {
    const first = failures[0];
    const user = userErrorOf(first);
    if (user) throw new SynthUserError(redactSecrets(user.message, knownSecrets));
    const error = first instanceof Error ? first : new Error(String(first));
    error.message = redactSecrets(`the program failed asynchronously: ${error.message}`, knownSecrets);
    throw error;
  }
  if (pulumi.log.hasErrors()) throw new SynthUserError(redactSecrets(`the program logged errors:\n${logs.join("\n")}`, knownSecrets));
  return {
    stack: options.stack,
    engine,
    resources: engine.resources,
    outputs,
    knownSecrets,
    notes,
    logs: logs.map((line) => redactSecrets(line, knownSecrets)),
  };
}

/** The redacted document for a synth result; `outDir` is how the output directory is shown. */
export function synthDocument(result: SynthResult, outDir: string): SynthDocument & { resourceEntries: ReturnType<typeof renderResources> } {
  const manifests = renderManifests(result.resources, result.knownSecrets);
  return {
    stack: result.stack,
    outDir,
    totalResources: result.resources.length,
    counts: countByType(result.resources),
    outputs: renderOutputs(result.outputs, result.knownSecrets),
    manifests: manifests.map((m) => ({
      file: `kubernetes/${m.file}`,
      apiVersion: m.object.apiVersion,
      kind: m.object.kind,
      ...(m.object.metadata.namespace ? { namespace: m.object.metadata.namespace } : {}),
      name: m.object.metadata.name,
    })),
    notRendered: renderNotRendered(result.resources, result.knownSecrets),
    notes: result.notes,
    objects: manifests.map((m) => m.object),
    resourceEntries: renderResources(result.resources, result.knownSecrets),
  };
}

/** Marks a directory as written by the synth, so that only such a directory is ever cleaned. */
export const OUTPUT_MARKER = ".synth-output";

/**
 * Makes `dir` (only when it is absent, empty, or a previous synth output) hold exactly the manifests,
 * resources.json and summary.txt, rewriting only the files that changed ({@link syncDirectory}). Returns the
 * files of the output, relative to `dir`.
 */
export function writeSynthOutput(doc: ReturnType<typeof synthDocument>, dir: string, summary: string): string[] {
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes(OUTPUT_MARKER)) {
      throw new SynthUserError(`refusing to clean ${dir}: it is not empty and was not written by synth (no ${OUTPUT_MARKER})`);
    }
  }
  const files = new Map<string, string>();
  files.set(OUTPUT_MARKER, `Written by npm run synth -- --stack ${doc.stack}; deleted and rewritten by the next synth.\n`);
  // No anchors or aliases: a manifest spells out every value, and yaml need not track each object to find repeats.
  // No directives (%TAG, ---), which plain objects never need: yaml would walk each document to look for tags.
  const yamlOptions = { lineWidth: 0, aliasDuplicateObjects: false, directives: false } as const;
  doc.objects.forEach((object, i) => files.set(doc.manifests[i].file, stringify(object, yamlOptions)));
  files.set("resources.json", `${JSON.stringify({ stack: doc.stack, resources: doc.resourceEntries, notRendered: doc.notRendered }, null, 2)}\n`);
  files.set("summary.txt", `${summary}\n`);
  syncDirectory(dir, files);
  return [...files.keys()];
}
