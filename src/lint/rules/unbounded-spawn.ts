import type { SyntaxNode } from "../../rust/parser.ts";
import { isExecutorContext } from "../../rust/file-model.ts";
import { droppedCallOf, isAwaited, namedChildren } from "../../rust/syntax.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";
import { enclosingLoop, unwrapFuture } from "./select-helpers.ts";
import { taskSpawnKind } from "./spawn-calls.ts";

/** Receives of incoming work: accepted connections, received messages, stream items. */
const incomingWork = "accept|recv|recv_from|next|next_line|incoming|read_message|next_message";
/** Loops driven by incoming work awaited in the loop body. */
const drivenBy = new RegExp(`\\.\\s*(${incomingWork})\\s*\\([^)]*\\)\\s*\\.\\s*await`);
const incomingMethod = new RegExp(`^(${incomingWork})$`);
const incomingSource = /conn|incoming|listen|accept|socket|request|message|job|task|packet|datagram|client|peer/i;
/** Anything in the loop that caps the number of live tasks. */
const bounded = /\b(acquire|acquire_owned|acquire_many|acquire_many_owned|join_next|buffer_unordered|buffered|for_each_concurrent|try_acquire)\b|\.len\(\)\s*[<>]=?|\bMAX_|\bmax_(tasks|connections|concurrency)\b|\blimit/i;

/**
 * `res = listener.accept() => { …; tokio::spawn(…) }` in a `select!` inside a loop: the handler of a
 * branch that receives incoming work runs once per connection or message, like `accept().await` in
 * the loop body.
 */
function inIncomingWorkBranch(call: SyntaxNode, context: FileCheckContext): boolean {
  const { model } = context;
  let previous = call;
  for (const ancestor of model.ancestors(call)) {
    if (ancestor.type === "macro_invocation") {
      const role = model.fragmentRole(previous);
      const select = role?.kind === "select-handler" ? model.selects.find((s) => s.site.id === ancestor.id) : undefined;
      const future = select && role?.kind === "select-handler" ? select.branches[role.branch]?.future : undefined;
      if (future) {
        const inner = unwrapFuture(future);
        const target = inner.type === "call_expression" ? model.resolveCall(inner) : undefined;
        // A bare `next()` could be any stream (keyboard input, a UI's events): only one named as incoming work counts.
        if (target?.kind === "method" && incomingMethod.test(target.name) && (target.name !== "next" || incomingSource.test(target.receiver.text))) return true;
      }
    }
    previous = ancestor;
  }
  return false;
}

/**
 * The spawn this rule reports, if `call` is one: a task started per connection or message in a loop
 * with nothing bounding the count. detached-spawn defers to it, so one spawn gets one finding.
 */
export function unboundedSpawnOf(call: SyntaxNode, context: FileCheckContext): string | undefined {
  const { model } = context;
  const kind = taskSpawnKind(call, model) ?? joinSetSpawn(call, context);
  if (!kind || isAwaited(call)) return undefined;
  if (!isExecutorContext(model.contextOf(call))) return undefined;
  const loop = enclosingLoop(call, model);
  if (!loop) return undefined;
  const text = loop.text;
  if ((!drivenBy.test(text) && !inIncomingWorkBranch(call, context)) || bounded.test(text)) return undefined;
  if (joinedInIteration(call, loop, context) || keptInOneSlot(call, loop, context)) return undefined;
  return kind;
}

function check(call: SyntaxNode, context: FileCheckContext): void {
  const kind = unboundedSpawnOf(call, context);
  if (!kind) return;
  // One spawn, one finding: a dropped handle is named here rather than by detached-spawn.
  const statement = context.model.parentOf(call);
  const detached = kind !== "JoinSet::spawn" && statement !== undefined && droppedCallOf(statement)?.id === call.id;
  context.report(call, {
    message: `\`${kind}\` runs once per accepted connection or received message with no limit: under load (or a slow consumer) the number of tasks, their memory and sockets grow without bound${detached ? "; its JoinHandle is dropped too, so nothing sees how each task ends (an `Err` it returns, a panic as a `JoinError`)" : ""}`,
    help: detached
      ? "keep the tasks in a `JoinSet` and wait with `join_next()` when it reaches a limit (that also collects each task's result and panic), or acquire a permit from a `tokio::sync::Semaphore` (`let permit = sem.clone().acquire_owned().await?;` moved into the task)"
      : "bound the concurrency: acquire a permit from a `tokio::sync::Semaphore` (`let permit = sem.clone().acquire_owned().await?;` moved into the task), or keep tasks in a `JoinSet` and wait with `join_next()` when it reaches a limit",
  });
}

/**
 * `let h = tokio::spawn(…);` followed, in the same iteration, by a statement that awaits `h`
 * (`h.await`, `timeout(d, h).await`): one task at a time, spawned only to isolate panics or time out.
 */
function joinedInIteration(call: SyntaxNode, loop: SyntaxNode, context: FileCheckContext): boolean {
  const { model } = context;
  const binding = model.parentOf(call);
  if (binding?.type !== "let_declaration" || binding.childForFieldName("value")?.id !== call.id) return false;
  const name = binding.childForFieldName("pattern");
  if (name?.type !== "identifier") return false;
  const block = model.parentOf(binding);
  if (block?.type !== "block") return false;
  const uses = new RegExp(`\\b${name.text}\\b`);
  let after = false;
  for (const statement of namedChildren(block)) {
    if (statement.id === binding.id) {
      after = true;
      continue;
    }
    if (after && uses.test(statement.text) && /\.\s*await\b/.test(statement.text)) return model.startOffset(statement) < model.endOffset(loop);
  }
  return false;
}

/** `if self.worker.is_none() { self.worker = Some(tokio::spawn(…)); }`: at most one live task. */
function keptInOneSlot(call: SyntaxNode, loop: SyntaxNode, context: FileCheckContext): boolean {
  for (const ancestor of context.model.ancestors(call)) {
    if (ancestor.id === loop.id) return false;
    if (ancestor.type !== "if_expression") continue;
    const slot = /([\w.]+)\s*\.\s*is_none\s*\(\s*\)/.exec(ancestor.childForFieldName("condition")?.text ?? "")?.[1];
    if (!slot) continue;
    const escaped = slot.replace(/[.]/g, "\\.");
    if (new RegExp(`${escaped}\\s*=\\s*Some\\s*\\(|${escaped}\\s*\\.\\s*(insert|replace|get_or_insert_with)\\s*\\(`).test(ancestor.childForFieldName("consequence")?.text ?? "")) return true;
  }
  return false;
}

function joinSetSpawn(call: SyntaxNode, context: FileCheckContext): string | undefined {
  const target = context.model.resolveCall(call);
  return target?.kind === "method" && target.name === "spawn" && /set|tasks|join/i.test(target.receiver.text) ? "JoinSet::spawn" : undefined;
}

export const unboundedSpawn: LintRule = {
  id: "unbounded-spawn",
  defaultSeverity: "warning",
  summary: "task spawned per connection or message in a loop with nothing bounding the count",
  visitors: { call_expression: check },
};
