/**
 * Perfetto's native trace format: a `Trace` message, i.e. a stream of `packet` fields (TracePacket),
 * written packet by packet. Field numbers are those of perfetto's protos/perfetto/trace/{trace,
 * trace_packet}.proto and track_event/{track_event,track_descriptor,process_descriptor,
 * thread_descriptor,counter_descriptor,debug_annotation}.proto.
 *
 * No npm package writes Perfetto protobuf (none is kept: perfetto ships protos, not a JS writer), so the
 * few messages needed are encoded here with @bufbuild/protobuf's BinaryWriter, the wire library the
 * project already uses for the console protocol. Compared with the JSON format the file is half the size
 * (bench/console-export.ts: 120 MB against 240 MB for 5M events) and is not bound by the browser's JSON
 * string limit, which matters for multi-million-event recordings.
 *
 * Layout: one process track per kind group (ProcessDescriptor), one thread track per task
 * (ThreadDescriptor, tid = the task's sequence number), counter tracks (CounterDescriptor) under the
 * runtime process. Slices are SLICE_BEGIN/SLICE_END pairs; a flow leaves from an instant at the wake
 * (flow_ids) and ends on the next poll's SLICE_BEGIN (terminating_flow_ids). Timestamps are ns relative
 * to the recording's anchor second (given in the trace's first packet as a debug annotation).
 */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { ChunkedWriter } from "./chunked-writer.ts";
import type { TraceArgs, TraceOutput } from "./trace-output.ts";

/** TrackEvent.Type */
export const SLICE_BEGIN = 1;
export const SLICE_END = 2;
export const INSTANT = 3;
export const COUNTER = 4;

const SEQUENCE_ID = 1;
const SEQ_INCREMENTAL_STATE_CLEARED = 1;

const processUuid = (pid: number) => 0x1000_0000 + pid;
const threadUuid = (pid: number, tid: number) => pid * 0x1_0000_0000 + tid;

export class PerfettoProtoWriter implements TraceOutput {
  private w = new BinaryWriter();
  private packets = 0;
  private readonly counterTracks = new Map<string, number>();
  private nextCounterUuid = 0x2000_0000;
  /** Flow ids to terminate on the next slice that begins on a track, by track uuid. */
  private readonly flowsIn = new Map<number, number[]>();

  constructor(private readonly out: ChunkedWriter) {}

  private packet(fill: (w: BinaryWriter) => void, timestamp?: number): void {
    const w = this.w;
    w.tag(1, WireType.LengthDelimited).fork();
    if (timestamp !== undefined) w.tag(8, WireType.Varint).uint64(Math.max(0, Math.round(timestamp)));
    w.tag(10, WireType.Varint).uint32(SEQUENCE_ID);
    if (this.packets === 0) w.tag(13, WireType.Varint).uint32(SEQ_INCREMENTAL_STATE_CLEARED);
    fill(w);
    w.join();
    if (++this.packets % 4096 === 0) this.flush();
  }

  private flush(): void {
    const bytes = this.w.finish();
    if (bytes.length > 0) this.out.write(bytes);
    this.w = new BinaryWriter();
  }

  private descriptor(fill: (w: BinaryWriter) => void): void {
    this.packet((w) => {
      w.tag(60, WireType.LengthDelimited).fork();
      fill(w);
      w.join();
    });
  }

  private trackEvent(timestamp: number, fill: (w: BinaryWriter) => void): void {
    this.packet((w) => {
      w.tag(11, WireType.LengthDelimited).fork();
      fill(w);
      w.join();
    }, timestamp);
  }

  process(pid: number, name: string, sortIndex: number): void {
    this.descriptor((w) => {
      w.tag(1, WireType.Varint).uint64(processUuid(pid));
      w.tag(3, WireType.LengthDelimited).fork();
      w.tag(1, WireType.Varint).int32(pid);
      w.tag(3, WireType.Varint).int32(sortIndex); // legacy_sort_index
      w.tag(6, WireType.LengthDelimited).string(name);
      w.join();
    });
  }

