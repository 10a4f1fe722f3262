/**
 * Protobuf encoding of tokio-console messages (the inverse of decode.ts), used by tests and by the replay
 * server that turns recordings into WatchUpdates. It writes like prost does: fields in field-number
 * order, proto3 scalars only when not default, `optional` scalars and sub-messages whenever present, map
 * entries in the Map's order. A message decoded from prost's bytes therefore re-encodes to the same bytes.
 */
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import type {
  AsyncOpStats,
  AsyncOpUpdate,
  Attribute,
  DurationHistogram,
  Field,
  Id,
  Location,
  Metadata,
  PollStats,
  RegisterMetadata,
  ResourceStats,
  ResourceUpdate,
  State,
  Task,
  TaskDetails,
  TaskStats,
  TaskUpdate,
  Timestamp,
  Update,
} from "./messages.ts";

export function encodeUpdate(update: Update): Uint8Array {
  const w = new BinaryWriter();
  if (update.now) msg(w, 1, update.now, writeTimestamp);
  if (update.taskUpdate) msg(w, 2, update.taskUpdate, writeTaskUpdate);
  if (update.resourceUpdate) msg(w, 3, update.resourceUpdate, writeResourceUpdate);
  if (update.asyncOpUpdate) msg(w, 4, update.asyncOpUpdate, writeAsyncOpUpdate);
  if (update.newMetadata) msg(w, 5, update.newMetadata, writeRegisterMetadata);
  return w.finish();
}

export function encodeTaskDetails(details: TaskDetails): Uint8Array {
  const w = new BinaryWriter();
  if (details.taskId !== undefined) id(w, 1, details.taskId);
  if (details.now) msg(w, 2, details.now, writeTimestamp);
  if (details.legacyHistogram) w.uint32(0x1a).bytes(details.legacyHistogram);
  if (details.histogram) msg(w, 4, details.histogram, writeDurationHistogram);
  if (details.scheduledTimesHistogram) msg(w, 5, details.scheduledTimesHistogram, writeDurationHistogram);
  return w.finish();
}

export function encodeState(state: State): Uint8Array {
  const w = new BinaryWriter();
  if (state.temporality) w.uint32(0x08).int32(state.temporality);
  return w.finish();
}

// ---------------------------------------------------------------- helpers

function msg<T>(w: BinaryWriter, fieldNo: number, value: T, write: (w: BinaryWriter, value: T) => void): void {
  w.uint32((fieldNo << 3) | 2).fork();
  write(w, value);
  w.join();
}

function id(w: BinaryWriter, fieldNo: number, value: Id): void {
  w.uint32((fieldNo << 3) | 2).fork();
  if (value !== 0n) w.uint32(0x08).uint64(value);
  w.join();
}

function u64(w: BinaryWriter, fieldNo: number, value: number): void {
  if (value !== 0) varint(w.uint32(fieldNo << 3), value);
}

/** A non-negative integer as a varint: the uint32 path below 2^32 avoids the library's bigint conversion. */
function varint(w: BinaryWriter, value: number): void {
  if (value >= 0 && value <= 0xffffffff) w.uint32(value);
  else w.uint64(value);
}

function str(w: BinaryWriter, fieldNo: number, value: string): void {
  if (value !== "") w.uint32((fieldNo << 3) | 2).string(value);
}

function writeTimestamp(w: BinaryWriter, t: Timestamp): void {
  if (t.seconds > 0 && t.seconds <= 0xffffffff) w.uint32(0x08).uint32(t.seconds);
  else if (t.seconds !== 0) w.uint32(0x08).int64(t.seconds);
  if (t.nanos !== 0) w.uint32(0x10).int32(t.nanos);
}

function writeLocation(w: BinaryWriter, l: Location): void {
  if (l.file !== undefined) w.uint32(0x0a).string(l.file);
  if (l.modulePath !== undefined) w.uint32(0x12).string(l.modulePath);
  if (l.line !== undefined) w.uint32(0x18).uint32(l.line);
  if (l.column !== undefined) w.uint32(0x20).uint32(l.column);
}

