/**
 * The input policy shared by every command: how much of a file, of stdin, of time and of parser memory
 * one input may take. Each bound has a generous default and an environment variable to change it
 * (docs/limits.md lists them all); a bad value is a usage error, reported once in one line.
 */
import { UsageError } from "../cli/errors.ts";

export interface InputLimits {
  /** One source or log file, in bytes. */
  maxFileBytes: number;
  /** Everything read from stdin, in bytes. */
  maxStdinBytes: number;
  /** Wall time for one file in lint (parse + rules); over it the file is skipped with a notice. */
  fileTimeBudgetMs: number;
  /** WASM memory of the tree-sitter instance, in MiB. */
  parserMemoryMb: number;
  /** Macro bodies re-parsed inside macro bodies, levels deep. */
  maxMacroDepth: number;
  /** Re-parsed macro text per file, as a multiple of the file's size (plus 64 KiB). */
  macroBytesFactor: number;
  /** One gRPC message from a live console target, in bytes (the announced length is checked first). */
  maxGrpcFrameBytes: number;
}

const MiB = 1024 * 1024;

const variables: Record<keyof InputLimits, { name: string; fallback: number; min: number; unit: string }> = {
  maxFileBytes: { name: "ASYNC_DOCTOR_MAX_FILE_BYTES", fallback: 64 * MiB, min: 1, unit: "bytes" },
  maxStdinBytes: { name: "ASYNC_DOCTOR_MAX_STDIN_BYTES", fallback: 64 * MiB, min: 1, unit: "bytes" },
  fileTimeBudgetMs: { name: "ASYNC_DOCTOR_FILE_TIME_BUDGET_MS", fallback: 30_000, min: 1, unit: "milliseconds" },
  parserMemoryMb: { name: "ASYNC_DOCTOR_PARSER_MEMORY_MB", fallback: 1024, min: 32, unit: "MiB (32 to 2048)" },
  maxMacroDepth: { name: "ASYNC_DOCTOR_MAX_MACRO_DEPTH", fallback: 8, min: 0, unit: "levels" },
  macroBytesFactor: { name: "ASYNC_DOCTOR_MACRO_BYTES_FACTOR", fallback: 4, min: 0, unit: "times the file size" },
  maxGrpcFrameBytes: { name: "ASYNC_DOCTOR_MAX_GRPC_FRAME_BYTES", fallback: 256 * MiB, min: 1024, unit: "bytes" },
};

let cached: InputLimits | undefined;
let cachedFrom: string | undefined;

/** The limits in force (environment read once per distinct environment, so tests can change it). */
export function inputLimits(): InputLimits {
  const key = Object.values(variables)
    .map((v) => process.env[v.name] ?? "")
    .join("\0");
  if (cached && cachedFrom === key) return cached;
  const out = {} as InputLimits;
  for (const [field, spec] of Object.entries(variables) as Array<[keyof InputLimits, (typeof variables)[keyof InputLimits]]>) {
    const raw = process.env[spec.name];
    if (raw === undefined || raw.trim() === "") {
      out[field] = spec.fallback;
      continue;
    }
    const value = Number(raw);
    if (!Number.isFinite(value) || value < spec.min) throw new UsageError(`${spec.name}=${raw}: expected a number of ${spec.unit}, at least ${spec.min}`);
    out[field] = field === "parserMemoryMb" ? Math.min(value, 2048) : value;
  }
  cached = out;
  cachedFrom = key;
  return out;
}

/** "64 MiB" / "512 KiB" / "100 bytes": limits in messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** The `performance.now()` deadline of one file's analysis started now. */
export function fileDeadline(): number {
  return performance.now() + inputLimits().fileTimeBudgetMs;
}

/** A numeric setting from the environment: `fallback` when unset, a usage error when not a number ≥ `min`. */
export function numberFromEnv(name: string, fallback: number, min: number, unit: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new UsageError(`${name}=${raw}: expected a number of ${unit}, at least ${min}`);
  return value;
}
