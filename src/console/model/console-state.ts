/**
 * The console state model: one instance per connection (or file), fed Updates in stream order by any
 * source (live gRPC, .grpc bodies, captures, recordings converted to updates) and TaskDetails.
 *
 * Rules (console-protocol.md §4): the first Update is a full snapshot, later ones are deltas; each
 * `stats_update[id]` is a complete cumulative snapshot of that entity's counters (replace, never add);
 * an entity absent from an Update is unchanged; metadata registration is idempotent and comes before the
 * tasks using it; `dropped_events` is per Update and summed. "Now" is always `Update.now` (the app's
 * clock). A `new_tasks` entry for an id that is already known is a new identity (span ids are reused
 * after Close): the old record moves to `retiredTasks` if it had completed, else it is replaced.
 * Stats for an id not (yet) announced are held and applied when it is announced.
 */
import type {
  AsyncOp,
  AsyncOpStats,
  Attribute,
  Field,
  Id,
  Location,
  Metadata,
  PollStats,
  Resource,
  ResourceStats,
  Task,
  TaskDetails,
  TaskStats,
  Update,
} from "../protocol/messages.ts";
import { newTaskRecord, type TaskRecord } from "./task.ts";
import { ABSENT, ClockAnchor, durationNs, type TimeNs } from "./time.ts";

export interface AttributeValue {
  value: string | number | bigint | boolean;
  unit?: string;
}

export interface ResourceRecord {
  id: Id;
  metadataId: Id | undefined;
  target: string;
  concreteType: string;
  /** "timer" for Kind.known TIMER, else Kind.other (e.g. "Sync"). */
  kind: string;
  location: string;
  parentId: Id | undefined;
  isInternal: boolean;
  createdAt: TimeNs;
  droppedAt: TimeNs;
  attributes: Map<string, AttributeValue>;
  /** Poll ops seen on this resource (most recent last, at most `pollOpsPerResource`). */
  pollOps: PollOpRecord[];
  /** Per poll-op name (e.g. `poll_acquire`, `poll_elapsed`): how many were reported, how many ready. */
  pollOpCounts: Map<string, { total: number; ready: number }>;
}

export interface AsyncOpRecord {
  id: Id;
  metadataId: Id | undefined;
  source: string;
  parentId: Id | undefined;
  resourceId: Id | undefined;
  taskId: Id | undefined;
  createdAt: TimeNs;
  droppedAt: TimeNs;
  polls: number;
  busyNs: number;
  firstPoll: TimeNs;
  lastPollStarted: TimeNs;
  lastPollEnded: TimeNs;
  attributes: Map<string, AttributeValue>;
}

export interface PollOpRecord {
  name: string;
  taskId: Id | undefined;
  asyncOpId: Id | undefined;
  isReady: boolean;
  /** `now` of the update that reported it. */
  at: TimeNs;
}

export interface DroppedEvents {
  tasks: number;
  resources: number;
  asyncOps: number;
}

export interface ConsoleStateOptions {
  /** Poll ops kept per resource (default 64); totals are kept regardless. */
  pollOpsPerResource?: number;
  /** Completed tasks replaced by a reused span id that are kept (default 100 000). */
  retiredTasksLimit?: number;
}

export class ConsoleState {
  readonly clock = new ClockAnchor();
  /** The app's clock at the last update (relative ns); NaN before the first. */
  now: TimeNs = ABSENT;
  updates = 0;
  taskDetailsMessages = 0;
  readonly tasks = new Map<Id, TaskRecord>();
  /** Completed tasks whose span id was later reused by a new task. */
  readonly retiredTasks: TaskRecord[] = [];
  readonly resources = new Map<Id, ResourceRecord>();
  readonly asyncOps = new Map<Id, AsyncOpRecord>();
  readonly metadata = new Map<Id, Metadata>();
  readonly dropped: DroppedEvents = { tasks: 0, resources: 0, asyncOps: 0 };
  pollOpsTotal = 0;
  private readonly pendingTaskStats = new Map<Id, TaskStats>();
  private readonly pollOpsPerResource: number;
  private readonly retiredTasksLimit: number;
  private readonly strings = new Map<string, string>();

