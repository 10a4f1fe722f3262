/**
 * The Trace Event Format's rules, checked on a whole trace (written for the tests from the format's
 * specification, independent of the writer): every B has its E on the same thread in order, X events
 * have dur ≥ 0, slices of one thread nest (never cross), flow starts and ends pair up by (cat, id) with
 * the end not before the start, a flow start lies inside a slice of its thread and a bp:"e" end too,
 * counters carry numeric args, every thread belongs to one process and is named by metadata.
 */
export interface TraceEvent {
  ph: string;
  name?: string;
  cat?: string;
  ts?: number;
  dur?: number;
  pid: number;
  tid: number;
  id?: number | string;
  bp?: string;
  s?: string;
  args?: Record<string, unknown>;
}

interface Slice {
  start: number;
  end: number;
}

export function traceRuleViolations(events: readonly TraceEvent[]): string[] {
  const errors: string[] = [];
  const err = (msg: string) => {
    if (errors.length < 50) errors.push(msg);
  };
  const threadNames = new Map<string, string>();
  const pidOfTid = new Map<number, number>();
  const slices = new Map<string, Slice[]>();
  const open = new Map<string, { ts: number; name: string | undefined }[]>();
  const flowStarts = new Map<string, TraceEvent>();
  const flowEnds = new Map<string, TraceEvent>();
  const key = (e: TraceEvent) => `${e.pid}/${e.tid}`;
  for (const e of events) {
    if (!Number.isInteger(e.pid) || !Number.isInteger(e.tid)) err(`pid/tid not integers: ${JSON.stringify(e)}`);
    if (e.ph !== "M" && typeof e.ts !== "number") err(`event without a numeric ts: ${JSON.stringify(e)}`);
    if (e.tid !== 0) {
      const p = pidOfTid.get(e.tid);
      if (p === undefined) pidOfTid.set(e.tid, e.pid);
      else if (p !== e.pid && !(e.ph === "M" && e.name === "process_name")) err(`tid ${e.tid} used in pid ${p} and pid ${e.pid}`);
    }
    switch (e.ph) {
      case "M":
        if (e.name === "thread_name") {
          if (threadNames.has(key(e))) err(`thread ${key(e)} named twice`);
          threadNames.set(key(e), String(e.args?.name));
        }
        break;
      case "X":
        if (typeof e.dur !== "number" || !(e.dur >= 0)) err(`X with bad dur: ${JSON.stringify(e)}`);
        else {
          let list = slices.get(key(e));
          if (!list) slices.set(key(e), (list = []));
          list.push({ start: e.ts!, end: e.ts! + e.dur });
        }
        break;
      case "B": {
        let stack = open.get(key(e));
        if (!stack) open.set(key(e), (stack = []));
        stack.push({ ts: e.ts!, name: e.name });
        break;
      }
      case "E": {
        const b = open.get(key(e))?.pop();
        if (!b) err(`E without B on ${key(e)} at ${e.ts}`);
        else {
          if (e.ts! < b.ts) err(`E before its B on ${key(e)}`);
          let list = slices.get(key(e));
          if (!list) slices.set(key(e), (list = []));
          list.push({ start: b.ts, end: e.ts! });
        }
        break;
      }
      case "s":
      case "f": {
        const fk = `${e.cat}\u0000${e.id}`;
        const map = e.ph === "s" ? flowStarts : flowEnds;
        if (map.has(fk)) err(`flow ${e.ph} ${fk} twice`);
        map.set(fk, e);
        break;
      }
      case "i":
      case "I":
      case "C":
        if (e.ph === "C" && !Object.values(e.args ?? {}).every((v) => typeof v === "number")) err(`counter with non-numeric args: ${JSON.stringify(e)}`);
        break;
      default:
        err(`unexpected phase ${e.ph}`);
    }
  }
  for (const [k, stack] of open) if (stack.length > 0) err(`${stack.length} B without E on ${k}`);
  // Nesting: sorted by start (longer first on ties), every slice must end before its enclosing one does.
  for (const [k, list] of slices) {
    list.sort((a, b) => a.start - b.start || b.end - a.end);
    const stack: Slice[] = [];
    for (const s of list) {
      while (stack.length > 0 && stack.at(-1)!.end <= s.start) stack.pop();
      const parent = stack.at(-1);
      if (parent && s.end > parent.end) err(`slices cross on ${k}: [${parent.start}, ${parent.end}] and [${s.start}, ${s.end}]`);
      stack.push(s);
    }
  }
  const inSlice = (e: TraceEvent) => (slices.get(key(e)) ?? []).some((s) => s.start <= e.ts! && e.ts! <= s.end);
  for (const [fk, s] of flowStarts) {
    const f = flowEnds.get(fk);
    if (!f) {
      err(`flow start ${fk} has no end`);
      continue;
    }
    if (f.ts! < s.ts!) err(`flow ${fk} ends before it starts`);
    if (!inSlice(s)) err(`flow start ${fk} at ${s.ts} is not inside a slice of ${key(s)}`);
    if (f.bp === "e" && !inSlice(f)) err(`flow end ${fk} at ${f.ts} is not inside a slice of ${key(f)}`);
  }
  for (const fk of flowEnds.keys()) if (!flowStarts.has(fk)) err(`flow end ${fk} has no start`);
  for (const e of events) {
    if (e.ph !== "M" && e.tid !== 0 && !threadNames.has(key(e))) {
      err(`events on unnamed thread ${key(e)}`);
      break;
    }
  }
  return errors;
}
