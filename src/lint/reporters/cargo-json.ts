import type { Finding } from "../finding.ts";
import type { SourceLines } from "./source-lines.ts";
import { renderText } from "./text.ts";

/**
 * cargo `--message-format=json` lines (`compiler-message`, then `build-finished`), so editors that run
 * rust-analyzer with `check.overrideCommand` show findings inline.
 */
export function renderCargoJson(findings: Finding[], lines: SourceLines): string {
  const out: string[] = [];
  for (const finding of findings) {
    const byteStart = lines.byteOffset(finding.file, finding.line, finding.column);
    const byteEnd = lines.byteOffset(finding.file, finding.endLine, finding.endColumn);
    const text = lines.line(finding.file, finding.line) ?? "";
    const fix = finding.fix;
    const span = {
      file_name: finding.file,
      byte_start: byteStart,
      byte_end: Math.max(byteStart, byteEnd),
      line_start: finding.line,
      line_end: finding.endLine,
      column_start: finding.column,
      column_end: finding.endColumn,
      is_primary: true,
      text: [{ text, highlight_start: finding.column, highlight_end: finding.endLine === finding.line ? finding.endColumn : [...text].length + 1 }],
      label: null,
      suggested_replacement: null,
      suggestion_applicability: null,
      expansion: null,
    };
    const children: unknown[] = [];
    if (finding.chain) children.push({ message: `call chain: ${finding.chain.join(" → ")}`, code: null, level: "note", spans: [], children: [], rendered: null });
    for (const note of finding.notes ?? []) children.push({ message: note, code: null, level: "note", spans: [], children: [], rendered: null });
    children.push({
      message: finding.help,
      code: null,
      level: "help",
      spans: fix && fix.edits.length === 1
        ? [{ ...span, is_primary: true, suggested_replacement: fix.edits[0]!.replacement, suggestion_applicability: fix.applicability === "machine-applicable" ? "MachineApplicable" : "MaybeIncorrect" }]
        : [],
      children: [],
      rendered: null,
    });
    const message = {
      $message_type: "diagnostic",
      message: finding.message,
      code: { code: `async_doctor::${finding.rule}`, explanation: null },
      level: finding.severity,
      spans: [span],
      children,
      rendered: renderText([finding], [], lines, "", { color: false }).trimEnd(),
    };
    out.push(JSON.stringify({ reason: "compiler-message", package_id: "async-doctor", manifest_path: "", target: { kind: ["lib"], name: "async-doctor", src_path: finding.file }, message }));
  }
  out.push(JSON.stringify({ reason: "build-finished", success: !findings.some((f) => f.severity === "error") }));
  return `${out.join("\n")}\n`;
}
