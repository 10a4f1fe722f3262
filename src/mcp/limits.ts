import { availableParallelism } from "node:os";
import { numberFromEnv } from "../util/input-limits.ts";

/**
 * Bounds on what an MCP client may ask for, so one call cannot exhaust memory or flood the agent's
 * context. Inputs over a bound are rejected with a tool error that says the bound; outputs are cut to
 * pages (offset + limit, with `nextOffset`).
 */
export const limits = {
  /** Inline Rust snippet for lint_rust_async. */
  maxSnippetBytes: 512 * 1024,
  /** Log text for clean_backtrace (inline or read from a file). */
  maxLogBytes: 8 * 1024 * 1024,
  /** Console data files (recordings, captures, .grpc bodies). */
  maxConsoleFileBytes: 512 * 1024 * 1024,
  /** Paths in one lint call. */
  maxPaths: 64,
  /** One path, target, question or filter string. */
  maxStringLength: 4096,
  /** Rust files in one lint call (a big workspace is fine; the whole disk is not). */
  maxLintFiles: 20_000,
  /** Page sizes: default and maximum. */
  defaultPageSize: 20,
  maxPageSize: 200,
  /** Live console targets: default and longest observation window. */
  defaultObserveMs: 2_000,
  maxObserveMs: 60_000,
  /** Samples of a task's history returned by console_task_details (evenly thinned). */
  defaultHistorySamples: 30,
  maxHistorySamples: 500,
  /** Filters in one console_snapshot call. */
  maxFilters: 16,
} as const;

/**
 * Bounds of the server itself (both transports), from the environment so the owner can change them
 * (docs/limits.md). Read when the server starts.
 */
export function serverLimits() {
  return {
    /** One JSON-RPC message (a stdio line or an HTTP body), checked before it is buffered. */
    maxMessageBytes: numberFromEnv("ASYNC_DOCTOR_MCP_MAX_MESSAGE_BYTES", 16 * 1024 * 1024, 1024, "bytes"),
    /** Wall time of one tool call; over it the call ends with an error (lint work in a worker is stopped). */
    requestBudgetMs: numberFromEnv("ASYNC_DOCTOR_MCP_REQUEST_BUDGET_MS", 120_000, 100, "milliseconds"),
    /** Lint jobs waiting for a worker; more are refused with "busy". */
    maxQueuedLints: numberFromEnv("ASYNC_DOCTOR_MCP_MAX_QUEUED_LINTS", 1024, 1, "jobs"),
    /** Worker threads shared by every session's lint calls. */
    lintWorkers: numberFromEnv("ASYNC_DOCTOR_MCP_LINT_WORKERS", Math.max(1, Math.min(availableParallelism(), 4)), 1, "threads"),
    /** HTTP: open sessions in all, and per client address. */
    maxSessions: numberFromEnv("ASYNC_DOCTOR_MCP_MAX_SESSIONS", 256, 1, "sessions"),
    maxSessionsPerClient: numberFromEnv("ASYNC_DOCTOR_MCP_MAX_SESSIONS_PER_CLIENT", 64, 1, "sessions"),
    /** HTTP: a session with no request for this long is closed; when sessions are full, one idle this long may be replaced. */
    sessionIdleMs: numberFromEnv("ASYNC_DOCTOR_MCP_SESSION_IDLE_MS", 10 * 60_000, 1000, "milliseconds"),
    evictableIdleMs: numberFromEnv("ASYNC_DOCTOR_MCP_EVICTABLE_IDLE_MS", 30_000, 0, "milliseconds"),
    /** HTTP: open connections in all and per client address. */
    maxConnections: numberFromEnv("ASYNC_DOCTOR_MCP_MAX_CONNECTIONS", 1024, 1, "connections"),
    maxConnectionsPerClient: numberFromEnv("ASYNC_DOCTOR_MCP_MAX_CONNECTIONS_PER_CLIENT", 512, 1, "connections"),
    /** HTTP: time to receive a request's headers, and its whole body. */
    headersTimeoutMs: numberFromEnv("ASYNC_DOCTOR_MCP_HEADERS_TIMEOUT_MS", 10_000, 100, "milliseconds"),
    bodyTimeoutMs: numberFromEnv("ASYNC_DOCTOR_MCP_BODY_TIMEOUT_MS", 30_000, 100, "milliseconds"),
  };
}

export type ServerLimits = ReturnType<typeof serverLimits>;

/** Byte length of a string in UTF-8. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
