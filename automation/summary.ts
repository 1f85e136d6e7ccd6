import type { ResourceChange } from "./changes";

/**
 * The end-of-run summary: changes by operation and resource type, failures, outcome. Pure data and two
 * renderers, a plain-text table for logs and Markdown for $GITHUB_STEP_SUMMARY and PR comments.
 */

export type Outcome = "succeeded" | "failed" | "changes" | "no changes" | "refused" | "invalid" | "locked" | "unreachable" | "destructive" | "cancelled";

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
  /** Every resource changed or planned, by name, with property diffs for updates and replacements. */
  resources: ResourceChange[];
  /** The stateful resources replaced or deleted, or planned to be (a warning even when allowed). */
  destructive: ResourceChange[];
  /** Warnings the reader must see before the table (e.g. a preview that could not reach the cluster). */
  warnings?: string[];
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
  for (const w of summary.warnings ?? []) lines.push(`  warning: ${w.split("\n").join("\n    ")}`);
  if (summary.destructive.length > 0 && summary.outcome !== "destructive") {
    lines.push(`  warning: ${destructiveSentence(summary.destructive)}`);
  }
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
  destructive: "🛑",
  cancelled: "⏹️",
};

/** "replaces kubernetes:apps/v1:StatefulSet search-es, deletes ..." */
export function destructiveSentence(items: readonly ResourceChange[]): string {
  return `stateful resources replaced or deleted: ${items.map((d) => `${d.op} ${d.type} ${d.name}`).join(", ")}`;
}

const MAX_LISTED = 100;
const OP_SYMBOL: Record<string, string> = { create: "+", update: "~", replace: "±", delete: "-", import: "=", discard: "-" };

function mdCode(text: string): string {
  // A backtick in a value must not end the code span: use a longer fence.
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${text.replace(/\r?\n/g, " ")}${fence}`;
}

/** The Markdown list of changed resources, with property diffs. */
function resourceList(summary: RunSummary): string[] {
  const items = summary.resources;
  if (items.length === 0) return [];
  const multi = phases(summary).length > 1;
  const out = [`<details${items.length <= 30 ? " open" : ""}><summary>Resources (${items.length})</summary>`, ""];
  const rank = (op: string) => (OP_ORDER.indexOf(op) < 0 ? OP_ORDER.length : OP_ORDER.indexOf(op));
  const sorted = [...items].sort((a, b) => rank(a.op) - rank(b.op) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
  for (const r of sorted.slice(0, MAX_LISTED)) {
    const stateful = summary.destructive.some((d) => d.urn === r.urn) ? " 🛑" : "";
    out.push(`- ${OP_SYMBOL[r.op] ?? "*"} **${r.op}** ${mdCode(r.type)} ${mdCode(r.name)}${multi ? ` (${mdCell(r.phase)})` : ""}${stateful}`);
    if (r.replaceReasons && r.replaceReasons.length > 0) out.push(`  - replaced because of ${r.replaceReasons.map(mdCode).join(", ")}`);
    for (const p of r.properties ?? []) {
      const values = p.old === undefined && p.new === undefined ? "" : `: ${p.old === undefined ? "_(none)_" : mdCode(p.old)} → ${p.new === undefined ? "_(none)_" : mdCode(p.new)}`;
      out.push(`  - ${mdCode(p.path)}${values}`);
    }
  }
  if (sorted.length > MAX_LISTED) out.push(`- … and ${sorted.length - MAX_LISTED} more (see the job log)`);
  out.push("", "</details>", "");
  return out;
}

function mdCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

/** The same summary in Markdown, for $GITHUB_STEP_SUMMARY and PR comments. */
export function renderMarkdown(summary: RunSummary): string {
  const out = [`### ${ICON[summary.outcome]} \`${summary.command}\` on \`${summary.stack}\`: ${summary.outcome}`, ""];
  out.push(`Duration ${formatDuration(summary.durationSeconds)}, exit code ${summary.exitCode}.`, "");
  if (summary.destructive.length > 0) {
    const allowed = summary.outcome === "destructive" ? "" : " (allowed with --allow-destructive)";
    out.push("> [!CAUTION]", `> **Stateful resources ${summary.command === "up" && summary.outcome !== "destructive" ? "were" : "would be"} replaced or deleted${allowed}:**`);
    for (const d of summary.destructive) out.push(`> - **${d.op}** ${mdCode(d.type)} ${mdCode(d.name)}`);
    out.push("");
  }
  for (const w of summary.warnings ?? []) out.push("> [!WARNING]", `> ${w.split("\n").join("\n> ")}`, "");
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
  out.push(...resourceList(summary));
  if (summary.failures.length > 0) {
    out.push(`<details open><summary>Failures (${summary.failures.length})</summary>`, "");
    for (const f of summary.failures) out.push(`- **${f.op}** \`${mdCell(f.type)}\` \`${mdCell(f.name)}\`: ${mdCell(f.message)}`);
    out.push("", "</details>", "");
  }
  return out.join("\n");
}
