/** `console check` output: JSON (stable shape) and text (one block per diagnosis). */
import pc from "picocolors";
import type { DiagnoseResult } from "./engine.ts";
import type { Diagnosis } from "./types.ts";

export interface CheckReport extends DiagnoseResult {
  source: { kind: string; description: string; limitations: readonly string[] };
}

export function formatJson(report: CheckReport): string {
  return `${JSON.stringify({ diagnoses: report.diagnoses, summary: { ...report.summary, source: report.source } }, null, 2)}\n`;
}

const SEVERITY_COLOUR = { error: pc.red, warning: pc.yellow, info: pc.cyan } as const;

function evidenceLine(d: Diagnosis): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(d.evidence)) {
    if (key === "window" || key === "notes" || typeof value === "object") continue;
    parts.push(`${key}=${String(value)}`);
  }
  const w = d.evidence.window as { from?: string | null; to?: string | null } | undefined;
  if (w?.from) parts.push(`window=${w.from}..${w.to ?? "?"}`);
  return parts.join(" ");
}

export function formatText(report: CheckReport): string {
  const lines: string[] = [];
  for (const d of report.diagnoses) {
    const who = d.task ? ` ${d.task.name ? `'${d.task.name}'` : "unnamed task"} (id ${d.task.id})` : "";
    lines.push(`${SEVERITY_COLOUR[d.severity](d.severity)}[${d.rule}]${who} ${pc.dim(`confidence ${d.confidence}`)}`);
    lines.push(`  ${d.message}`);
    lines.push(`  ${pc.dim("evidence:")} ${evidenceLine(d)}`);
    for (const note of (d.evidence.notes as string[] | undefined) ?? []) lines.push(`  ${pc.dim("note:")} ${note}`);
    if (d.related.length > 0) lines.push(`  ${pc.dim("related:")} ${d.related.map((r) => `${r.role} ${r.kind} ${r.name ? `${r.name} (id ${r.id})` : r.id}`).join(", ")}`);
    lines.push(`  ${pc.green("help:")} ${d.help}`);
    lines.push("");
  }
  const s = report.summary;
  lines.push(
    `${s.errors} error(s), ${s.warnings} warning(s)${s.infos > 0 ? `, ${s.infos} info(s)` : ""} in ${s.tasks} tasks over ${s.updates} updates (${report.source.kind} ${report.source.description})` +
      (s.droppedEvents > 0 ? `; the app dropped ${s.droppedEvents} events: counts are incomplete, confidence lowered` : ""),
  );
  for (const na of s.notApplicable) lines.push(pc.dim(`not checked: ${na.rule}: ${na.reason}`));
  return `${lines.join("\n")}\n`;
}
