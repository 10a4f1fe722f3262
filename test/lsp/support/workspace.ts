import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { TextEdit, WorkspaceEdit } from "vscode-languageserver-protocol";
import { projectRoot } from "../../support/shared.ts";

export const exampleCrate = path.join(projectRoot, "examples/ticket-service");

/** A scratch copy of the example crate (tests that write files never touch the repository's). */
export function copyOfExample(): { root: string; remove: () => void } {
  const parent = mkdtempSync(path.join(os.tmpdir(), "async-doctor-lsp-"));
  const root = path.join(parent, "ticket-service");
  cpSync(exampleCrate, root, { recursive: true, filter: (source) => !source.includes(`${path.sep}target`) });
  return { root, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/** 0-based line of the first line containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const line = text.split("\n").findIndex((candidate) => candidate.includes(needle));
  if (line === -1) throw new Error(`no line contains ${needle}`);
  return line;
}

/** Applies a workspace edit's edits for one document to its text (as an editor would). */
export function applyWorkspaceEdit(text: string, uri: string, edit: WorkspaceEdit): string {
  const edits: TextEdit[] = [];
  for (const change of edit.documentChanges ?? []) {
    if ("textDocument" in change && change.textDocument.uri === uri) edits.push(...change.edits.filter((e): e is TextEdit => "range" in e));
  }
  edits.push(...(edit.changes?.[uri] ?? []));
  if (edits.length === 0) throw new Error(`the edit has no changes for ${uri}`);
  return TextDocument.applyEdits(TextDocument.create(uri, "rust", 1, text), edits);
}

export function readText(file: string): string {
  return readFileSync(file, "utf8");
}
