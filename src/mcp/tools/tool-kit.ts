/**
 * What every tool shares: the context the server hands it (allowed roots, remote policy), results
 * (`structuredContent` plus a short text summary), errors returned as tool errors with one actionable
 * line, progress notifications, and offset pagination.
 */
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { UsageError } from "../../cli/errors.ts";
import { limits, serverLimits } from "../limits.ts";
import { LintJobError } from "../../lint/lint-pool.ts";
import { escapeControl } from "../../util/escape-control.ts";
import { PathAccessError, type PathGuard } from "../roots/path-guard.ts";

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ToolContext {
  /** The current allowed roots (the client's roots can change during a session). */
  guard(): Promise<PathGuard>;
  /** Console targets other than loopback and Unix sockets are refused unless this is set. */
  allowRemote: boolean;
}

/** Bad input the client can fix; its message becomes the tool error. */
export class ToolInputError extends Error {
  override readonly name = "ToolInputError";
}

export const readOnlyAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true } as const;

/** A result: the summary's control characters from data (task names, log lines) are made visible. */
export function ok(summary: string, structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: escapeControl(summary) }], structuredContent: structured };
}

export function toolError(message: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: message }] };
}

let budgetMs: number | undefined;

/**
 * Runs a tool body within the per-request time budget (ASYNC_DOCTOR_MCP_REQUEST_BUDGET_MS); known error
 * kinds become tool errors with their message, others say "internal error". The body gets a signal
 * that fires when the budget is spent or the client cancels: work it hands to the lint pool is stopped
 * then (its worker terminated), and the answer is an error in either case, so the server goes on.
 */
export async function guarded(body: (signal: AbortSignal) => Promise<CallToolResult>, extra?: Pick<ToolExtra, "signal">): Promise<CallToolResult> {
  budgetMs ??= serverLimits().requestBudgetMs;
  const budget = new AbortController();
  const signal = extra?.signal ? AbortSignal.any([extra.signal, budget.signal]) : budget.signal;
  let timer: NodeJS.Timeout | undefined;
  const overBudget = new Promise<CallToolResult>((resolve) => {
    timer = setTimeout(() => {
      budget.abort();
      resolve(toolError(`stopped: over the time budget of ${Math.round(budgetMs! / 1000)} s per call (ASYNC_DOCTOR_MCP_REQUEST_BUDGET_MS); ask for less at a time`));
    }, budgetMs);
  });
  try {
    return await Promise.race([body(signal), overBudget]);
  } catch (error) {
    if (error instanceof UsageError || error instanceof PathAccessError || error instanceof ToolInputError || error instanceof LintJobError) {
      return toolError(escapeControl(error.message.split("\n")[0]!));
    }
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return toolError(`internal error: ${escapeControl(message ?? "")}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Progress notifications, sent only when the client asked for them (a progressToken in `_meta`), at
 * most every 200 ms except for the final one.
 */
export function progressReporter(extra: ToolExtra): (progress: number, total?: number, message?: string) => void {
  const token = extra._meta?.progressToken;
  let last = 0;
  return (progress, total, message) => {
    if (token === undefined) return;
    const now = Date.now();
    if (now - last < 200 && (total === undefined || progress < total)) return;
    last = now;
    void extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress, ...(total !== undefined ? { total } : {}), ...(message ? { message } : {}) },
      })
      .catch(() => {});
  };
}

/** Sends progress every 500 ms while `work` runs for about `totalMs` (observation windows). */
export async function withTimedProgress<T>(extra: ToolExtra, totalMs: number, what: string, work: () => Promise<T>): Promise<T> {
  const report = progressReporter(extra);
  const started = Date.now();
  report(0, totalMs, `${what}: started`);
  const timer = setInterval(() => {
    const elapsed = Math.min(Date.now() - started, totalMs);
    report(elapsed, totalMs, `${what}: ${Math.round(elapsed / 1000)}s of ${Math.round(totalMs / 1000)}s`);
  }, 500);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    report(totalMs, totalMs, `${what}: done`);
  }
}

export const pageInput = {
  offset: z.number().int().min(0).max(1_000_000).optional().describe("index of the first item to return (from nextOffset of a previous call)"),
  limit: z.number().int().min(1).max(limits.maxPageSize).optional().describe(`items per page (default ${limits.defaultPageSize}, at most ${limits.maxPageSize})`),
};

export const pageOutput = {
  offset: z.number().int(),
  total: z.number().int().describe("items before paging"),
  nextOffset: z.number().int().nullable().describe("pass as offset to get the next page; null when this is the last page"),
};

export function page<T>(items: readonly T[], offset = 0, limit: number = limits.defaultPageSize): { items: T[]; offset: number; total: number; nextOffset: number | null } {
  const slice = items.slice(offset, offset + limit);
  const next = offset + slice.length;
  return { items: slice, offset, total: items.length, nextOffset: next < items.length ? next : null };
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** A bounded string input. */
export const boundedString = () => z.string().min(1).max(limits.maxStringLength);

/** A "file:line" style location is enough to say where; a short `moreHint` tells the agent how to get more. */
export function moreHint(nextOffset: number | null, what: string): string {
  return nextOffset === null ? "" : ` More ${what}: call again with offset=${nextOffset}.`;
}
