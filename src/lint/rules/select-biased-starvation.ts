import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel, SelectMacro } from "../../rust/file-model.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";
import { enclosingLoop, unwrapFuture } from "./select-helpers.ts";

const streamLike = /^(recv|recv_many|next|tick|accept|changed|read|read_buf|next_line|recv_from|readable|next_message)$/;
/** Sources a peer can keep ready without pause: channels, streams, sockets, listeners. */
const dataLike = /^(recv|recv_many|next|try_next|select_next_some|accept|read|read_buf|next_line|recv_from|readable|next_message)$/;
const timerPath = /(^|::)(sleep|sleep_until|timeout|timeout_at|interval)$/;
const shutdownLike = /shutdown|cancel|signal|ctrl_c|terminate|stop|quit|exit|kill|close/i;
/**
 * Sources that cannot stay ready on their own: named as a priority or low-rate control input (a user's
 * keys, a UI, config reloads), or as completions of work this loop started (in-flight requests, acks),
 * which run dry once that work is done.
 */
const notBusyName = /urgent|priorit|\bprio|high|control|ctrl|command|\bcmds?\b|admin|config|reload|\bui\b|ui_|input|key|in_?flight|pending|tasks|futures|handles|\backs?\b|ack_|_acks?\b|completion|join/i;
/** A comment in the select that says the order is deliberate. */
const deliberateOrder = /\/\/[^\n]*\b(always\s+biased|biased\s+(to|towards|so|because)|prioriti[sz]e|priority|prefer)/i;

interface Branch {
  future: SyntaxNode;
  pattern: string;
  method?: string;
  timer: boolean;
}

function describe(select: SelectMacro, model: FileModel): Branch[] {
  return select.branches.flatMap((branch) => {
    if (!branch.future) return [];
    const expression = unwrapFuture(branch.future);
    const target = expression.type === "call_expression" ? model.resolveCall(expression) : undefined;
    const method = target?.kind === "method" ? target.name : undefined;
    const timer = (target?.kind === "path" && timerPath.test(target.segments.join("::"))) || method === "tick";
    return [{ future: branch.future, pattern: branch.patternText ?? "", method, timer }];
  });
}

const isShutdown = (b: Branch) => shutdownLike.test(b.future.text) || shutdownLike.test(b.pattern);
const quote = (b: Branch) => `\`${b.future.text.replace(/\s+/g, " ")}\``;

export function starvedShutdownMessage(method: string, shutdown: string): string {
  return `with \`biased;\` this \`${method}()\` branch is polled before the shutdown branch ${shutdown}: while it stays ready (a busy stream), shutdown never wins; tokio's coop budget does not rescue it, since once the budget runs out a shutdown branch that is a tokio resource returns Pending too and the next poll starts with the busy branch again`;
}

export function starvedBranchesMessage(method: string, later: string[]): string {
  return `with \`biased;\` this \`${method}()\` branch is polled first on every iteration: while it stays ready (a busy, peer-fed channel or stream) the branches after it (${later.join(", ")}) never win; tokio's coop budget does not rescue them, since once it runs out the later tokio branches return Pending too`;
}

function checkSelects(context: FileCheckContext): void {
  const { model } = context;
  for (const select of model.selects) {
    if (!select.body.biased || !enclosingLoop(select.site, model)) continue;
    if (deliberateOrder.test(select.site.text)) continue;
    const branches = describe(select, model);
    const busy = (b: Branch) => b.method !== undefined && !notBusyName.test(b.future.text);
    const shutdownIndex = branches.findIndex(isShutdown);
    // A busy stream before the shutdown branch.
    const beforeShutdown = shutdownIndex > 0 ? branches.slice(0, shutdownIndex).find((b) => busy(b) && streamLike.test(b.method!)) : undefined;
    if (beforeShutdown) {
      context.report(beforeShutdown.future, {
        message: starvedShutdownMessage(beforeShutdown.method!, quote(branches[shutdownIndex]!)),
        help: "put the shutdown/cancel branch first in a biased select, or drop `biased;` so tokio picks the first branch at random",
      });
      continue;
    }
    // A busy data branch before other data or timer branches, wherever shutdown is.
    for (const [index, branch] of branches.entries()) {
      if (!busy(branch) || !dataLike.test(branch.method!) || isShutdown(branch)) continue;
      const later = branches.slice(index + 1).filter((b) => !isShutdown(b) && (b.timer || (b.method !== undefined && dataLike.test(b.method))));
      if (later.length === 0) continue;
      context.report(branch.future, {
        message: starvedBranchesMessage(branch.method!, later.map(quote)),
        help: "drop `biased;` so tokio starts at a random branch, or put the timers and low-rate branches before the busy one; if the order is a deliberate priority, say so with `// async-doctor: allow(select-biased-starvation) reason`",
        // Whether this source can stay ready is a matter of load the source does not show: a note.
        severity: "note",
      });
      break;
    }
  }
}

export const selectBiasedStarvation: LintRule = {
  id: "select-biased-starvation",
  defaultSeverity: "warning",
  summary: "biased select! polls a busy stream before the shutdown branch or before other data and timer branches",
  finishFile: checkSelects,
};
