/**
 * What a trace export writes, independent of the file format: processes (track groups), threads (one
 * track per task), complete slices, instants, flows between two slices, counters. Implemented by the
 * Trace Event Format JSON writer (trace-event-json.ts) and the Perfetto protobuf writer
 * (perfetto-proto.ts). Times are relative ns on the app's clock; `pid`/`tid` are small integers chosen
 * by the caller (tracks.ts), unique per track.
 */

export type TraceArgs = Record<string, string | number | boolean | null | undefined>;

export interface TraceOutput {
  process(pid: number, name: string, sortIndex: number): void;
  thread(pid: number, tid: number, name: string, sortIndex: number): void;
  /** A complete slice [start, start + dur] (dur ≥ 0). Slices of one track must nest, never cross. */
  slice(pid: number, tid: number, name: string, category: string, start: number, dur: number, args?: TraceArgs): void;
  instant(pid: number, tid: number, name: string, category: string, at: number, args?: TraceArgs): void;
  /**
   * An arrow from the slice enclosing `from.at` on `from`'s track to the slice starting at `to.at` on
   * `to`'s track. `id` is unique per flow.
   */
  flow(id: number, name: string, category: string, from: { pid: number; tid: number; at: number }, to: { pid: number; tid: number; at: number }): void;
  /** A counter track `name` in process `pid`: each series holds its value from `at` to the next sample. */
  counter(pid: number, name: string, at: number, values: Record<string, number>): void;
  /** Bytes are written in order; awaiting this applies backpressure (call it between input chunks). */
  drain(): Promise<void>;
  /** Writes the end of the file and closes it. */
  close(): Promise<void>;
}
