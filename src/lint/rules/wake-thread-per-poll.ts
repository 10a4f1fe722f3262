import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";
import { enclosingPollFunction } from "./poll-methods.ts";

const spawnPaths = /(^|::)(thread::spawn|spawn_blocking|tokio::spawn|task::spawn|spawn)$/;

/** Assigns or fills one of the future's fields: `self.handle = …`, `self.timer.insert(…)`. */
const setsOwnState = /\bself\.[\w.]+\s*=[^=]|\bself\.[\w.]+\.(insert|replace|get_or_insert(_with)?)\s*\(/;
/** A condition that lets only the first caller through: `!self.started.swap(true, …)`, `compare_exchange(false, true, …)`. */
const onceCondition = /\.swap\(\s*true\b|\.compare_exchange(_weak)?\(\s*false\s*,\s*true\b/;

/**
 * A spawn guarded by the future's own state runs once, not per poll: `if self.handle.is_none() {
 * self.handle = Some(spawn(…)) }`, `if !self.started { self.started = true; … }`, or an atomic flag
 * swapped in the condition. A condition that only reads state (`if !self.done.load(…)`) is no guard:
 * it holds on every poll until the work is done.
 */
function guardedOnce(call: SyntaxNode, fn: SyntaxNode, context: FileCheckContext): boolean {
  const { model } = context;
  for (const ancestor of model.ancestors(call)) {
    if (ancestor.id === fn.id) return false;
    if (ancestor.type === "if_expression") {
      const condition = ancestor.childForFieldName("condition")?.text ?? "";
      const consequence = ancestor.childForFieldName("consequence")?.text ?? "";
      if (/\bself\b/.test(condition) && (setsOwnState.test(consequence) || onceCondition.test(condition))) return true;
    }
    if (ancestor.type === "call_expression" && /\.(get_or_insert_with|get_or_init|call_once)$/.test(ancestor.childForFieldName("function")?.text ?? "")) {
      // `self.worker.get_or_insert_with(|| spawn(…))`: the closure runs only while the slot is empty.
      return true;
    }
    if (ancestor.type === "match_arm" && /\bself\.[\w.]+\s*=[^=]/.test(ancestor.text)) return true;
  }
  return false;
}

/** The names that hold this poll's waker: the context itself and locals bound from `cx.waker()`. */
function wakerNames(fn: SyntaxNode, cx: string): string[] {
  const names = [cx];
  const fromWaker = new RegExp(`let\\s+(?:mut\\s+)?(\\w+)\\s*(?::[^=]*)?=\\s*[^;]*\\b${cx}\\s*\\.\\s*waker\\s*\\(`, "g");
  for (const match of fn.text.matchAll(fromWaker)) names.push(match[1]!);
  return names;
}

/**
 * Does the spawned work take this poll's waker along (to wake the future later)? A spawn that only
 * moves other state into a task (closing a dropped connection) is not a wake-up thread. Closure
 * parameters shadow: `poll_fn(move |cx| …)` polls with its own context.
 */
function carriesWaker(call: SyntaxNode, names: string[]): boolean {
  const args = call.childForFieldName("arguments")?.text ?? "";
  const shadowed = new Set([...args.matchAll(/\|([^|]*)\|/g)].flatMap((m) => m[1]!.split(",").map((p) => p.replace(/:.*$/s, "").replace(/\bmut\b/, "").trim())));
  return names.some((name) => !shadowed.has(name) && new RegExp(`\\b${name}\\b`).test(args));
}

/**
 * Work started for an event the poll just received (`Poll::Ready(Ok(conn)) => spawn(…)`, `if let
 * Poll::Ready(Some(x)) = rx.poll_recv(cx)`) runs once per event, not once per poll.
 */
function perEvent(call: SyntaxNode, fn: SyntaxNode, context: FileCheckContext): boolean {
  for (const ancestor of context.model.ancestors(call)) {
    if (ancestor.id === fn.id) return false;
    if (ancestor.type === "match_arm" && /\bReady\s*\(/.test(ancestor.childForFieldName("pattern")?.text ?? "")) return true;
    if ((ancestor.type === "if_expression" || ancestor.type === "while_expression") && /^let\s+(Poll::)?Ready\s*\(/.test(ancestor.childForFieldName("condition")?.text.trim() ?? "")) return true;
  }
  return false;
}

function checkSpawnInPoll(call: SyntaxNode, context: FileCheckContext): void {
  const { model } = context;
  const target = model.resolveCall(call);
  if (!target) return;
  const isSpawn = target.kind === "path" ? spawnPaths.test(target.segments.join("::")) : target.name === "spawn";
  if (!isSpawn) return;
  const poll = enclosingPollFunction(call, model);
  if (!poll || model.functionInfo(poll.fn).isAsync) return;
  if (!carriesWaker(call, wakerNames(poll.fn, poll.cx))) return;
  if (guardedOnce(call, poll.fn, context) || perEvent(call, poll.fn, context)) return;
  context.report(call, {
    message: "spawns a thread or task on every poll to wake this future later: each poll that returns Pending adds another one",
    help: "start the timer or worker once (keep its handle in the future's state) and only update the stored waker on later polls; for timers use `tokio::time::Sleep` and poll it",
  });
}

export const wakeThreadPerPoll: LintRule = {
  id: "wake-thread-per-poll",
  defaultSeverity: "warning",
  summary: "poll spawns a thread or task to wake itself on every call",
  visitors: { call_expression: checkSpawnInPoll },
};
