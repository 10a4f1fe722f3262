/**
 * Tasks: the sortable, filterable task table (the snapshot command's filter language and columns),
 * diagnosed tasks pinned on top with their rule, rows virtualised (@tanstack/virtual-core) so 10k+ tasks
 * cost only the rows on screen.
 */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from "@tanstack/virtual-core";
import { useContext, useLayoutEffect, useMemo, useReducer, useRef, useState } from "preact/hooks";
import { parseTaskFilter } from "../../../console/snapshot/filter.ts";
import { cellText, findColumn, type TaskColumn } from "../../../console/snapshot/task-columns.ts";
import type { DiagnosesView, SourceInfo } from "../../shared/api-types.ts";
import { AppContext } from "../context.ts";
import { formatTime } from "../format.ts";
import { asTaskRow, rowsAt, type WebTaskRow } from "../rows.ts";
import { useTaskTable } from "../use-task-table.ts";
import { filterRows, sortRows } from "../table-order.ts";
import { useData } from "../use-data.ts";

const SHOWN = ["id", "name", "state", "total", "busy", "sched", "idle", "polls", "wakes", "self_wakes", "wakers", "kind", "location"];
const ROW_HEIGHT = 24;

export function TasksView({ source }: { source: SourceInfo }) {
  const app = useContext(AppContext);
  const version = app.versions[source.index] ?? 0;
  const at = app.timeAt[source.index] ?? null;
  const table = useTaskTable(source.index, version, at);
  const diagnoses = useData<DiagnosesView>(`/api/s/${source.index}/diagnoses`, version);
  const [filterText, setFilterText] = useState("");
  const [sort, setSort] = useState<{ column: TaskColumn; descending: boolean }>({ column: findColumn("total")!, descending: true });
  const [pin, setPin] = useState(true);

  const filter = useMemo(() => {
    if (!filterText.trim()) return { predicate: null, error: null };
    try {
      return { predicate: parseTaskFilter(filterText), error: null };
    } catch (e) {
      return { predicate: null, error: e instanceof Error ? e.message.replace(/--filter /g, "") : String(e) };
    }
  }, [filterText]);

  const diagnosedRules = useMemo(() => {
    const map = new Map<string, { rule: string; severity: string }[]>();
    for (const d of diagnoses.data?.diagnoses ?? []) {
      if (!d.taskKey) continue;
      const list = map.get(d.taskKey) ?? [];
      list.push({ rule: d.rule, severity: d.severity });
      map.set(d.taskKey, list);
    }
    return map;
  }, [diagnoses.data]);

  const all = useMemo(() => (table.data ? rowsAt(table.data.rows.values(), table.data.now) : []), [table.data]);
  const filtered = useMemo(() => filterRows(all, filter.predicate), [all, filter]);
  const rows = useMemo(() => {
    const order = sortRows(all, filtered, sort.column, sort.descending, (r) => pin && diagnosedRules.has(r.key));
    return { all: all.length, shown: order.map((i) => all[i]!) };
  }, [all, filtered, sort, pin, diagnosedRules]);

  const columns = SHOWN.map((k) => findColumn(k)!);
  const origin = source.range?.[0] ?? 0;
  return (
    <div class="tasks-view" data-testid="tasks-view">
      <div class="toolbar">
        <input
          class={`filter ${filter.error ? "bad" : ""}`}
          placeholder="filter: name~blocker, state=idle, polls>10, busy>=100ms, kind!=blocking"
          value={filterText}
          onInput={(e) => setFilterText((e.target as HTMLInputElement).value)}
          data-testid="task-filter"
        />
        <label class="pin">
          <input type="checkbox" checked={pin} onChange={() => setPin(!pin)} /> pin diagnosed
        </label>
        <span class="count" data-testid="task-count">
          {rows.shown.length} of {rows.all} tasks
        </span>
        {at !== null ? (
          <span class="as-of" data-testid="as-of">
            as of {formatTime(at, origin)} <button onClick={() => app.setTimeAt(source.index, null)}>latest</button>
          </span>
        ) : null}
      </div>
      {filter.error ? (
        <p class="error" data-testid="filter-error">
          {filter.error}
        </p>
      ) : null}
      {table.error ? <p class="error">{table.error}</p> : null}
      <PinnedDiagnoses source={source} diagnoses={diagnoses.data} />
      <VirtualTable rows={rows.shown} columns={columns} sort={sort} setSort={setSort} diagnosed={diagnosedRules} sourceIndex={source.index} />
    </div>
  );
}

