import type { SyntaxNode } from "../../rust/parser.ts";
import { isExecutorContext, type ExecContext } from "../../rust/file-model.ts";
import { classifyCall, type BlockingCall } from "../catalog/blocking-calls.ts";
import type { CrateCheckContext, FileCheckContext } from "../rule.ts";
import type { Fix } from "../finding.ts";
import { CallGraph } from "../call-graph.ts";

/**
 * blocking-in-async and runtime-in-async share the detection (the blocking-call catalogue and the
 * crate call graph) and differ in which category they report.
 */
export function checkDirectCall(category: BlockingCall["category"], call: SyntaxNode, context: FileCheckContext): void {
  const { model, bindings, config } = context;
  const exec = model.contextOf(call);
  if (!isExecutorContext(exec)) return;
  const blocking = classifyCall(call, model, bindings, { functions: config.blockingFunctions });
  if (!blocking || blocking.category !== category) return;
  const where = describeContext(exec);
  context.report(call, {
    message: `\`${blocking.api}\` ${category === "runtime" ? "inside" : "blocks the runtime in"} ${where}: it ${blocking.effect ?? "blocks the worker thread"}`,
    help: `${blocking.replacement}${category === "blocking" && blocking.offload !== false ? "; for work that must block, move it into `tokio::task::spawn_blocking`" : ""}`,
    fix: fixFor(blocking, call, exec, context),
    insideClosureFor: closureArgumentOfLocalCall(call, context),
  });
}

/** `asyncify(move || std::fs::read(p))`: the local fn a closure holding `node` is passed to. */
function closureArgumentOfLocalCall(node: SyntaxNode, context: FileCheckContext): string | undefined {
  const { model } = context;
  for (let boundary = model.ownerBoundary(node); boundary?.type === "closure_expression"; boundary = model.ownerBoundary(boundary)) {
    const args = model.parentOf(boundary);
    const call = args?.type === "arguments" ? model.parentOf(args) : undefined;
    if (call?.type !== "call_expression") continue;
    const target = model.resolveCall(call);
    if (target?.kind === "path") return target.segments[target.segments.length - 1];
    if (target?.kind === "method") return target.name;
  }
  return undefined;
}

export function describeContext(exec: ExecContext): string {
  const name = exec.fn ? `\`${exec.fn.qualifiedName}\`` : "this code";
  switch (exec.kind) {
    case "async-fn":
      return `async fn ${name}`;
    case "async-block":
      return `an async block in ${name}`;
    case "async-closure":
      return `an async closure in ${name}`;
    case "poll":
      return `${name} (a poll method runs on the executor)`;
    default:
      return name;
  }
}

function fixFor(blocking: BlockingCall, call: SyntaxNode, exec: ExecContext, context: FileCheckContext): Fix | undefined {
  // Only async bodies can take an `.await`; poll methods cannot.
  if (exec.kind === "poll") return undefined;
  const args = call.childForFieldName("arguments");
  if (!args) return undefined;
  const { model } = context;
  const replace = (path: string, applicability: Fix["applicability"]): Fix => ({
    description: `replace with \`${path}(…).await\``,
    applicability,
    // From the file's own text: the tree may come from a same-length repair of it (grammar-gaps.ts).
    edits: [{ startOffset: model.startOffset(call), endOffset: model.endOffset(call), replacement: `${path}${model.source.text.slice(model.startOffset(args), model.endOffset(args))}.await` }],
  });
  if (blocking.api === "std::thread::sleep") {
    // Certain only as a whole statement: inside a larger expression the types could differ.
    const statement = model.parentOf(call);
    return replace("tokio::time::sleep", statement?.type === "expression_statement" ? "machine-applicable" : "maybe-incorrect");
  }
  const fsMatch = /^std::fs::(\w+)$/.exec(blocking.api);
  if (fsMatch) return replace(`tokio::fs::${fsMatch[1]}`, "maybe-incorrect");
  if (blocking.api === "std::fs::File::open" || blocking.api === "std::fs::File::create") {
    return replace(blocking.api.replace("std::fs", "tokio::fs"), "maybe-incorrect");
  }
  return undefined;
}

/** Crate pass: executor call sites whose callee reaches a blocking call through sync helpers. */
export function checkHelperChains(category: BlockingCall["category"], context: CrateCheckContext): void {
  const graph = new CallGraph(context.crate);
  for (const file of context.crate.files) {
    for (const site of file.callSites) {
      if (site.kind !== "executor") continue;
      const chain = graph.chainFromCall(site.callee, site.file, site.callerImpl);
      if (!chain || chain.blocking.category !== category) continue;
      const names = [site.callerName, ...chain.names, chain.blocking.api];
      const helper = chain.names[0]!;
      context.report({
        file: site.file,
        line: site.line,
        column: site.column,
        endLine: site.endLine,
        endColumn: site.endColumn,
        startOffset: site.startOffset,
        endOffset: site.endOffset,
        message: `\`${helper}\` is called from async code in \`${site.callerName}\` and ${category === "runtime" ? "reaches" : "blocks on"} \`${chain.blocking.api}\` (${chain.blocking.file}:${chain.blocking.line}): it ${chain.blocking.effect ?? "blocks the worker thread"}`,
        help: `call it through \`tokio::task::spawn_blocking(move || ${helper}(…)).await\`, or make the helper async and ${chain.blocking.replacement}`,
        chain: names,
      });
    }
  }
}
