import { normaliseFrameName } from "./frame-name.ts";
import { parseTaskDumpLine, type DumpLine } from "./task-dump.ts";
import type {
  Backtrace,
  BacktraceStyle,
  Frame,
  JoinErrorReport,
  PanicReport,
  ParsedLog,
  SourceLocation,
  TaskDump,
} from "./types.ts";
import { buildDumpTrees } from "./task-dump.ts";
import { traceLimits } from "./limits.ts";
import { escapeControl } from "../util/escape-control.ts";

/**
 * Reads a whole log (several panics, interleaved output, `cargo test` output, JoinErrors, printed
 * `std::backtrace::Backtrace`s, anyhow errors, tokio task dumps, async-backtrace trees) line by line and
 * returns everything it recognises. Frames are not classified here (see frame-classifier.ts).
 *
 * Formats: ../shared/reference/backtraces.md §1–2, §5.
 */

// Panic headers: rustc ≥ 1.91 (with OS thread id), 1.73–1.90, < 1.73 (message inline, quoted).
const header191 = /thread '(.*)' \((\d+)\) panicked at (.+?):(\d+):(\d+):$/;
const header173 = /thread '(.*)' panicked at (.+?):(\d+):(\d+):$/;
const headerLegacy = /thread '(.*?)' panicked at '(.*)', (.+?):(\d+):(\d+)$/;
const headerLegacyOpen = /thread '(.*?)' panicked at '(.*)$/;
const legacyClose = /^(.*)', (.+?):(\d+):(\d+)$/;
/** A custom hook printing std's `PanicHookInfo` Display: `panicked at FILE:L:C:` + message. */
const headerHook = /(?:^|\s)panicked at (.+?):(\d+):(\d+):$/;

const fullFrame = /^\s*(\d+):\s+(0x[0-9a-fA-F]+) - (.*)$/;
const shortFrame = /^\s*(\d+): (.+)$/;
const inlineLocation = /^(.*?) at (.+?):(\d+):(\d+)$/;
const locationTail = /:(\d+)(?::(\d+))?$/;

