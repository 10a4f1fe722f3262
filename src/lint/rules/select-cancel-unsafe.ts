import type { FileCheckContext, CrateCheckContext, LintRule } from "../rule.ts";
import { cancelSafeAlternative, cancelUnsafeOperation, dataLosingMethods, unwrapCancellable, type WrappedOperation } from "../catalog/cancel-safety.ts";
import { localCallOf } from "../local-calls.ts";
import { spanOf } from "../facts-collector.ts";
import { CallGraph } from "../call-graph.ts";
import { enclosingLoop, isBorrowedFuture, othersLeaveLoop } from "./select-helpers.ts";

/** The message of a data-losing operation used as a branch: what it is, what is lost, why it repeats. */
export function cancelUnsafeMessage(op: WrappedOperation): string {
  const inside = op.wrappers.length > 0 ? ` (inside ${op.wrappers.map((w) => `\`${w}\``).join(" inside ")}, which is dropped with it)` : "";
  return `\`${op.operation}\`${inside} is not cancel-safe: when another branch of this \`select!\` wins, the future is dropped and ${dataLosingMethods.get(op.operation)!.lost}; in a loop this happens every iteration`;
}

export function userFunctionMessage(callee: string, operation: string): string {
  return `\`${callee}\` awaits \`${operation}\`, which is not cancel-safe: when another branch of this \`select!\` wins, the call is dropped mid-way and ${dataLosingMethods.get(operation)!.lost}`;
}

export const userFunctionHelp =
  "create the future once before the loop and poll `&mut fut` (pinned), or restructure so the select only waits on cancel-safe operations and the non-cancel-safe work runs in the handler";

function checkSelects(context: FileCheckContext): void {
  const { model, facts, bindings } = context;
  for (const select of model.selects) {
    if (!enclosingLoop(select.site, model)) continue;
    if (select.branches.length < 2) continue;
    for (const [index, branch] of select.branches.entries()) {
      const future = branch.future;
      if (!future || isBorrowedFuture(future) || othersLeaveLoop(select, index)) continue;
      // Wrappers (`timeout(d, fut)`, `Box::pin(fut)`, `async { fut.await }`) are dropped with what they hold.
      const op = cancelUnsafeOperation(future, model, bindings);
      if (op) {
        context.report(future, { message: cancelUnsafeMessage(op), help: cancelSafeAlternative(op.operation) });
        continue;
      }
      const expression = unwrapCancellable(future, model, []);
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
      const operation = target.cancelUnsafeAwait!;
      if (!dataLosingMethods.has(operation)) continue;
      context.report({
        ...site,
        message: userFunctionMessage(target.key, operation),
        help: userFunctionHelp,
        chain: [site.callerName, target.key, operation],
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
