/**
 * Protobuf decoding of tokio-console messages into the types of messages.ts.
 *
 * Library choice: @bufbuild/protobuf's `BinaryReader` supplies the wire primitives (varints, exact
 * 64-bit values as bigint, UTF-8), and the message walkers below are written against the field list in
 * console-api's .proto files (see docs/console.md). Measured on the shared kitchen-sink fixture (13
 * WatchUpdates messages, 275 KB) on the 2-core dev machine (AMD EPYC, Node 20), best of 5:
 *   - these walkers over BinaryReader (bench/console-decode.ts):          36–64 MB/s (1,700–3,000 msg/s)
 *   - protobufjs 7.6 reflection `Type.decode` from the same field list:  28–39 MB/s, but yields Long
 *     objects and LongBits-hash map keys; with `toObject({longs: String})` to get usable ids: 4–8 MB/s
 *   (ranges: the shared machine's load varied between runs)
 *   - @bufbuild/protobuf generated `fromBinary` (protoc-gen-es): reflection over descriptors, measured
 *     slower than protobufjs on this machine kind (docs: ~1,500 vs ~2,000–2,700 msg/s), and needs
 *     codegen output checked in.
 * The walkers also produce our own representation directly (bigint ids, `Map<bigint, Stats>` for the
 * proto maps, number counters), which neither library gives without a second conversion pass.
 *
 * Rules: unknown fields of wire types 0, 1, 2, 5 are skipped (newer console-api versions add fields);
 * wire types 3, 4, 6, 7, field number 0, and lengths past the end throw `ProtocolDecodeError`.
 * A singular field that occurs twice: the last occurrence wins (prost never writes one twice).
 */
import { BinaryReader } from "@bufbuild/protobuf/wire";
import type {
  AsyncOp,
  AsyncOpStats,
  AsyncOpUpdate,
  Attribute,
  Duration,
  DurationHistogram,
  Field,
  Id,
  Location,
  Metadata,
  NewMetadata,
  PollOp,
  PollStats,
  RegisterMetadata,
  Resource,
  ResourceKind,
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

export class ProtocolDecodeError extends Error {
  override readonly name = "ProtocolDecodeError";
}

/** Decodes one `rs.tokio.console.instrument.Update` (a WatchUpdates stream message). */
export function decodeUpdate(bytes: Uint8Array): Update {
  const r = new BinaryReader(bytes);
  cur = bytes;
  return wrap("Update", () => readUpdate(r, r.len));
}

/** Decodes one `rs.tokio.console.tasks.TaskDetails` (a WatchTaskDetails stream message). */
export function decodeTaskDetails(bytes: Uint8Array): TaskDetails {
  const r = new BinaryReader(bytes);
  cur = bytes;
  return wrap("TaskDetails", () => readTaskDetails(r, r.len));
}

/** Decodes one `rs.tokio.console.instrument.State` (a WatchState stream message). */
export function decodeState(bytes: Uint8Array): State {
  const r = new BinaryReader(bytes);
  return wrap("State", () => {
    let temporality = 0;
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === 0x08) temporality = r.int32();
      else skip(r, tag);
    }
    done(r, r.len);
    return { temporality };
  });
}

