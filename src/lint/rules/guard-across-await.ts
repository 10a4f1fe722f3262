import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel } from "../../rust/file-model.ts";
import { callArguments, callTarget, isAwaited, isBodyBoundary, namedChildren } from "../../rust/syntax.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";

/** Zero-argument methods that return a guard when not awaited (std/parking_lot locks, RefCell, tracing spans). */
const guardMethods: Record<string, string> = {
  lock: "Mutex guard",
  read: "RwLock read guard",
  write: "RwLock write guard",
  borrow: "RefCell borrow",
  borrow_mut: "RefCell mutable borrow",
  enter: "tracing span guard (`Entered`)",
};

/**
 * Wrappers that keep the guard alive: `m.lock().unwrap()`, `.expect("…")`, `?`, and the usual
 * poison handling `.unwrap_or_else(PoisonError::into_inner)` / `.map_err(…)?`.
 */
const guardPassingMethods = new Set(["unwrap", "expect", "unwrap_or_else", "map_err"]);

function outerGuardExpression(guardCall: SyntaxNode, model: FileModel): SyntaxNode {
  let current = guardCall;
  for (;;) {
    const parent = model.parentOf(current);
    if (!parent) return current;
    if (parent.type === "try_expression") {
      current = parent;
      continue;
    }
    if (parent.type === "field_expression") {
      const call = model.parentOf(parent);
      const method = parent.childForFieldName("field")?.text;
      if (call?.type === "call_expression" && method !== undefined && guardPassingMethods.has(method)) {
        current = call;
        continue;
      }
    }
    return current;
  }
}

function isGuardCall(node: SyntaxNode): string | undefined {
  const target = callTarget(node);
  if (target?.kind !== "method") return undefined;
  const kind = guardMethods[target.name];
  if (!kind || callArguments(node).length !== 0 || isAwaited(node)) return undefined;
  // `x.read()` on a tokio RwLock is a future: only unawaited calls are guards. A guard that is
  // immediately `.await`ed through unwrap is impossible, so isAwaited on the call itself suffices.
  return kind;
}

const awaitTypes: ReadonlySet<string> = new Set(["await_expression", "macro_invocation"]);

/** Await points that run within `scope`, not inside nested closures, async blocks or fns. */
function awaitPoints(scope: SyntaxNode, model: FileModel): SyntaxNode[] {
  return model
    .nodesInBody(scope, awaitTypes)
    .filter((node) => node.type === "await_expression" || (model.macroExpressions(node).length === 0 && /\.\s*await\b/.test(node.text)));
}

const statementTypes = new Set(["expression_statement", "let_declaration"]);

/** Where a temporary guard dies: the end of its statement, or of a plain `if`/`while` condition. */
function temporaryScope(expression: SyntaxNode, model: FileModel): SyntaxNode {
  let child = expression;
  for (let parent = model.parentOf(child); parent; child = parent, parent = model.parentOf(parent)) {
    if (statementTypes.has(parent.type)) return parent;
    if (isBodyBoundary(parent)) return child;
    if ((parent.type === "if_expression" || parent.type === "while_expression") && parent.childForFieldName("condition")?.id === child.id) {
      if (child.type !== "let_condition" && child.type !== "let_chain") return child;
      return parent;
    }
    if (parent.type === "block" && model.parentOf(parent) && isBodyBoundary(model.parentOf(parent)!)) return child;
  }
  return child;
}

