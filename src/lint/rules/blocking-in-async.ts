import type { LintRule } from "../rule.ts";
import { checkDirectCall, checkHelperChains } from "./blocking-shared.ts";

/**
 * blocking-in-async: std::thread::sleep, std::fs, std::net, std mpsc/Condvar, std::process, stdin,
 * JoinHandle::join, reqwest::blocking… in an async fn, async block or poll method, directly or through
 * sync helpers of the same crate. Docs: docs/rules/blocking-in-async.md.
 */
export const blockingInAsync: LintRule = {
  id: "blocking-in-async",
  defaultSeverity: "warning",
  summary: "blocking call in an async context (directly or through sync helpers)",
  visitors: {
    call_expression: (node, context) => checkDirectCall("blocking", node, context),
  },
  checkCrate: (context) => checkHelperChains("blocking", context),
};
