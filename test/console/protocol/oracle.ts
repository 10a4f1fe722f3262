/**
 * Test-only normaliser: turns our decoded types into the conventions of the shared fixtures' oracle
 * (protobufjs `toObject` with longs/enums/bytes as String, defaults false; see the fixtures' README):
 * snake_case .proto names, 64-bit integers as decimal strings, enums as names, bytes as base64, map
 * keys as decimal strings, proto3 default scalars and empty repeated/map fields omitted.
 */
import type * as M from "../../../src/console/protocol/messages.ts";

type Obj = Record<string, unknown>;

const levelNames = ["ERROR", "WARN", "INFO", "DEBUG", "TRACE"];
const metaKindNames = ["SPAN", "EVENT"];
const taskKindNames = ["SPAWN", "BLOCKING"];
const temporalityNames = ["LIVE", "PAUSED"];

function put(o: Obj, key: string, value: unknown): void {
  if (value === undefined) return;
  o[key] = value;
}
/** proto3 scalar without presence: omitted when default. */
function scalar(o: Obj, key: string, value: number | string | boolean | bigint): void {
  if (value === 0 || value === "" || value === false || value === 0n) return;
  o[key] = typeof value === "bigint" ? value.toString() : value;
}
const s64 = (n: number | bigint) => (typeof n === "bigint" ? n.toString() : String(n));
const idObj = (id: bigint | undefined) => (id === undefined ? undefined : id === 0n ? {} : { id: id.toString() });
function arr<T>(o: Obj, key: string, xs: T[], f: (x: T) => unknown): void {
  if (xs.length > 0) o[key] = xs.map(f);
}
function map<V>(o: Obj, key: string, m: Map<bigint, V>, f: (v: V) => unknown): void {
  if (m.size === 0) return;
  const out: Obj = {};
  for (const [k, v] of m) out[k.toString()] = f(v);
  o[key] = out;
}

export function ts(t: M.Timestamp | M.Duration | undefined): Obj | undefined {
  if (!t) return undefined;
  const o: Obj = {};
  scalar(o, "seconds", t.seconds === 0 ? 0 : s64(t.seconds));
  scalar(o, "nanos", t.nanos);
  return o;
}

function location(l: M.Location | undefined): Obj | undefined {
  if (!l) return undefined;
  const o: Obj = {};
  put(o, "file", l.file);
  put(o, "module_path", l.modulePath);
  put(o, "line", l.line);
  put(o, "column", l.column);
  return o;
}

function field(f: M.Field): Obj {
  const o: Obj = {};
  put(o, "str_name", f.strName);
  put(o, "name_idx", f.nameIdx?.toString());
  put(o, "debug_val", f.debugVal);
  put(o, "str_val", f.strVal);
  put(o, "u64_val", f.u64Val?.toString());
  put(o, "i64_val", f.i64Val?.toString());
  put(o, "bool_val", f.boolVal);
  put(o, "metadata_id", idObj(f.metadataId));
  return o;
}

function metadata(m: M.Metadata): Obj {
  const o: Obj = {};
  scalar(o, "name", m.name);
  scalar(o, "target", m.target);
  scalar(o, "module_path", m.modulePath);
  put(o, "location", location(m.location));
  if (m.kind !== 0) o.kind = metaKindNames[m.kind] ?? m.kind;
  if (m.level !== 0) o.level = levelNames[m.level] ?? m.level;
  arr(o, "field_names", m.fieldNames, (x) => x);
  return o;
}

function pollStats(p: M.PollStats | undefined): Obj | undefined {
  if (!p) return undefined;
  const o: Obj = {};
  scalar(o, "polls", p.polls === 0 ? 0 : s64(p.polls));
  put(o, "first_poll", ts(p.firstPoll));
  put(o, "last_poll_started", ts(p.lastPollStarted));
  put(o, "last_poll_ended", ts(p.lastPollEnded));
  put(o, "busy_time", ts(p.busyTime));
  return o;
}

function attribute(a: M.Attribute): Obj {
  const o: Obj = {};
  put(o, "field", a.field ? field(a.field) : undefined);
  put(o, "unit", a.unit);
  return o;
}

const num64 = (o: Obj, key: string, n: number) => scalar(o, key, n === 0 ? 0 : s64(n));

function taskStats(s: M.TaskStats): Obj {
  const o: Obj = {};
  put(o, "created_at", ts(s.createdAt));
  put(o, "dropped_at", ts(s.droppedAt));
  num64(o, "wakes", s.wakes);
  num64(o, "waker_clones", s.wakerClones);
  num64(o, "waker_drops", s.wakerDrops);
  put(o, "last_wake", ts(s.lastWake));
  put(o, "poll_stats", pollStats(s.pollStats));
  num64(o, "self_wakes", s.selfWakes);
  put(o, "scheduled_time", ts(s.scheduledTime));
  return o;
}

