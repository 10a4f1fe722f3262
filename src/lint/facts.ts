/**
 * What the crate-wide pass needs from each file, as plain data: files are parsed one at a time (or in
 * worker threads) and their trees freed, so the call graph is built from these facts, not from trees.
 */
export interface Span {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  startOffset: number;
  endOffset: number;
}

export interface BlockingCallFact extends Span {
  category: "blocking" | "runtime";
  api: string;
  replacement: string;
  effect?: string;
}

export interface CallFact {
  /** Last path segment or method name. */
  name: string;
  /** The path as written, resolved through imports (`crate::db::query`), for free-function calls. */
  path?: string[];
  /** `self.name(..)` or `Self::name(..)`: resolve within the caller's impl type. */
  viaSelf: boolean;
  /** `x.name(..)` where the source says x's type (`x: &Store`): resolve within `impl Store`. */
  receiverType?: string;
}

export interface FunctionFacts extends Span {
  /** `Type::name` or `name`. */
  key: string;
  name: string;
  implType?: string;
  /** For methods of `impl Trait for Type`: the trait (many types implement it, so its methods are not resolved by name). */
  traitName?: string;
  isAsync: boolean;
  /** Blocking calls made directly in this fn's own synchronous body (not in offloaded closures). */
  blocking: BlockingCallFact[];
  /** Calls to functions that might be defined in this crate, made in this fn's own synchronous body. */
  calls: CallFact[];
  /** Hands one of its parameters to spawn_blocking / a thread (like tokio's `asyncify`): closures given to it run off the executor. */
  offloadsParameter?: boolean;
  /** For async fns: the first non-cancel-safe operation it awaits (`read_exact`, `write_all`…). */
  cancelUnsafeAwait?: string;
}

export interface CallSiteFact extends Span {
  callee: CallFact;
  /** The impl type of the function containing the call (for `self.` calls). */
  callerImpl?: string;
  /** Qualified name of the enclosing fn (for messages). */
  callerName: string;
  kind: "executor" | "select-branch-in-loop" | "unawaited-statement";
  /** Whether the call is awaited (only meaningful for unawaited-statement). */
  contextKind?: string;
}

/** A call into console-subscriber that builds its layer (and asserts `tokio_unstable`), for console-setup. */
export interface ConsoleInitFact {
  line: number;
  /** `init`, `spawn`, `ConsoleLayer::builder`… as written. */
  call: string;
  /** Behind `#[cfg(… tokio_unstable …)]` or `if cfg!(tokio_unstable)`: never built or run without the flag. */
  gatedOnTokioUnstable: boolean;
}

export interface FileFacts {
  file: string;
  crateRoot?: string;
  functions: FunctionFacts[];
  callSites: CallSiteFact[];
  consoleInits?: ConsoleInitFact[];
  /** Line → rule ids allowed by `// async-doctor: allow(…)` comments (on that line or the line before). */
  allows: Record<number, string[]>;
  lines: number;
}

export interface CrateFacts {
  root?: string;
  files: FileFacts[];
}

export function emptyFacts(file: string, crateRoot: string | undefined): FileFacts {
  return { file, crateRoot, functions: [], callSites: [], allows: {}, lines: 0 };
}
