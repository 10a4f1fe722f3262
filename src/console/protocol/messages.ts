/**
 * Decoded tokio-console wire messages (console-api, packages `rs.tokio.console.*`).
 *
 * The shapes follow the .proto definitions (field numbers in comments) with camelCase names.
 * Representation choices, identical for every console-api version (0.1 … 0.9, no field was ever removed):
 *
 * - **Ids are `bigint`.** Span ids carry sharded-slab generation bits and exceed 2^53 (e.g.
 *   695806417306648600 in the shared fixtures); MetaIds are addresses. `bigint` is exact, compares with
 *   `===`, and works as a `Map` key by value. Render with `String(id)` (JSON output uses decimal strings).
 * - **Counters and durations are `number`.** `polls`, `wakes`, `waker_clones` … are uint64 on the wire
 *   but stay far below 2^53 (9·10^15) in any real process; decoding them to `number` keeps arithmetic
 *   simple. `Field.u64Val`/`i64Val` are user data and stay `bigint`.
 * - **Timestamps and Durations are `{ seconds: number, nanos: number }`.** `seconds` is int64 on the wire,
 *   but google.protobuf.Timestamp's valid range (years 1–9999) is below 2^38, so `number` is exact.
 * - **Presence:** sub-messages and proto3 `optional` scalars are `?:` properties, absent when not on the
 *   wire. Plain proto3 scalars are always present and default to 0 / "" / false when not on the wire.
 *   Repeated fields are arrays (possibly empty); maps are `Map<bigint, …>` (possibly empty).
 * - **Enums are numbers** (unknown values are kept); the `*Kind`/`Level` constants below name them.
 */

export type Id = bigint;

/** google.protobuf.Timestamp {1 int64 seconds, 2 int32 nanos} */
export interface Timestamp {
  seconds: number;
  nanos: number;
}

/** google.protobuf.Duration {1 int64 seconds, 2 int32 nanos} */
export interface Duration {
  seconds: number;
  nanos: number;
}

/** common.Location: every member is proto3 `optional`. */
export interface Location {
  file?: string; // 1
  modulePath?: string; // 2
  line?: number; // 3
  column?: number; // 4
}

/**
 * common.Field. `oneof name {1 str_name, 2 name_idx}`, `oneof value {3 debug_val, 4 str_val, 5 u64_val,
 * 6 i64_val (sint64), 7 bool_val}`: at most one member of each oneof is set.
 */
export interface Field {
  strName?: string; // 1
  nameIdx?: bigint; // 2
  debugVal?: string; // 3
  strVal?: string; // 4
  u64Val?: bigint; // 5
  i64Val?: bigint; // 6 (zigzag on the wire)
  boolVal?: boolean; // 7
  metadataId?: Id; // 8 (MetaId)
}

export const MetadataKind = { SPAN: 0, EVENT: 1 } as const;
export const Level = { ERROR: 0, WARN: 1, INFO: 2, DEBUG: 3, TRACE: 4 } as const;

/** common.Metadata */
export interface Metadata {
  name: string; // 1
  target: string; // 2
  modulePath: string; // 3
  location?: Location; // 4
  kind: number; // 5 MetadataKind
  level: number; // 6 Level
  fieldNames: string[]; // 7
}

/** common.NewMetadata */
export interface NewMetadata {
  id?: Id; // 1 MetaId
  metadata?: Metadata; // 2
}

/** common.RegisterMetadata */
export interface RegisterMetadata {
  metadata: NewMetadata[]; // 1
}

/** common.PollStats */
export interface PollStats {
  polls: number; // 1
  firstPoll?: Timestamp; // 3
  lastPollStarted?: Timestamp; // 4
  lastPollEnded?: Timestamp; // 5
  busyTime?: Duration; // 6
}

/** common.Attribute */
export interface Attribute {
  field?: Field; // 1
  unit?: string; // 2 (optional)
}

export const TaskKind = { SPAWN: 0, BLOCKING: 1 } as const;

/** tasks.Task */
export interface Task {
  id?: Id; // 1 (span id)
  metadata?: Id; // 2 MetaId
  kind: number; // 3 TaskKind (subscribers always send SPAWN; see the `kind` field)
  fields: Field[]; // 4
  parents: Id[]; // 5 (SpanId)
  location?: Location; // 6
}

