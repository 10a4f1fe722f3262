import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel, SelectMacro } from "../../rust/file-model.ts";
import { isBodyBoundary, isComment, isLoop, namedChildren, stripReferences } from "../../rust/syntax.ts";

/** The loop a node runs in within its own body (not through closures or async blocks), if any. */
export function enclosingLoop(node: SyntaxNode, model: FileModel): SyntaxNode | undefined {
  for (const ancestor of model.ancestors(node)) {
    if (isLoop(ancestor)) return ancestor;
    if (isBodyBoundary(ancestor)) return undefined;
  }
  return undefined;
}

/** Strips `&mut`, parentheses and `Box::pin(…)` to the expression that makes the future. */
export function unwrapFuture(expression: SyntaxNode): SyntaxNode {
  let node = expression;
  for (;;) {
    node = stripReferences(node);
    if (node.type === "call_expression" && /^(Box::pin|std::boxed::Box::pin|pin!)$/.test(node.childForFieldName("function")?.text ?? "")) {
      const inner = node.childForFieldName("arguments")?.namedChild(0);
      if (!inner) return node;
      node = inner;
      continue;
    }
    return node;
  }
}

/** `&mut fut` / `fut` / `&mut *fut`: a future made outside the select, not re-created per iteration. */
export function isBorrowedFuture(expression: SyntaxNode): boolean {
  const stripped = expression.text.replace(/^&\s*mut\s+|^&\s*/, "").replace(/^\*/, "").trim();
  return /^[A-Za-z_][\w.]*$/.test(stripped) && !stripped.endsWith(")");
}

export function selectsIn(model: FileModel): SelectMacro[] {
  return model.selects;
}

/** Macros that never return: a handler ending in one leaves the loop as surely as `break`. */
const divergingMacros = /^(std::|core::)?(panic|unreachable|todo|unimplemented)$/;

/** An expression that leaves the loop: `break`, `return …`, `panic!(…)`/`unreachable!(…)`, `std::process::exit(…)`. */
function exits(node: SyntaxNode | null | undefined): boolean {
  if (!node) return false;
  if (node.type === "break_expression" || node.type === "return_expression") return true;
  if (node.type === "macro_invocation") return divergingMacros.test(node.childForFieldName("macro")?.text ?? "");
  if (node.type === "call_expression") return /(^|::)process::exit$/.test(node.childForFieldName("function")?.text ?? "");
  return false;
}

/** A handler that always leaves the loop: `break`, `return …`, a diverging macro, or a block whose last statement is one. */
export function leavesLoop(handler: SyntaxNode | undefined): boolean {
  if (!handler) return false;
  if (exits(handler)) return true;
  if (handler.type !== "block") return false;
  const last = namedChildren(handler).filter((n) => !isComment(n)).at(-1);
  return exits(last?.type === "expression_statement" ? last.namedChild(0) : last);
}

/**
 * Whether every branch other than `index` leaves the loop when it wins (`_ = shutdown.changed() =>
 * break`). Then branch `index`'s future is only dropped on the way out, never re-created by a next
 * iteration: cancelling at shutdown loses nothing that matters and restarts no timer. `else` and
 * `complete` branches do not compete with the others and are ignored.
 */
export function othersLeaveLoop(select: SelectMacro, index: number): boolean {
  const others = select.branches.filter((_, i) => {
    const special = select.body.branches[i]?.special;
    return i !== index && special !== "else" && special !== "complete";
  });
  return others.length > 0 && others.every((branch) => leavesLoop(branch.handler));
}
