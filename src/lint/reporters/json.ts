import type { Finding, FileNotice } from "../finding.ts";

export interface JsonSummary {
  files: number;
  lines: number;
  errors: number;
  warnings: number;
  notes: number;
  fixable: number;
  byRule: Record<string, number>;
  notices: FileNotice[];
}

/** The documented JSON shape (docs/lint.md): internal offsets are left out. */
export function toJsonFinding(finding: Finding): Record<string, unknown> {
  const { startOffset: _s, endOffset: _e, fix, ...rest } = finding;
  return {
    ...rest,
    ...(fix
      ? {
          fix: {
            description: fix.description,
            applicability: fix.applicability,
            edits: fix.edits.map((edit) => ({ replacement: edit.replacement })),
          },
        }
      : {}),
  };
}

export function summarize(findings: Finding[], notices: FileNotice[], files: number, lines: number): JsonSummary {
  const byRule: Record<string, number> = {};
  for (const f of findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  return {
    files,
    lines,
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
    notes: findings.filter((f) => f.severity === "note").length,
    fixable: findings.filter((f) => f.fix?.applicability === "machine-applicable").length,
    byRule,
    notices,
  };
}

export function renderJson(findings: Finding[], summary: JsonSummary): string {
  return `${JSON.stringify({ findings: findings.map(toJsonFinding), summary }, null, 2)}\n`;
}
