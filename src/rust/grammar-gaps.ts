import type { SyntaxNode, SyntaxTree } from "./parser.ts";
import { walkTree } from "./syntax.ts";
import { SourceFile } from "./source-file.ts";

/**
 * Valid Rust that tree-sitter-rust 0.24 (the newest published) rejects, with a same-length rewrite that
 * it accepts, so offsets, lines and columns still map one to one onto the file:
 *
 * - `&raw` where `raw` is an ordinary identifier (`foo(&raw)`, `&raw[0..4]`): the grammar takes `raw`
 *   for the raw-borrow keyword of `&raw const x` (tree-sitter/tree-sitter-rust#277, open). The `&`
 *   becomes `*`, a unary operator of the same width, so the identifier and the expression's shape stay.
 * - attributes on the fields of tuple and struct patterns (`let (#[allow(unused)] a, b) = p;`,
 *   `S { #[cfg(x)] f, .. }`): blanked. They say nothing the rules use.
 *
 * Only text on lines tree-sitter reported an error on is touched; the caller keeps the repaired tree
 * only when it has fewer errors.
 */
export function repairKnownGrammarGaps(text: string, tree: SyntaxTree): string | undefined {
  const errorLines = new Set<number>();
  walkTree(tree.rootNode, (node: SyntaxNode) => {
    if (node.type === "ERROR" || node.isMissing) {
      for (let row = node.startPosition.row; row <= node.endPosition.row; row++) errorLines.add(row);
      return false;
    }
    return node.hasError;
  });
  if (errorLines.size === 0) return undefined;
  const source = new SourceFile("", "", text);
  const rowOf = (offset: number) => source.position(offset).line - 1;
  const chars = text.split("");
  let changed = false;
  for (const match of text.matchAll(/&raw\b(?!\s+(const|mut)\b)/g)) {
    if (!errorLines.has(rowOf(match.index))) continue;
    chars[match.index] = "*";
    changed = true;
  }
  for (const match of text.matchAll(/#\[/g)) {
    const start = match.index;
    if (!errorLines.has(rowOf(start)) || !/[(,{|]\s*$/.test(text.slice(Math.max(0, start - 40), start))) continue;
    const end = closingBracket(text, start + 1);
    if (end === -1) continue;
    for (let i = start; i <= end; i++) if (chars[i] !== "\n") chars[i] = " ";
    changed = true;
  }
  return changed ? chars.join("") : undefined;
}

function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "[") depth++;
    else if (c === "]" && --depth === 0) return i;
    else if (c === "\"") {
      for (i++; i < text.length && text[i] !== "\""; i++) if (text[i] === "\\") i++;
    }
  }
  return -1;
}

export function countErrors(tree: SyntaxTree): number {
  let count = 0;
  walkTree(tree.rootNode, (node: SyntaxNode) => {
    if (node.type === "ERROR" || node.isMissing) count++;
    return node.hasError;
  });
  return count;
}