function writeField(w: BinaryWriter, f: Field): void {
  if (f.strName !== undefined) w.uint32(0x0a).string(f.strName);
  else if (f.nameIdx !== undefined) w.uint32(0x10).uint64(f.nameIdx);
  if (f.debugVal !== undefined) w.uint32(0x1a).string(f.debugVal);
  else if (f.strVal !== undefined) w.uint32(0x22).string(f.strVal);
  else if (f.u64Val !== undefined) w.uint32(0x28).uint64(f.u64Val);
  else if (f.i64Val !== undefined) w.uint32(0x30).sint64(f.i64Val);
  else if (f.boolVal !== undefined) w.uint32(0x38).bool(f.boolVal);
  if (f.metadataId !== undefined) id(w, 8, f.metadataId);
}

function writeMetadata(w: BinaryWriter, m: Metadata): void {
  str(w, 1, m.name);
  str(w, 2, m.target);
  str(w, 3, m.modulePath);
  if (m.location) msg(w, 4, m.location, writeLocation);
  if (m.kind) w.uint32(0x28).int32(m.kind);
  if (m.level) w.uint32(0x30).int32(m.level);
  for (const name of m.fieldNames) w.uint32(0x3a).string(name);
}

function writeRegisterMetadata(w: BinaryWriter, rm: RegisterMetadata): void {
  for (const nm of rm.metadata) {
    msg(w, 1, nm, (w, nm) => {
      if (nm.id !== undefined) id(w, 1, nm.id);
      if (nm.metadata) msg(w, 2, nm.metadata, writeMetadata);
    });
  }
}

function writePollStats(w: BinaryWriter, p: PollStats): void {
  u64(w, 1, p.polls);
  if (p.firstPoll) msg(w, 3, p.firstPoll, writeTimestamp);
  if (p.lastPollStarted) msg(w, 4, p.lastPollStarted, writeTimestamp);
  if (p.lastPollEnded) msg(w, 5, p.lastPollEnded, writeTimestamp);
  if (p.busyTime) msg(w, 6, p.busyTime, writeTimestamp);
}

function writeAttribute(w: BinaryWriter, a: Attribute): void {
  if (a.field) msg(w, 1, a.field, writeField);
  if (a.unit !== undefined) w.uint32(0x12).string(a.unit);
}

function writeMap<V>(w: BinaryWriter, fieldNo: number, map: Map<Id, V>, write: (w: BinaryWriter, v: V) => void): void {
  for (const [key, value] of map) {
    w.uint32((fieldNo << 3) | 2).fork();
    if (key !== 0n) w.uint32(0x08).uint64(key);
    msg(w, 2, value, write);
    w.join();
  }
}

// ---------------------------------------------------------------- tasks

function writeTask(w: BinaryWriter, t: Task): void {
  if (t.id !== undefined) id(w, 1, t.id);
  if (t.metadata !== undefined) id(w, 2, t.metadata);
  if (t.kind) w.uint32(0x18).int32(t.kind);
  for (const f of t.fields) msg(w, 4, f, writeField);
  for (const p of t.parents) id(w, 5, p);
  if (t.location) msg(w, 6, t.location, writeLocation);
}

function writeTaskStats(w: BinaryWriter, s: TaskStats): void {
  if (s.createdAt) msg(w, 1, s.createdAt, writeTimestamp);
  if (s.droppedAt) msg(w, 2, s.droppedAt, writeTimestamp);
  u64(w, 3, s.wakes);
  u64(w, 4, s.wakerClones);
  u64(w, 5, s.wakerDrops);
  if (s.lastWake) msg(w, 6, s.lastWake, writeTimestamp);
  if (s.pollStats) msg(w, 7, s.pollStats, writePollStats);
  u64(w, 8, s.selfWakes);
  if (s.scheduledTime) msg(w, 9, s.scheduledTime, writeTimestamp);
}

