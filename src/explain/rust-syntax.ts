import type { SyntaxNode } from "../rust/parser.ts";
import { withRustTree } from "../rust/parser.ts";

/** Line numbers (1-based) of ERROR or MISSING nodes, empty when the source parses cleanly. */
export async function syntaxErrorLines(source: string): Promise<number[]> {
  return withRustTree(source, (tree) => {
    const lines: number[] = [];
    const walk = (node: SyntaxNode) => {
      if (node.isError || node.isMissing) lines.push(node.startPosition.row + 1);
      else if (node.hasError) for (const child of node.children) if (child) walk(child);
    };
    walk(tree.rootNode);
    return lines;
  });
}
