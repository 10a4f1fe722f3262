/** Display helpers shared by the views (durations as tokio-console shows them: the CLI's own formatter). */
export { formatDurationNs } from "../../util/duration.ts";

export function formatTime(ns: number | null, origin: number): string {
  if (ns === null || Number.isNaN(ns)) return "-";
  return `${((ns - origin) / 1e9).toFixed(3)}s`;
}

export function taskLabel(t: { name: string; id: string }): string {
  return t.name ? `${t.name} (${t.id})` : `task ${t.id}`;
}
