import type { SyntaxNode } from "../../rust/parser.ts";
import { callArguments } from "../../rust/syntax.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";
import { enclosingPollFunction } from "./poll-methods.ts";

const pushMethods = new Set(["push", "push_back", "push_front"]);

function checkWakerPush(call: SyntaxNode, context: FileCheckContext): void {
  const { model } = context;
  const target = model.resolveCall(call);
  if (target?.kind !== "method" || !pushMethods.has(target.name)) return;
  const poll = enclosingPollFunction(call, model);
  if (!poll) return;
  const argument = callArguments(call)[0];
  if (!argument) return;
  const fresh = new RegExp(`\\b${poll.cx}\\s*\\.\\s*waker\\s*\\(\\s*\\)\\s*\\.\\s*clone\\s*\\(\\s*\\)`);
  const text = argument.text;
  const viaLocal = /^\w+$/.test(text) && new RegExp(`let\\s+(mut\\s+)?${text}\\s*=\\s*${fresh.source}`).test(poll.fn.text);
  if (!fresh.test(text) && !viaLocal) return;
  // Replacing or de-duplicating before the push keeps the list bounded.
  if (/will_wake\s*\(|\.retain\s*\(|\.clear\s*\(\s*\)|\.dedup/.test(poll.fn.text)) return;
  context.report(call, {
    message: "stores a new waker clone on every poll without replacing the old one: the list grows with every spurious poll and every stored clone keeps the task alive",
    help: "keep one waker slot and replace it (`self.waker = Some(cx.waker().clone())`, skipping the clone when `w.will_wake(cx.waker())`), or use `futures::task::AtomicWaker::register`",
  });
}

export const wakerHoarding: LintRule = {
  id: "waker-hoarding",
  defaultSeverity: "warning",
  summary: "a fresh waker clone pushed on every poll without replacing the old one",
  visitors: { call_expression: checkWakerPush },
};
