import { readFile, writeFile } from "node:fs/promises";
import type { Finding, TextEdit } from "./finding.ts";

export interface AppliedFixes {
  files: number;
  fixes: number;
}

/**
 * Applies machine-applicable fixes in place, back to front per file so offsets stay valid; a fix
 * overlapping one already taken is skipped (the next run picks it up).
 */
export async function applyFixes(findings: Finding[], pathOf: (displayPath: string) => string): Promise<AppliedFixes> {
  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.fix?.applicability !== "machine-applicable") continue;
    const list = byFile.get(finding.file) ?? [];
    list.push(finding);
    byFile.set(finding.file, list);
  }
  let fixes = 0;
  for (const [file, list] of byFile) {
    const path = pathOf(file);
    let text = await readFile(path, "utf8");
    const edits: TextEdit[] = list.flatMap((f) => f.fix!.edits).sort((a, b) => b.startOffset - a.startOffset);
    let limit = Infinity;
    for (const edit of edits) {
      if (edit.endOffset > limit) continue;
      text = text.slice(0, edit.startOffset) + edit.replacement + text.slice(edit.endOffset);
      limit = edit.startOffset;
      fixes++;
    }
    await writeFile(path, text);
  }
  return { files: byFile.size, fixes };
}
