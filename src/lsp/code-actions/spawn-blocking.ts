import { readFileSync } from "node:fs";
import path from "node:path";
import type { FileModel } from "../../rust/file-model.ts";
import type { SyntaxNode } from "../../rust/parser.ts";
import type { Finding, TextEdit } from "../../lint/finding.ts";
import { isAsyncClosure, isAsyncFunction, walkTree } from "../../rust/syntax.ts";

const controlFlow = new Set(["try_expression", "return_expression", "break_expression", "continue_expression", "await_expression", "yield_expression"]);
const patternHolders: Record<string, string> = { let_declaration: "pattern", parameter: "pattern", for_expression: "pattern", match_arm: "pattern", let_condition: "pattern" };

/**
 * "Wrap in spawn_blocking" for a blocking call in async code, offered only where the rewrite is
 * certain to keep compiling and meaning the same:
 * - the finding's span is one call expression, directly in an async fn, block or closure (where
 *   `.await` is allowed), and the crate depends on tokio;
 * - the call names no local binding and no `self` (the closure must be `'static`: without captures
 *   it is, and nothing is moved away from code after it);
 * - no `?`, `return`, `break`, `continue` or `.await` inside it (they would change meaning in a closure).
 * The blocking call's result must be `Send` to cross back; the APIs this rule reports return owned,
 * `Send` values (io results, strings, buffers).
 */
export function spawnBlockingEdit(model: FileModel, finding: Finding, crateRoot: string | undefined): TextEdit | undefined {
  if (finding.rule !== "blocking-in-async") return undefined;
  let call: SyntaxNode | undefined;
  model.forEachOfType(new Set(["call_expression"]), (node) => {
    if (!call && model.startOffset(node) === finding.startOffset && model.endOffset(node) === finding.endOffset) call = node;
  });
  if (!call || !awaitAllowed(model, call)) return undefined;
  if (!tokioIsDependency(crateRoot, model.source.text)) return undefined;
  const fn = enclosingFnItem(model, call);
  const locals = fn ? boundNames(fn) : new Set<string>();
  let certain = true;
  walkTree(call, (node) => {
    if (!certain) return false;
    if (controlFlow.has(node.type) || node.type === "self") certain = false;
    else if (node.type === "identifier" && node.parent?.type !== "scoped_identifier" && locals.has(node.text)) certain = false;
    else if (node.type === "identifier" && node.parent?.type === "scoped_identifier" && node.parent.childForFieldName("path")?.id === node.id && locals.has(node.text)) certain = false;
    else if (node.type === "token_tree" && /\?|\breturn\b|\.await\b|\bself\b/.test(node.text)) certain = false;
    else if (node.type === "string_literal") {
      for (const match of node.text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)[}:]/g)) if (locals.has(match[1]!)) certain = false;
    }
    return certain;
  });
  if (!certain) return undefined;
  const text = model.source.text.slice(finding.startOffset, finding.endOffset);
  return {
    startOffset: finding.startOffset,
    endOffset: finding.endOffset,
    replacement: `tokio::task::spawn_blocking(|| ${text}).await.expect("blocking task panicked")`,
  };
}

/** `.await` compiles only directly in an async fn, async block or async closure body. */
function awaitAllowed(model: FileModel, node: SyntaxNode): boolean {
  const boundary = model.ownerBoundary(node);
  if (!boundary) return false;
  if (boundary.type === "async_block") return true;
  if (boundary.type === "closure_expression") return isAsyncClosure(boundary);
  return boundary.type === "function_item" && isAsyncFunction(boundary);
}

function enclosingFnItem(model: FileModel, node: SyntaxNode): SyntaxNode | undefined {
  for (let boundary = model.ownerBoundary(node); boundary; boundary = model.ownerBoundary(boundary)) {
    if (boundary.type === "function_item") return boundary;
  }
  return undefined;
}

/** Every name a pattern binds anywhere in the fn (parameters, lets, closures, loops, arms): conservative. */
function boundNames(fn: SyntaxNode): Set<string> {
  const names = new Set<string>();
  const collect = (pattern: SyntaxNode | null | undefined) => {
    if (!pattern) return;
    walkTree(pattern, (node) => {
      if (node.type === "identifier" || node.type === "shorthand_field_identifier") names.add(node.text);
      return node.type !== "scoped_identifier";
    });
  };
  walkTree(fn, (node) => {
    const field = patternHolders[node.type];
    if (field) collect(node.childForFieldName(field));
    if (node.type === "closure_parameters") collect(node);
    return true;
  });
  return names;
}

/**
 * Whether `tokio::` paths resolve in this crate: its Cargo.toml names tokio among its dependencies
 * (or, outside any crate, the file itself uses tokio). A line scan, not a TOML parse: a miss only
 * means the action is not offered.
 */
function tokioIsDependency(crateRoot: string | undefined, text: string): boolean {
  if (!crateRoot) return /\btokio::/.test(text);
  let manifest: string;
  try {
    manifest = readFileSync(path.join(crateRoot, "Cargo.toml"), "utf8");
  } catch {
    return false;
  }
  let table = "";
  for (const raw of manifest.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      table = header[1]!.trim();
      if (/^(target\..+\.)?dependencies\.tokio$/.test(table)) return true;
      continue;
    }
    const normal = /^(target\..+\.)?dependencies$/.test(table);
    if (normal && (/^"?tokio"?\s*(=|\.)/.test(line) || /package\s*=\s*"tokio"/.test(line))) return true;
  }
  return false;
}
