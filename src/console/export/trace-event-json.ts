/**
 * Trace Event Format (the JSON that chrome://tracing, Chrome DevTools and Perfetto UI open), written as
 * a stream: `{"displayTimeUnit":"ns","otherData":{…},"traceEvents":[ … ]}`, one event per line.
 *
 * Hand-written because no maintained npm package writes this format as a stream with flows and counters
 * (chrome-trace-event writes begin/end pairs of one process only); the format is plain JSON objects.
 * Polls are complete events (`ph:"X"`, `dur`), instants `ph:"i"` with thread scope, flows `ph:"s"`/`ph:"f"`
 * (the end binds to the enclosing slice: `bp:"e"`), counters `ph:"C"`, names through metadata `ph:"M"`.
 * `ts`/`dur` are microseconds; the app's nanoseconds are kept as three decimals.
 */
import type { ChunkedWriter } from "./chunked-writer.ts";
import type { TraceArgs, TraceOutput } from "./trace-output.ts";

/** Relative ns → µs with exactly three decimals (no float rounding noise, no exponent). */
export function micros(ns: number): string {
  const n = Math.round(ns);
  const sign = n < 0 ? "-" : "";
  const a = Math.abs(n);
  const whole = Math.floor(a / 1000);
  const frac = a - whole * 1000;
  return `${sign}${whole}.${frac < 10 ? "00" : frac < 100 ? "0" : ""}${frac}`;
}

function argsJson(args: TraceArgs | undefined): string {
  if (args === undefined) return "";
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (v !== undefined) clean[k] = v;
  return `,"args":${JSON.stringify(clean)}`;
}

export class TraceEventJsonWriter implements TraceOutput {
  private first = true;
  /** `"name":…,"cat":…` per (name, category): the same few pairs repeat millions of times. */
  private readonly labels = new Map<string, string>();

  private label(name: string, category: string): string {
    const key = `${name}\u0000${category}`;
    let json = this.labels.get(key);
    if (json === undefined) {
      json = `"name":${JSON.stringify(name)},"cat":${JSON.stringify(category)}`;
      if (this.labels.size < 10_000) this.labels.set(key, json);
    }
    return json;
  }

  constructor(
    private readonly out: ChunkedWriter,
    otherData: Record<string, string | number>,
  ) {
    out.write(`{"displayTimeUnit":"ns","otherData":${JSON.stringify(otherData)},"traceEvents":[\n`);
  }

  private event(json: string): void {
    this.out.write(this.first ? json : `,\n${json}`);
    this.first = false;
  }

  process(pid: number, name: string, sortIndex: number): void {
    this.event(`{"ph":"M","name":"process_name","pid":${pid},"tid":0,"args":{"name":${JSON.stringify(name)}}}`);
    this.event(`{"ph":"M","name":"process_sort_index","pid":${pid},"tid":0,"args":{"sort_index":${sortIndex}}}`);
  }

  thread(pid: number, tid: number, name: string, sortIndex: number): void {
    this.event(`{"ph":"M","name":"thread_name","pid":${pid},"tid":${tid},"args":{"name":${JSON.stringify(name)}}}`);
    this.event(`{"ph":"M","name":"thread_sort_index","pid":${pid},"tid":${tid},"args":{"sort_index":${sortIndex}}}`);
  }

  slice(pid: number, tid: number, name: string, category: string, start: number, dur: number, args?: TraceArgs): void {
    this.event(`{"ph":"X",${this.label(name, category)},"ts":${micros(start)},"dur":${micros(Math.max(0, dur))},"pid":${pid},"tid":${tid}${argsJson(args)}}`);
  }

  instant(pid: number, tid: number, name: string, category: string, at: number, args?: TraceArgs): void {
    this.event(`{"ph":"i","s":"t",${this.label(name, category)},"ts":${micros(at)},"pid":${pid},"tid":${tid}${argsJson(args)}}`);
  }

  flow(id: number, name: string, category: string, from: { pid: number; tid: number; at: number }, to: { pid: number; tid: number; at: number }): void {
    const n = JSON.stringify(name);
    this.event(`{"ph":"s","id":${id},"name":${n},"cat":"${category}","ts":${micros(from.at)},"pid":${from.pid},"tid":${from.tid}}`);
    this.event(`{"ph":"f","bp":"e","id":${id},"name":${n},"cat":"${category}","ts":${micros(to.at)},"pid":${to.pid},"tid":${to.tid}}`);
  }

  counter(pid: number, name: string, at: number, values: Record<string, number>): void {
    this.event(`{"ph":"C","name":${JSON.stringify(name)},"ts":${micros(at)},"pid":${pid},"tid":0,"args":${JSON.stringify(values)}}`);
  }

  drain(): Promise<void> {
    return this.out.drain();
  }

  async close(): Promise<void> {
    this.out.write("\n]}\n");
    await this.out.close();
  }
}
