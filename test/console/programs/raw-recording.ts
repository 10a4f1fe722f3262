/**
 * A deliberately small, independent reading of console-subscriber recording lines, used to check the
 * fixture programs' recordings without depending on src/console/recording (so both can check each
 * other). Ids are kept as decimal strings (they can exceed 2^53).
 */
export interface At {
  secs_since_epoch: number;
  nanos_since_epoch: number;
}
export type RawEvent =
  | { tag: "Spawn"; id: string; at: number; fields: Record<string, string | number | boolean> }
  | { tag: "Enter" | "Exit" | "Close"; id: string; at: number }
  | { tag: "Waker"; id: string; at: number; op: "Clone" | "Drop" | "Wake" | "WakeByRef"; selfWake: boolean };

/** Seconds since the epoch as a float (µs precision is plenty for these tests). */
export function atSeconds(at: At): number {
  return at.secs_since_epoch + at.nanos_since_epoch / 1e9;
}

export function parseRawLines(text: string): { header: unknown; events: RawEvent[] } {
  const lines = text.split("\n").filter((l) => l.length > 0);
  const header = JSON.parse(lines[0] ?? "null");
  const events: RawEvent[] = [];
  for (const line of lines.slice(1)) {
    const obj = JSON.parse(line.replace(/"id":(\d+)/g, '"id":"$1"')) as Record<string, Record<string, unknown>>;
    const tag = Object.keys(obj)[0] as RawEvent["tag"];
    const body = obj[tag]!;
    const id = body.id as string;
    const at = atSeconds(body.at as At);
    if (tag === "Spawn") {
      const fields: Record<string, string | number | boolean> = {};
      for (const f of body.fields as { name: string; value: string | number | boolean }[]) fields[f.name] = f.value;
      events.push({ tag, id, at, fields });
    } else if (tag === "Waker") {
      const op = body.op as string | Record<string, { self_wake: boolean }>;
      if (typeof op === "string") events.push({ tag, id, at, op: op as "Clone" | "Drop", selfWake: false });
      else {
        const kind = Object.keys(op)[0] as "Wake" | "WakeByRef";
        events.push({ tag, id, at, op: kind, selfWake: op[kind]!.self_wake });
      }
    } else if (tag === "Enter" || tag === "Exit" || tag === "Close") {
      events.push({ tag, id, at });
    } else {
      throw new Error(`unknown recording line: ${line}`);
    }
  }
  return { header, events };
}

export interface RawTask {
  id: string;
  name: string;
  kind: string;
  fields: Record<string, string | number | boolean>;
  spawnedAt: number;
  /** [enter, exit] of each outermost poll; exit NaN while still running at the end. */
  polls: [number, number][];
  wakes: { at: number; self: boolean; byValue: boolean }[];
  clones: number;
  drops: number;
  closedAt?: number;
}

/** Tasks by identity (Spawn … Close of one id), in spawn order. */
export function rawTasks(events: RawEvent[]): { tasks: RawTask[]; lastAt: number } {
  const live = new Map<string, RawTask & { depth: number }>();
  const all: (RawTask & { depth: number })[] = [];
  let lastAt = 0;
  for (const e of events) {
    lastAt = Math.max(lastAt, e.at);
    if (e.tag === "Spawn") {
      const task = {
        id: e.id,
        name: String(e.fields["task.name"] ?? ""),
        kind: String(e.fields.kind ?? ""),
        fields: e.fields,
        spawnedAt: e.at,
        polls: [] as [number, number][],
        wakes: [] as RawTask["wakes"],
        clones: 0,
        drops: 0,
        depth: 0,
      };
      live.set(e.id, task);
      all.push(task);
      continue;
    }
    const task = live.get(e.id);
    if (!task) continue; // resource / async-op span
    if (e.tag === "Enter") {
      if (task.depth++ === 0) task.polls.push([e.at, Number.NaN]);
    } else if (e.tag === "Exit") {
      if (--task.depth === 0) task.polls.at(-1)![1] = e.at;
    } else if (e.tag === "Close") {
      task.closedAt = e.at;
      live.delete(e.id);
    } else if (e.tag !== "Waker") {
      continue;
    } else if (e.op === "Clone") task.clones++;
    else if (e.op === "Drop") task.drops++;
    else {
      task.wakes.push({ at: e.at, self: e.selfWake, byValue: e.op === "Wake" });
      if (e.op === "Wake") task.drops++;
    }
  }
  return { tasks: all, lastAt };
}

export function pollDurationsMs(task: RawTask): number[] {
  return task.polls.filter(([, exit]) => !Number.isNaN(exit)).map(([enter, exit]) => (exit - enter) * 1000);
}