  constructor(options: ConsoleStateOptions = {}) {
    this.pollOpsPerResource = options.pollOpsPerResource ?? 64;
    this.retiredTasksLimit = options.retiredTasksLimit ?? 100_000;
  }

  /** Forget everything (a new connection's snapshot follows). */
  reset(): void {
    this.clock.seconds = undefined;
    this.now = ABSENT;
    this.updates = 0;
    this.taskDetailsMessages = 0;
    this.tasks.clear();
    this.retiredTasks.length = 0;
    this.resources.clear();
    this.asyncOps.clear();
    this.metadata.clear();
    this.pendingTaskStats.clear();
    this.dropped.tasks = this.dropped.resources = this.dropped.asyncOps = 0;
    this.pollOpsTotal = 0;
  }

  get droppedEventsTotal(): number {
    return this.dropped.tasks + this.dropped.resources + this.dropped.asyncOps;
  }

  applyUpdate(update: Update): void {
    if (update.now) this.now = this.clock.of(update.now);
    this.updates++;
    if (update.newMetadata) {
      for (const nm of update.newMetadata.metadata) if (nm.id !== undefined && nm.metadata) this.metadata.set(nm.id, nm.metadata);
    }
    const tu = update.taskUpdate;
    if (tu) {
      for (const task of tu.newTasks) this.addTask(task);
      for (const [id, stats] of tu.statsUpdate) {
        const record = this.tasks.get(id);
        if (record) this.applyTaskStats(record, stats);
        else this.pendingTaskStats.set(id, stats);
      }
      this.dropped.tasks += tu.droppedEvents;
    }
    const ru = update.resourceUpdate;
    if (ru) {
      for (const r of ru.newResources) this.addResource(r);
      for (const [id, stats] of ru.statsUpdate) {
        const record = this.resources.get(id);
        if (record) this.applyResourceStats(record, stats);
      }
      for (const op of ru.newPollOps) {
        this.pollOpsTotal++;
        const resource = op.resourceId === undefined ? undefined : this.resources.get(op.resourceId);
        if (!resource) continue;
        let counts = resource.pollOpCounts.get(op.name);
        if (!counts) resource.pollOpCounts.set(this.intern(op.name), (counts = { total: 0, ready: 0 }));
        counts.total++;
        if (op.isReady) counts.ready++;
        resource.pollOps.push({ name: this.intern(op.name), taskId: op.taskId, asyncOpId: op.asyncOpId, isReady: op.isReady, at: this.now });
        if (resource.pollOps.length > this.pollOpsPerResource) resource.pollOps.shift();
      }
      this.dropped.resources += ru.droppedEvents;
    }
    const au = update.asyncOpUpdate;
    if (au) {
      for (const op of au.newAsyncOps) this.addAsyncOp(op);
      for (const [id, stats] of au.statsUpdate) {
        const record = this.asyncOps.get(id);
        if (record) this.applyAsyncOpStats(record, stats);
      }
      this.dropped.asyncOps += au.droppedEvents;
    }
  }

  applyTaskDetails(details: TaskDetails): void {
    this.taskDetailsMessages++;
    if (details.taskId === undefined) return;
    const record = this.tasks.get(details.taskId);
    if (!record) return;
    // Old subscribers send the poll histogram as bare bytes (legacy_histogram, same V2 serialisation).
    const poll = details.histogram ?? (details.legacyHistogram ? { rawHistogram: details.legacyHistogram, maxValue: 0, highOutliers: 0 } : undefined);
    record.setHistograms(poll, details.scheduledTimesHistogram);
    if (details.now) record.detailsAt = this.clock.of(details.now);
  }

