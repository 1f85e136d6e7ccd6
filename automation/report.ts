import type { CliOptions } from "./args";
import type { ResourceChange } from "./changes";
import type { DriverDeps } from "./driver-deps";
import { ExitCode } from "./exit-codes";
import { githubOutputText, githubValues } from "./github";
import type { Output } from "./output";
import type { ProgressReporter } from "./progress";
import type { DeployStack, StackOutputs } from "./stack";
import { renderMarkdown, renderText, type Outcome, type RunSummary } from "./summary";

/**
 * What a run hands back besides its exit code: step outputs and values for $GITHUB_OUTPUT, the
 * `outputs` command's listing, and the final summary (text or a JSON record, and Markdown for
 * $GITHUB_STEP_SUMMARY and --summary-file).
 */
export class RunReport {
  /** Destructive steps found in a saved plan (`up --plan`), for the summary. */
  planDestructive: ResourceChange[] = [];
  readonly warnings: string[] = [];

  constructor(
    private readonly options: CliOptions,
    private readonly deps: Pick<DriverDeps, "env" | "appendFile" | "writeFile" | "now">,
    private readonly out: Output,
    private readonly progress: ProgressReporter,
    private readonly startedAt: number,
  ) {}

  /** Appends to $GITHUB_OUTPUT when it is set (a warning when it cannot). */
  private async appendGithubOutput(text: string): Promise<void> {
    const file = this.deps.env.GITHUB_OUTPUT;
    if (!file || text === "") return;
    try {
      await this.deps.appendFile(file, this.out.redact(text));
    } catch (error) {
      this.out.error(`warning: could not write to $GITHUB_OUTPUT (${file}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  writeGithubValues(values: Record<string, string>): Promise<void> {
    return this.appendGithubOutput(githubValues(values));
  }

  /** The stack outputs as step outputs, secrets left out. */
  async writeGithubOutputs(stack: DeployStack, known?: StackOutputs): Promise<void> {
    if (!this.deps.env.GITHUB_OUTPUT) return;
    const outputs = known ?? (await stack.outputs());
    const { text, skipped } = githubOutputText(outputs);
    if (skipped.length > 0) this.out.error(`warning: outputs not written to $GITHUB_OUTPUT (not a step output name): ${skipped.join(", ")}`);
    await this.appendGithubOutput(text);
  }

  /** The `outputs` command. */
  async printOutputs(stack: DeployStack): Promise<number> {
    const outputs = await stack.outputs();
    const show = this.options.showSecrets;
    const values: Record<string, unknown> = {};
    for (const [key, { value, secret }] of Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b))) {
      values[key] = secret && !show ? "[secret]" : value;
    }
    const width = Math.max(0, ...Object.keys(values).map((k) => k.length));
    const text = [`Outputs of stack ${this.options.stack}:`, ...Object.entries(values).map(([k, v]) => `  ${k.padEnd(width)}  ${typeof v === "string" ? v : JSON.stringify(v)}`)];
    if (Object.keys(values).length === 0) text.push("  (none)");
    const record = { event: "outputs", stack: this.options.stack, outputs: values };
    if (show) {
      this.out.error("warning: --show-secrets prints secret outputs in clear");
      this.out.emitUnredacted(text.join("\n"), record);
    } else {
      this.out.emit(text.join("\n"), record);
    }
    await this.writeGithubOutputs(stack, outputs);
    if (this.options.json) this.out.emit(undefined, { event: "result", command: "outputs", stack: this.options.stack, outcome: "succeeded", exitCode: ExitCode.Success });
    return ExitCode.Success;
  }

  /** Prints and writes the run's summary; resolves with `exitCode`. */
  async finish(outcome: Outcome, exitCode: ExitCode, reason?: string): Promise<number> {
    const summary: RunSummary = this.out.redact({
      command: this.options.command,
      stack: this.options.stack,
      outcome,
      exitCode,
      durationSeconds: Math.round((this.deps.now() - this.startedAt) / 1000),
      rows: this.progress.rows(),
      unchanged: this.progress.unchanged(),
      failures: this.progress.failures(),
      resources: this.progress.resources(),
      destructive: [...this.planDestructive, ...this.progress.destructive()],
      ...(this.warnings.length > 0 ? { warnings: [...this.warnings] } : {}),
      ...(reason ? { reason } : {}),
    });
    if (this.options.json) this.out.emit(undefined, { event: "result", ...summary });
    else this.out.emit(`\n${renderText(summary)}`, undefined);
    const markdown = renderMarkdown(summary);
    const targets: [string, (path: string, text: string) => Promise<void>][] = [];
    if (this.deps.env.GITHUB_STEP_SUMMARY) targets.push([this.deps.env.GITHUB_STEP_SUMMARY, this.deps.appendFile]);
    if (this.options.summaryFile) targets.push([this.options.summaryFile, this.deps.writeFile]);
    for (const [path, write] of targets) {
      try {
        await write(path, `${markdown}\n`);
      } catch (error) {
        this.out.error(`warning: could not write the summary to ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return exitCode;
  }
}