function checkGuard(call: SyntaxNode, context: FileCheckContext): void {
  const { model } = context;
  const kind = isGuardCall(call);
  if (!kind) return;
  const exec = model.contextOf(call);
  if (exec.kind !== "async-fn" && exec.kind !== "async-block" && exec.kind !== "async-closure") return;
  const guard = outerGuardExpression(call, model);
  const parent = model.parentOf(guard);

  // A guard bound to a name (directly or wrapped in Some/tuple/struct) lives to the end of its block.
  let binding = parent?.type === "let_declaration" && parent.childForFieldName("value")?.id === guard.id ? parent : undefined;
  if (!binding && parent && ["arguments", "tuple_expression", "field_initializer"].includes(parent.type)) {
    let holder: SyntaxNode | undefined = parent.type === "arguments" ? model.parentOf(parent) : parent;
    if (holder?.type === "field_initializer") holder = model.parentOf(model.parentOf(holder)!);
    const wrapperOk =
      holder?.type === "tuple_expression" ||
      holder?.type === "struct_expression" ||
      (holder?.type === "call_expression" && /^(Some|Ok|Box::new|Arc::new|Rc::new)$/.test(holder.childForFieldName("function")?.text ?? ""));
    const letNode = holder ? model.parentOf(holder) : undefined;
    if (wrapperOk && letNode?.type === "let_declaration" && letNode.childForFieldName("value")?.id === holder!.id) binding = letNode;
  }
  if (binding) {
    checkBoundGuard(binding, call, kind, context);
    return;
  }
  const scope = temporaryScope(guard, model);
  const guardEnd = model.endOffset(call);
  const await_ = awaitPoints(scope, model).find((point) => model.endOffset(point) > guardEnd && !containsNode(point, call, model));
  const awaitContainsGuard = awaitPoints(scope, model).find((point) => containsNode(point, call, model));
  const hit = await_ ?? awaitContainsGuard;
  if (!hit) return;
  const awaitLine = model.position(hit).line;
  context.report(guard, {
    message: `this temporary ${kind} lives until the end of the ${scope.type === "let_declaration" || scope.type === "expression_statement" ? "statement" : "expression"}, across the \`.await\` on line ${awaitLine}`,
    help: "bind the value you need first (`let v = { let g = m.lock().unwrap(); g.get(k).cloned() };`) and await after the guard is gone",
    notes: [noteFor(kind)],
  });
}

function containsNode(outer: SyntaxNode, inner: SyntaxNode, model: FileModel): boolean {
  return model.startOffset(inner) >= model.startOffset(outer) && model.endOffset(inner) <= model.endOffset(outer);
}

function checkBoundGuard(binding: SyntaxNode, call: SyntaxNode, kind: string, context: FileCheckContext): void {
  const { model } = context;
  const pattern = binding.childForFieldName("pattern");
  const name = pattern?.type === "identifier" ? pattern.text : pattern?.type === "mut_pattern" ? pattern.namedChild(0)?.text : undefined;
  if (!name || name === "_") return;
  const block = model.parentOf(binding);
  if (!block || block.type !== "block") return;
  const statements = namedChildren(block);
  const index = statements.findIndex((s) => s.id === binding.id);
  const dropped = new RegExp(`\\b(?:std::mem::)?drop\\s*\\(\\s*${name}\\s*\\)`);
  const moved = new RegExp(`(?:^|[^.\\w&])${name}\\s*[,)]|=\\s*${name}\\s*;`);
  for (const statement of statements.slice(index + 1)) {
    const text = statement.text;
    const points = awaitPoints(statement, model);
    if (dropped.test(text)) {
      // Dropped in this statement: only awaits before the drop count.
      const dropAt = model.startOffset(statement) + text.search(dropped);
      const early = points.find((p) => model.startOffset(p) < dropAt);
      if (early) report(early);
      return;
    }
    // Shadowing the name (`let count = *count + 1;`) does not drop the guard: it lives to the end of
    // the block unless the new binding's initializer moves it (`let g = consume(g);`, caught below).
    if (points.length > 0) {
      report(points[0]!);
      return;
    }
    if (moved.test(text.replace(dropped, ""))) return;
  }

  function report(point: SyntaxNode): void {
    const awaitLine = model.position(point).line;
    context.report(binding, {
      message: `${kind} \`${name}\` is held across the \`.await\` on line ${awaitLine}`,
      help: `drop it before awaiting (\`drop(${name});\` or end its block first), or use \`tokio::sync::Mutex\` when the lock must be held across the await`,
      notes: [noteFor(kind)],
    });
  }
  void call;
}

function noteFor(kind: string): string {
  if (kind.startsWith("RefCell")) return "another task (or the same task after resuming) that borrows the RefCell panics with BorrowMutError; the future is also !Send";
  if (kind.startsWith("tracing")) return "while the task is suspended the span stays entered on this thread, so unrelated tasks' events are attributed to it; use `.instrument(span)`";
  return "while the task is suspended the lock stays held: another task on the same worker that locks it blocks the thread (deadlock), and the future is !Send";
}

export const guardAcrossAwait: LintRule = {
  id: "guard-across-await",
  defaultSeverity: "warning",
  summary: "std/parking_lot lock guard or RefCell borrow alive across an .await",
  visitors: { call_expression: checkGuard },
};
