import { UsageError } from "../../cli/errors.ts";

/** Parses "500ms", "10s", "2m", "1h", "1.5s" or a bare number of seconds into milliseconds. */
export function parseDurationMs(text: string, what = "duration"): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?\s*$/i.exec(text);
  if (!match) throw new UsageError(`bad ${what} '${text}': expected e.g. 500ms, 10s, 2m, 1h`);
  const value = Number(match[1]);
  const unit = (match[2] ?? "s").toLowerCase();
  const factor = unit === "ms" ? 1 : unit === "s" || unit === "sec" ? 1000 : unit === "m" || unit === "min" ? 60_000 : 3_600_000;
  return Math.round(value * factor);
}
