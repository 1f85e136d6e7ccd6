#!/usr/bin/env node
/**
 * Entry point of the CI driver, the package's bin: `eks-search-platform-deploy <command> --stack <name>
 * [options]` (in this repository `npm run deploy -- …`; see --help).
 * Wires the real workspace, terminal, clock, files and signals into `runCli`.
 */
import { appendFile, readFile, rm, writeFile } from "node:fs/promises";
import { runCli } from "./driver";
import { ExitCode } from "./exit-codes";
import { LocalStackFactory } from "./local";
import { localProcessProbe } from "./process-probe";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

async function main(): Promise<number> {
  let interrupts = 0;
  return runCli(process.argv.slice(2), {
    stacks: new LocalStackFactory(process.env),
    env: process.env,
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    appendFile: (file, text) => appendFile(file, text, "utf8"),
    writeFile: (file, text) => writeFile(file, text, "utf8"),
    readFile: (file) =>
      readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return undefined;
        throw error;
      }),
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    onInterrupt: (handler) => {
      const listener = (signal: NodeJS.Signals) => {
        // The first signal cancels cleanly; a second one means "now".
        if (++interrupts > 1) process.exit(ExitCode.Interrupted);
        handler(signal);
      };
      for (const s of SIGNALS) process.on(s, listener);
      return () => {
        for (const s of SIGNALS) process.off(s, listener);
      };
    },
    every: (ms, tick) => {
      const timer = setInterval(tick, ms);
      timer.unref();
      return () => clearInterval(timer);
    },
    removeFile: (file) => rm(file, { force: true }),
    defaultWorkDir: process.cwd(),
    probe: localProcessProbe,
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // runCli handles every expected failure; this is a bug in the driver itself.
    process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = ExitCode.Failed;
  },
);
