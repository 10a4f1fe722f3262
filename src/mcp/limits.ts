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

/** Byte length of a string in UTF-8. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
