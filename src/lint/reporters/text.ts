import pc from "picocolors";
import type { Finding, FileNotice } from "../finding.ts";
import type { SourceLines } from "./source-lines.ts";

export interface TextReportOptions {
  color: boolean;
}

/** rustc-style diagnostics: `warning[rule]: message`, `--> file:line:col`, the line, carets, help. */
export function renderText(findings: Finding[], notices: FileNotice[], lines: SourceLines, summary: string, options: TextReportOptions): string {
  const c = pc.createColors(options.color);
  const out: string[] = [];
  for (const finding of findings) {
    const paint = finding.severity === "error" ? c.red : finding.severity === "note" ? c.cyan : c.yellow;
    const level = c.bold(paint(finding.severity));
    out.push(`${level}${c.bold(`[${finding.rule}]: ${finding.message}`)}`);
    const gutter = String(finding.line).length;
    const pad = " ".repeat(gutter);
    out.push(`${pad}${c.blue("-->")} ${finding.file}:${finding.line}:${finding.column}`);
    const text = lines.line(finding.file, finding.line);
    if (text !== undefined) {
      const chars = [...text];
      const lastColumn = finding.endLine === finding.line ? finding.endColumn : chars.length + 1;
      const width = Math.max(1, lastColumn - finding.column);
      const marker = " ".repeat(Math.max(0, finding.column - 1)) + "^".repeat(width);
      const caret = paint(marker);
      out.push(`${pad} ${c.blue("|")}`);
      out.push(`${c.blue(String(finding.line))} ${c.blue("|")} ${text}`);
      out.push(`${pad} ${c.blue("|")} ${caret}`);
    }
    if (finding.chain) out.push(`${pad} ${c.blue("=")} ${c.bold("note")}: call chain: ${finding.chain.join(" → ")}`);
    for (const note of finding.notes ?? []) out.push(`${pad} ${c.blue("=")} ${c.bold("note")}: ${note}`);
    out.push(`${pad} ${c.blue("=")} ${c.bold("help")}: ${finding.help}`);
    if (finding.fix) {
      const applied = finding.fix.applicability === "machine-applicable" ? "fixable with --fix" : "suggestion";
      out.push(`${pad} ${c.blue("=")} ${c.bold(applied)}: ${finding.fix.description}`);
    }
    out.push("");
  }
  for (const notice of notices) {
    const where = notice.line ? `${notice.file}:${notice.line}:${notice.column}` : notice.file;
    out.push(`${c.dim("note")}: ${where}: ${notice.message}`);
  }
  out.push(summary);
  return `${out.join("\n")}\n`;
}
