import type { FileCheckContext, LintRule } from "../rule.ts";
import { enclosingLoop, unwrapFuture } from "./select-helpers.ts";

const streamLike = /^(recv|recv_many|next|tick|accept|changed|read|read_buf|next_line|recv_from|readable|next_message)$/;
const shutdownLike = /shutdown|cancel|signal|ctrl_c|terminate|stop|quit|exit|kill|close/i;

function checkSelects(context: FileCheckContext): void {
  const { model } = context;
  for (const select of model.selects) {
    if (!select.body.biased || !enclosingLoop(select.site, model)) continue;
    const branches = select.branches.filter((b) => b.future);
    const shutdownIndex = branches.findIndex((b) => shutdownLike.test(b.future!.text) || shutdownLike.test(b.patternText ?? ""));
    if (shutdownIndex <= 0) continue;
    for (const branch of branches.slice(0, shutdownIndex)) {
      const expression = unwrapFuture(branch.future!);
      const target = expression.type === "call_expression" ? model.resolveCall(expression) : undefined;
      if (target?.kind !== "method" || !streamLike.test(target.name)) continue;
      context.report(branch.future!, {
        message: `with \`biased;\` this \`${target.name}()\` branch is polled before the shutdown branch \`${branches[shutdownIndex]!.future!.text}\`: while it is always ready (a busy stream), shutdown is never seen`,
        help: "put the shutdown/cancel branch first in a biased select, or drop `biased;` so tokio picks the first branch at random",
      });
      break;
    }
  }
}

export const selectBiasedStarvation: LintRule = {
  id: "select-biased-starvation",
  defaultSeverity: "warning",
  summary: "biased select! polls a stream-like branch before the shutdown branch",
  finishFile: checkSelects,
};