function wrap<T>(what: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof ProtocolDecodeError) throw error;
    throw new ProtocolDecodeError(`invalid ${what} message: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// ---------------------------------------------------------------- primitives

function skip(r: BinaryReader, tag: number): void {
  const fieldNo = tag >>> 3;
  const wireType = tag & 7;
  if (fieldNo === 0) throw new ProtocolDecodeError(`invalid field number 0 at byte ${r.pos}`);
  switch (wireType) {
    case 0:
      r.uint64();
      return;
    case 1:
      r.pos += 8;
      break;
    case 2: {
      const len = r.uint32(); // read before touching pos: `r.pos += r.uint32()` would use the old pos
      r.pos += len;
      break;
    }
    case 5:
      r.pos += 4;
      break;
    default:
      throw new ProtocolDecodeError(`unsupported wire type ${wireType} (field ${fieldNo}) at byte ${r.pos}`);
  }
  if (r.pos > r.len) throw new ProtocolDecodeError("premature end of message");
}

/** Reads a length prefix and returns the end offset of the nested message. */
function sub(r: BinaryReader): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new ProtocolDecodeError(`length ${len} past the end of the message`);
  return end;
}

function done(r: BinaryReader, end: number): void {
  if (r.pos !== end) throw new ProtocolDecodeError(`field overran its message (at ${r.pos}, end ${end})`);
}

function u64(r: BinaryReader): bigint {
  return r.uint64() as bigint;
}

/** The bytes the current BinaryReader reads (its buffer is private); set by each decode entry point. */
let cur: Uint8Array = new Uint8Array(0);

/**
 * A varint as a JS number without going through bigint (the common case: counters, seconds, nanos).
 * Exact below 2^53; a 10-byte varint (a negative int64) takes the library's exact path.
 */
function u64n(r: BinaryReader): number {
  const buf = cur;
  let pos = r.pos;
  let b = buf[pos++];
  if (b < 0x80) {
    r.pos = pos;
    return b;
  }
  let value = b & 0x7f;
  let mul = 128;
  for (let i = 1; i < 9; i++) {
    b = buf[pos++];
    value += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (pos > r.len) throw new ProtocolDecodeError("premature end of message");
      r.pos = pos;
      return value;
    }
    mul *= 128;
  }
  return Number(r.int64() as bigint);
}

function readId(r: BinaryReader): Id {
  const end = sub(r);
  let id = 0n;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x08) id = u64(r);
    else skip(r, tag);
  }
  done(r, end);
  return id;
}

function readTimestamp(r: BinaryReader): Timestamp {
  const end = sub(r);
  let seconds = 0;
  let nanos = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x08) seconds = u64n(r);
    else if (tag === 0x10) nanos = r.int32();
    else skip(r, tag);
  }
  done(r, end);
  return { seconds, nanos };
}

const readDuration: (r: BinaryReader) => Duration = readTimestamp;

function readLocation(r: BinaryReader): Location {
  const end = sub(r);
  const loc: Location = {};
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        loc.file = r.string();
        break;
      case 0x12:
        loc.modulePath = r.string();
        break;
      case 0x18:
        loc.line = r.uint32();
        break;
      case 0x20:
        loc.column = r.uint32();
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  return loc;
}

function readField(r: BinaryReader): Field {
  const end = sub(r);
  // Locals first, one object literal at the end: objects keep a fast shape (no `delete`).
  let strName: string | undefined;
  let nameIdx: bigint | undefined;
  let valueTag = 0;
  let text = "";
  let big = 0n;
  let bool = false;
  let metadataId: Id | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        strName = r.string();
        nameIdx = undefined;
        break;
      case 0x10:
        nameIdx = u64(r);
        strName = undefined;
        break;
      case 0x1a:
      case 0x22:
        valueTag = tag;
        text = r.string();
        break;
      case 0x28:
        valueTag = tag;
        big = u64(r);
        break;
      case 0x30:
        valueTag = tag;
        big = r.sint64() as bigint;
        break;
      case 0x38:
        valueTag = tag;
        bool = r.bool();
        break;
      case 0x42:
        metadataId = readId(r);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  const f: Field = strName !== undefined ? { strName } : nameIdx !== undefined ? { nameIdx } : {};
  switch (valueTag) {
    case 0x1a:
      f.debugVal = text;
      break;
    case 0x22:
      f.strVal = text;
      break;
    case 0x28:
      f.u64Val = big;
      break;
    case 0x30:
      f.i64Val = big;
      break;
    case 0x38:
      f.boolVal = bool;
      break;
  }
  if (metadataId !== undefined) f.metadataId = metadataId;
  return f;
}

function readMetadata(r: BinaryReader): Metadata {
  const end = sub(r);
  const m: Metadata = { name: "", target: "", modulePath: "", kind: 0, level: 0, fieldNames: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        m.name = r.string();
        break;
      case 0x12:
        m.target = r.string();
        break;
      case 0x1a:
        m.modulePath = r.string();
        break;
      case 0x22:
        m.location = readLocation(r);
        break;
      case 0x28:
        m.kind = r.int32();
        break;
      case 0x30:
        m.level = r.int32();
        break;
      case 0x3a:
        m.fieldNames.push(r.string());
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  return m;
}

function readRegisterMetadata(r: BinaryReader): RegisterMetadata {
  const end = sub(r);
  const metadata: NewMetadata[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) {
      const e = sub(r);
      const nm: NewMetadata = {};
      while (r.pos < e) {
        const t = r.uint32();
        if (t === 0x0a) nm.id = readId(r);
        else if (t === 0x12) nm.metadata = readMetadata(r);
        else skip(r, t);
      }
      done(r, e);
      metadata.push(nm);
    } else skip(r, tag);
  }
  done(r, end);
  return { metadata };
}

function readPollStats(r: BinaryReader): PollStats {
  const end = sub(r);
  const p: PollStats = { polls: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x08:
        p.polls = u64n(r);
        break;
      case 0x1a:
        p.firstPoll = readTimestamp(r);
        break;
      case 0x22:
        p.lastPollStarted = readTimestamp(r);
        break;
      case 0x2a:
        p.lastPollEnded = readTimestamp(r);
        break;
      case 0x32:
        p.busyTime = readDuration(r);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  return p;
}

function readAttribute(r: BinaryReader): Attribute {
  const end = sub(r);
  const a: Attribute = {};
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) a.field = readField(r);
    else if (tag === 0x12) a.unit = r.string();
    else skip(r, tag);
  }
  done(r, end);
  return a;
}

/** Reads one map<uint64, V> entry {1 key, 2 value} into `map`. */
function readMapEntry<V>(r: BinaryReader, map: Map<Id, V>, readValue: (r: BinaryReader) => V, empty: () => V): void {
  const end = sub(r);
  let key = 0n;
  let value: V | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x08) key = u64(r);
    else if (tag === 0x12) value = readValue(r);
    else skip(r, tag);
  }
  done(r, end);
  map.set(key, value ?? empty());
}

// ---------------------------------------------------------------- tasks

function readTask(r: BinaryReader): Task {
  const end = sub(r);
  const t: Task = { kind: 0, fields: [], parents: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        t.id = readId(r);
        break;
      case 0x12:
        t.metadata = readId(r);
        break;
      case 0x18:
        t.kind = r.int32();
        break;
      case 0x22:
        t.fields.push(readField(r));
        break;
      case 0x2a:
        t.parents.push(readId(r));
        break;
      case 0x32:
        t.location = readLocation(r);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  return t;
}

const emptyTaskStats = (): TaskStats => ({ wakes: 0, wakerClones: 0, wakerDrops: 0, selfWakes: 0 });

function readTaskStats(r: BinaryReader): TaskStats {
  const end = sub(r);
  const s = emptyTaskStats();
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        s.createdAt = readTimestamp(r);
        break;
      case 0x12:
        s.droppedAt = readTimestamp(r);
        break;
      case 0x18:
        s.wakes = u64n(r);
        break;
      case 0x20:
        s.wakerClones = u64n(r);
        break;
      case 0x28:
        s.wakerDrops = u64n(r);
        break;
      case 0x32:
        s.lastWake = readTimestamp(r);
        break;
      case 0x3a:
        s.pollStats = readPollStats(r);
        break;
      case 0x40:
        s.selfWakes = u64n(r);
        break;
      case 0x4a:
        s.scheduledTime = readDuration(r);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  return s;
}

function readTaskUpdate(r: BinaryReader): TaskUpdate {
  const end = sub(r);
  const u: TaskUpdate = { newTasks: [], statsUpdate: new Map(), droppedEvents: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) u.newTasks.push(readTask(r));
    else if (tag === 0x1a) readMapEntry(r, u.statsUpdate, readTaskStats, emptyTaskStats);
    else if (tag === 0x20) u.droppedEvents = u64n(r);
    else skip(r, tag);
  }
  done(r, end);
  return u;
}

function readDurationHistogram(r: BinaryReader): DurationHistogram {
  const end = sub(r);
  const h: DurationHistogram = { rawHistogram: new Uint8Array(0), maxValue: 0, highOutliers: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        h.rawHistogram = r.bytes();
        break;
      case 0x10:
        h.maxValue = u64n(r);
        break;
      case 0x18:
        h.highOutliers = u64n(r);
        break;
      case 0x20:
        h.highestOutlier = u64n(r);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  return h;
}

function readTaskDetails(r: BinaryReader, end: number): TaskDetails {
  const d: TaskDetails = {};
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        d.taskId = readId(r);
        break;
      case 0x12:
        d.now = readTimestamp(r);
        break;
      case 0x1a:
        d.legacyHistogram = r.bytes();
        delete d.histogram;
        break;
      case 0x22:
        d.histogram = readDurationHistogram(r);
        delete d.legacyHistogram;
        break;
      case 0x2a:
        d.scheduledTimesHistogram = readDurationHistogram(r);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  return d;
}

// ---------------------------------------------------------------- resources

function readResourceKind(r: BinaryReader): ResourceKind {
  const end = sub(r);
  const k: ResourceKind = {};
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x08) {
      k.known = r.int32();
      delete k.other;
    } else if (tag === 0x12) {
      k.other = r.string();
      delete k.known;
    } else skip(r, tag);
  }
  done(r, end);
  return k;
}

function readResource(r: BinaryReader): Resource {
  const end = sub(r);
  const res: Resource = { concreteType: "", isInternal: false };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        res.id = readId(r);
        break;
      case 0x12:
        res.metadata = readId(r);
        break;
      case 0x1a:
        res.concreteType = r.string();
        break;
      case 0x22:
        res.kind = readResourceKind(r);
        break;
      case 0x2a:
        res.location = readLocation(r);
        break;
      case 0x32:
        res.parentResourceId = readId(r);
        break;
      case 0x38:
        res.isInternal = r.bool();
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  return res;
}

const emptyResourceStats = (): ResourceStats => ({ attributes: [] });

function readResourceStats(r: BinaryReader): ResourceStats {
  const end = sub(r);
  const s = emptyResourceStats();
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) s.createdAt = readTimestamp(r);
    else if (tag === 0x12) s.droppedAt = readTimestamp(r);
    else if (tag === 0x1a) s.attributes.push(readAttribute(r));
    else skip(r, tag);
  }
  done(r, end);
  return s;
}

function readPollOp(r: BinaryReader): PollOp {
  const end = sub(r);
  const p: PollOp = { name: "", isReady: false };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x12:
        p.metadata = readId(r);
        break;
      case 0x1a:
        p.resourceId = readId(r);
        break;
      case 0x22:
        p.name = r.string();
        break;
      case 0x2a:
        p.taskId = readId(r);
        break;
      case 0x32:
        p.asyncOpId = readId(r);
        break;
      case 0x38:
        p.isReady = r.bool();
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  return p;
}

function readResourceUpdate(r: BinaryReader): ResourceUpdate {
  const end = sub(r);
  const u: ResourceUpdate = { newResources: [], statsUpdate: new Map(), newPollOps: [], droppedEvents: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) u.newResources.push(readResource(r));
    else if (tag === 0x12) readMapEntry(r, u.statsUpdate, readResourceStats, emptyResourceStats);
    else if (tag === 0x1a) u.newPollOps.push(readPollOp(r));
    else if (tag === 0x20) u.droppedEvents = u64n(r);
    else skip(r, tag);
  }
  done(r, end);
  return u;
}

// ---------------------------------------------------------------- async ops

function readAsyncOp(r: BinaryReader): AsyncOp {
  const end = sub(r);
  const op: AsyncOp = { source: "" };
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        op.id = readId(r);
        break;
      case 0x12:
        op.metadata = readId(r);
        break;
      case 0x1a:
        op.source = r.string();
        break;
      case 0x22:
        op.parentAsyncOpId = readId(r);
        break;
      case 0x2a:
        op.resourceId = readId(r);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  return op;
}

const emptyAsyncOpStats = (): AsyncOpStats => ({ attributes: [] });

function readAsyncOpStats(r: BinaryReader): AsyncOpStats {
  const end = sub(r);
  const s = emptyAsyncOpStats();
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        s.createdAt = readTimestamp(r);
        break;
      case 0x12:
        s.droppedAt = readTimestamp(r);
        break;
      case 0x22:
        s.taskId = readId(r);
        break;
      case 0x2a:
        s.pollStats = readPollStats(r);
        break;
      case 0x32:
        s.attributes.push(readAttribute(r));
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  return s;
}

function readAsyncOpUpdate(r: BinaryReader): AsyncOpUpdate {
  const end = sub(r);
  const u: AsyncOpUpdate = { newAsyncOps: [], statsUpdate: new Map(), droppedEvents: 0 };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) u.newAsyncOps.push(readAsyncOp(r));
    else if (tag === 0x12) readMapEntry(r, u.statsUpdate, readAsyncOpStats, emptyAsyncOpStats);
    else if (tag === 0x18) u.droppedEvents = u64n(r);
    else skip(r, tag);
  }
  done(r, end);
  return u;
}

// ---------------------------------------------------------------- update

function readUpdate(r: BinaryReader, end: number): Update {
  const u: Update = {};
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 0x0a:
        u.now = readTimestamp(r);
        break;
      case 0x12:
        u.taskUpdate = readTaskUpdate(r);
        break;
      case 0x1a:
        u.resourceUpdate = readResourceUpdate(r);
        break;
      case 0x22:
        u.asyncOpUpdate = readAsyncOpUpdate(r);
        break;
      case 0x2a:
        u.newMetadata = readRegisterMetadata(r);
        break;
      default:
        skip(r, tag);
    }
  }
  done(r, end);
  return u;
}

export { encodeUpdate, encodeTaskDetails, encodeState } from "./encode.ts";
