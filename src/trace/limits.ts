/**
 * Bounds of the trace model, so no log can exhaust memory or time whatever it holds (docs/limits.md):
 * frames kept per backtrace (the rest counted, "… N frames more"), characters per line, demangled text
 * per symbol and per log (v0 back-references expand exponentially: a short symbol can name megabytes).
 */
import { numberFromEnv } from "../util/input-limits.ts";

export interface TraceLimits {
  maxFramesPerBacktrace: number;
  maxLineChars: number;
  maxSymbolOutput: number;
  maxDemangledPerLog: number;
  /** Task-dump lines and JoinErrors kept per log. */
  maxDumpLines: number;
  maxDumps: number;
  maxJoinErrors: number;
}

export function traceLimits(): TraceLimits {
  return {
    maxFramesPerBacktrace: numberFromEnv("ASYNC_DOCTOR_TRACE_MAX_FRAMES", 1024, 1, "frames"),
    maxLineChars: numberFromEnv("ASYNC_DOCTOR_TRACE_MAX_LINE_CHARS", 64 * 1024, 256, "characters"),
    maxSymbolOutput: numberFromEnv("ASYNC_DOCTOR_TRACE_MAX_SYMBOL_CHARS", 64 * 1024, 256, "characters"),
    maxDemangledPerLog: numberFromEnv("ASYNC_DOCTOR_TRACE_MAX_DEMANGLED_CHARS", 16 * 1024 * 1024, 1024, "characters"),
    maxDumpLines: numberFromEnv("ASYNC_DOCTOR_TRACE_MAX_DUMP_LINES", 200_000, 1, "lines"),
    maxDumps: numberFromEnv("ASYNC_DOCTOR_TRACE_MAX_DUMPS", 64, 1, "task dumps"),
    maxJoinErrors: numberFromEnv("ASYNC_DOCTOR_TRACE_MAX_JOIN_ERRORS", 10_000, 1, "JoinErrors"),
  };
}
