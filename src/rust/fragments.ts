import type { SyntaxNode, SyntaxTree } from "./parser.ts";
import type { TextRange } from "./macro-bodies.ts";

/**
 * A piece of macro text re-parsed as Rust. tree-sitter keeps macro arguments as token trees, so the
 * futures and handlers of `select!`, the arguments of `join!`, `assert!`, `println!`… are parsed again
 * inside a wrapper fn. `delta` maps the fragment's offsets back to the file's.
 */
export interface Fragment {
  tree: SyntaxTree;
  /** Add to a fragment node's startIndex to get the offset in the original file text. */
  delta: number;
  /** The macro invocation node (in the file tree or in an enclosing fragment) this text came from. */
  site: SyntaxNode;
  role: FragmentRole;
  /** The expressions the fragment holds (wrapper stripped). */
  roots: SyntaxNode[];
}

export type FragmentRole =
  | { kind: "select-future"; branch: number }
  | { kind: "select-handler"; branch: number }
  | { kind: "select-precondition"; branch: number }
  | { kind: "join-future"; index: number }
  | { kind: "macro-arguments" }
  | { kind: "macro-rules" };

export const fragmentPrefix = "fn __async_doctor_fragment() {\n";
export const fragmentArgumentsPrefix = "fn __async_doctor_fragment() {\n__async_doctor_args(";

export function fragmentSource(text: string, range: TextRange, asArguments: boolean): string {
  const piece = text.slice(range.start, range.end);
  return asArguments ? `${fragmentArgumentsPrefix}${piece}\n);}` : `${fragmentPrefix}${piece}\n;}`;
}

/** The expression nodes of a freshly parsed fragment, below the wrapper fn. */
export function fragmentRoots(tree: SyntaxTree, asArguments: boolean): SyntaxNode[] {
  const fn = tree.rootNode.namedChild(0);
  const body = fn?.childForFieldName("body");
  const statement = body?.namedChild(0);
  if (!statement) return [];
  const expression = statement.type === "expression_statement" ? statement.namedChild(0) : statement;
  if (!expression) return [];
  if (!asArguments) return [expression];
  const args = expression.childForFieldName("arguments");
  return args ? args.namedChildren.filter((n): n is SyntaxNode => n !== null) : [];
}
