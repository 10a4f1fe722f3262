import pc from "picocolors";
import type { WatchDiagnosis } from "./diagnosis-lines.ts";
import type { RowState, TaskRow } from "./task-rows.ts";

export type SortKey = "state" | "busy" | "polls" | "id" | "name";

export interface FrameInput {
  target: string;
  /** "connected", "reconnecting in 400 ms: …", etc. */
  status: string;
  session: number;
  updates: number;
  droppedEvents: number;
  rows: TaskRow[];
  sort: SortKey;
  width: number;
  height: number;
  color: boolean;
  /** Lines about tasks watched with --task (poll-time histograms), shown under the table. */
  details?: string[];
  /** Current runtime diagnoses (the `console check` engine on the updates so far), shown under the table. */
  diagnoses?: WatchDiagnosis[];
  /** At most this many diagnosis lines (default 5); the rest are counted in a "+K more" line. */
  maxDiagnoses?: number;
  /** WatchState result: "live", "paused", or undefined when the server lacks WatchState. */
  temporality?: string;
}

const stateOrder: Record<RowState, number> = { running: 0, scheduled: 1, idle: 2, done: 3 };

/** Sorts rows in place by the chosen column (state: running, scheduled, idle, done; then busiest). */
export function sortRows(rows: TaskRow[], sort: SortKey): TaskRow[] {
  const byBusy = (a: TaskRow, b: TaskRow) => b.busyNs - a.busyNs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const compare: Record<SortKey, (a: TaskRow, b: TaskRow) => number> = {
    state: (a, b) => stateOrder[a.state] - stateOrder[b.state] || byBusy(a, b),
    busy: byBusy,
    polls: (a, b) => b.polls - a.polls || byBusy(a, b),
    id: (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    name: (a, b) => a.name.localeCompare(b.name) || byBusy(a, b),
  };
  return rows.sort(compare[sort]);
}

/**
 * Renders one screen of `console watch` as lines no wider than `width` and no more than `height`
 * (a status line, a summary line, the table header, then as many tasks as fit, and a key hint).
 */
export function renderFrame(input: FrameInput): string[] {
  const c = input.color ? pc : noColor;
  const rows = sortRows([...input.rows], input.sort);
  const counts = { running: 0, scheduled: 0, idle: 0, done: 0 };
  for (const r of rows) counts[r.state]++;
  const lines: string[] = [];
  lines.push(
    `${c.bold("async-doctor console watch")}  ${input.target}  ${input.status}${input.session > 1 ? `  (session ${input.session})` : ""}${input.temporality === "paused" ? c.yellow("  [app PAUSED]") : ""}`,
  );
  lines.push(
    `tasks ${rows.length}: ${c.green(`${counts.running} running`)}, ${c.cyan(`${counts.scheduled} scheduled`)}, ${counts.idle} idle, ${c.dim(`${counts.done} done`)}   updates ${input.updates}${input.droppedEvents ? c.red(`   dropped events ${input.droppedEvents}: counts are incomplete`) : ""}`,
  );
  const header = ["ID", "STATE", "NAME", "KIND", "TOTAL", "BUSY", "IDLE", "POLLS", "WAKES", "WAKERS", "LOCATION"];
  const cells = rows.map((r) => [
    r.id.toString(),
    r.state,
    r.name,
    r.kind,
    fmt(r.totalNs),
    fmt(r.busyNs),
    fmt(r.idleNs),
    String(r.polls),
    String(r.wakes),
    String(r.liveWakers),
    r.location,
  ]);
  const widths = header.map((h, i) => Math.min(i === 2 ? 24 : i === 0 ? 20 : 64, Math.max(h.length, ...cells.map((row) => row[i].length))));
  const right = new Set([4, 5, 6, 7, 8, 9]);
  const layout = (row: string[]) =>
    row.map((cell, i) => {
      const text = cell.length > widths[i] ? `${cell.slice(0, widths[i] - 1)}…` : cell;
      return right.has(i) ? text.padStart(widths[i]) : text.padEnd(widths[i]);
    });
  lines.push(c.bold(clip(layout(header).join(" "), input.width)));
  const details = (input.details ?? []).slice(0, Math.max(0, input.height - lines.length - 2));
  const diagnosisBlock = diagnosisLines(input.diagnoses ?? [], input.maxDiagnoses ?? 5, input.width, c).slice(
    0,
    Math.max(0, input.height - lines.length - 2 - details.length),
  );
  const room = Math.max(0, input.height - lines.length - 1 - details.length - diagnosisBlock.length);
  for (const [index, row] of cells.slice(0, room).entries()) {
    const text = clip(layout(row).join(" "), input.width);
    const state = rows[index].state;
    lines.push(state === "running" ? c.green(text) : state === "scheduled" ? c.cyan(text) : state === "done" ? c.dim(text) : text);
  }
  for (const line of details) lines.push(c.yellow(clip(line, input.width)));
  lines.push(...diagnosisBlock);
  const hidden = Math.max(0, cells.length - room);
  lines.push(c.dim(`${hidden > 0 ? `… ${hidden} more   ` : ""}q quit  s sort (${input.sort})  p pause/resume the app`));
  return lines;
}

type Colours = typeof noColor;

/** One line per diagnosis (severity coloured like `console check`), at most `max`, then "+K more". */
function diagnosisLines(diagnoses: readonly WatchDiagnosis[], max: number, width: number, c: Colours): string[] {
  const colour = { error: c.red, warning: c.yellow, info: c.cyan } as const;
  const shown = diagnoses.slice(0, Math.max(0, max));
  const lines = shown.map((d) => {
    const plain = clip(`${d.severity.padEnd(7)} [${d.rule}]${d.who ? ` ${d.who}` : ""}: ${d.message}`, width);
    return `${colour[d.severity](plain.slice(0, 7))}${plain.slice(7)}`;
  });
  const more = diagnoses.length - shown.length;
  if (more > 0) lines.push(c.dim(clip(`+${more} more diagnoses (async-doctor console check TARGET lists them all)`, width)));
  return lines;
}

function fmt(ns: number): string {
  if (!Number.isFinite(ns)) return "-";
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)}s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)}ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)}µs`;
  return `${ns.toFixed(0)}ns`;
}

/** Cuts a line to the terminal width (the table is plain text before colouring). */
function clip(text: string, width: number): string {
  return text.length > width ? text.slice(0, Math.max(0, width)) : text;
}

const identity = (s: string) => s;
const noColor = { bold: identity, green: identity, cyan: identity, dim: identity, red: identity, yellow: identity };
