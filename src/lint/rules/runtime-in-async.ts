import type { LintRule } from "../rule.ts";
import { checkDirectCall, checkHelperChains } from "./blocking-shared.ts";

/**
 * runtime-in-async: block_on (futures, tokio Runtime/Handle/LocalSet), Runtime::new and tokio's
 * blocking_* methods reached from async code: they panic ("Cannot start a runtime from within a
 * runtime") or deadlock. Docs: docs/rules/runtime-in-async.md.
 */
export const runtimeInAsync: LintRule = {
  id: "runtime-in-async",
  defaultSeverity: "error",
  summary: "nested runtime or tokio blocking_* call in an async context (panics or deadlocks)",
  visitors: {
    call_expression: (node, context) => checkDirectCall("runtime", node, context),
  },
  checkCrate: (context) => checkHelperChains("runtime", context),
};
