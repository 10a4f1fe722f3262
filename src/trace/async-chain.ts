import { nameShape, splitPath } from "./frame-name.ts";
import { enclosingConstruct, type SourceFiles } from "./source-files.ts";
import type { Frame, PanicReport } from "./types.ts";

/**
 * Turns a panic's frames into the async call chain, innermost user frame first. Each link says what the
 * frame is. Async fn bodies, async blocks and closures all print as `{{closure}}` / `{closure#N}`
 * (reference §3), so the kind comes from, in order: line-tables-only names (`{async_fn#0}`), the frame's
 * neighbours (a boxed future is polled through `Pin<P>::poll`; a `select!` branch sits in tokio's
 * select.rs; spawn_blocking closures are called by `BlockingTask`), the source file when it is readable
 * (what opens the block around the await point), and the number of closure segments as a last resort.
 */

export type ChainKind =
  | "async fn"
  | "async block"
  | "closure"
  | "async block or closure"
  | "fn"
  | "trait method through a boxed future"
  | "boxed future"
  | "select! branch"
  | "spawn_blocking closure"
  | "spawned task root";

export interface LintFinding {
  rule: string;
  message: string;
  line: number;
  column?: number;
  severity?: string;
}

export interface ChainLink {
  kind: ChainKind;
  /** The function the link belongs to (closure segments and turbofish generics removed). */
  name: string;
  /** Human wording: "async block in fn btdemo::handle_request". */
  description: string;
  /** Index of the frame in the backtrace's frame list. */
  frame: number;
  file?: string;
  line?: number;
  column?: number;
  /** The source line at file:line when the file is readable here. */
  source?: string;
  /** Filled by attachLintFindings. */
  lint?: LintFinding[];
}

export interface PanicAnalysis {
  report: PanicReport;
  chain: ChainLink[];
  notes: string[];
}

