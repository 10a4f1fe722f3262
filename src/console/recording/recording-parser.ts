/**
 * Streaming parser for console-subscriber recordings (`recording_path`, format v1, JSON Lines):
 *
 *   {"v":1}
 *   {"Spawn":{"id":9,"at":{"secs_since_epoch":…,"nanos_since_epoch":…},"fields":[{"name":"kind","value":"task"},…]}}
 *   {"Enter":{"id":9,"at":{…}}}   {"Exit":{…}}   {"Close":{…}}
 *   {"Waker":{"id":8,"op":"Clone"|"Drop"|{"Wake":{"self_wake":b}}|{"WakeByRef":{"self_wake":b}},"at":{…}}}
 *
 * Chunks of bytes go in (`push`), events come out through a `RecordingSink`, with no per-line string or
 * object for the common Enter/Exit/Close/Waker lines: they are matched byte by byte against serde's fixed
 * layout, which is what makes ingest run near the speed of merely JSON-parsing the lines (see
 * bench/console-ingest.ts). Lines that do not fit that layout (Spawn, or any other spacing/order) go
 * through JSON.parse after quoting integers of 16+ digits, so ids stay exact either way.
 *
 * Ids: a `SpanKey` is a JS number when the id has ≤ 15 digits (exact), else its decimal string. Times are
 * relative ns to `anchorSeconds` (the first event's second), as in the state model.
 * The last line may be cut off (the file is written live): an unparsable final line without a newline is
 * counted in `truncatedBytes` and ignored. Any other bad line throws `RecordingFormatError`.
 */

export type SpanKey = number | string;

export class RecordingFormatError extends Error {
  override readonly name = "RecordingFormatError";
}

export const WakerOp = { Clone: 0, Drop: 1, Wake: 2, WakeByRef: 3 } as const;
export type WakerOp = (typeof WakerOp)[keyof typeof WakerOp];

export interface RecordingField {
  name: string;
  /** Strings stay strings; integers are bigint (exact); other JSON values are rendered as text. */
  value: string | bigint | boolean;
}

export interface RecordingSink {
  spawn(id: SpanKey, at: number, fields: RecordingField[]): void;
  enter(id: SpanKey, at: number): void;
  exit(id: SpanKey, at: number): void;
  close(id: SpanKey, at: number): void;
  waker(id: SpanKey, op: WakerOp, selfWake: boolean, at: number): void;
}

const enc = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));
const P_ENTER = enc('{"Enter":{"id":');
const P_EXIT = enc('{"Exit":{"id":');
const P_CLOSE = enc('{"Close":{"id":');
const P_WAKER = enc('{"Waker":{"id":');
const P_OP = enc(',"op":');
const P_CLONE = enc('"Clone"');
const P_DROP = enc('"Drop"');
const P_WAKE = enc('{"Wake":{"self_wake":');
const P_WAKE_BY_REF = enc('{"WakeByRef":{"self_wake":');
const P_TRUE = enc("true}}");
const P_FALSE = enc("false}}");
const P_AT = enc(',"at":{"secs_since_epoch":');
const P_NANOS = enc(',"nanos_since_epoch":');
const P_END = enc("}}}");

const T_ENTER = 1;
const T_EXIT = 2;
const T_CLOSE = 3;
const T_WAKER = 4;

export class RecordingParser {
  /** Unix second that relative times count from (set by the first event). */
  anchorSeconds: number | undefined;
  lines = 0;
  events = 0;
  truncatedBytes = 0;
  private headerSeen = false;
  private leftover: Buffer | null = null;
  private pos = 0;
  private readonly sink: RecordingSink;
  private readonly source: string;

