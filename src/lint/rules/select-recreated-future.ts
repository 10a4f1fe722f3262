import type { SyntaxNode } from "../../rust/parser.ts";
import { callArguments } from "../../rust/syntax.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";
import { enclosingLoop, isBorrowedFuture, othersLeaveLoop, unwrapFuture } from "./select-helpers.ts";

const timerFunctions = /(^|::)(sleep|sleep_until|timeout|timeout_at|delay_for)$/;

/**
 * `sleep_until(deadline)` / `timeout_at(deadline, …)` with a deadline computed before the loop: the
 * re-created timer keeps the same instant, so it still fires on time. Only a deadline computed in the
 * branch itself (`Instant::now() + d`) moves with every iteration.
 */
function fixedDeadline(segments: string[], call: SyntaxNode): boolean {
  const name = segments[segments.length - 1]!;
  if (name !== "sleep_until" && name !== "timeout_at") return false;
  const deadline = callArguments(call)[0];
  return deadline !== undefined && !/\bnow\s*\(/.test(deadline.text);
}

function checkSelects(context: FileCheckContext): void {
  const { model } = context;
  for (const select of model.selects) {
    if (!enclosingLoop(select.site, model)) continue;
    for (const [index, branch] of select.branches.entries()) {
      const future = branch.future;
      if (!future || isBorrowedFuture(future) || othersLeaveLoop(select, index)) continue;
      const expression = unwrapFuture(future);
      if (expression.type !== "call_expression") continue;
      const target = model.resolveCall(expression);
      let what: string | undefined;
      if (target?.kind === "path" && timerFunctions.test(target.segments.join("::")) && !fixedDeadline(target.segments, expression)) {
        what = target.segments.join("::");
      }
      if (target?.kind === "method" && target.name === "tick" && target.receiver.type === "call_expression") {
        const inner = model.resolveCall(target.receiver);
        if (inner?.kind === "path" && /(^|::)interval(_at)?$/.test(inner.segments.join("::"))) what = `${inner.segments.join("::")}(…).tick()`;
      }
      if (!what) continue;
      context.report(future, {
        message: `\`${what}\` is created anew on every loop iteration: whenever another branch wins first, the timer restarts, so under steady traffic it never fires`,
        help: "create it once before the loop (`let timer = tokio::time::sleep(d); tokio::pin!(timer);`) and use `&mut timer` in the branch; for periodic work keep a `tokio::time::interval` outside the loop and select on `interval.tick()`",
      });
    }
  }
}

export const selectRecreatedFuture: LintRule = {
  id: "select-recreated-future",
  defaultSeverity: "warning",
  summary: "timer or interval re-created on each loop iteration in a select! branch",
  finishFile: checkSelects,
};