/** `   at FILE[:LINE[:COL]]` (paths may hold `:` on Windows, so line and column are taken from the end). */
function parseLocationLine(line: string): RegExpExecArray | [string, string, string | undefined, string | undefined] | null {
  const at = line.indexOf("at ");
  if (at <= 0 || line.charCodeAt(0) !== 32 || line.slice(0, at).trim() !== "") return null;
  const rest = line.slice(at + 3).trimEnd();
  if (rest === "") return null;
  const tail = locationTail.exec(rest);
  if (!tail) return [line, rest, undefined, undefined];
  return [line, rest.slice(0, tail.index), tail[1], tail[2]];
}
const omittedLine = /^\s*\[\.\.\. omitted (\d+) frames? \.\.\.\]\s*$/;
const debugEntry = /\{ fn: (?:"((?:[^"\\]|\\.)*)"|([^,}]*?))(?:, file: "((?:[^"\\]|\\.)*)")?(?:, line: (\d+))? \}/g;

const testSection = /^---- (.+) stdout ----$/;
const joinPanicMessage = /task (\d+) panicked with message "(.*)"/;
const joinPanic = /task (\d+) panicked/;
const joinPanicDebug = /JoinError::Panic\(Id\((\d+)\)(?:, (.*?))?\)/;
const joinCancelled = /task (\d+) was cancelled|JoinError::Cancelled\(Id\((\d+)\)\)/;
const taskHeader = /^\s*TASK (\S+):\s*$/;

function isMessageEnd(line: string): boolean {
  if (line.trim() === "") return true;
  if (line === "stack backtrace:" || line === "Stack backtrace:" || line === "async backtrace:") return true;
  if (line.startsWith("note: ")) return true;
  if (line.startsWith("---- ") || line === "failures:" || line.startsWith("test result:")) return true;
  if (/^\s*\d+: /.test(line)) return true;
  return header173.test(line) || headerLegacy.test(line);
}

function unquoteDebug(s: string): string {
  try {
    return JSON.parse(`"${s.replace(/\\u\{([0-9a-fA-F]+)\}/g, (_m, hex: string) => String.fromCodePoint(parseInt(hex, 16)).replace(/"/g, '\\"'))}"`) as string;
  } catch {
    return s;
  }
}

function location(file: string, line?: string, column?: string): SourceLocation {
  const loc: SourceLocation = { file };
  if (line !== undefined) loc.line = Number(line);
  if (column !== undefined) loc.column = Number(column);
  return loc;
}

function makeFrame(index: number, name: string, inputLine: number, address?: string, loc?: SourceLocation, demangled = normaliseFrameName(name)): Frame {
  const frame: Frame = {
    index,
    name,
    demangled,
    inputLine,
    class: "unknown",
    folded: false,
  };
  if (address !== undefined) frame.address = address;
  if (loc) frame.location = loc;
  return frame;
}

export interface LogParser {
  /** One line of the log, without its newline. */
  push(line: string): void;
  /** The end of the log: what is still open is finished; in streaming mode `panics` is empty. */
  end(): ParsedLog;
}

/**
 * A line-by-line parser. With `onReport`, each panic/backtrace report is handed over as soon as it is
 * final (when the next one starts, or at the end) and not kept: memory stays bounded by the largest
 * report, whatever the log's size.
 */
export function createLogParser(onReport?: (report: PanicReport) => void): LogParser {
  const limits = traceLimits();
  const bounds: ParsedLog["bounds"] = { framesDropped: 0, undemangled: 0, linesCut: 0, dumpsDropped: 0 };
  let demangledChars = 0;
  let lineCount = 0;
  /** A frame, demangled while the log's budget of newly demangled text lasts (then kept as printed). */
  const frame = (index: number, name: string, lineNo: number, address?: string, loc?: SourceLocation): Frame => {
    if (name.length > limits.maxSymbolOutput) {
      name = `${name.slice(0, limits.maxSymbolOutput)}…`;
      bounds.linesCut++;
    }
    if (demangledChars > limits.maxDemangledPerLog) {
      bounds.undemangled++;
      return makeFrame(index, name, lineNo, address, loc, name);
    }
    // Only text demangled anew counts: repeated frames come from the cache at no cost.
    const demangled = normaliseFrameName(name, limits.maxSymbolOutput, (chars) => (demangledChars += chars));
    return makeFrame(index, name, lineNo, address, loc, demangled);
  };
  /** Keeps a frame unless its backtrace already holds the most it may; the rest are counted. */
  const keep = (backtrace: Backtrace, kept: Frame): void => {
    if (backtrace.frames.length < limits.maxFramesPerBacktrace) backtrace.frames.push(kept);
    else {
      backtrace.dropped++;
      bounds.framesDropped++;
    }
  };
  const panics: PanicReport[] = [];
  const joinErrors: JoinErrorReport[] = [];
  const dumps: TaskDump[] = [];

  let currentTest: string | undefined;
  /** Panic whose message is still being read. */
  let readingMessage: PanicReport | undefined;
  let messageLines: string[] = [];
  /** Legacy header whose quoted message spans lines. */
  let legacyOpen: { panic: PanicReport; parts: string[] } | undefined;
  /** Panic (or error) that may still receive a backtrace, and until which input line. */
  let awaiting: { report: PanicReport; until: number } | undefined;
  /** Backtrace being read. */
  let bt: Backtrace | undefined;
  let lastFrame: Frame | undefined;
  /** anyhow `Error:` block waiting for `Stack backtrace:`. */
  let pendingError: { message: string[]; line: number; inCauses: boolean } | undefined;
  /** Debug `{:#?}` form being read. */
  let debugOpen: Backtrace | undefined;
  /** Task-dump lines being collected. */
  let dumpLines: DumpLine[] = [];
  let dumpStart = 0;
  let pendingTaskId: string | undefined;

  const finishMessage = () => {
    if (!readingMessage) return;
    readingMessage.message = messageLines.join("\n");
    awaiting = { report: readingMessage, until: Number.POSITIVE_INFINITY };
    readingMessage = undefined;
    messageLines = [];
  };
  const finishBacktrace = () => {
    bt = undefined;
    lastFrame = undefined;
  };
  const finishDump = () => {
    if (dumpLines.length === 0) return;
    if (dumps.length < limits.maxDumps) dumps.push(buildDumpTrees(dumpLines, dumpStart));
    else bounds.dumpsDropped++;
    dumpLines = [];
  };
  const startBacktrace = (style: BacktraceStyle, lineNo: number): Backtrace => {
    const backtrace: Backtrace = { style, frames: [], omitted: 0, dropped: 0, inputLine: lineNo };
    if (awaiting && !awaiting.report.backtrace && lineNo <= awaiting.until) {
      awaiting.report.backtrace = backtrace;
    } else {
      panics.push({ kind: "backtrace", headerStyle: "none", backtrace, inputLine: lineNo, ...(currentTest ? { test: currentTest } : {}) });
    }
    awaiting = undefined;
    bt = backtrace;
    lastFrame = undefined;
    return backtrace;
  };
  const newPanic = (report: PanicReport) => {
    finishMessage();
    finishBacktrace();
    if (currentTest) report.test = currentTest;
    panics.push(report);
  };

  const push = (raw: string): void => {
    let line = raw.length > limits.maxLineChars ? raw.slice(0, limits.maxLineChars) : raw;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    // Control characters from the log never reach a terminal raw (text output) nor an agent (MCP).
    line = escapeControl(line);
    const lineNo = ++lineCount;

    // ---- task dumps (tree lines carry the ╼ glyph) ----
    if (line.includes("╼") || line.includes("└┈")) {
      const parsed = parseTaskDumpLine(line, lineNo);
      if (parsed) {
        finishMessage();
        finishBacktrace();
        if (dumpLines.length === 0) dumpStart = lineNo;
        if (parsed.depth === 0 && pendingTaskId !== undefined) {
          parsed.taskId = pendingTaskId;
          pendingTaskId = undefined;
        }
        if (dumpLines.length < limits.maxDumpLines) dumpLines.push(parsed);
        return;
      }
    }
    const task = taskHeader.exec(line);
    if (task) {
      pendingTaskId = task[1];
      return;
    }
    if (dumpLines.length > 0 && line.trim() !== "") finishDump();

    // ---- legacy multi-line message ----
    if (legacyOpen) {
      const close = legacyClose.exec(line);
      if (close) {
        legacyOpen.parts.push(close[1]);
        legacyOpen.panic.message = legacyOpen.parts.join("\n");
        legacyOpen.panic.location = location(close[2], close[3], close[4]);
        awaiting = { report: legacyOpen.panic, until: lineNo + 3 };
        legacyOpen = undefined;
        return;
      }
      legacyOpen.parts.push(line);
      if (legacyOpen.parts.length > 200) legacyOpen = undefined;
      return;
    }

    // ---- panic headers ----
    if (line.includes("panicked at")) {
      let m = header191.exec(line);
      if (m) {
        newPanic({
          kind: "panic",
          headerStyle: "rustc-1.91",
          thread: m[1],
          threadId: Number(m[2]),
          location: location(m[3], m[4], m[5]),
          inputLine: lineNo,
        });
        readingMessage = panics[panics.length - 1];
        return;
      }
      m = header173.exec(line);
      if (m) {
        newPanic({ kind: "panic", headerStyle: "rustc-1.73", thread: m[1], location: location(m[2], m[3], m[4]), inputLine: lineNo });
        readingMessage = panics[panics.length - 1];
        return;
      }
      m = headerLegacy.exec(line);
      if (m) {
        newPanic({
          kind: "panic",
          headerStyle: "rustc-legacy",
          thread: m[1],
          message: m[2],
          location: location(m[3], m[4], m[5]),
          inputLine: lineNo,
        });
        awaiting = { report: panics[panics.length - 1], until: lineNo + 3 };
        return;
      }
      m = headerLegacyOpen.exec(line);
      if (m) {
        newPanic({ kind: "panic", headerStyle: "rustc-legacy", thread: m[1], inputLine: lineNo });
        legacyOpen = { panic: panics[panics.length - 1], parts: [m[2]] };
        return;
      }
      m = headerHook.exec(line);
      if (m && !readingMessage) {
        newPanic({ kind: "panic", headerStyle: "hook", location: location(m[1], m[2], m[3]), inputLine: lineNo });
        readingMessage = panics[panics.length - 1];
        return;
      }
    }

    if (readingMessage) {
      if (!isMessageEnd(line) && messageLines.length < 200) {
        messageLines.push(line);
        return;
      }
      finishMessage();
    }

    // ---- backtrace headers ----
    if (line === "stack backtrace:" || line === "async backtrace:") {
      startBacktrace(line === "stack backtrace:" ? "short" : "async-backtrace", lineNo);
      return;
    }
    if (line === "Stack backtrace:") {
      // anyhow: `Error: …` / `Caused by:` … / `Stack backtrace:`
      if (pendingError) {
        const report: PanicReport = {
          kind: "error",
          headerStyle: "error",
          message: pendingError.message.join("\n"),
          inputLine: pendingError.line,
        };
        if (currentTest) report.test = currentTest;
        panics.push(report);
        awaiting = { report, until: lineNo };
        pendingError = undefined;
      }
      startBacktrace("short", lineNo);
      return;
    }

    // ---- anyhow's `Caused by:` list (its numbered lines are not frames) ----
    if (pendingError && !bt) {
      if (line === "Caused by:") {
        pendingError.inCauses = true;
        return;
      }
      if (pendingError.inCauses && /^\s+(\d+: )?\S/.test(line)) {
        pendingError.message.push(`caused by: ${line.trim().replace(/^\d+: /, "")}`);
        return;
      }
      if (line.trim() === "") return;
    }

    // ---- frames ----
    const trimmedStart = line.trimStart();
    const firstChar = trimmedStart.charCodeAt(0);
    if (firstChar >= 48 && firstChar <= 57) {
      const full = fullFrame.exec(line);
      if (full) {
        const index = Number(full[1]);
        const continues = bt !== undefined && bt.style === "full" && bt.frames.length > 0 && index > bt.frames[bt.frames.length - 1].index;
        if (!continues) {
          if (bt && bt.frames.length === 0) bt.style = "full"; // right after `stack backtrace:`
          else startBacktrace("full", lineNo);
        }
        lastFrame = frame(index, full[3], lineNo, full[2]);
        keep(bt!, lastFrame);
        return;
      }
      const short = shortFrame.exec(line);
      if (short) {
        const index = Number(short[1]);
        const inBacktrace = bt !== undefined && (bt.frames.length === 0 || index > bt.frames[bt.frames.length - 1].index);
        if (inBacktrace || index === 0) {
          if (!inBacktrace) startBacktrace("short", lineNo);
          const inline = inlineLocation.exec(short[2]);
          if (inline) {
            lastFrame = frame(index, inline[1], lineNo, undefined, location(inline[2], inline[3], inline[4]));
          } else {
            lastFrame = frame(index, short[2], lineNo);
          }
          keep(bt!, lastFrame);
          return;
        }
      }
    }
    if (bt) {
      const loc = parseLocationLine(line);
      if (loc && lastFrame && !lastFrame.location) {
        lastFrame.location = location(loc[1], loc[2], loc[3]);
        return;
      }
      if (loc && lastFrame) return; // a second location for one frame: ignore
      const omitted = omittedLine.exec(line);
      if (omitted) {
        bt.omitted += Number(omitted[1]);
        return;
      }
      // Older backtrace-rs (anyhow) printed inlined frames as unnumbered, indented lines.
      if (lastFrame && /^ {6,}\S/.test(line) && !trimmedStart.startsWith("at ") && !trimmedStart.includes(" ")) {
        lastFrame = frame(lastFrame.index, trimmedStart, lineNo);
        keep(bt, lastFrame);
        return;
      }
      finishBacktrace();
    }

    // ---- std::backtrace::Backtrace's Debug form ----
    if (debugOpen) {
      if (trimmedStart.startsWith("]")) {
        debugOpen = undefined;
        return;
      }
      if (trimmedStart.startsWith("{ fn:")) {
        const open = debugOpen;
        addDebugEntries(open, line, lineNo, frame, (f) => keep(open, f));
        return;
      }
      debugOpen = undefined;
    }
    const debugAt = line.indexOf("Backtrace [");
    if (debugAt >= 0) {
      const backtrace = startBacktrace("debug", lineNo);
      finishBacktrace();
      if (line.trimEnd().endsWith("[")) debugOpen = backtrace;
      else addDebugEntries(backtrace, line.slice(debugAt), lineNo, frame, (f) => keep(backtrace, f));
      return;
    }

    // ---- JoinErrors ----
    if (line.includes("task ") || line.includes("JoinError")) {
      const cancelled = joinCancelled.exec(line);
      if (cancelled) {
        if (joinErrors.length < limits.maxJoinErrors) joinErrors.push({ taskId: Number(cancelled[1] ?? cancelled[2]), kind: "cancelled", inputLine: lineNo });
      } else {
        const withMessage = joinPanicMessage.exec(line) ?? null;
        const plain = withMessage ?? joinPanic.exec(line) ?? joinPanicDebug.exec(line);
        if (plain) {
          const report: JoinErrorReport = { taskId: Number(plain[1]), kind: "panic", inputLine: lineNo };
          if (withMessage) report.message = withMessage[2];
          if (joinErrors.length < limits.maxJoinErrors) joinErrors.push(report);
        }
      }
    }

    // ---- cargo test sections, anyhow errors ----
    const section = testSection.exec(line);
    if (section) {
      currentTest = section[1];
      return;
    }
    if (line === "failures:" || line.startsWith("test result:")) currentTest = undefined;
    if (line.startsWith("Error: ")) {
      pendingError = { message: [line.slice(7)], line: lineNo, inCauses: false };
      return;
    }
    if (pendingError && line.trim() !== "") pendingError = undefined;
      if (onReport && panics.length > 1) {
      // Every report but the newest is final: a later one started, so nothing can attach to it any more.
      const done = panics.splice(0, panics.length - 1);
      for (const report of done) onReport(report);
    }
  };
  const end = (): ParsedLog => {
    finishMessage();
    finishDump();
    if (onReport) for (const report of panics.splice(0)) onReport(report);
    return { panics, joinErrors, dumps, lines: lineCount, bounds };
  };
  return { push, end };
}

/** Parses a whole log held in memory (MCP, tests); the CLI streams through createLogParser. */
export function parseLog(text: string): ParsedLog {
  const parser = createLogParser();
  let start = 0;
  for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
    parser.push(text.slice(start, newline));
    start = newline + 1;
  }
  parser.push(text.slice(start));
  return parser.end();
}


function addDebugEntries(backtrace: Backtrace, text: string, lineNo: number, makeFrame: (index: number, name: string, lineNo: number, address?: string, loc?: SourceLocation) => Frame, add: (frame: Frame) => void): void {
  debugEntry.lastIndex = 0;
  for (let m = debugEntry.exec(text); m; m = debugEntry.exec(text)) {
    const name = m[1] !== undefined ? unquoteDebug(m[1]) : m[2].trim();
    const loc = m[3] !== undefined ? location(unquoteDebug(m[3]), m[4]) : undefined;
    add(makeFrame(backtrace.frames.length + backtrace.dropped, name, lineNo, undefined, loc));
  }
}
