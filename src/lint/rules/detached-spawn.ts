import type { SyntaxNode } from "../../rust/parser.ts";
import { droppedCallOf } from "../../rust/syntax.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";
import { taskSpawnKind } from "./spawn-calls.ts";

function check(statement: SyntaxNode, context: FileCheckContext): void {
  const { model } = context;
  const call = droppedCallOf(statement);
  if (!call) return;
  const kind = taskSpawnKind(call, model);
  if (!kind) return;
  context.report(call, {
    message: `the JoinHandle of \`${kind}\` is dropped: the task runs detached, and if it panics or returns an error nobody sees it`,
    help: "keep the handle and await it (or hold tasks in a `tokio::task::JoinSet` and drain it with `join_next()`); if fire-and-forget is intended, handle errors and panics inside the task and say so with `// async-doctor: allow(detached-spawn) reason`",
  });
}

export const detachedSpawn: LintRule = {
  id: "detached-spawn",
  defaultSeverity: "warning",
  summary: "spawned task's JoinHandle dropped: its panic and result are lost",
  visitors: { expression_statement: check, let_declaration: check },
};
