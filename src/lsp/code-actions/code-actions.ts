import { CodeActionKind, type CodeAction, type Diagnostic, type WorkspaceEdit } from "vscode-languageserver";
import { withRustTree } from "../../rust/parser.ts";
import type { Finding, TextEdit } from "../../lint/finding.ts";
import { withDocumentModel } from "../document-model.ts";
import type { LineIndex } from "../line-index.ts";
import { diagnosticSource, type DiagnosticData } from "../diagnostics.ts";
import { allowCommentEdit } from "./allow-comment.ts";
import { spawnBlockingEdit } from "./spawn-blocking.ts";

export const fixAllKind = `${CodeActionKind.SourceFixAll}.async-doctor`;

export interface CodeActionInput {
  file: string;
  uri: string;
  /** The buffer version the findings were computed for (the edits' offsets point into its text). */
  version: number | undefined;
  text: string;
  lines: LineIndex;
  findings: Finding[];
  /** The requested range, as offsets. */
  start: number;
  end: number;
  /** Diagnostics the client sent with the request: actions point at the one they fix. */
  diagnostics: Diagnostic[];
  only?: string[];
  crateRoot: string | undefined;
  documentChanges: boolean;
}

/**
 * Code actions for the findings under the cursor: each finding's own fix (what `--fix` applies, and
 * its suggestions), "wrap in spawn_blocking" where certain, "allow this rule here"; and a fix-all
 * source action with every machine-applicable fix of the file. An action is offered only if the
 * edited text still parses (where the buffer parsed before).
 */
export async function codeActions(input: CodeActionInput): Promise<CodeAction[]> {
  const wants = (kind: string) => !input.only || input.only.some((only) => kind === only || kind.startsWith(`${only}.`));
  const here = input.findings.filter((finding) => finding.startOffset <= input.end && finding.endOffset >= input.start);
  const actions: CodeAction[] = [];
  const quickFixes = wants(CodeActionKind.QuickFix) && here.length > 0;
  const fixAll = wants(fixAllKind) && input.only !== undefined && input.findings.some((finding) => finding.fix?.applicability === "machine-applicable");
  if (!quickFixes && !fixAll) return actions;
  await withDocumentModel(input.file, input.text, async (model) => {
    const parsedClean = !model.hasSyntaxErrors;
    const make = async (title: string, edits: TextEdit[], finding: Finding | undefined, kind: string, preferred = false): Promise<void> => {
      if (!(await stillParses(input.text, edits, parsedClean))) return;
      const diagnostic = finding ? input.diagnostics.find((candidate) => matches(candidate, finding)) : undefined;
      actions.push({
        title,
        kind,
        ...(diagnostic ? { diagnostics: [diagnostic] } : {}),
        ...(preferred ? { isPreferred: true } : {}),
        edit: workspaceEdit(input, edits),
      });
    };
    if (quickFixes) {
      for (const finding of here) {
        if (finding.fix) await make(`async-doctor: ${finding.fix.description}`, finding.fix.edits, finding, CodeActionKind.QuickFix, finding.fix.applicability === "machine-applicable");
        const wrap = spawnBlockingEdit(model, finding, input.crateRoot);
        if (wrap) await make("async-doctor: wrap in `tokio::task::spawn_blocking`", [wrap], finding, CodeActionKind.QuickFix);
        const allow = allowCommentEdit(finding, input.text, input.lines);
        // A line that starts inside a multi-line string or block comment cannot take a comment line above it.
        const at = model.tree.rootNode.descendantForIndex(allow.startOffset, allow.startOffset);
        const insideText = at !== null && /string|comment|char_literal/.test(at.type) && model.startOffset(at) < allow.startOffset;
        if (!insideText) await make(`async-doctor: allow \`${finding.rule}\` here`, [allow], finding, CodeActionKind.QuickFix);
      }
    }
    if (fixAll) {
      const edits = nonOverlapping(input.findings.filter((finding) => finding.fix?.applicability === "machine-applicable").map((finding) => finding.fix!.edits));
      if (edits.length > 0) await make("async-doctor: apply every certain fix in this file", edits, undefined, fixAllKind);
    }
  });
  return actions;
}

function matches(diagnostic: Diagnostic, finding: Finding): boolean {
  if (diagnostic.source !== diagnosticSource || diagnostic.code !== finding.rule) return false;
  const data = diagnostic.data as DiagnosticData | undefined;
  return data === undefined || (data.startOffset === finding.startOffset && data.endOffset === finding.endOffset);
}

function workspaceEdit(input: CodeActionInput, edits: TextEdit[]): WorkspaceEdit {
  const textEdits = edits.map((edit) => ({ range: input.lines.range(edit.startOffset, edit.endOffset), newText: edit.replacement }));
  if (input.documentChanges) return { documentChanges: [{ textDocument: { uri: input.uri, version: input.version ?? null }, edits: textEdits }] };
  return { changes: { [input.uri]: textEdits } };
}

/** Fixes in file order, each whole or not at all, none overlapping an earlier one (as `--fix` does). */
function nonOverlapping(fixes: TextEdit[][]): TextEdit[] {
  const sorted = fixes.map((edits) => [...edits].sort((a, b) => a.startOffset - b.startOffset)).sort((a, b) => a[0]!.startOffset - b[0]!.startOffset);
  const taken: TextEdit[] = [];
  let end = 0;
  for (const edits of sorted) {
    if (edits[0]!.startOffset < end) continue;
    taken.push(...edits);
    end = edits[edits.length - 1]!.endOffset;
  }
  return taken;
}

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.startOffset - a.startOffset)) result = result.slice(0, edit.startOffset) + edit.replacement + result.slice(edit.endOffset);
  return result;
}

/**
 * Whether the edited text parses: wholly, when the buffer parsed before; otherwise (a buffer being
 * typed into) around each edit.
 */
async function stillParses(text: string, edits: TextEdit[], parsedClean: boolean): Promise<boolean> {
  const after = applyTextEdits(text, edits);
  return withRustTree(after, (tree) => {
    if (parsedClean) return !tree.rootNode.hasError;
    let shift = 0;
    for (const edit of [...edits].sort((a, b) => a.startOffset - b.startOffset)) {
      const start = edit.startOffset + shift;
      const node = tree.rootNode.descendantForIndex(start, start + edit.replacement.length);
      if (node?.hasError) return false;
      shift += edit.replacement.length - (edit.endOffset - edit.startOffset);
    }
    return true;
  });
}
