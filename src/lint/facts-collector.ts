import type { SyntaxNode } from "../rust/parser.ts";
import { isExecutorContext, type FileModel } from "../rust/file-model.ts";
import { isAwaited } from "../rust/syntax.ts";
import type { FileCheckContext } from "./rule.ts";
import type { FunctionFacts, Span } from "./facts.ts";
import { classifyCall } from "./catalog/blocking-calls.ts";
import { localCallOf } from "./local-calls.ts";
import { firstAwaitedCancelUnsafe } from "./catalog/cancel-safety.ts";

/** Where a node is, as the plain data facts and crate findings carry. */
export function spanOf(model: FileModel, node: SyntaxNode, end: SyntaxNode = node): Span {
  const start = model.position(node);
  const stop = model.endPosition(end);
  return {
    file: model.source.displayPath,
    line: start.line,
    column: start.column,
    endLine: stop.line,
    endColumn: stop.column,
    startOffset: model.startOffset(node),
    endOffset: model.endOffset(end),
  };
}

/**
 * Builds the per-file facts of the crate-wide call graph during the engine's walk: for each sync fn
 * its direct blocking calls and its calls to possible local helpers; for each executor context its
 * calls to possible local helpers (the crate pass resolves them and reports blocking chains).
 */
export class FactsCollector {
  private readonly functionsById = new Map<number, FunctionFacts>();

  constructor(private readonly context: FileCheckContext) {}

  span(node: SyntaxNode, end: SyntaxNode = node): Span {
    return spanOf(this.context.model, node, end);
  }

  onFunction(node: SyntaxNode): void {
    const { model, facts } = this.context;
    const info = model.functionInfo(node);
    const nameNode = node.childForFieldName("name") ?? node;
    const fn: FunctionFacts = {
      ...this.span(nameNode),
      key: info.qualifiedName,
      name: info.name,
      implType: info.implType,
      traitName: info.traitName,
      // `#[tokio::main] async fn f()` is a plain fn to its callers, one that starts a runtime.
      isAsync: info.isAsync && !info.entryAttribute,
      blocking: info.entryAttribute?.startsWith("tokio::")
        ? [{ ...this.span(nameNode), category: "runtime", api: `#[${info.entryAttribute.split("(")[0]}] fn ${info.name}`, replacement: "call the async body directly (`.await` it) instead of a fn that builds its own runtime", effect: "starts a new runtime inside the running one (tokio panics: \"Cannot start a runtime from within a runtime\")" }]
        : [],
      calls: [],
      offloadsParameter: offloadsParameter(node),
    };
    if (info.isAsync && !info.entryAttribute) {
      const body = node.childForFieldName("body");
      fn.cancelUnsafeAwait = body ? firstAwaitedCancelUnsafe(body, model) : undefined;
    }
    this.functionsById.set(node.id, fn);
    facts.functions.push(fn);
  }

  onCall(call: SyntaxNode): void {
    const { model, bindings, config, facts } = this.context;
    const context = model.contextOf(call);
    if (context.kind === "offloaded" || !context.fn) return;
    if (context.kind === "sync") {
      const fn = this.functionsById.get(context.fn.node.id);
      if (!fn) return;
      const blocking = classifyCall(call, model, bindings, { functions: config.blockingFunctions });
      if (blocking) {
        fn.blocking.push({ ...this.span(call), ...blocking });
        return;
      }
      const local = localCallOf(call, model);
      if (local) fn.calls.push(local);
      return;
    }
    if (isExecutorContext(context)) {
      // `helper(..).await` returns a future: whatever it calls runs when polled, not in this call.
      if (isAwaited(call)) return;
      const local = localCallOf(call, model);
      if (!local) return;
      facts.callSites.push({
        ...this.span(call),
        callee: local,
        callerImpl: context.fn.implType,
        callerName: context.fn.qualifiedName,
        kind: "executor",
      });
    }
  }
}


/** The names of a fn's parameters, if it hands one of them to spawn_blocking / a thread / block_in_place. */
function offloadsParameter(fn: SyntaxNode): boolean {
  const parameters = fn.childForFieldName("parameters");
  const body = fn.childForFieldName("body");
  if (!parameters || !body) return false;
  const text = body.text;
  if (!text.includes("spawn") && !text.includes("block_in_place")) return false;
  const names = parameters.namedChildren
    .filter((p): p is SyntaxNode => p?.type === "parameter")
    .map((p) => p.childForFieldName("pattern")?.text)
    .filter((n): n is string => n !== undefined && /^\w+$/.test(n));
  if (names.length === 0) return false;
  const offload = new RegExp(`(spawn_blocking|block_in_place|thread::spawn|\\.spawn)\\s*\\(\\s*(move\\s*)?(\\|\\s*\\|\\s*)?(${names.join("|")})\\b`);
  return offload.test(text);
}
