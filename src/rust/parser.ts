import { createRequire } from "node:module";
import { Language, Parser, type Node, type Tree } from "web-tree-sitter";

/**
 * tree-sitter-rust through web-tree-sitter (WASM). Measured on this machine kind
 * (../shared/reference/node-toolchain.md and bench/lint.ts): WASM parses about 25 % slower than the
 * native binding but its trees live in WASM memory that `tree.delete()` frees at once, so memory
 * stays flat over a whole registry (the native binding frees trees only after GC and grows by
 * hundreds of MB per pass). It also needs no compiler or prebuilt binary at install time.
 */
let parserPromise: Promise<Parser> | undefined;

export type { Node as SyntaxNode, Tree as SyntaxTree };

async function createParser(): Promise<Parser> {
  const require = createRequire(import.meta.url);
  await Parser.init();
  const language = await Language.load(require.resolve("tree-sitter-rust/tree-sitter-rust.wasm"));
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

export function rustParser(): Promise<Parser> {
  parserPromise ??= createParser();
  return parserPromise;
}

/** Parses, hands the tree to `use`, and frees it afterwards: trees never outlive one file's analysis. */
export async function withRustTree<T>(text: string, use: (tree: Tree) => T): Promise<T> {
  const parser = await rustParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error("tree-sitter returned no tree");
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}
