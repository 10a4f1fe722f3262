import { UsageError } from "../cli/errors.ts";
import { analyseReport, type TraceResult } from "./analyse.ts";
import type { PanicAnalysis } from "./async-chain.ts";
import { analyseDump } from "./dump-analysis.ts";
import { attachLintFindings } from "./lint-findings.ts";
import { createLogParser } from "./log-parser.ts";
import { ChunkedOutput, forEachLine, OutputClosed } from "./line-io.ts";
import { traceLimits } from "./limits.ts";
import { panicJson, renderJson } from "./render-json.ts";
import { boundsNote, renderText } from "./render-text.ts";
import { SourceFiles } from "./source-files.ts";
import { demangleLine } from "./demangle/index.ts";

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
  const writePanic = async (analysis: PanicAnalysis) => {
    const one = { panics: [analysis], dumps: [], joinErrors: [], lines: 0 };
    if (options.lint) await attachLintFindings(one, sources);
    if (json) out.write(`${written === 0 ? '{\n  "panics": [\n' : ",\n"}${indent(JSON.stringify(panicJson(analysis), null, 2), 4)}`);
    else out.write(`${written === 0 ? "" : "\n"}${renderText(one, { color, full: options.full })}`);
    written++;
  };
  const parser = createLogParser((report) => pending.push(analyseReport(report, sources)));
  try {
    // The parser hands finished reports over synchronously, line by line; writing them (and linting
    // their files) is asynchronous, so it is done after each chunk: at most one chunk's panics wait.
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
      const tail = JSON.parse(renderJson(rest)) as Record<string, unknown>;
      const sections = ["dumps", "joinErrors"].map((key) => `  "${key}": ${indent(JSON.stringify(tail[key], null, 2), 2).trimStart()}`);
      const bounds = log.bounds.framesDropped + log.bounds.undemangled + log.bounds.linesCut + log.bounds.dumpsDropped > 0 ? [`  "bounds": ${JSON.stringify(log.bounds)}`] : [];
      out.write(`${written === 0 ? '{\n  "panics": []' : "\n  ]"},\n${[...sections, ...bounds].join(",\n")}\n}\n`);
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

function indent(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return pad + text.replace(/\n/g, `\n${pad}`);
}

export interface DemangleCommandOptions {
  hash: boolean;
}

/** `async-doctor trace demangle [SYMBOL...]`: one output line per input line, like rustfilt; streamed. */
export async function runDemangleCommand(symbols: string[], options: DemangleCommandOptions): Promise<number> {
  const opts = { hash: options.hash, maxOutput: traceLimits().maxSymbolOutput };
  if (symbols.length > 0) {
    process.stdout.write(symbols.map((s) => demangleLine(s, opts)).join("\n") + "\n");
    return 0;
  }
  if (process.stdin.isTTY) throw new UsageError("trace demangle: give symbols as arguments or pipe them into stdin, one per line");
  const out = new ChunkedOutput();
  try {
    await forEachLine("-", "trace demangle", traceLimits().maxLineChars, (line) => out.write(`${demangleLine(line, opts)}\n`));
    out.flush();
  } catch (error) {
    if (error instanceof OutputClosed) return 0;
    throw error;
  }
  return 0;
}
