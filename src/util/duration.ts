/**
 * Duration formatting as tokio-console shows it: Rust's `format!("{:.2?}", duration)` — the largest unit
 * that keeps the integer part ≥ 1 among s, ms, µs, ns, with two decimals: `1.20s`, `300.12ms`, `15.60µs`,
 * `500.00ns`. Input in nanoseconds (a float is fine).
 */
export function formatDurationNs(ns: number, decimals = 2): string {
  if (!Number.isFinite(ns)) return "-";
  const sign = ns < 0 ? "-" : "";
  const abs = Math.abs(ns);
  if (abs >= 1e9) return `${sign}${fixed(abs / 1e9, decimals)}s`;
  if (abs >= 1e6) return `${sign}${fixed(abs / 1e6, decimals)}ms`;
  if (abs >= 1e3) return `${sign}${fixed(abs / 1e3, decimals)}µs`;
  return `${sign}${fixed(abs, decimals)}ns`;
}

function fixed(value: number, decimals: number): string {
  return value.toFixed(decimals);
}

/** Seconds with millisecond precision, for JSON-ish human output ("12.345s"). */
export function formatSeconds(ns: number): string {
  return `${(ns / 1e9).toFixed(3)}s`;
}
