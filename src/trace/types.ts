/** The data model shared by the trace parser, classifier, chain builder and renderers. */

export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** What a frame is, for folding: only `user` and `dependency` frames are shown by default. */
export type FrameClass =
  | "user"
  | "dependency"
  | "panic" // panic entry and backtrace-printing machinery
  | "std" // std/core/alloc internals
  | "start" // runtime start and thread entry (lang_start, catch_unwind, thread_start, _start…)
  | "glue" // future combinators and adapters (Pin<P>::poll, PollFn, MaybeDone, Join, AssertUnwindSafe)
  | "runtime" // tokio's scheduler, task harness, coop, blocking pool
  | "unknown"; // unresolved (`<unknown>`, bare addresses)

export interface Frame {
  /** Index as printed (Debug form: position in the list). Inlined frames share their physical frame's index. */
  index: number;
  /** The name as printed in the input. */
  name: string;
  /** Demangled, without hashes or crate disambiguators. */
  demangled: string;
  address?: string;
  location?: SourceLocation;
  /** 1-based line of the input where the frame starts. */
  inputLine: number;
  class: FrameClass;
  folded: boolean;
}

export type BacktraceStyle = "short" | "full" | "debug" | "async-backtrace";

export interface Backtrace {
  style: BacktraceStyle;
  frames: Frame[];
  /** `[... omitted N frames ...]` lines, summed. */
  omitted: number;
  /** Frames past the cap on frames per backtrace (ASYNC_DOCTOR_TRACE_MAX_FRAMES): counted, not kept. */
  dropped: number;
  inputLine: number;
}

export type PanicHeaderStyle = "rustc-1.91" | "rustc-1.73" | "rustc-legacy" | "hook" | "error" | "none";

export interface PanicReport {
  /** `panic` (a panic header), `error` (anyhow `Error:` + `Stack backtrace:`), `backtrace` (a printed Backtrace). */
  kind: "panic" | "error" | "backtrace";
  headerStyle: PanicHeaderStyle;
  thread?: string;
  threadId?: number;
  message?: string;
  location?: SourceLocation;
  /** `cargo test` section this panic appeared in. */
  test?: string;
  backtrace?: Backtrace;
  inputLine: number;
}

export interface JoinErrorReport {
  taskId?: number;
  kind: "panic" | "cancelled";
  message?: string;
  inputLine: number;
}

export interface DumpNode {
  /** The name as printed. */
  name: string;
  /** The name with tokio's cut-off last segment restored where possible. */
  repairedName: string;
  repaired: boolean;
  location?: SourceLocation;
  /** async-backtrace's `2x` prefix. */
  repeat: number;
  /** async-backtrace's `[POLLING]` marker: the task is being polled elsewhere. */
  polling: boolean;
  class: FrameClass;
  children: DumpNode[];
  inputLine: number;
}

export interface TaskDumpTree {
  /** `TASK <id>:` header when present. */
  taskId?: string;
  root: DumpNode;
}

export interface TaskDump {
  source: "tokio" | "async-backtrace";
  /** tokio ≥ 1.52.4 cuts the last `::segment` of every name. */
  namesCut: boolean;
  tasks: TaskDumpTree[];
  inputLine: number;
}

export interface ParsedLog {
  panics: PanicReport[];
  joinErrors: JoinErrorReport[];
  dumps: TaskDump[];
  lines: number;
  /** What the model's bounds left out (src/trace/limits.ts). */
  bounds: { framesDropped: number; undemangled: number; linesCut: number; dumpsDropped: number };
}
