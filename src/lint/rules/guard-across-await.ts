import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel } from "../../rust/file-model.ts";
import { callArguments, callTarget, isAwaited, isBodyBoundary, namedChildren } from "../../rust/syntax.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";

/**
 * Zero-argument methods that return a guard when called on a blocking lock, a RefCell or a tracing span,
 * with the type that has them. The same names on tokio's locks return futures, and on the crate's own
 * types anything at all: the receiver's type decides, the name alone never does.
 */
const guardMethods: Record<string, { kind: string; lock: RegExp }> = {
  lock: { kind: "Mutex guard", lock: /^(Mutex|ReentrantMutex|FairMutex|SpinMutex)$/ },
  read: { kind: "RwLock read guard", lock: /^RwLock$/ },
  write: { kind: "RwLock write guard", lock: /^RwLock$/ },
  borrow: { kind: "RefCell borrow", lock: /^RefCell$/ },
  borrow_mut: { kind: "RefCell mutable borrow", lock: /^RefCell$/ },
  enter: { kind: "tracing span guard (`Entered`)", lock: /^(Span|EnteredSpan)$/ },
};

const lockTypeName = /\b((?:[A-Za-z_]\w*::)*)(Mutex|ReentrantMutex|FairMutex|SpinMutex|RwLock|RefCell|Span|EnteredSpan)\b/g;
/** Crates whose locks are async: their `lock()`/`read()`/`write()` return futures, and their guards may cross awaits. */
const asyncLockCrates = /^(tokio|futures|futures_util|futures_locks|async_lock|async_std|smol|async_mutex|maybe_async)$/;
/** Crates whose locks block and whose guards must not cross awaits. */
const blockingLockCrates = /^(std|core|alloc|parking_lot|spin|lock_api|antidote|tracing)$/;

type Family = "guard" | "not-a-guard" | "unknown";

/**
 * What a type (or an initializer like `Arc::new(Mutex::new(0))`) says about `method` on it: a lock of
 * the right kind from a blocking crate is a guard, tokio's is a future, a type without such a lock
 * (the crate's own `Store` with an `async fn read`) is not a guard at all.
 */
function familyFromText(text: string, method: string, context: FileCheckContext): Family {
  const wanted = guardMethods[method]!.lock;
  let sawLock = false;
  for (const match of text.matchAll(lockTypeName)) {
    const name = match[2]!;
    if (!wanted.test(name)) continue;
    sawLock = true;
    const segments = [...(match[1] ? match[1].split("::").filter(Boolean) : []), name];
    const crate = context.model.uses.resolve(segments)[0]!;
    if (asyncLockCrates.test(crate)) return "not-a-guard";
    if (blockingLockCrates.test(crate)) return "guard";
    return "unknown";
  }
  return sawLock ? "unknown" : "not-a-guard";
}

/** Methods of the crate's own types defined in this file: `impl Store { async fn read(&self) }`. */
function ownMethodIsAsync(typeName: string | undefined, method: string, context: FileCheckContext): boolean | undefined {
  if (!typeName) return undefined;
  let found: boolean | undefined;
  context.model.forEachOfType(functionTypes, (fn) => {
    const info = context.model.functionInfo(fn);
    if (info.implType === typeName && info.name === method && info.traitName === undefined) found = info.isAsync;
  });
  return found;
}
const functionTypes: ReadonlySet<string> = new Set(["function_item"]);

function lockFamily(call: SyntaxNode, receiver: SyntaxNode, method: string, guard: SyntaxNode, context: FileCheckContext): Family {
  const { model, bindings } = context;
  if (receiver.type === "self") {
    // `self.read()` is the crate's own method, whatever its name.
    const own = ownMethodIsAsync(model.enclosingFunction(call)?.implType, method, context);
    if (own === true) return "not-a-guard";
  }
  const hint = bindings.hintFor(receiver);
  for (const text of [hint?.typeText, hint?.valueText]) {
    if (text === undefined) continue;
    const family = familyFromText(text, method, context);
    if (family !== "unknown" || /\b(Mutex|RwLock|RefCell|Span)\b/.test(text)) return family;
  }
  if (hint?.root) {
    const family = familyFromText(hint.root, method, context);
    if (family !== "not-a-guard") return family;
  }
  // No type in sight. `m.lock().unwrap()` (a `LockResult`) is std's; futures have no `unwrap`.
  if (guard.id !== call.id && method !== "enter") return method.startsWith("borrow") ? "unknown" : "guard";
  // A bare call: the file's imports say which lock type the name means.
  const wanted = guardMethods[method]!.lock;
  for (const name of ["Mutex", "RwLock", "RefCell", "ReentrantMutex", "FairMutex"]) {
    if (!wanted.test(name) || !model.uses.has(name)) continue;
    const crate = model.uses.resolve([name])[0]!;
    if (asyncLockCrates.test(crate)) return "not-a-guard";
    if (blockingLockCrates.test(crate)) return "guard";
  }
  if (method === "enter" && /span/i.test(`${receiver.text} ${hint?.valueText ?? ""}`)) return "guard";
  return "unknown";
}

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

/** The guard kind a call returns, or undefined when it is not a blocking guard (a future, the crate's own method, unknown). */
function guardKindOf(node: SyntaxNode, context: FileCheckContext): string | undefined {
  const target = callTarget(node);
  if (target?.kind !== "method") return undefined;
  const method = guardMethods[target.name];
  // `x.read()` on a tokio RwLock is a future: awaited calls are never guards.
  if (!method || callArguments(node).length !== 0 || isAwaited(node)) return undefined;
  const guard = outerGuardExpression(node, context.model);
  return lockFamily(node, target.receiver, target.name, guard, context) === "guard" ? method.kind : undefined;
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
  const kind = guardKindOf(call, context);
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
    help: temporaryHelp(kind),
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
      help: boundHelp(kind, name!),
      notes: [noteFor(kind)],
    });
  }
  void call;
}

/** What to do, by what the guard is: the async lock of the same kind, or ending the borrow or span first. */
export function boundHelp(kind: string, name: string): string {
  const drop = `drop it before awaiting (\`drop(${name});\` or end its block first)`;
  if (kind.startsWith("RwLock")) return `${drop}, or use \`tokio::sync::RwLock\` when the lock must be held across the await`;
  if (kind.startsWith("RefCell")) return `${drop}: copy out what you need in a block that ends before the await; a \`RefCell\` borrow must never be held across one`;
  if (kind.startsWith("tracing")) return "instrument the future instead (`fut.instrument(span).await` with `tracing::Instrument`), or drop the guard before awaiting";
  return `${drop}, or use \`tokio::sync::Mutex\` when the lock must be held across the await`;
}

export function temporaryHelp(kind: string): string {
  if (kind.startsWith("RefCell")) return "copy out what you need first (`let v = cell.borrow().get(k).cloned();` as its own statement) and await after the borrow is gone";
  if (kind.startsWith("tracing")) return "instrument the future instead (`fut.instrument(span).await` with `tracing::Instrument`)";
  const lock = kind.startsWith("RwLock") ? "rw.read().unwrap()" : "m.lock().unwrap()";
  return `bind the value you need first (\`let v = { let g = ${lock}; g.get(k).cloned() };\`) and await after the guard is gone`;
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
