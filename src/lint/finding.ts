export type Severity = "error" | "warning";

export interface TextEdit {
  /** UTF-16 offsets into the file text. */
  startOffset: number;
  endOffset: number;
  replacement: string;
}

export interface Fix {
  description: string;
  edits: TextEdit[];
  /** Only machine-applicable fixes are applied by `--fix`; the others are printed as suggestions. */
  applicability: "machine-applicable" | "maybe-incorrect";
}

export interface Finding {
  rule: string;
  severity: Severity;
  /** Path as shown to the user (relative to the cwd when under it). */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  help: string;
  /** For findings through helpers: the call chain from the async context to the blocking call. */
  chain?: string[];
  notes?: string[];
  fix?: Fix;
  /** UTF-16 offsets of the primary span, for fixes and cargo byte spans. */
  startOffset: number;
  endOffset: number;
  /**
   * Internal: the crate fn whose closure argument holds this code. When that fn turns out to hand the
   * closure to spawn_blocking (a wrapper like tokio's `asyncify`), the finding is dropped.
   */
  insideClosureFor?: string;
}

export interface FileNotice {
  file: string;
  kind: "skipped" | "syntax-error" | "limit";
  message: string;
  line?: number;
  column?: number;
}

export const severityRank: Record<Severity | "never", number> = { warning: 1, error: 2, never: 3 };