  /** Drops completed tasks, resources and async ops whose dropped_at is older than now − retentionNs. */
  prune(retentionNs: number): number {
    const limit = this.now - retentionNs;
    let removed = 0;
    for (const map of [this.tasks, this.resources, this.asyncOps] as Map<Id, { droppedAt: TimeNs }>[]) {
      for (const [id, r] of map) {
        if (r.droppedAt < limit) {
          map.delete(id);
          removed++;
        }
      }
    }
    let keep = 0;
    for (const t of this.retiredTasks) if (!(t.droppedAt < limit)) this.retiredTasks[keep++] = t;
    removed += this.retiredTasks.length - keep;
    this.retiredTasks.length = keep;
    return removed;
  }

  /** All tasks: current ones, then retired ones (completed, id since reused). */
  *allTasks(): IterableIterator<TaskRecord> {
    yield* this.tasks.values();
    yield* this.retiredTasks;
  }

  // ------------------------------------------------------------ tasks

  private addTask(task: Task): void {
    if (task.id === undefined) return;
    const old = this.tasks.get(task.id);
    if (old && !Number.isNaN(old.droppedAt)) {
      this.retiredTasks.push(old);
      if (this.retiredTasks.length > this.retiredTasksLimit) this.retiredTasks.shift();
    }
    const record = newTaskRecord(task.id);
    record.metadataId = task.metadata;
    const meta = task.metadata === undefined ? undefined : this.metadata.get(task.metadata);
    if (meta) record.target = this.intern(meta.target);
    record.parents = task.parents;
    if (task.kind === 1) record.kind = "blocking";
    let locFile: string | undefined;
    let locLine: string | undefined;
    let locCol: string | undefined;
    for (const f of task.fields) {
      const name = fieldName(f, meta);
      switch (name) {
        case "task.name":
          record.name = this.intern(fieldText(f));
          break;
        case "kind":
          record.kind = this.intern(fieldText(f));
          break;
        case "task.id":
          record.tokioId = f.u64Val ?? (f.i64Val !== undefined ? f.i64Val : parseBig(fieldText(f)));
          break;
        case "spawn.location":
          record.location = this.intern(fieldText(f));
          break;
        case "loc.file":
          locFile = fieldText(f);
          break;
        case "loc.line":
          locLine = fieldText(f);
          break;
        case "loc.col":
          locCol = fieldText(f);
          break;
        default:
          record.otherFields.push([this.intern(name), this.intern(fieldText(f))]);
      }
    }
    if (task.location?.file !== undefined) record.location = this.intern(formatLocation(task.location));
    else if (locFile !== undefined) record.location = this.intern([locFile, locLine, locCol].filter((x) => x !== undefined).join(":"));
    if (record.kind === "") record.kind = record.target === "tokio::task::blocking" ? "blocking" : "task";
    this.tasks.set(task.id, record);
    const pending = this.pendingTaskStats.get(task.id);
    if (pending) {
      this.pendingTaskStats.delete(task.id);
      this.applyTaskStats(record, pending);
    }
  }

  private applyTaskStats(r: TaskRecord, s: TaskStats): void {
    const clock = this.clock;
    r.hasStats = true;
    r.createdAt = clock.of(s.createdAt);
    r.droppedAt = clock.of(s.droppedAt);
    r.wakes = s.wakes;
    r.selfWakes = s.selfWakes;
    r.wakerClones = s.wakerClones;
    r.wakerDrops = s.wakerDrops;
    r.lastWake = clock.of(s.lastWake);
    r.scheduledNs = s.scheduledTime === undefined ? ABSENT : durationNs(s.scheduledTime);
    const p = s.pollStats;
    if (p) {
      r.polls = p.polls;
      r.busyNs = durationNs(p.busyTime);
      r.firstPoll = clock.of(p.firstPoll);
      r.lastPollStarted = clock.of(p.lastPollStarted);
      r.lastPollEnded = clock.of(p.lastPollEnded);
    } else {
      r.polls = 0;
      r.busyNs = 0;
      r.firstPoll = r.lastPollStarted = r.lastPollEnded = ABSENT;
    }
  }

  // ------------------------------------------------------------ resources and async ops