function writeTaskUpdate(w: BinaryWriter, u: TaskUpdate): void {
  for (const t of u.newTasks) msg(w, 1, t, writeTask);
  writeMap(w, 3, u.statsUpdate, writeTaskStats);
  u64(w, 4, u.droppedEvents);
}

function writeDurationHistogram(w: BinaryWriter, h: DurationHistogram): void {
  if (h.rawHistogram.length > 0) w.uint32(0x0a).bytes(h.rawHistogram);
  u64(w, 2, h.maxValue);
  u64(w, 3, h.highOutliers);
  if (h.highestOutlier !== undefined) w.uint32(0x20).uint64(h.highestOutlier);
}

// ---------------------------------------------------------------- resources and async ops

function writeResourceStats(w: BinaryWriter, s: ResourceStats): void {
  if (s.createdAt) msg(w, 1, s.createdAt, writeTimestamp);
  if (s.droppedAt) msg(w, 2, s.droppedAt, writeTimestamp);
  for (const a of s.attributes) msg(w, 3, a, writeAttribute);
}

function writeResourceUpdate(w: BinaryWriter, u: ResourceUpdate): void {
  for (const r of u.newResources) {
    msg(w, 1, r, (w, r) => {
      if (r.id !== undefined) id(w, 1, r.id);
      if (r.metadata !== undefined) id(w, 2, r.metadata);
      str(w, 3, r.concreteType);
      if (r.kind) {
        const kind = r.kind;
        msg(w, 4, kind, (w) => {
          if (kind.known !== undefined) w.uint32(0x08).int32(kind.known);
          else if (kind.other !== undefined) w.uint32(0x12).string(kind.other);
        });
      }
      if (r.location) msg(w, 5, r.location, writeLocation);
      if (r.parentResourceId !== undefined) id(w, 6, r.parentResourceId);
      if (r.isInternal) w.uint32(0x38).bool(true);
    });
  }
  writeMap(w, 2, u.statsUpdate, writeResourceStats);
  for (const p of u.newPollOps) {
    msg(w, 3, p, (w, p) => {
      if (p.metadata !== undefined) id(w, 2, p.metadata);
      if (p.resourceId !== undefined) id(w, 3, p.resourceId);
      str(w, 4, p.name);
      if (p.taskId !== undefined) id(w, 5, p.taskId);
      if (p.asyncOpId !== undefined) id(w, 6, p.asyncOpId);
      if (p.isReady) w.uint32(0x38).bool(true);
    });
  }
  u64(w, 4, u.droppedEvents);
}

function writeAsyncOpStats(w: BinaryWriter, s: AsyncOpStats): void {
  if (s.createdAt) msg(w, 1, s.createdAt, writeTimestamp);
  if (s.droppedAt) msg(w, 2, s.droppedAt, writeTimestamp);
  if (s.taskId !== undefined) id(w, 4, s.taskId);
  if (s.pollStats) msg(w, 5, s.pollStats, writePollStats);
  for (const a of s.attributes) msg(w, 6, a, writeAttribute);
}

function writeAsyncOpUpdate(w: BinaryWriter, u: AsyncOpUpdate): void {
  for (const op of u.newAsyncOps) {
    msg(w, 1, op, (w, op) => {
      if (op.id !== undefined) id(w, 1, op.id);
      if (op.metadata !== undefined) id(w, 2, op.metadata);
      str(w, 3, op.source);
      if (op.parentAsyncOpId !== undefined) id(w, 4, op.parentAsyncOpId);
      if (op.resourceId !== undefined) id(w, 5, op.resourceId);
    });
  }
  writeMap(w, 2, u.statsUpdate, writeAsyncOpStats);
  u64(w, 3, u.droppedEvents);
}