  thread(pid: number, tid: number, name: string, sortIndex: number): void {
    this.descriptor((w) => {
      w.tag(1, WireType.Varint).uint64(threadUuid(pid, tid));
      w.tag(5, WireType.Varint).uint64(processUuid(pid));
      w.tag(4, WireType.LengthDelimited).fork();
      w.tag(1, WireType.Varint).int32(pid);
      w.tag(2, WireType.Varint).int64(tid);
      w.tag(3, WireType.Varint).int32(sortIndex); // legacy_sort_index
      w.tag(5, WireType.LengthDelimited).string(name);
      w.join();
    });
  }

  private annotations(w: BinaryWriter, args: TraceArgs | undefined): void {
    if (!args) return;
    for (const [name, value] of Object.entries(args)) {
      if (value === undefined || value === null) continue;
      w.tag(4, WireType.LengthDelimited).fork();
      w.tag(10, WireType.LengthDelimited).string(name);
      if (typeof value === "boolean") w.tag(2, WireType.Varint).bool(value);
      else if (typeof value === "number") {
        if (Number.isSafeInteger(value)) w.tag(4, WireType.Varint).int64(value);
        else w.tag(5, WireType.Bit64).double(value);
      } else w.tag(6, WireType.LengthDelimited).string(value);
      w.join();
    }
  }

  slice(pid: number, tid: number, name: string, category: string, start: number, dur: number, args?: TraceArgs): void {
    const track = threadUuid(pid, tid);
    const flowsIn = this.flowsIn.get(track);
    if (flowsIn) this.flowsIn.delete(track);
    this.trackEvent(start, (w) => {
      w.tag(9, WireType.Varint).int32(SLICE_BEGIN);
      w.tag(11, WireType.Varint).uint64(track);
      w.tag(22, WireType.LengthDelimited).string(category);
      w.tag(23, WireType.LengthDelimited).string(name);
      if (flowsIn) for (const id of flowsIn) w.tag(48, WireType.Bit64).fixed64(id);
      this.annotations(w, args);
    });
    this.trackEvent(start + Math.max(0, dur), (w) => {
      w.tag(9, WireType.Varint).int32(SLICE_END);
      w.tag(11, WireType.Varint).uint64(track);
    });
  }

  instant(pid: number, tid: number, name: string, category: string, at: number, args?: TraceArgs): void {
    this.trackEvent(at, (w) => {
      w.tag(9, WireType.Varint).int32(INSTANT);
      w.tag(11, WireType.Varint).uint64(threadUuid(pid, tid));
      w.tag(22, WireType.LengthDelimited).string(category);
      w.tag(23, WireType.LengthDelimited).string(name);
      this.annotations(w, args);
    });
  }

  flow(id: number, name: string, category: string, from: { pid: number; tid: number; at: number }, to: { pid: number; tid: number; at: number }): void {
    this.trackEvent(from.at, (w) => {
      w.tag(9, WireType.Varint).int32(INSTANT);
      w.tag(11, WireType.Varint).uint64(threadUuid(from.pid, from.tid));
      w.tag(22, WireType.LengthDelimited).string(category);
      w.tag(23, WireType.LengthDelimited).string(name);
      w.tag(47, WireType.Bit64).fixed64(id);
    });
    const track = threadUuid(to.pid, to.tid);
    const list = this.flowsIn.get(track);
    if (list) list.push(id);
    else this.flowsIn.set(track, [id]);
  }

  counter(pid: number, name: string, at: number, values: Record<string, number>): void {
    for (const [series, value] of Object.entries(values)) {
      const key = `${pid}\u0000${name}\u0000${series}`;
      let uuid = this.counterTracks.get(key);
      if (uuid === undefined) {
        uuid = this.nextCounterUuid++;
        this.counterTracks.set(key, uuid);
        const id = uuid;
        this.descriptor((w) => {
          w.tag(1, WireType.Varint).uint64(id);
          w.tag(5, WireType.Varint).uint64(processUuid(pid));
          w.tag(2, WireType.LengthDelimited).string(`${name}: ${series}`);
          w.tag(8, WireType.LengthDelimited).fork().join(); // CounterDescriptor {}
        });
      }
      const track = uuid;
      this.trackEvent(at, (w) => {
        w.tag(9, WireType.Varint).int32(COUNTER);
        w.tag(11, WireType.Varint).uint64(track);
        w.tag(44, WireType.Bit64).double(value);
      });
    }
  }

  drain(): Promise<void> {
    this.flush();
    return this.out.drain();
  }

  async close(): Promise<void> {
    this.flush();
    await this.out.close();
  }
}
