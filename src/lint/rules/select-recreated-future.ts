import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel, SelectMacro } from "../../rust/file-model.ts";
import { callArguments } from "../../rust/syntax.ts";
import type { Severity } from "../finding.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";
import { enclosingLoop, isBorrowedFuture, leavesLoop, othersLeaveLoop, unwrapFuture } from "./select-helpers.ts";

const timerFunctions = /(^|::)(sleep|sleep_until|timeout|timeout_at|delay_for|delay_until)$/;

/**
 * Futures that stand for a source that outlives the iteration (a channel, a stream, a listener, a
 * signal): re-creating them each iteration loses nothing. Anything else made in the branch is a fresh
 * operation, a request, whose timer is meant to restart with it.
 */
const persistentSource = /^(recv|recv_many|recv_from|try_recv|next|try_next|next_line|next_message|next_entry|select_next_some|accept|tick|changed|notified|cancelled|readable|writable|ready|read|read_buf|join_next|wait_for|closed)$/;

/** Names that say a duration is an inactivity timeout: then restarting on every event is the point. */
const inactivityName = /idle|inactiv|keep_?alive|silen(ce|t)|quiet|since_last|heartbeat_timeout|read_timeout|ping_timeout/i;

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

/** A future made afresh for this iteration that is not a read from a persistent source. */
function isFreshRequest(expression: SyntaxNode | undefined, model: FileModel): boolean {
  if (!expression || isBorrowedFuture(expression)) return false;
  const inner = unwrapFuture(expression);
  if (inner.type === "async_block") return true;
  if (inner.type !== "call_expression") return false;
  const target = model.resolveCall(inner);
  if (!target) return false;
  const name = target.kind === "method" ? target.name : target.segments[target.segments.length - 1]!;
  return !persistentSource.test(name) && !timerFunctions.test(name);
}

interface Timer {
  /** How the timer is named in the message. */
  what: string;
  kind: "timer" | "interval";
  duration?: SyntaxNode;
  /** For `timeout(d, fut)`: the future it guards. */
  guarded?: SyntaxNode;
}

function timerOf(expression: SyntaxNode, model: FileModel): Timer | undefined {
  if (expression.type !== "call_expression") return undefined;
  const target = model.resolveCall(expression);
  if (target?.kind === "path" && timerFunctions.test(target.segments.join("::")) && !fixedDeadline(target.segments, expression)) {
    const args = callArguments(expression);
    const name = target.segments[target.segments.length - 1]!;
    return { what: target.segments.join("::"), kind: "timer", duration: args[0], guarded: name.startsWith("timeout") ? args[1] : undefined };
  }
  if (target?.kind === "method" && target.name === "tick" && target.receiver.type === "call_expression") {
    const inner = model.resolveCall(target.receiver);
    if (inner?.kind === "path" && /(^|::)interval(_at)?$/.test(inner.segments.join("::"))) {
      return { what: `${inner.segments.join("::")}(…).tick()`, kind: "interval", duration: callArguments(target.receiver)[0] };
    }
  }
  return undefined;
}

type Intent = "idle-exit" | "request-limit" | "named-inactivity";

/** Why a re-created timer looks intended, which lowers the finding to a note; undefined when nothing says so. */
function intendedRestart(timer: Timer, select: SelectMacro, index: number, model: FileModel): Intent | undefined {
  if (leavesLoop(select.branches[index]!.handler)) return "idle-exit";
  if (timer.guarded && isFreshRequest(timer.guarded, model)) return "request-limit";
  const competing = select.branches.filter((branch, i) => i !== index && branch.future && !select.body.branches[i]?.special);
  if (competing.length > 0 && competing.every((branch) => isFreshRequest(branch.future, model))) return "request-limit";
  if (timer.duration && inactivityName.test(timer.duration.text)) return "named-inactivity";
  return undefined;
}

const deadlineHelp =
  "if a deadline for the whole loop was meant, create the timer once before the loop (`let deadline = tokio::time::sleep(d); tokio::pin!(deadline);`) and select on `&mut deadline`";
const periodHelp = "for periodic work keep a `tokio::time::interval` outside the loop and select on `interval.tick()`";
const allowHelp = "if the restart is what you want, say so with `// async-doctor: allow(select-recreated-future) reason`";

/** The finding's texts: each says what the code does, which is right in one reading and a bug in the other. */
export function recreatedTimerTexts(what: string, duration: string, kind: Timer["kind"], intent: Intent | undefined): { message: string; help: string; severity?: Severity } {
  if (kind === "interval") {
    return {
      message: `\`${what}\` makes a new \`Interval\` on every loop iteration, and a new interval's first tick completes immediately: this branch is ready at once every time instead of once per period`,
      help: "create the interval once before the loop (`let mut ticker = tokio::time::interval(d);`) and select on `ticker.tick()`",
    };
  }
  switch (intent) {
    case "idle-exit":
      return {
        message: `\`${what}\` restarts on every loop iteration and its branch ends the loop: the loop exits once ${duration} passes with no other branch winning (an idle timeout); under steady traffic it never exits`,
        help: `${deadlineHelp}; ${allowHelp}`,
        severity: "note",
      };
    case "request-limit":
      return {
        message: `\`${what}\` is created anew with the request it guards on every loop iteration: each request gets its own ${duration} (a per-request time limit), and the limit restarts whenever another branch wins first`,
        help: `${deadlineHelp}; ${allowHelp}`,
        severity: "note",
      };
    case "named-inactivity":
      return {
        message: `\`${what}\` restarts on every loop iteration: it fires only after ${duration} passes with no other branch winning (an inactivity timeout, as its name says); under steady traffic it never fires`,
        help: `${deadlineHelp}; ${periodHelp}; ${allowHelp}`,
        severity: "note",
      };
    default:
      return {
        message: `\`${what}\` is created anew on every loop iteration: it fires only after ${duration} passes with no other branch winning first, so under steady traffic it never fires; that is right for an inactivity timeout, but a bug if a deadline for the whole loop or a period was meant`,
        help: `${deadlineHelp}; ${periodHelp}; ${allowHelp}`,
      };
  }
}

function checkSelects(context: FileCheckContext): void {
  const { model } = context;
  for (const select of model.selects) {
    if (!enclosingLoop(select.site, model)) continue;
    for (const [index, branch] of select.branches.entries()) {
      const future = branch.future;
      if (!future || isBorrowedFuture(future) || othersLeaveLoop(select, index)) continue;
      const timer = timerOf(unwrapFuture(future), model);
      if (!timer) continue;
      const intent = timer.kind === "timer" ? intendedRestart(timer, select, index, model) : undefined;
      context.report(future, recreatedTimerTexts(timer.what, timer.duration ? `\`${timer.duration.text}\`` : "its duration", timer.kind, intent));
    }
  }
}

export const selectRecreatedFuture: LintRule = {
  id: "select-recreated-future",
  defaultSeverity: "warning",
  summary: "timer or interval re-created on each loop iteration in a select! branch",
  finishFile: checkSelects,
};