  constructor(sink: RecordingSink, source = "recording") {
    this.sink = sink;
    this.source = source;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.leftover !== null) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.leftover = Buffer.concat([this.leftover, chunk]);
        return;
      }
      const line = Buffer.concat([this.leftover, chunk.subarray(0, nl)]);
      this.leftover = null;
      this.line(line, 0, line.length);
      start = nl + 1;
    }
    const n = chunk.length;
    while (start < n) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) {
        this.leftover = Buffer.from(chunk.subarray(start));
        return;
      }
      this.line(chunk, start, nl);
      start = nl + 1;
    }
  }

  /** End of input: a partial last line is parsed if complete JSON, else counted as truncated. */
  end(): void {
    const rest = this.leftover;
    this.leftover = null;
    if (rest !== null && rest.length > 0) {
      try {
        this.line(rest, 0, rest.length);
      } catch (error) {
        if (!(error instanceof RecordingFormatError) || !this.headerSeen) throw error;
        this.truncatedBytes = rest.length;
        this.events--;
      }
    }
    if (!this.headerSeen) throw new RecordingFormatError(`${this.source}: empty file, not a console-subscriber recording`);
  }

  private line(buf: Buffer, start: number, end: number): void {
    this.lines++;
    while (end > start && (buf[end - 1] === 13 || buf[end - 1] === 32)) end--;
    if (end === start) return;
    if (!this.headerSeen) {
      this.header(buf.toString("utf8", start, Math.min(end, start + 200)));
      return;
    }
    this.events++;
    if (!this.fast(buf, start, end)) this.slow(buf, start, end);
  }

  private header(text: string): void {
    let v: unknown;
    try {
      v = (JSON.parse(text) as { v?: unknown }).v;
    } catch {
      v = undefined;
    }
    if (v === undefined) throw new RecordingFormatError(`${this.source}: not a console-subscriber recording (first line is not {"v":1})`);
    if (v !== 1) throw new RecordingFormatError(`${this.source}: unsupported recording format version ${JSON.stringify(v)} (only 1 is known)`);
    this.headerSeen = true;
  }

  private time(secs: number, nanos: number): number {
    if (this.anchorSeconds === undefined) this.anchorSeconds = secs;
    return (secs - this.anchorSeconds) * 1e9 + nanos;
  }

  // -------------------------------------------------------------- fast path

  private match(buf: Buffer, p: number, pattern: Uint8Array): boolean {
    const n = pattern.length;
    for (let i = 0; i < n; i++) if (buf[p + i] !== pattern[i]) return false;
    return true;
  }

  /** Reads an unsigned decimal at this.pos; returns NaN when there is none. Big ids: see readKey. */
  private digits(buf: Buffer, end: number): number {
    let p = this.pos;
    let v = 0;
    const s = p;
    while (p < end) {
      const c = buf[p];
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      p++;
    }
    this.pos = p;
    return p === s || p - s > 15 ? Number.NaN : v;
  }

  private readKey(buf: Buffer, end: number): SpanKey | undefined {
    const s = this.pos;
    const v = this.digits(buf, end);
    if (!Number.isNaN(v)) return v;
    if (this.pos === s || this.pos - s > 20) return undefined;
    return buf.toString("latin1", s, this.pos);
  }

  private fast(buf: Buffer, start: number, end: number): boolean {
    let tag = 0;
    const c = buf[start + 2];
    if (c === 69 /* E */) {
      if (this.match(buf, start, P_ENTER)) {
        tag = T_ENTER;
        this.pos = start + P_ENTER.length;
      } else if (this.match(buf, start, P_EXIT)) {
        tag = T_EXIT;
        this.pos = start + P_EXIT.length;
      } else return false;
    } else if (c === 87 /* W */ && this.match(buf, start, P_WAKER)) {
      tag = T_WAKER;
      this.pos = start + P_WAKER.length;
    } else if (c === 67 /* C */ && this.match(buf, start, P_CLOSE)) {
      tag = T_CLOSE;
      this.pos = start + P_CLOSE.length;
    } else return false;
    const id = this.readKey(buf, end);
    if (id === undefined) return false;
    let op: WakerOp = WakerOp.Clone;
    let selfWake = false;
    if (tag === T_WAKER) {
      if (!this.match(buf, this.pos, P_OP)) return false;
      let p = this.pos + P_OP.length;
      if (this.match(buf, p, P_CLONE)) p += P_CLONE.length;
      else if (this.match(buf, p, P_DROP)) {
        op = WakerOp.Drop;
        p += P_DROP.length;
      } else {
        if (this.match(buf, p, P_WAKE)) {
          op = WakerOp.Wake;
          p += P_WAKE.length;
        } else if (this.match(buf, p, P_WAKE_BY_REF)) {
          op = WakerOp.WakeByRef;
          p += P_WAKE_BY_REF.length;
        } else return false;
        if (this.match(buf, p, P_TRUE)) {
          selfWake = true;
          p += P_TRUE.length;
        } else if (this.match(buf, p, P_FALSE)) p += P_FALSE.length;
        else return false;
      }
      this.pos = p;
    }
    if (!this.match(buf, this.pos, P_AT)) return false;
    this.pos += P_AT.length;
    const secs = this.digits(buf, end);
    if (Number.isNaN(secs) || !this.match(buf, this.pos, P_NANOS)) return false;
    this.pos += P_NANOS.length;
    const nanos = this.digits(buf, end);
    if (Number.isNaN(nanos) || this.pos + 3 !== end || !this.match(buf, this.pos, P_END)) return false;
    const at = this.time(secs, nanos);
    switch (tag) {
      case T_ENTER:
        this.sink.enter(id, at);
        break;
      case T_EXIT:
        this.sink.exit(id, at);
        break;
      case T_CLOSE:
        this.sink.close(id, at);
        break;
      default:
        this.sink.waker(id, op, selfWake, at);
    }
    return true;
  }

  // -------------------------------------------------------------- general path

  private slow(buf: Buffer, start: number, end: number): void {
    const text = buf.toString("utf8", start, end);
    let parsed: unknown;
    try {
      // Integers of 16+ digits (ids above 2^53 and any big field value) become marked strings first.
      parsed = JSON.parse(text.replace(/([:[,]\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"\\u0000$2"'));
    } catch {
      throw new RecordingFormatError(`${this.source}: line ${this.lines} is not JSON: ${text.slice(0, 80)}`);
    }
    const bad = (why: string) => new RecordingFormatError(`${this.source}: line ${this.lines}: ${why}: ${text.slice(0, 80)}`);
    if (typeof parsed !== "object" || parsed === null) throw bad("not an event object");
    const keys = Object.keys(parsed);
    if (keys.length !== 1) throw bad("expected one externally tagged event");
    const tag = keys[0];
    const body = (parsed as Record<string, unknown>)[tag] as Record<string, unknown> | null;
    if (typeof body !== "object" || body === null) throw bad("event body is not an object");
    const id = keyOf(body.id);
    if (id === undefined) throw bad("missing or invalid id");
    const atObj = body.at as { secs_since_epoch?: unknown; nanos_since_epoch?: unknown } | undefined;
    if (typeof atObj?.secs_since_epoch !== "number" || typeof atObj.nanos_since_epoch !== "number") throw bad("missing or invalid `at`");
    const at = this.time(atObj.secs_since_epoch, atObj.nanos_since_epoch);
    switch (tag) {
      case "Spawn": {
        const fields: RecordingField[] = [];
        if (Array.isArray(body.fields)) {
          for (const f of body.fields as { name?: unknown; value?: unknown }[]) {
            if (typeof f?.name !== "string") continue;
            fields.push({ name: f.name, value: fieldValue(f.value) });
          }
        }
        this.sink.spawn(id, at, fields);
        return;
      }
      case "Enter":
        this.sink.enter(id, at);
        return;
      case "Exit":
        this.sink.exit(id, at);
        return;
      case "Close":
        this.sink.close(id, at);
        return;
      case "Waker": {
        const op = body.op;
        if (op === "Clone") this.sink.waker(id, WakerOp.Clone, false, at);
        else if (op === "Drop") this.sink.waker(id, WakerOp.Drop, false, at);
        else if (typeof op === "object" && op !== null && ("Wake" in op || "WakeByRef" in op)) {
          const byRef = "WakeByRef" in op;
          const inner = (op as Record<string, { self_wake?: unknown }>)[byRef ? "WakeByRef" : "Wake"];
          this.sink.waker(id, byRef ? WakerOp.WakeByRef : WakerOp.Wake, inner?.self_wake === true, at);
        } else throw bad("unknown waker op");
        return;
      }
      default:
        // Unknown event kinds of a newer format: skip.
        this.events--;
    }
  }
}

function keyOf(v: unknown): SpanKey | undefined {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === "string" && v.startsWith("\u0000")) {
    const digits = v.slice(1);
    return digits.length <= 15 ? Number(digits) : digits;
  }
  return undefined;
}

function fieldValue(v: unknown): string | bigint | boolean {
  if (typeof v === "string") return v.startsWith("\u0000") ? BigInt(v.slice(1)) : v;
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : String(v);
  if (typeof v === "boolean") return v;
  return JSON.stringify(v);
}

export function keyToId(key: SpanKey): bigint {
  return BigInt(key);
}
