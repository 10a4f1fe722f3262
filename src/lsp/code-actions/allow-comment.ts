import type { Finding, TextEdit } from "../../lint/finding.ts";
import type { LineIndex } from "../line-index.ts";

/** What the inserted comment asks the user to fill in: suppressions should say why. */
export const reasonPlaceholder = "<reason: why this is fine here>";

/**
 * "Allow this rule here": a suppression comment on its own line above the finding's first line, at
 * that line's indentation. A comment alone on its line covers the line after it.
 */
export function allowCommentEdit(finding: Finding, text: string, lines: LineIndex): TextEdit {
  const lineStart = lines.offset({ line: finding.line - 1, character: 0 });
  const indent = /^[ \t]*/.exec(text.slice(lineStart, lineStart + 200))![0];
  return { startOffset: lineStart, endOffset: lineStart, replacement: `${indent}// async-doctor: allow(${finding.rule}) ${reasonPlaceholder}\n` };
}
