/**
 * The MCP server's lint: every session's lint calls go to one shared worker pool with a queue
 * (src/lint/lint-pool.ts), never onto the event loop that serves all sessions.
 */
import { LintPool, type LintJob } from "../lint/lint-pool.ts";
import type { LintResult } from "../lint/api.ts";
import { serverLimits } from "./limits.ts";

let pool: LintPool | undefined;

export function sharedLintPool(): LintPool {
  if (!pool) {
    const bounds = serverLimits();
    pool = new LintPool(bounds.lintWorkers, bounds.maxQueuedLints);
  }
  return pool;
}

export function lintInPool(job: LintJob, signal: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<LintResult> {
  return sharedLintPool().run(job, { budgetMs: serverLimits().requestBudgetMs, signal, onProgress });
}

export async function closeLintPool(): Promise<void> {
  await pool?.close();
  pool = undefined;
}
