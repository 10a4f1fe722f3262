/**
 * The task table of one source, kept in the browser and brought up to date on every live notice by
 * asking only for the rows changed since the version held (`?since=`); the scrubber's "as of" tables
 * are fetched whole (`?at=`). Reports answer the same paths with their embedded full table.
 */
import { useContext, useEffect, useRef, useState } from "preact/hooks";
import type { TaskTable } from "../shared/api-types.ts";
import { AppContext } from "./context.ts";
import { applyTable, type RawTask } from "./rows.ts";

export interface HeldTable {
  rows: Map<string, RawTask>;
  now: number;
  version: number;
  at: number | null;
}

export function useTaskTable(source: number, version: number, at: number | null): { data: HeldTable | undefined; error: string | undefined } {
  const { data: api } = useContext(AppContext);
  const held = useRef<HeldTable>({ rows: new Map(), now: Number.NaN, version: 0, at: null });
  const [state, setState] = useState<{ data: HeldTable | undefined; error: string | undefined }>({ data: undefined, error: undefined });
  const busy = useRef(false);
  const again = useRef(false);
  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      if (busy.current) {
        again.current = true;
        return;
      }
      busy.current = true;
      try {
        const h = held.current;
        const travelling = at !== null && !api.offline;
        const path = travelling ? `/api/s/${source}/tasks?at=${at}` : `/api/s/${source}/tasks?since=${h.at === null ? h.version : 0}`;
        const t = await api.json<TaskTable>(path);
        if (cancelled) return;
        applyTable(h.rows, t);
        // A fresh Map object per answer, so that views memoised on it recompute.
        held.current = { rows: h.rows, now: t.now ?? Number.NaN, version: t.version, at: travelling ? at : null };
        setState({ data: { ...held.current, rows: new Map(h.rows) }, error: undefined });
      } catch (error) {
        if (!cancelled) setState((s) => ({ data: s.data, error: error instanceof Error ? error.message : String(error) }));
      } finally {
        busy.current = false;
        if (again.current && !cancelled) {
          again.current = false;
          void load();
        }
      }
    };
    void load();
    return () => {
      cancelled = true;
    };
  }, [source, version, at]);
  return state;
}