const selectFile = /[\\/](macros[\\/]select\.rs|async_await[\\/]select_mod\.rs|select\.rs)$/;
const dwarfKind = /^\{(async_fn|async_block|closure)#\d+\}$/;

function stripTurbofish(name: string): string {
  const parts = splitPath(name);
  return parts
    .map((p, i) => {
      if (p.startsWith("<") && p.includes(" as ")) return p;
      // v0 prints inherent impls as `<std_only::Parser>`: keep the type, drop the brackets.
      if (i === 0 && /^<[^<>]*>$/.test(p)) return p.slice(1, -1);
      if (i === 0 && p.startsWith("<") && p.endsWith(">")) return p.slice(1, -1).replace(/<.*>$/, "");
      return p.replace(/<.*>$/, "");
    })
    .filter((p) => p !== "")
    .join("::");
}

function isPinPoll(f: Frame | undefined): boolean {
  return f !== undefined && /^(<core::pin::Pin<.*> as core::future::future::Future>::poll|poll<alloc::boxed::Box<\(dyn core::future::future::Future)/.test(f.demangled);
}
function isBlockingTask(f: Frame | undefined): boolean {
  return (
    f !== undefined &&
    (/BlockingTask<.*> as core::future::future::Future>::poll/.test(f.demangled) ||
      (f.location !== undefined && /[\\/]tokio-[^\\/]+[\\/](tokio[\\/])?src[\\/]runtime[\\/]blocking[\\/]task\.rs$/.test(f.location.file)))
  );
}
function isTaskPoll(f: Frame): boolean {
  return /tokio::runtime::task::core::Core<.*>::poll|tokio::runtime::task::harness::|^\{closure#0\}<.*\{async_block_env#0\}|^poll<.*\{async_block_env#0\}/.test(f.demangled) ||
    (f.location !== undefined && /[\\/]tokio-[^\\/]+[\\/](tokio[\\/])?src[\\/]runtime[\\/]task[\\/]core\.rs$/.test(f.location.file));
}
/**
 * An async body is polled by another async body, a future adapter or the runtime; a closure is called by
 * plain code (iterators, `FnOnce::call_once`, thread start). With nothing outside (a short trace ends
 * before `__rust_begin_short_backtrace`), it is a thread's closure.
 */
function isPolledBy(outer: Frame | undefined): boolean {
  if (!outer) return false;
  if (outer.class === "glue" || outer.class === "runtime") return true;
  if (outer.class === "user" || outer.class === "dependency") return nameShape(outer.demangled).closures.length > 0 || /::poll$|block_on/.test(outer.demangled);
  return false;
}

export function analysePanic(report: PanicReport, sources?: SourceFiles): PanicAnalysis {
  const frames = report.backtrace?.frames ?? [];
  const chain: ChainLink[] = [];
  const notes: string[] = [];
  let taskRoot: ChainLink | undefined;
  let blockingRoot: ChainLink | undefined;

  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i];
    if (frame.class !== "user") continue;
    const outer = frames[i + 1];
    const shape = nameShape(frame.demangled);
    const loc = frame.location;
    const lines = loc && sources ? sources.lines(loc.file) : undefined;
    const enclosing = lines && loc?.line !== undefined ? enclosingConstruct(lines, loc.line, loc.column ?? 1) : undefined;

    let base = stripTurbofish(shape.base);
    // line-tables-only names have no path: recover the fn name from the source.
    if (base === "" && enclosing) base = enclosing.fnName ?? enclosing.inFn ?? "";
    const lastClosure = shape.closures[shape.closures.length - 1];
    const dwarf = lastClosure ? dwarfKind.exec(lastClosure) : null;

    let kind: ChainKind;
    if (loc && selectFile.test(loc.file)) kind = "select! branch";
    else if (shape.closures.length === 0) kind = "fn";
    else if (isBlockingTask(outer)) kind = "spawn_blocking closure";
    // A boxed future awaited by user code (`Pin<Box<dyn Future>>`, async-trait); a future pinned by the
    // runtime itself (block_on, #[tokio::main]) is just the task's body.
    else if (isPinPoll(outer) && frames[i + 2] !== undefined && (frames[i + 2].class === "user" || frames[i + 2].class === "dependency")) kind = /^<.* as .*>::\w+$/.test(base) || /^<.* as .*>$/.test(base) ? "trait method through a boxed future" : "boxed future";
    else if (dwarf && shape.base === "") kind = dwarf[1] === "async_fn" ? "async fn" : dwarf[1] === "async_block" ? "async block" : "closure";
    else if (enclosing) kind = enclosing.kind === "fn" ? "closure" : enclosing.kind;
    // async-backtrace only prints framed futures: every frame is polled.
    else if (shape.closures.length === 1) kind = report.backtrace?.style === "async-backtrace" || isPolledBy(outer) ? "async fn" : "closure";
    else kind = "async block or closure";

    const link: ChainLink = { kind, name: base || "{unnamed}", description: "", frame: i };
    let where = loc;
    if (kind === "select! branch") {
      // The branch's own location is tokio's macro; the select! call is the parent frame's await point.
      const parent = frames.slice(i + 1).find((f) => f.class === "user" && nameShape(f.demangled).base === shape.base);
      if (parent?.location) {
        where = parent.location;
        if (link.name === "{unnamed}" && sources && where.line !== undefined) {
          const parentLines = sources.lines(where.file);
          const around = parentLines ? enclosingConstruct(parentLines, where.line, where.column ?? 1) : undefined;
          const fnName = around?.fnName ?? around?.inFn;
          if (fnName) link.name = fnName;
        }
      }
    }
    if (where) {
      link.file = where.file;
      if (where.line !== undefined) link.line = where.line;
      if (where.column !== undefined) link.column = where.column;
      const text = sources?.line(where.file, where.line);
      if (text !== undefined) link.source = text.trim();
    }
    link.description = describe(kind, link.name);

    // Is this the root of a spawned task? The frames outward up to the next user frame reach the task harness.
    let j = i + 1;
    while (j < frames.length && frames[j].class !== "user") {
      if (isTaskPoll(frames[j])) {
        if (!frames.slice(i + 1, j).some(isBlockingTask)) taskRoot = link;
        break;
      }
      j++;
    }
    if (kind === "spawn_blocking closure") blockingRoot = link;
    chain.push(link);
  }

  if (taskRoot) {
    taskRoot.description = `spawned task root: ${taskRoot.description}`;
    taskRoot.kind = "spawned task root";
    const at = taskRoot.file ? ` (${taskRoot.file}${taskRoot.line ? `:${taskRoot.line}` : ""})` : "";
    notes.push(
      `The spawn site is not in this trace: the task's future is ${taskRoot.description.replace(/^spawned task root: /, "")}${at}, but not where tokio::spawn was called. ` +
        "To record spawn locations, build with RUSTFLAGS=\"--cfg tokio_unstable\" and run under tokio-console (console-subscriber), or name tasks with tokio::task::Builder.",
    );
  } else if (blockingRoot) {
    notes.push(
      "The panic happened on a spawn_blocking thread: the trace ends in tokio's blocking pool, and the async code that called spawn_blocking is not in it. " +
        "To record spawn locations, run under tokio-console (console-subscriber, --cfg tokio_unstable).",
    );
  }
  if (chain.length === 0 && frames.length > 0) notes.push("No frame of your code in this trace (release builds may inline it; try a debug build or `debug = 1`).");
  if (report.backtrace?.frames.some((f) => /^\{(async_fn|async_block|closure)#\d+\}/.test(f.demangled))) {
    notes.push("Names were printed without module paths (debug = \"line-tables-only\"): functions are identified by file:line.");
  }
  return { report, chain, notes };
}

export function describe(kind: ChainKind, name: string): string {
  // line-tables-only names without a readable source: the file:line beside it is all there is.
  if (name === "{unnamed}") return `${kind} (name not in the trace)`;
  switch (kind) {
    case "async fn":
      return `async fn ${name}`;
    case "fn":
      return `fn ${name}`;
    case "async block":
      return `async block in ${name}`;
    case "closure":
      return `closure in ${name}`;
    case "async block or closure":
      return `async block or closure in ${name}`;
    case "trait method through a boxed future":
      return `trait method ${name} (boxed future)`;
    case "boxed future":
      return `boxed future in ${name}`;
    case "select! branch":
      return `select! branch in ${name}`;
    case "spawn_blocking closure":
      return `spawn_blocking closure in ${name}`;
    case "spawned task root":
      return `spawned task root ${name}`;
  }
}
