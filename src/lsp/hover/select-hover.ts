import type { FileModel, SelectMacro } from "../../rust/file-model.ts";
import type { SyntaxNode } from "../../rust/parser.ts";
import type { FunctionFacts } from "../../lint/facts.ts";
import { cancelSafeMethods, cancelUnsafeOperation, dataLosingMethods, firstAwaitedCancelUnsafe } from "../../lint/catalog/cancel-safety.ts";
import { isBorrowedFuture, unwrapFuture } from "../../lint/rules/select-helpers.ts";
import { callTarget } from "../../rust/syntax.ts";
import type { HoverPart } from "./await-hover.ts";

export type BranchSafety = { kind: "safe" | "unsafe" | "unknown"; reason: string };

/**
 * Cancel safety of one select! branch's future: tokio's documented lists (the lint's catalog), a
 * future polled by reference (not dropped, it resumes next time), an inline async block by what it
 * awaits, a call of one of the crate's async fns by what that fn awaits.
 */
export function branchSafety(future: SyntaxNode, model: FileModel, crateAsyncFns: (name: string) => FunctionFacts[]): BranchSafety {
  if (isBorrowedFuture(future)) return { kind: "safe", reason: "polled by reference: losing the race does not drop it, it resumes where it was" };
  const expression = unwrapFuture(future);
  if (expression.type === "async_block") {
    const op = firstAwaitedCancelUnsafe(expression, model);
    return op
      ? { kind: "unsafe", reason: `the block awaits \`${op}\`: ${dataLosingMethods.get(op)}` }
      : { kind: "unknown", reason: "an async block: dropped mid-way, the rest of it does not run (no data-losing operation from tokio's lists in it)" };
  }
  const wrapped = cancelUnsafeOperation(expression, model);
  if (wrapped) {
    const inside = wrapped.wrappers.length > 0 ? ` (inside \`${wrapped.wrappers.join("` → `")}\`, still dropped mid-way)` : "";
    return { kind: "unsafe", reason: `\`${wrapped.operation}\`${inside}: ${dataLosingMethods.get(wrapped.operation)}` };
  }
  const target = callTarget(expression);
  if (!target) return { kind: "unknown", reason: "not a call this analysis recognises" };
  const name = target.kind === "method" ? target.name : target.segments[target.segments.length - 1]!;
  if (target.kind === "method" && cancelSafeMethods.has(name)) return { kind: "safe", reason: `\`${name}\` is documented cancel safe` };
  if (target.kind === "path" && /^(sleep|sleep_until)$/.test(name)) return { kind: "safe", reason: "a timer: dropping it only stops the timer (re-created in a loop it restarts, see select-recreated-future)" };
  const local = crateAsyncFns(name);
  if (local.length === 1 && local[0]!.isAsync) {
    const fn = local[0]!;
    return fn.cancelUnsafeAwait
      ? { kind: "unsafe", reason: `\`${fn.key}\` awaits \`${fn.cancelUnsafeAwait}\`: ${dataLosingMethods.get(fn.cancelUnsafeAwait)}` }
      : { kind: "unknown", reason: `\`${fn.key}\` (this crate) awaits nothing from tokio's data-losing list; dropped mid-way, its remaining code does not run` };
  }
  return { kind: "unknown", reason: `\`${name}\` is not in tokio's cancel-safety lists: check its documentation` };
}

const marks: Record<BranchSafety["kind"], string> = { safe: "✓ cancel safe", unsafe: "✗ **not cancel safe**", unknown: "? unknown" };

/** Hover on the `select!` name: each branch's cancel safety, since the losers are dropped. */
export function selectHover(model: FileModel, offset: number, crateAsyncFns: (name: string) => FunctionFacts[]): HoverPart | undefined {
  const select = model.selects.find((candidate) => onMacroName(model, candidate, offset));
  if (!select) return undefined;
  const name = select.site.childForFieldName("macro")!;
  const lines: string[] = [];
  const biased = select.body.biased ? " (`biased;`: polled in order, the first branches win ties)" : " (branches polled in random order)";
  lines.push(`**\`${select.flavor}::select!\`** — ${select.branches.length} branch${select.branches.length === 1 ? "" : "es"}${biased}. When one completes, the other branches' futures are dropped.`);
  lines.push("");
  select.branches.forEach((branch, index) => {
    const special = select.body.branches[index]?.special;
    if (special) {
      lines.push(`${index + 1}. \`${special}\` — runs when ${special === "else" ? "every branch is disabled" : special === "complete" ? "all futures completed" : "no branch is ready"}`);
      return;
    }
    if (!branch.future) return;
    const safety = branchSafety(branch.future, model, crateAsyncFns);
    const guard = branch.precondition ? `, if \`${shorten(branch.precondition.text)}\`` : "";
    lines.push(`${index + 1}. \`${shorten(branch.future.text)}\`${guard} — ${marks[safety.kind]}: ${safety.reason}`);
  });
  lines.push("");
  lines.push("More: `async-doctor explain select` · rule `select-cancel-unsafe`");
  return { markdown: lines.join("\n"), startOffset: model.startOffset(name), endOffset: model.endOffset(name) + 1 };
}

function onMacroName(model: FileModel, select: SelectMacro, offset: number): boolean {
  const name = select.site.childForFieldName("macro");
  // The name and its `!`.
  return name !== null && offset >= model.startOffset(name) && offset <= model.endOffset(name) + 1;
}

function shorten(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
