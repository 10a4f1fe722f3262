import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel } from "../../rust/file-model.ts";
import { isLoop, mentions, namedChildren } from "../../rust/syntax.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";
import { pollContextParameter } from "./poll-methods.ts";

function isPendingLiteral(node: SyntaxNode, model: FileModel): boolean {
  const text = node.text.replace(/\s+/g, "");
  if (node.type === "scoped_identifier") return /(^|::)Poll::Pending$/.test(text);
  if (node.type === "identifier") return text === "Pending" && model.uses.resolve(["Pending"]).join("::").endsWith("Poll::Pending");
  return false;
}

/** Pending used as a value (returned), not matched against or compared with. */
function isReturnedValue(node: SyntaxNode, model: FileModel): boolean {
  const parent = model.parentOf(node);
  if (!parent) return false;
  if (parent.type.endsWith("pattern") || parent.type === "match_pattern" || parent.type === "binary_expression") return false;
  if (parent.type === "arguments" || parent.type === "let_declaration") return false;
  return true;
}

/**
 * Does some code that runs before `pending` on its path use the context? Preceding statements of
 * every enclosing block, the conditions of enclosing ifs, the scrutinees of enclosing matches and,
 * inside a loop, anything in the loop (an earlier iteration may have registered).
 */
function contextUsedBefore(pending: SyntaxNode, body: SyntaxNode, cx: string, model: FileModel): boolean {
  let child = pending;
  for (let parent = model.parentOf(child); parent && child.id !== body.id; child = parent, parent = model.parentOf(parent)) {
    if (parent.type === "block") {
      for (const statement of namedChildren(parent)) {
        if (statement.id === child.id) break;
        if (mentions(statement, cx)) return true;
      }
    } else if (parent.type === "if_expression") {
      const condition = parent.childForFieldName("condition");
      if (condition && condition.id !== child.id && mentions(condition, cx)) return true;
    } else if (parent.type === "match_arm") {
      const match = model.parentOf(model.parentOf(parent)!);
      const value = match?.childForFieldName("value");
      if (value && mentions(value, cx)) return true;
      const guard = parent.childForFieldName("pattern");
      if (guard && mentions(guard, cx)) return true;
    } else if (isLoop(parent)) {
      if (mentions(parent, cx)) return true;
    }
    if (parent.id === body.id) break;
  }
  return false;
}

/** `if timer.poll_tick(cx).is_ready() { … }` before the Pending: after a Ready tick nothing is registered. */
function readyCheckBefore(pending: SyntaxNode, body: SyntaxNode, cx: string, model: FileModel): SyntaxNode | undefined {
  const readyCheck = new RegExp(`\\.poll\\w*\\(\\s*${cx}\\s*\\)\\s*\\.is_ready\\(\\)`);
  let child = pending;
  for (let parent = model.parentOf(child); parent; child = parent, parent = model.parentOf(parent)) {
    if (parent.type === "block") {
      for (const statement of namedChildren(parent)) {
        if (statement.id === child.id) break;
        const ifNode = statement.type === "expression_statement" ? statement.namedChild(0) : statement;
        if (ifNode?.type !== "if_expression") continue;
        const condition = ifNode.childForFieldName("condition");
        const consequence = ifNode.childForFieldName("consequence");
        if (condition && readyCheck.test(condition.text) && consequence && !/\b(return|break|continue)\b/.test(consequence.text)) return ifNode;
      }
    }
    if (parent.id === body.id) break;
  }
  return undefined;
}

function checkPollFunction(fn: SyntaxNode, context: FileCheckContext): void {
  const cx = pollContextParameter(fn, context.model);
  const body = fn.childForFieldName("body");
  if (cx && body) checkPollBody(fn, body, cx, context);
}

/** `std::future::poll_fn(|cx| …)` / `futures::future::poll_fn`: the closure is a poll method. */
function checkPollFnClosure(closure: SyntaxNode, context: FileCheckContext): void {
  const { model } = context;
  const args = model.parentOf(closure);
  const call = args?.type === "arguments" ? model.parentOf(args) : undefined;
  const target = call?.type === "call_expression" ? model.resolveCall(call) : undefined;
  if (target?.kind !== "path" || target.segments[target.segments.length - 1] !== "poll_fn") return;
  const parameters = closure.childForFieldName("parameters");
  const first = parameters ? namedChildren(parameters)[0] : undefined;
  const cx = first?.type === "parameter" ? first.childForFieldName("pattern")?.text : first?.text;
  const body = closure.childForFieldName("body");
  if (cx && body) checkPollBody(closure, body, cx, context);
}

function checkPollBody(owner: SyntaxNode, body: SyntaxNode, cx: string, context: FileCheckContext): void {
  const { model } = context;
  const cxUnused = cx === "_" || cx.startsWith("_");
  // A future that is never ready by design (`Pending` is its whole body) is not a lost wakeup.
  if (/^\{\s*(std::task::|core::task::)?(Poll::)?Pending\s*\}$/.test(body.text.replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, ""))) return;
  model.visit((node) => {
    if (node.id !== owner.id && (node.type === "closure_expression" || node.type === "async_block" || node.type === "function_item")) return false;
    if (!isPendingLiteral(node, model) || !isReturnedValue(node, model)) return true;
    const readyCheck = cxUnused ? undefined : readyCheckBefore(node, body, cx, model);
    if (readyCheck) {
      context.report(node, {
        message: `\`Poll::Pending\` after \`${readyCheck.childForFieldName("condition")!.text}\` returned Ready: nothing registered a wake-up, so the task is never polled again`,
        help: "loop until the inner poll returns Pending (`while let Poll::Ready(_) = timer.poll_tick(cx) { … }`), so the last poll registers the waker",
      });
      return true;
    }
    if (cxUnused || !contextUsedBefore(node, body, cx, model)) {
      context.report(node, {
        message: "returns `Poll::Pending` without registering the waker: nothing will wake this task, so it hangs (a lost wakeup)",
        help: `before returning Pending, poll an inner future/resource with \`${cxUnused ? "cx" : cx}\` (it registers the waker) or store \`${cxUnused ? "cx" : cx}.waker().clone()\` where the event that completes this future will call \`wake()\``,
        notes: ["tokio-console shows such a task as idle with 0 wakers (its lost-waker warning); `async-doctor console check` reports it at run time"],
      });
    }
    return true;
  }, body);
}

export const pendingWithoutWaker: LintRule = {
  id: "pending-without-waker",
  defaultSeverity: "error",
  summary: "poll path returns Pending without registering the waker (lost wakeup, the task hangs)",
  visitors: { function_item: checkPollFunction, closure_expression: checkPollFnClosure },
};