function task(t: M.Task): Obj {
  const o: Obj = {};
  put(o, "id", idObj(t.id));
  put(o, "metadata", idObj(t.metadata));
  if (t.kind !== 0) o.kind = taskKindNames[t.kind] ?? t.kind;
  arr(o, "fields", t.fields, field);
  arr(o, "parents", t.parents, idObj);
  put(o, "location", location(t.location));
  return o;
}

function histogram(h: M.DurationHistogram | undefined): Obj | undefined {
  if (!h) return undefined;
  const o: Obj = {};
  if (h.rawHistogram.length > 0) o.raw_histogram = Buffer.from(h.rawHistogram).toString("base64");
  num64(o, "max_value", h.maxValue);
  num64(o, "high_outliers", h.highOutliers);
  put(o, "highest_outlier", h.highestOutlier === undefined ? undefined : s64(h.highestOutlier));
  return o;
}

function resourceStats(s: M.ResourceStats): Obj {
  const o: Obj = {};
  put(o, "created_at", ts(s.createdAt));
  put(o, "dropped_at", ts(s.droppedAt));
  arr(o, "attributes", s.attributes, attribute);
  return o;
}

function asyncOpStats(s: M.AsyncOpStats): Obj {
  const o: Obj = {};
  put(o, "created_at", ts(s.createdAt));
  put(o, "dropped_at", ts(s.droppedAt));
  put(o, "task_id", idObj(s.taskId));
  put(o, "poll_stats", pollStats(s.pollStats));
  arr(o, "attributes", s.attributes, attribute);
  return o;
}

export function normaliseUpdate(u: M.Update): Obj {
  const o: Obj = {};
  put(o, "now", ts(u.now));
  if (u.taskUpdate) {
    const t: Obj = {};
    arr(t, "new_tasks", u.taskUpdate.newTasks, task);
    map(t, "stats_update", u.taskUpdate.statsUpdate, taskStats);
    num64(t, "dropped_events", u.taskUpdate.droppedEvents);
    o.task_update = t;
  }
  if (u.resourceUpdate) {
    const r: Obj = {};
    arr(r, "new_resources", u.resourceUpdate.newResources, (res) => {
      const x: Obj = {};
      put(x, "id", idObj(res.id));
      put(x, "metadata", idObj(res.metadata));
      scalar(x, "concrete_type", res.concreteType);
      if (res.kind) {
        const k: Obj = {};
        if (res.kind.known !== undefined) k.known = res.kind.known === 0 ? "TIMER" : res.kind.known;
        put(k, "other", res.kind.other);
        x.kind = k;
      }
      put(x, "location", location(res.location));
      put(x, "parent_resource_id", idObj(res.parentResourceId));
      scalar(x, "is_internal", res.isInternal);
      return x;
    });
    map(r, "stats_update", u.resourceUpdate.statsUpdate, resourceStats);
    arr(r, "new_poll_ops", u.resourceUpdate.newPollOps, (p) => {
      const x: Obj = {};
      put(x, "metadata", idObj(p.metadata));
      put(x, "resource_id", idObj(p.resourceId));
      scalar(x, "name", p.name);
      put(x, "task_id", idObj(p.taskId));
      put(x, "async_op_id", idObj(p.asyncOpId));
      scalar(x, "is_ready", p.isReady);
      return x;
    });
    num64(r, "dropped_events", u.resourceUpdate.droppedEvents);
    o.resource_update = r;
  }
  if (u.asyncOpUpdate) {
    const a: Obj = {};
    arr(a, "new_async_ops", u.asyncOpUpdate.newAsyncOps, (op) => {
      const x: Obj = {};
      put(x, "id", idObj(op.id));
      put(x, "metadata", idObj(op.metadata));
      scalar(x, "source", op.source);
      put(x, "parent_async_op_id", idObj(op.parentAsyncOpId));
      put(x, "resource_id", idObj(op.resourceId));
      return x;
    });
    map(a, "stats_update", u.asyncOpUpdate.statsUpdate, asyncOpStats);
    num64(a, "dropped_events", u.asyncOpUpdate.droppedEvents);
    o.async_op_update = a;
  }
  if (u.newMetadata) {
    const m: Obj = {};
    arr(m, "metadata", u.newMetadata.metadata, (nm) => {
      const x: Obj = {};
      put(x, "id", idObj(nm.id));
      put(x, "metadata", nm.metadata ? metadata(nm.metadata) : undefined);
      return x;
    });
    o.new_metadata = m;
  }
  return o;
}

export function normaliseTaskDetails(d: M.TaskDetails): Obj {
  const o: Obj = {};
  put(o, "task_id", idObj(d.taskId));
  put(o, "now", ts(d.now));
  if (d.legacyHistogram) o.legacy_histogram = Buffer.from(d.legacyHistogram).toString("base64");
  put(o, "histogram", histogram(d.histogram));
  put(o, "scheduled_times_histogram", histogram(d.scheduledTimesHistogram));
  return o;
}

export function normaliseState(s: M.State): Obj {
  return s.temporality === 0 ? {} : { temporality: temporalityNames[s.temporality] ?? s.temporality };
}
