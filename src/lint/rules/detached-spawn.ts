import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel } from "../../rust/file-model.ts";
import { droppedCallOf, isBodyBoundary, namedChildren, isComment } from "../../rust/syntax.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";
import { taskSpawnKind } from "./spawn-calls.ts";
import { unboundedSpawnOf } from "./unbounded-spawn.ts";

const functionTypes: ReadonlySet<string> = new Set(["function_item"]);

/** `?`, or an `Ok(…)`/`Err(…)` it returns, in a body (not in closures or blocks nested in it). */
function returnsResult(body: SyntaxNode, model: FileModel): boolean {
  let found = false;
  model.visit((node) => {
    if (found) return false;
    if (node.id !== body.id && isBodyBoundary(node)) return false;
    if (node.type === "try_expression") found = true;
    if (node.type === "return_expression" && /^return\s+(Ok|Err)\s*\(/.test(node.text)) found = true;
    return !found;
  }, body);
  if (found) return true;
  const tail = body.type === "block" ? namedChildren(body).filter((n) => !isComment(n)).at(-1) : body;
  return tail !== undefined && tail.type !== "expression_statement" && /^(Ok|Err)\s*\(/.test(tail.text);
}

/** A fn of this file by name whose declared return type is a `Result`. */
function fileFnReturnsResult(name: string, model: FileModel): boolean {
  let result = false;
  model.forEachOfType(functionTypes, (fn) => {
    if (fn.childForFieldName("name")?.text === name && /\bResult\b/.test(fn.childForFieldName("return_type")?.text ?? "")) result = true;
  });
  return result;
}

/**
 * Whether what the task returns carries an error that dropping the handle discards: an async block or
 * closure using `?` or returning `Ok`/`Err`, or a call of one of this file's fns declared `-> Result`.
 */
function outputIsResult(call: SyntaxNode, model: FileModel): boolean {
  const argument = model.argumentsOf(call).at(-1);
  if (!argument) return false;
  const body = argument.type === "async_block" ? argument.namedChildren.find((n) => n?.type === "block") : argument.type === "closure_expression" ? argument.childForFieldName("body") : undefined;
  if (body) return returnsResult(body, model);
  if (argument.type === "call_expression") {
    const target = model.resolveCall(argument);
    const name = target?.kind === "path" ? target.segments[target.segments.length - 1] : target?.name;
    return name !== undefined && fileFnReturnsResult(name, model);
  }
  return false;
}

export function detachedSpawnTexts(kind: string, losesError: boolean): { message: string; help: string; severity: "warning" | "note" } {
  const panic = "a panic in it is printed by the panic hook but reaches no code as a `JoinError`, and nothing joins it before shutdown";
  return losesError
    ? {
        message: `the JoinHandle of \`${kind}\` is dropped, so the task runs detached: an \`Err\` it returns is discarded unseen, ${panic}`,
        help: "keep the handle and await it (or hold tasks in a `tokio::task::JoinSet` and drain it with `join_next()`), or handle the error inside the task; if fire-and-forget is intended, say so with `// async-doctor: allow(detached-spawn) reason`",
        severity: "warning",
      }
    : {
        message: `the JoinHandle of \`${kind}\` is dropped, so the task runs detached: ${panic}`,
        help: "keep the handle (or a `tokio::task::JoinSet`) where panics and shutdown are handled; if fire-and-forget is intended, say so with `// async-doctor: allow(detached-spawn) reason`",
        severity: "note",
      };
}

function check(statement: SyntaxNode, context: FileCheckContext): void {
  const { model } = context;
  const call = droppedCallOf(statement);
  if (!call) return;
  const kind = taskSpawnKind(call, model);
  if (!kind) return;
  // One spawn, one finding: an unbounded spawn's finding names the dropped handle too.
  if (context.activeRules.has("unbounded-spawn") && unboundedSpawnOf(call, context)) return;
  context.report(call, detachedSpawnTexts(kind, outputIsResult(call, model)));
}

export const detachedSpawn: LintRule = {
  id: "detached-spawn",
  defaultSeverity: "warning",
  summary: "spawned task's JoinHandle dropped: an error it returns is lost, its panic reaches no code",
  visitors: { expression_statement: check, let_declaration: check },
};
