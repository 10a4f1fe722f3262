import { analysePanic, type PanicAnalysis } from "./async-chain.ts";
import { analyseDump, type DumpAnalysis } from "./dump-analysis.ts";
import { classifyFrames } from "./frame-classifier.ts";
import { parseLog } from "./log-parser.ts";
import { SourceFiles } from "./source-files.ts";
import type { JoinErrorReport, ParsedLog, PanicReport } from "./types.ts";

export interface TraceResult {
  panics: PanicAnalysis[];
  dumps: DumpAnalysis[];
  joinErrors: JoinErrorReport[];
  lines: number;
  /** What the model's bounds left out (absent: nothing was counted). */
  bounds?: ParsedLog["bounds"];
}

export interface AnalyseOptions {
  /** Folders where relative source paths in the trace are looked up (default: the cwd). */
  roots?: string[];
  /** Shared source cache (built from `roots` when absent). */
  sources?: SourceFiles;
}

/** The whole pipeline short of rendering: parse, classify, build chains, group task dumps. */
export function analyseLog(text: string, options: AnalyseOptions = {}): TraceResult {
  const log = parseLog(text);
  const sources = options.sources ?? new SourceFiles(options.roots ?? [process.cwd()]);
  const panics = log.panics.map((report) => {
    if (report.backtrace) classifyFrames(report.backtrace.frames);
    return analysePanic(report, sources);
  });
  const dumps = log.dumps.map(analyseDump);
  return { panics, dumps, joinErrors: log.joinErrors, lines: log.lines, bounds: log.bounds };
}

/** One report's analysis (the streaming path analyses each report as the parser hands it over). */
export function analyseReport(report: PanicReport, sources: SourceFiles): PanicAnalysis {
  if (report.backtrace) classifyFrames(report.backtrace.frames);
  return analysePanic(report, sources);
}

export function isEmpty(result: TraceResult): boolean {
  return result.panics.length === 0 && result.dumps.length === 0 && result.joinErrors.length === 0;
}
