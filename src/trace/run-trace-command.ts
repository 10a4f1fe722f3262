import { UsageError } from "../cli/errors.ts";
import { analyseReport, type TraceResult } from "./analyse.ts";
import type { PanicAnalysis } from "./async-chain.ts";
import { analyseDump } from "./dump-analysis.ts";
import { attachLintFindings, lintableFiles } from "./lint-findings.ts";
import { createLogParser } from "./log-parser.ts";
import { ChunkedOutput, forEachLine, OutputClosed } from "./line-io.ts";
import { traceLimits } from "./limits.ts";
import { dumpJson, panicJson } from "./render-json.ts";
import { boundsNote, renderText } from "./render-text.ts";
import { SourceFiles } from "./source-files.ts";

export interface TraceCommandOptions {
  format: "text" | "json";
  full: boolean;
  root: string[];
  color?: boolean;
  lint: boolean;
}

function useColor(option: boolean | undefined): boolean {
  if (option === false) return false;
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR) return true;
  return process.stdout.isTTY === true;
}

/**
 * `async-doctor trace [FILE]`: 0 when something was recognised, 2 for unreadable or unrecognisable input.
 * The log is streamed: each panic is parsed, analysed and written as soon as it is complete, so memory
 * is bounded by the largest panic (and the model's caps, src/trace/limits.ts), not by the log.
 */
export async function runTraceCommand(input: string | undefined, options: TraceCommandOptions): Promise<number> {
  if (input === undefined && process.stdin.isTTY) throw new UsageError("trace: give a log file, or pipe a log into stdin ('-')");
  const sources = new SourceFiles(options.root.length > 0 ? options.root : [process.cwd()]);
  const out = new ChunkedOutput();
  const color = useColor(options.color);
  const json = options.format === "json";
  const pending: PanicAnalysis[] = [];
  let written = 0;
  const write = (one: TraceResult) => {
    const analysis = one.panics[0]!;
    // Separator and text are written apart: joined, the panic's text would be copied once more.
    if (json) {
      out.write(written === 0 ? '{\n  "panics": [\n' : ",\n");
      out.write(jsonAtDepth2(panicJson(analysis)));
    } else {
      if (written > 0) out.write("\n");
      out.write(renderText(one, { color, full: options.full }));
    }
    written++;
  };
  const writePanic = async (analysis: PanicAnalysis) => {
    const one = { panics: [analysis], dumps: [], joinErrors: [], lines: 0 };
    if (options.lint) await attachLintFindings(one, sources);
    write(one);
  };
  // The parser hands finished reports over synchronously, line by line. A panic with nothing to lint (no
  // frame's file is here: the usual case for a log from elsewhere) is written at once, so its objects die
  // young; linting is asynchronous, so a panic that needs it waits until after the chunk (and the panics
  // after it wait too, to keep the order): at most one chunk's panics wait.
  const parser = createLogParser((report) => {
    const analysis = analyseReport(report, sources);
    const one = { panics: [analysis], dumps: [], joinErrors: [], lines: 0 };
    if (pending.length === 0 && (!options.lint || lintableFiles(one, sources).size === 0)) write(one);
    else pending.push(analysis);
  });
  try {
    const drain = async () => {
      for (const analysis of pending.splice(0)) await writePanic(analysis);
    };
    await forEachLine(input, "trace", traceLimits().maxLineChars, (line) => parser.push(line), drain);
    const log = parser.end();
    await drain();
    const rest: TraceResult = { panics: [], dumps: log.dumps.map(analyseDump), joinErrors: log.joinErrors, lines: log.lines, bounds: log.bounds };
    if (written === 0 && rest.dumps.length === 0 && rest.joinErrors.length === 0) {
      throw new UsageError(`trace: no panic, backtrace, JoinError or task dump found in ${input ?? "stdin"}`);
    }
    if (json) {
      // Item by item, as the panics: all task dumps and JoinErrors as one string would be megabytes.
      out.write(`${written === 0 ? '{\n  "panics": []' : "\n  ]"},\n`);
      writeJsonArray(out, "dumps", rest.dumps.map(dumpJson));
      out.write(",\n");
      writeJsonArray(out, "joinErrors", rest.joinErrors);
      if (log.bounds.framesDropped + log.bounds.undemangled + log.bounds.linesCut + log.bounds.dumpsDropped > 0) out.write(`,\n  "bounds": ${JSON.stringify(log.bounds)}`);
      out.write("\n}\n");
    } else if (rest.dumps.length > 0 || rest.joinErrors.length > 0 || boundsNote(rest)) {
      out.write(`${written === 0 ? "" : "\n"}${renderText(rest, { color, full: options.full })}`);
    }
    out.flush();
  } catch (error) {
    if (error instanceof OutputClosed) return 0;
    throw error;
  }
  return 0;
}

/** `  "key": [ … ]` with each item as `JSON.stringify(items, null, 2)` would print it inside the top-level object. */
function writeJsonArray(out: ChunkedOutput, key: string, items: readonly unknown[]): void {
  if (items.length === 0) {
    out.write(`  "${key}": []`);
    return;
  }
  out.write(`  "${key}": [\n`);
  items.forEach((item, i) => {
    if (i > 0) out.write(",\n");
    out.write(jsonAtDepth2(item));
  });
  out.write("\n  ]");
}

/**
 * A value as `JSON.stringify(…, null, 2)` prints it two levels deep (4 spaces in): stringified inside two
 * arrays and cut out, which costs one string instead of re-indenting a copy of it.
 */
function jsonAtDepth2(value: unknown): string {
  return JSON.stringify([[value]], null, 2).slice(6, -6);
}
