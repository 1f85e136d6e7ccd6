/**
 * The end-of-run summary: changes by operation and resource type, failures, outcome. Pure data and two
 * renderers, a plain-text table for logs and Markdown for $GITHUB_STEP_SUMMARY and PR comments.
 */

export type Outcome = "succeeded" | "failed" | "changes" | "no changes" | "refused" | "invalid" | "locked" | "unreachable" | "cancelled";

export interface ChangeRow {
  /** Which part of the run, e.g. "refresh preview" or "preview" for drift; the command otherwise. */
  phase: string;
  op: string;
  type: string;
  count: number;
}

export interface Failure {
  name: string;
  type: string;
  op: string;
  message: string;
}

export interface RunSummary {
  command: string;
  stack: string;
  outcome: Outcome;
  exitCode: number;
  durationSeconds: number;
  /** Non-zero change counts by phase, operation and type. */
  rows: ChangeRow[];
  /** Resources left as they were, by phase. */
  unchanged: Record<string, number>;
  failures: Failure[];
  /** Why the run ended as it did, when it did not simply succeed. */
  reason?: string;
}

// Display order of operations: what is added, changed, then removed.
const OP_ORDER = ["create", "update", "replace", "delete", "import", "read", "refresh", "discard"];

export function sortRows(rows: readonly ChangeRow[]): ChangeRow[] {
  const rank = (op: string) => {
    const i = OP_ORDER.indexOf(op);
    return i < 0 ? OP_ORDER.length : i;
  };
  return [...rows].sort((a, b) => rank(a.op) - rank(b.op) || a.op.localeCompare(b.op) || a.type.localeCompare(b.type));
}

/** `75` → `1m15s`; `4` → `4s`; `3725` → `1h02m05s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m${String(rest).padStart(2, "0")}s`;
  if (m > 0) return `${m}m${String(rest).padStart(2, "0")}s`;
  return `${rest}s`;
}

function headline(summary: RunSummary): string {
  return `${summary.command} on stack ${summary.stack}: ${summary.outcome} in ${formatDuration(summary.durationSeconds)} (exit ${summary.exitCode})`;
}

function phases(summary: RunSummary): string[] {
  return [...new Set<string>([...summary.rows.map((r) => r.phase), ...Object.keys(summary.unchanged)])];
}

/** Table rows phase by phase (in run order): the changes sorted, then the unchanged count. */
function tableRows(summary: RunSummary): ChangeRow[] {
  return phases(summary).flatMap((phase) => [
    ...sortRows(summary.rows.filter((r) => r.phase === phase)),
    ...(phase in summary.unchanged ? [{ phase, op: "unchanged", type: "", count: summary.unchanged[phase] }] : []),
  ]);
}

/** The plain-text table printed at the end of a run. */
export function renderText(summary: RunSummary): string {
  const lines = [`Summary: ${headline(summary)}`];
  if (summary.reason) lines.push(`  ${summary.reason.split("\n").join("\n  ")}`);
  const multi = phases(summary).length > 1;
  const body = tableRows(summary);
  if (body.length > 0) {
    const table: string[][] = [[...(multi ? ["phase"] : []), "operation", "type", "count"]];
    for (const r of body) table.push([...(multi ? [r.phase] : []), r.op, r.type, String(r.count)]);
    const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
    for (const row of table) {
      lines.push(
        "  " +
          row
            .map((cell, col) => (col === row.length - 1 ? cell.padStart(widths[col]) : cell.padEnd(widths[col])))
            .join("  ")
            .trimEnd(),
      );
    }
  }
  if (summary.failures.length > 0) {
    lines.push(`  Failures (${summary.failures.length}):`);
    for (const f of summary.failures) lines.push(`    ${f.op} ${f.type} ${f.name}: ${f.message.split("\n").join("\n      ")}`);
  }
  return lines.join("\n");
}

const ICON: Record<Outcome, string> = {
  succeeded: "✅",
  "no changes": "✅",
  changes: "⚠️",
  failed: "❌",
  refused: "⛔",
  invalid: "⛔",
  locked: "🔒",
  unreachable: "📡",
  cancelled: "⏹️",
};

function mdCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

/** The same summary in Markdown, for $GITHUB_STEP_SUMMARY and PR comments. */
export function renderMarkdown(summary: RunSummary): string {
  const out = [`### ${ICON[summary.outcome]} \`${summary.command}\` on \`${summary.stack}\`: ${summary.outcome}`, ""];
  out.push(`Duration ${formatDuration(summary.durationSeconds)}, exit code ${summary.exitCode}.`, "");
  if (summary.reason) out.push("```text", summary.reason, "```", "");
  const multi = phases(summary).length > 1;
  const body = tableRows(summary);
  if (body.length > 0) {
    out.push(multi ? "| phase | operation | type | count |" : "| operation | type | count |");
    out.push(multi ? "| --- | --- | --- | ---: |" : "| --- | --- | ---: |");
    for (const r of body) {
      const cells = [r.op, r.type === "" ? "" : `\`${mdCell(r.type)}\``, String(r.count)];
      out.push(`| ${[...(multi ? [mdCell(r.phase)] : []), ...cells].join(" | ")} |`);
    }
    out.push("");
  }
  if (summary.failures.length > 0) {
    out.push(`<details open><summary>Failures (${summary.failures.length})</summary>`, "");
    for (const f of summary.failures) out.push(`- **${f.op}** \`${mdCell(f.type)}\` \`${mdCell(f.name)}\`: ${mdCell(f.message)}`);
    out.push("", "</details>", "");
  }
  return out.join("\n");
}
