import type { FileCheckContext, CrateCheckContext, LintRule } from "../rule.ts";
import { cancelUnsafeOperation, dataLosingMethods, firstAwaitedCancelUnsafe } from "../catalog/cancel-safety.ts";
import { localCallOf } from "../local-calls.ts";
import { spanOf } from "../facts-collector.ts";
import { CallGraph } from "../call-graph.ts";
import { enclosingLoop, isBorrowedFuture, othersLeaveLoop, unwrapFuture } from "./select-helpers.ts";

function checkSelects(context: FileCheckContext): void {
  const { model, facts } = context;
  for (const select of model.selects) {
    if (!enclosingLoop(select.site, model)) continue;
    if (select.branches.length < 2) continue;
    for (const [index, branch] of select.branches.entries()) {
      const future = branch.future;
      if (!future || isBorrowedFuture(future) || othersLeaveLoop(select, index)) continue;
      const expression = unwrapFuture(future);
      // An inline `async { … }` branch is dropped mid-way like any other future: look at what it awaits.
      const op = expression.type === "async_block" ? firstAwaitedCancelUnsafe(expression, model) : cancelUnsafeOperation(expression, model);
      if (op) {
        context.report(future, {
          message: `\`${op}\` is not cancel-safe: when another branch of this \`select!\` wins, the future is dropped and ${dataLosingMethods.get(op)}; in a loop this happens every iteration`,
          help: op === "send"
            ? "reserve capacity in the select (`permit = tx.reserve()`) and send with the permit in the handler, or move the send out of the select"
            : "create the future once before the loop and poll `&mut fut` (pinned with `tokio::pin!`), or use a cancel-safe operation (`read`, `read_buf` with your own buffer, a framed codec's `next()`)",
        });
        continue;
      }
      if (expression.type === "call_expression") {
        const local = localCallOf(expression, model);
        const exec = model.contextOf(select.site);
        if (local && exec.fn) {
          facts.callSites.push({
            ...spanOf(model, future),
            callee: local,
            callerImpl: exec.fn.implType,
            callerName: exec.fn.qualifiedName,
            kind: "select-branch-in-loop",
          });
        }
      }
    }
  }
}

function checkUserFunctions(context: CrateCheckContext): void {
  const graph = new CallGraph(context.crate);
  for (const file of context.crate.files) {
    for (const site of file.callSites) {
      if (site.kind !== "select-branch-in-loop") continue;
      const targets = graph.resolve(site.callee, site.file, site.callerImpl);
      if (targets.length === 0 || !targets.every((fn) => fn.isAsync && fn.cancelUnsafeAwait)) continue;
      const target = targets[0]!;
      context.report({
        ...site,
        message: `\`${target.key}\` awaits \`${target.cancelUnsafeAwait}\`, which is not cancel-safe: when another branch of this \`select!\` wins, the call is dropped mid-way and ${dataLosingMethods.get(target.cancelUnsafeAwait!)}`,
        help: "create the future once before the loop and poll `&mut fut` (pinned), or restructure so the select only waits on cancel-safe operations and the non-cancel-safe work runs in the handler",
        chain: [site.callerName, target.key, target.cancelUnsafeAwait!],
      });
    }
  }
}

export const selectCancelUnsafe: LintRule = {
  id: "select-cancel-unsafe",
  defaultSeverity: "warning",
  summary: "non-cancel-safe future as a select! branch inside a loop (data loss)",
  finishFile: checkSelects,
  checkCrate: checkUserFunctions,
};