function PinnedDiagnoses({ source, diagnoses }: { source: SourceInfo; diagnoses: DiagnosesView | undefined }) {
  const app = useContext(AppContext);
  const list = (diagnoses?.diagnoses ?? []).filter((d) => d.severity !== "info");
  if (list.length === 0) return null;
  return (
    <ul class="pinned" data-testid="pinned-diagnoses">
      {list.slice(0, 6).map((d, i) => (
        <li key={i} class={`sev-${d.severity}`}>
          <b>{d.rule}</b>{" "}
          {d.task && d.taskKey ? (
            <a href="#" onClick={(e) => (e.preventDefault(), app.select({ source: source.index, key: d.taskKey! }))}>
              {d.task.name || `task ${d.task.id}`}
            </a>
          ) : null}{" "}
          — {d.message}
        </li>
      ))}
      {list.length > 6 ? <li>+{list.length - 6} more in Diagnoses</li> : null}
    </ul>
  );
}

interface TableProps {
  rows: WebTaskRow[];
  columns: TaskColumn[];
  sort: { column: TaskColumn; descending: boolean };
  setSort(sort: { column: TaskColumn; descending: boolean }): void;
  diagnosed: Map<string, { rule: string; severity: string }[]>;
  sourceIndex: number;
}

function VirtualTable({ rows, columns, sort, setSort, diagnosed, sourceIndex }: TableProps) {
  const app = useContext(AppContext);
  const scroller = useRef<HTMLDivElement>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const options = {
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    observeElementRect,
    observeElementOffset,
    scrollToFn: elementScroll,
    onChange: () => rerender(undefined as never),
  };
  const [virtualizer] = useState(() => new Virtualizer<HTMLDivElement, Element>(options));
  virtualizer.setOptions({ ...virtualizer.options, ...options });
  useLayoutEffect(() => virtualizer._didMount(), []);
  useLayoutEffect(() => virtualizer._willUpdate());

  const grid = `grid-template-columns: ${columns.map((c) => (c.key === "name" ? "minmax(12em, 1.5fr)" : c.key === "location" ? "minmax(8em, 2fr)" : c.align === "right" ? "minmax(4.5em, auto)" : "minmax(5em, auto)")).join(" ")}`;
  const selected = app.selected?.source === sourceIndex ? app.selected.key : null;
  return (
    <div class="table" data-testid="task-table">
      <div class="thead" style={grid}>
        {columns.map((c) => (
          <button
            key={c.key}
            class={`th ${c.align} ${sort.column.key === c.key ? "sorted" : ""}`}
            data-testid={`sort-${c.key}`}
            onClick={() => setSort({ column: c, descending: sort.column.key === c.key ? !sort.descending : c.type !== "text" })}
          >
            {c.header}
            {sort.column.key === c.key ? (sort.descending ? " ▾" : " ▴") : ""}
          </button>
        ))}
      </div>
      <div class="tbody" ref={scroller} data-testid="task-rows">
        <div style={`height: ${virtualizer.getTotalSize()}px; position: relative`}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            const rules = diagnosed.get(row.key);
            return (
              // Keyed by position: on a live update the rows on screen change content in place instead of
              // moving DOM nodes around as the sort order shifts.
              <div
                key={item.index}
                class={`tr ${rules ? `diagnosed sev-${rules[0]!.severity}` : ""} ${selected === row.key ? "selected" : ""}`}
                style={`${grid}; transform: translateY(${item.start}px); height: ${ROW_HEIGHT}px`}
                data-testid="task-row"
                data-key={row.key}
                onClick={() => app.select({ source: sourceIndex, key: row.key })}
              >
                {columns.map((c) => (
                  <span key={c.key} class={`td ${c.align}`} title={c.key === "location" ? row.location : undefined}>
                    {c.key === "name" ? <span data-testid="task-name">{row.name}</span> : cellText(c, asTaskRow(row))}
                    {c.key === "name" && rules ? <span class="badge">{rules.map((r) => r.rule).join(", ")}</span> : null}
                  </span>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
