/**
 * Filtering and sorting the task table in the browser, fast enough to redo on every live update of 10k+
 * rows: the filter is the CLI's own (`parseTaskFilter`, run on row objects only while a filter is typed),
 * and the sort reads each row's key once into an array and sorts row indexes, in the order
 * `compareRows` (src/console/snapshot/task-columns.ts) gives: missing values last in both directions,
 * ids as decimals, states running < scheduled < idle < done, numbers, then text as localeCompare
 * (the same collation, through one Intl.Collator), ties by id ascending.
 */
import type { TaskPredicate } from "../../console/snapshot/filter.ts";
import type { TaskColumn } from "../../console/snapshot/task-columns.ts";
import { asTaskRow, type WebTaskRow } from "./rows.ts";

const collator = new Intl.Collator();
const STATE_ORDER: Record<string, number> = { running: 0, scheduled: 1, idle: 2, done: 3 };

function compareDecimal(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** Indexes of the rows that pass `predicate` (all when null). */
export function filterRows(rows: readonly WebTaskRow[], predicate: TaskPredicate | null): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) if (!predicate || predicate(asTaskRow(rows[i]!))) out.push(i);
  return out;
}

/** Sorts row indexes: pinned rows first, then by `column` as compareRows orders, ties by id. */
export function sortRows(rows: readonly WebTaskRow[], indexes: readonly number[], column: TaskColumn, descending: boolean, pinned: (row: WebTaskRow) => boolean): number[] {
  const values = rows.map((r) => column.value(asTaskRow(r)));
  const missing = values.map((v) => v === "" || (typeof v === "number" && Number.isNaN(v)));
  const pin = rows.map(pinned);
  const sign = descending ? -1 : 1;
  let compare: (a: number, b: number) => number;
  if (column.type === "id") compare = (a, b) => compareDecimal(String(values[a]), String(values[b]));
  else if (column.type === "state") compare = (a, b) => STATE_ORDER[values[a] as string]! - STATE_ORDER[values[b] as string]!;
  else if (column.type === "number" || column.type === "duration") compare = (a, b) => (values[a] as number) - (values[b] as number);
  else compare = (a, b) => collator.compare(String(values[a]), String(values[b]));
  return indexes.slice().sort((a, b) => {
    if (pin[a] !== pin[b]) return pin[a] ? -1 : 1;
    if (missing[a] || missing[b]) {
      if (missing[a] !== missing[b]) return missing[a] ? 1 : -1;
    } else {
      const c = compare(a, b);
      if (c !== 0) return sign * c;
    }
    return compareDecimal(rows[a]!.id, rows[b]!.id);
  });
}
