/**
 * A reader for the Perfetto protobuf traces the exporter writes, from perfetto's .proto field numbers
 * (trace.proto, trace_packet.proto, track_event/*.proto), written for the tests independently of the
 * writer. It turns the packets into Trace Event Format events (B/E for slice begin/end, i, s/f for
 * flow ids / terminating flow ids, C, M thread_name) so the same rule checker applies to both formats.
 */
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { TraceEvent } from "./trace-event-rules.ts";

interface Track {
  pid: number;
  tid: number;
  name: string;
  kind: "process" | "thread" | "counter" | "other";
}

export interface DecodedPerfetto {
  events: TraceEvent[];
  tracks: Map<string, Track>;
  packets: number;
  sequenceIds: Set<number>;
}

function sub(r: BinaryReader): BinaryReader {
  return new BinaryReader(r.bytes());
}

export function decodePerfetto(bytes: Uint8Array): DecodedPerfetto {
  const top = new BinaryReader(bytes);
  const tracks = new Map<string, Track>();
  const raw: { ts: number; type: number; track: string; name: string; cat: string; flows: string[]; terminating: string[]; counter?: number; args: Record<string, unknown> }[] = [];
  const sequenceIds = new Set<number>();
  let packets = 0;
  while (top.pos < top.len) {
    const [field, wt] = top.tag();
    if (field !== 1 || wt !== WireType.LengthDelimited) throw new Error(`Trace: unexpected field ${field}/${wt}`);
    packets++;
    const p = sub(top);
    let ts = Number.NaN;
    let event: BinaryReader | undefined;
    let descriptor: BinaryReader | undefined;
    while (p.pos < p.len) {
      const [f, w] = p.tag();
      if (f === 8) ts = Number(p.uint64());
      else if (f === 10) sequenceIds.add(p.uint32());
      else if (f === 11) event = sub(p);
      else if (f === 60) descriptor = sub(p);
      else p.skip(w);
    }
    if (descriptor) {
      let uuid = "";
      let name = "";
      let kind: Track["kind"] = "other";
      let pid = 0;
      let tid = 0;
      while (descriptor.pos < descriptor.len) {
        const [f, w] = descriptor.tag();
        if (f === 1) uuid = String(descriptor.uint64());
        else if (f === 2) name = descriptor.string();
        else if (f === 3 || f === 4) {
          kind = f === 3 ? "process" : "thread";
          const d = sub(descriptor);
          while (d.pos < d.len) {
            const [g, gw] = d.tag();
            if (g === 1) pid = d.int32();
            else if (g === 2 && f === 4) tid = Number(d.int64());
            else if ((g === 6 && f === 3) || (g === 5 && f === 4)) name = d.string();
            else d.skip(gw);
          }
        } else if (f === 8) {
          kind = "counter";
          descriptor.skip(w);
        } else descriptor.skip(w);
      }
      if (tracks.has(uuid)) throw new Error(`track ${uuid} described twice`);
      tracks.set(uuid, { pid, tid, name, kind });
    }
    if (event) {
      const e = { ts, type: 0, track: "0", name: "", cat: "", flows: [] as string[], terminating: [] as string[], counter: undefined as number | undefined, args: {} as Record<string, unknown> };
      while (event.pos < event.len) {
        const [f, w] = event.tag();
        if (f === 9) e.type = event.int32();
        else if (f === 11) e.track = String(event.uint64());
        else if (f === 22) e.cat = event.string();
        else if (f === 23) e.name = event.string();
        else if (f === 47) e.flows.push(String(event.fixed64()));
        else if (f === 48) e.terminating.push(String(event.fixed64()));
        else if (f === 44) e.counter = event.double();
        else if (f === 30) e.counter = Number(event.int64());
        else if (f === 4) {
          const a = sub(event);
          let an = "";
          let av: unknown;
          while (a.pos < a.len) {
            const [g, gw] = a.tag();
            if (g === 10) an = a.string();
            else if (g === 2) av = a.bool();
            else if (g === 4) av = Number(a.int64());
            else if (g === 5) av = a.double();
            else if (g === 6) av = a.string();
            else a.skip(gw);
          }
          e.args[an] = av;
        } else event.skip(w);
      }
      raw.push(e);
    }
  }
  const events: TraceEvent[] = [];
  for (const [, t] of tracks) if (t.kind === "thread") events.push({ ph: "M", name: "thread_name", pid: t.pid, tid: t.tid, args: { name: t.name } });
  for (const e of raw) {
    const t = tracks.get(e.track);
    if (!t) throw new Error(`event on undeclared track ${e.track}`);
    const base = { pid: t.pid, tid: t.tid, ts: e.ts / 1000 };
    if (e.type === 1) events.push({ ph: "B", name: e.name, cat: e.cat, ...base, args: e.args });
    else if (e.type === 2) events.push({ ph: "E", ...base });
    else if (e.type === 3) events.push({ ph: "i", name: e.name, cat: e.cat, ...base, args: e.args });
    else if (e.type === 4) {
      if (t.kind !== "counter" || e.counter === undefined) throw new Error(`counter event on ${t.kind} track or without value`);
      events.push({ ph: "C", name: t.name, ...base, tid: 0, args: { value: e.counter } });
    } else throw new Error(`unknown TrackEvent type ${e.type}`);
    for (const id of e.flows) events.push({ ph: "s", cat: "flow", id, ...base });
    for (const id of e.terminating) events.push({ ph: "f", bp: "e", cat: "flow", id, ...base });
  }
  return { events, tracks, packets, sequenceIds };
}
