import type { SyntaxNode } from "../../rust/parser.ts";
import { isExecutorContext } from "../../rust/file-model.ts";
import { isAwaited, namedChildren } from "../../rust/syntax.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";
import { enclosingLoop } from "./select-helpers.ts";
import { taskSpawnKind } from "./spawn-calls.ts";

/** Loops driven by incoming work: accepted connections, received messages, stream items. */
const drivenBy = /\.\s*(accept|recv|recv_from|next|next_line|incoming|read_message|next_message)\s*\([^)]*\)\s*\.\s*await/;
/** Anything in the loop that caps the number of live tasks. */
const bounded = /\b(acquire|acquire_owned|acquire_many|acquire_many_owned|join_next|buffer_unordered|buffered|for_each_concurrent|try_acquire)\b|\.len\(\)\s*[<>]=?|\bMAX_|\bmax_(tasks|connections|concurrency)\b|\blimit/i;

function check(call: SyntaxNode, context: FileCheckContext): void {
  const { model } = context;
  const kind = taskSpawnKind(call, model) ?? joinSetSpawn(call, context);
  if (!kind || isAwaited(call)) return;
  if (!isExecutorContext(model.contextOf(call))) return;
  const loop = enclosingLoop(call, model);
  if (!loop) return;
  const text = loop.text;
  if (!drivenBy.test(text) || bounded.test(text)) return;
  if (joinedInIteration(call, loop, context) || keptInOneSlot(call, loop, context)) return;
  context.report(call, {
    message: `\`${kind}\` runs once per accepted connection or received message with no limit: under load (or a slow consumer) the number of tasks, their memory and sockets grow without bound`,
    help: "bound the concurrency: acquire a permit from a `tokio::sync::Semaphore` (`let permit = sem.clone().acquire_owned().await?;` moved into the task), or keep tasks in a `JoinSet` and wait with `join_next()` when it reaches a limit",
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
