import { DiagnosticSeverity, type Diagnostic, type Range } from "vscode-languageserver";
import type { FileNotice, Finding } from "../lint/finding.ts";
import { ruleDocHref } from "./rule-links.ts";

export const diagnosticSource = "async-doctor";

/** What a diagnostic carries back to the server (code actions find their finding by it). */
export interface DiagnosticData {
  rule: string;
  startOffset: number;
  endOffset: number;
}

export function severityOf(severity: string): DiagnosticSeverity {
  switch (severity) {
    case "error":
      return DiagnosticSeverity.Error;
    case "warning":
      return DiagnosticSeverity.Warning;
    default:
      // Findings below a warning (a "note") are information in editors.
      return DiagnosticSeverity.Information;
  }
}

/** One finding as an LSP diagnostic: the rule as its code, the rule's page as the code's link. */
export function findingDiagnostic(finding: Finding, range: Range): Diagnostic {
  const extra = [...(finding.notes ?? []).map((note) => `note: ${note}`), `help: ${finding.help}`];
  if (finding.chain && finding.chain.length > 1) extra.unshift(`chain: ${finding.chain.join(" → ")}`);
  const data: DiagnosticData = { rule: finding.rule, startOffset: finding.startOffset, endOffset: finding.endOffset };
  return {
    range,
    severity: severityOf(finding.severity),
    source: diagnosticSource,
    code: finding.rule,
    codeDescription: { href: ruleDocHref(finding.rule) },
    message: `${finding.message}\n${extra.join("\n")}`,
    data,
  };
}

/**
 * Notices worth showing in the editor (an unknown rule id in an allow comment, say). Syntax errors
 * and skipped files are left out: rust-analyzer reports the former, the latter are not the user's code.
 */
export function noticeDiagnostic(notice: FileNotice, range: Range): Diagnostic | undefined {
  if (notice.kind === "syntax-error" || notice.kind === "skipped") return undefined;
  return { range, severity: DiagnosticSeverity.Warning, source: diagnosticSource, code: notice.kind, message: notice.message };
}
