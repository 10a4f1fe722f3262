import type { FileModel } from "../rust/file-model.ts";
import { walkTree } from "../rust/syntax.ts";

const allowComment = /async-doctor:\s*allow\(([^)]*)\)/;

/**
 * `// async-doctor: allow(rule-id[, other-id]) reason` silences those rules on its own line, and, when
 * the comment stands alone on its line, on the line after it. Returns line → allowed ids.
 */
export function collectAllows(model: FileModel): Record<number, string[]> {
  const allows: Record<number, string[]> = {};
  if (!model.source.text.includes("async-doctor:")) return allows;
  walkTree(model.tree.rootNode, (node) => {
    if (node.type === "line_comment" || node.type === "block_comment") {
      const match = allowComment.exec(node.text);
      if (match) {
        const ids = match[1]!.split(",").map((id) => id.trim()).filter(Boolean);
        const line = model.source.position(node.startIndex).line;
        const endLine = model.source.position(node.endIndex).line;
        // A comment alone on its line covers the next line; one after code covers only its own line.
        const standalone = model.source.lineText(line).slice(0, model.source.position(node.startIndex).column - 1).trim() === "";
        for (const target of standalone ? [line, endLine + 1] : [line]) allows[target] = [...(allows[target] ?? []), ...ids];
      }
      return false;
    }
    return true;
  });
  return allows;
}

export function isAllowed(allows: Record<number, string[]>, line: number, rule: string): boolean {
  const ids = allows[line];
  return ids !== undefined && (ids.includes(rule) || ids.includes("all"));
}