/** tasks.Stats */
export interface TaskStats {
  createdAt?: Timestamp; // 1
  droppedAt?: Timestamp; // 2
  wakes: number; // 3
  wakerClones: number; // 4
  wakerDrops: number; // 5
  lastWake?: Timestamp; // 6 (optional)
  pollStats?: PollStats; // 7
  selfWakes: number; // 8
  scheduledTime?: Duration; // 9 (console-api ≥ 0.9 / subscriber ≥ 0.5)
}
/** The task Stats message (tasks.Stats); resources and async ops have their own. */
export type Stats = TaskStats;

/** tasks.TaskUpdate */
export interface TaskUpdate {
  newTasks: Task[]; // 1
  statsUpdate: Map<Id, TaskStats>; // 3 (key = span id)
  droppedEvents: number; // 4
}

/** tasks.DurationHistogram */
export interface DurationHistogram {
  rawHistogram: Uint8Array; // 1 HdrHistogram V2, uncompressed
  maxValue: number; // 2
  highOutliers: number; // 3
  highestOutlier?: number; // 4 (optional)
}

/** tasks.TaskDetails. `oneof poll_times_histogram {3 legacy_histogram, 4 histogram}`. */
export interface TaskDetails {
  taskId?: Id; // 1
  now?: Timestamp; // 2
  legacyHistogram?: Uint8Array; // 3
  histogram?: DurationHistogram; // 4
  scheduledTimesHistogram?: DurationHistogram; // 5
}

export const ResourceKnownKind = { TIMER: 0 } as const;

/** resources.Resource.Kind: `oneof kind {1 Known known, 2 string other}` */
export interface ResourceKind {
  known?: number; // 1 ResourceKnownKind
  other?: string; // 2
}

/** resources.Resource */
export interface Resource {
  id?: Id; // 1
  metadata?: Id; // 2 MetaId
  concreteType: string; // 3
  kind?: ResourceKind; // 4
  location?: Location; // 5
  parentResourceId?: Id; // 6
  isInternal: boolean; // 7
}

/** resources.Stats */
export interface ResourceStats {
  createdAt?: Timestamp; // 1
  droppedAt?: Timestamp; // 2
  attributes: Attribute[]; // 3
}

/** resources.PollOp */
export interface PollOp {
  metadata?: Id; // 2 MetaId
  resourceId?: Id; // 3
  name: string; // 4
  taskId?: Id; // 5
  asyncOpId?: Id; // 6
  isReady: boolean; // 7
}

/** resources.ResourceUpdate */
export interface ResourceUpdate {
  newResources: Resource[]; // 1
  statsUpdate: Map<Id, ResourceStats>; // 2
  newPollOps: PollOp[]; // 3
  droppedEvents: number; // 4
}

/** async_ops.AsyncOp */
export interface AsyncOp {
  id?: Id; // 1
  metadata?: Id; // 2 MetaId
  source: string; // 3
  parentAsyncOpId?: Id; // 4
  resourceId?: Id; // 5
}

/** async_ops.Stats */
export interface AsyncOpStats {
  createdAt?: Timestamp; // 1
  droppedAt?: Timestamp; // 2
  taskId?: Id; // 4
  pollStats?: PollStats; // 5
  attributes: Attribute[]; // 6
}

/** async_ops.AsyncOpUpdate */
export interface AsyncOpUpdate {
  newAsyncOps: AsyncOp[]; // 1
  statsUpdate: Map<Id, AsyncOpStats>; // 2
  droppedEvents: number; // 3
}

/** instrument.Update: one message of the WatchUpdates stream. */
export interface Update {
  now?: Timestamp; // 1
  taskUpdate?: TaskUpdate; // 2
  resourceUpdate?: ResourceUpdate; // 3
  asyncOpUpdate?: AsyncOpUpdate; // 4
  newMetadata?: RegisterMetadata; // 5
}

export const Temporality = { LIVE: 0, PAUSED: 1 } as const;

/** instrument.State (WatchState, console-api ≥ 0.9). */
export interface State {
  temporality: number; // 1 Temporality
}
