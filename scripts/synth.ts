/**
 * `npm run synth -- --stack <name>`: renders a stack offline. See SYNTH_USAGE and docs/synth.md.
 * Exit codes: 0 done, 1 the stack cannot be synthesized as configured (bad config, unknown stack), 2 usage,
 * 3 an unexpected failure of the program (a bug: printed with its stack trace).
 */
import { relative, resolve } from "node:path";
import { z } from "zod";
import { SYNTH_USAGE, UsageError, parseSynthArgs } from "./lib/synth-args";
import { SynthUserError, synthDocument, synthesize, writeSynthOutput } from "./lib/synth";
import { renderSummary } from "./lib/synth-render";
import { skipPromiseStackTraces, skipResourceStackTraces } from "./lib/sdk-stack-traces";

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseSynthArgs>;
  try {
    args = parseSynthArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${SYNTH_USAGE}\n`);
    return 2;
  }
  if (args === "help") {
    process.stdout.write(`${SYNTH_USAGE}\n`);
    return 0;
  }
  skipPromiseStackTraces();
  skipResourceStackTraces();
  // zod compiles a parser for each object schema on its first parse (new Function), which pays off only
  // over many parses; this process parses the stack's config once.
  z.config({ jitless: true });
  try {
    // The program by a static path, so that run-compiled's bundle of this script holds it and its components.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loadProgram = () => Promise.resolve(require("../index") as unknown);
    const result = await synthesize({ stack: args.stack, config: args.config, secrets: args.secrets, loadProgram });
    const outDir = resolve(args.out);
    const fromHere = relative(process.cwd(), outDir);
    const shown = fromHere === "" ? "." : fromHere.startsWith("..") ? outDir : fromHere;
    const doc = synthDocument(result, shown);
    const summary = renderSummary(doc);
    writeSynthOutput(doc, outDir, summary);
    for (const line of result.logs) process.stderr.write(`${line}\n`);
    if (args.json) {
      const { resourceEntries: _resources, ...document } = doc;
      process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    } else {
      process.stdout.write(`${summary}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof SynthUserError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`synth failed unexpectedly (a bug in the program or the synth):\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 3;
  }
}

// The Pulumi runtime keeps handles open after a mocked run; exit explicitly once the output is written.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(3);
  },
);
