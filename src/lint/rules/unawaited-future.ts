import type { SyntaxNode } from "../../rust/parser.ts";
import { droppedCallOf } from "../../rust/syntax.ts";
import type { CrateCheckContext, FileCheckContext, LintRule } from "../rule.ts";
import { localCallOf } from "../local-calls.ts";
import { spanOf } from "../facts-collector.ts";
import { CallGraph } from "../call-graph.ts";

function collect(statement: SyntaxNode, context: FileCheckContext): void {
  const { model, facts } = context;
  const call = droppedCallOf(statement);
  if (!call) return;
  const local = localCallOf(call, model);
  if (!local) return;
  if (!local.viaSelf && !local.path) {
    // `x.method()` is tied to the crate's async fn only through x's declared type, not by name alone
    // (`self.buf.set_len(n)` on a Vec is not tokio's `File::set_len`).
    const target = model.resolveCall(call);
    const hint = target?.kind === "method" ? context.bindings.hintFor(target.receiver) : undefined;
    const typeName = hint?.typeText?.replace(/^&\s*(mut\s+)?/, "").match(/^(?:\w+::)*(\w+)/)?.[1];
    if (!typeName) return;
    local.receiverType = typeName;
  }
  const fn = model.enclosingFunction(call);
  facts.callSites.push({
    ...spanOf(model, call),
    callee: local,
    callerImpl: fn?.implType,
    callerName: fn?.qualifiedName ?? "<top level>",
    kind: "unawaited-statement",
  });
}

function checkCrate(context: CrateCheckContext): void {
  const graph = new CallGraph(context.crate);
  for (const file of context.crate.files) {
    for (const site of file.callSites) {
      if (site.kind !== "unawaited-statement") continue;
      const targets = graph.resolve(site.callee, site.file, site.callerImpl);
      if (targets.length === 0 || !targets.every((fn) => fn.isAsync)) continue;
      context.report({
        ...site,
        message: `\`${targets[0]!.key}\` is an async fn: calling it only builds a future, and this statement drops it unpolled, so none of its code runs`,
        help: "add `.await` (or spawn it with `tokio::spawn` if it should run in the background)",
      });
    }
  }
}

export const unawaitedFuture: LintRule = {
  id: "unawaited-future",
  defaultSeverity: "error",
  summary: "call of one of the crate's async fns whose future is dropped unpolled",
  visitors: { expression_statement: collect, let_declaration: collect },
  checkCrate,
};