  private addResource(r: Resource): void {
    if (r.id === undefined) return;
    const meta = r.metadata === undefined ? undefined : this.metadata.get(r.metadata);
    this.resources.set(r.id, {
      id: r.id,
      metadataId: r.metadata,
      target: meta ? this.intern(meta.target) : "",
      concreteType: this.intern(r.concreteType),
      kind: r.kind?.known === 0 ? "timer" : r.kind?.known !== undefined ? `known(${r.kind.known})` : this.intern(r.kind?.other ?? ""),
      location: r.location ? this.intern(formatLocation(r.location)) : "",
      parentId: r.parentResourceId,
      isInternal: r.isInternal,
      createdAt: ABSENT,
      droppedAt: ABSENT,
      attributes: new Map(),
      pollOps: [],
      pollOpCounts: new Map(),
    });
  }

  private applyResourceStats(r: ResourceRecord, s: ResourceStats): void {
    r.createdAt = this.clock.of(s.createdAt);
    r.droppedAt = this.clock.of(s.droppedAt);
    setAttributes(r.attributes, s.attributes);
  }

  private addAsyncOp(op: AsyncOp): void {
    if (op.id === undefined) return;
    this.asyncOps.set(op.id, {
      id: op.id,
      metadataId: op.metadata,
      source: this.intern(op.source),
      parentId: op.parentAsyncOpId,
      resourceId: op.resourceId,
      taskId: undefined,
      createdAt: ABSENT,
      droppedAt: ABSENT,
      polls: 0,
      busyNs: 0,
      firstPoll: ABSENT,
      lastPollStarted: ABSENT,
      lastPollEnded: ABSENT,
      attributes: new Map(),
    });
  }

  private applyAsyncOpStats(r: AsyncOpRecord, s: AsyncOpStats): void {
    const clock = this.clock;
    r.createdAt = clock.of(s.createdAt);
    r.droppedAt = clock.of(s.droppedAt);
    r.taskId = s.taskId;
    const p: PollStats | undefined = s.pollStats;
    r.polls = p?.polls ?? 0;
    r.busyNs = durationNs(p?.busyTime);
    r.firstPoll = clock.of(p?.firstPoll);
    r.lastPollStarted = clock.of(p?.lastPollStarted);
    r.lastPollEnded = clock.of(p?.lastPollEnded);
    setAttributes(r.attributes, s.attributes);
  }

  private intern(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    if (this.strings.size < 200_000) this.strings.set(s, s);
    return s;
  }
}

function setAttributes(target: Map<string, AttributeValue>, attributes: Attribute[]): void {
  // Stats are complete snapshots: the attribute set is replaced.
  target.clear();
  for (const a of attributes) {
    if (!a.field) continue;
    const name = a.field.strName ?? String(a.field.nameIdx ?? "");
    const value: AttributeValue = { value: fieldValue(a.field) };
    if (a.unit !== undefined) value.unit = a.unit;
    target.set(name, value);
  }
}

function fieldName(f: Field, meta: Metadata | undefined): string {
  if (f.strName !== undefined) return f.strName;
  if (f.nameIdx !== undefined) return meta?.fieldNames[Number(f.nameIdx)] ?? `#${f.nameIdx}`;
  return "";
}

export function fieldValue(f: Field): string | number | bigint | boolean {
  if (f.debugVal !== undefined) return f.debugVal;
  if (f.strVal !== undefined) return f.strVal;
  if (f.u64Val !== undefined) return f.u64Val;
  if (f.i64Val !== undefined) return f.i64Val;
  if (f.boolVal !== undefined) return f.boolVal;
  return "";
}

function fieldText(f: Field): string {
  return String(fieldValue(f));
}

function parseBig(text: string): bigint | undefined {
  return /^\d+$/.test(text) ? BigInt(text) : undefined;
}

export function formatLocation(l: Location): string {
  let s = l.file ?? "<unknown>";
  if (l.line !== undefined) {
    s += `:${l.line}`;
    if (l.column !== undefined) s += `:${l.column}`;
  }
  return s;
}
