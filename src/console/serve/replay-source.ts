import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../../cli/errors.ts";
import { captureRecords, isCaptureFile } from "../capture/reader.ts";

/** One message to replay, at `atMs` relative to the start of its stream. */
export interface ReplayMessage {
  atMs: number;
  bytes: Uint8Array;
}

/** Everything a replay server can answer with, per RPC. */
export interface ReplaySource {
  description: string;
  /** WatchUpdates messages; the first is the snapshot a fresh client gets. */
  updates: ReplayMessage[];
  /** WatchTaskDetails messages per task id (decimal). */
  taskDetails: Map<string, ReplayMessage[]>;
  /** WatchState messages, when the recorded server had that RPC; absent means answer UNIMPLEMENTED. */
  state?: ReplayMessage[];
}

export interface LoadOptions {
  /** For captures with reconnects: which session (1-based) to serve. Default: the first with updates. */
  session?: number;
  /** For recordings: the interval of the synthesised updates (app clock), default 1000 ms like a subscriber. */
  recordingIntervalMs?: number;
}

/**
 * Loads a capture file, or a raw `.grpc` response body (the shared fixtures' format) with its optional
 * `.meta.json` timing and sibling `<scenario>.taskdetails.<task>.grpc` streams.
 */
export async function loadReplaySource(file: string, options: LoadOptions = {}): Promise<ReplaySource> {
  if (!fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new UsageError(`${file} is a directory; give a capture file or a .grpc stream`);
  if (isCaptureFile(file)) return loadCapture(file, options);
  if (looksLikeConsoleRecording(file)) return loadRecording(file, options);
  if (file.endsWith(".grpc")) return loadRawGrpc(file);
  throw new UsageError(`${file}: not a capture file or a raw .grpc WatchUpdates stream`);
}

async function loadCapture(file: string, options: LoadOptions): Promise<ReplaySource> {
  const bySession = new Map<number, { updates: ReplayMessage[]; details: Map<string, ReplayMessage[]>; state: ReplayMessage[] }>();
  for await (const record of captureRecords(file)) {
    if (record.kind !== "message") continue;
    let entry = bySession.get(record.session);
    if (!entry) bySession.set(record.session, (entry = { updates: [], details: new Map(), state: [] }));
    const message = { atMs: record.t, bytes: record.bytes };
    if (record.rpc === "WatchUpdates") entry.updates.push(message);
    else if (record.rpc === "WatchState") entry.state.push(message);
    else if (record.rpc === "WatchTaskDetails" && record.task !== undefined) {
      const list = entry.details.get(record.task) ?? [];
      list.push(message);
      entry.details.set(record.task, list);
    }
  }
  const sessions = [...bySession.keys()].sort((a, b) => a - b);
  const chosen = options.session ?? sessions.find((s) => bySession.get(s)!.updates.length > 0);
  const entry = chosen === undefined ? undefined : bySession.get(chosen);
  if (!entry || entry.updates.length === 0) {
    throw new UsageError(
      options.session !== undefined
        ? `${file}: session ${options.session} has no WatchUpdates messages (sessions: ${sessions.join(", ") || "none"})`
        : `${file}: the capture holds no WatchUpdates messages`,
    );
  }
  const origin = entry.updates[0].atMs;
  const shift = (list: ReplayMessage[]) => list.map((m) => ({ atMs: Math.max(0, m.atMs - origin), bytes: m.bytes }));
  const details = new Map<string, ReplayMessage[]>();
  for (const [task, list] of entry.details) details.set(task, shiftToFirst(list));
  return {
    description: `${path.basename(file)} (capture, session ${chosen} of ${sessions.length}, ${entry.updates.length} updates)`,
    updates: shift(entry.updates),
    taskDetails: details,
    ...(entry.state.length > 0 ? { state: shiftToFirst(entry.state) } : {}),
  };
}

/**
 * A console-subscriber recording (recording_path JSON Lines), turned into Updates by the recording
 * aggregator and re-encoded, so tokio-console can browse a recorded run. Recordings lack locations,
 * resources, async ops and histograms (see RECORDING_LIMITATIONS): the replay lacks them too.
 */
async function loadRecording(file: string, options: LoadOptions): Promise<ReplaySource> {
  const { openRecordingSource } = await import("../recording/recording-source.ts");
  const { encodeUpdate } = await import("../protocol/encode.ts");
  const source = openRecordingSource(file, { intervalMs: options.recordingIntervalMs ?? 1000 });
  const updates: ReplayMessage[] = [];
  let origin: number | undefined;
  for await (const item of source) {
    if (!item.update) continue;
    const now = item.update.now;
    const atMs = now ? now.seconds * 1000 + now.nanos / 1e6 : updates.length * 1000;
    origin ??= atMs;
    updates.push({ atMs: Math.max(0, atMs - origin), bytes: encodeUpdate(item.update) });
  }
  if (updates.length === 0) throw new UsageError(`${file}: the recording holds no events`);
  return {
    description: `${path.basename(file)} (console-subscriber recording as ${updates.length} synthesised updates; no locations, resources or histograms)`,
    updates,
    taskDetails: new Map(),
  };
}

interface RawMeta {
  messages?: { received_ms?: number; length?: number }[];
  task_id?: string;
  rpc?: string;
}

function loadRawGrpc(file: string): ReplaySource {
  const { messages, meta } = readRawStream(file);
  if (meta?.rpc && !meta.rpc.endsWith("/WatchUpdates")) {
    throw new UsageError(`${file} is a ${meta.rpc.split("/").pop()} stream; serve the scenario's .watchupdates.grpc instead`);
  }
  const details = new Map<string, ReplayMessage[]>();
  const match = /^(.*)\.watchupdates\.grpc$/.exec(path.basename(file));
  if (match) {
    const dir = path.dirname(file);
    for (const name of fs.readdirSync(dir)) {
      if (!name.startsWith(`${match[1]}.taskdetails.`) || !name.endsWith(".grpc")) continue;
      const sibling = readRawStream(path.join(dir, name));
      if (sibling.meta?.task_id) details.set(String(sibling.meta.task_id), shiftToFirst(sibling.messages));
    }
  }
  return {
    description: `${path.basename(file)} (raw gRPC stream, ${messages.length} updates, details for ${details.size} task(s))`,
    updates: shiftToFirst(messages),
    taskDetails: details,
  };
}

/** Splits a raw body into messages; timing from `.meta.json` when present, else one per second. */
function readRawStream(file: string): { messages: ReplayMessage[]; meta: RawMeta | undefined } {
  const body = fs.readFileSync(file);
  const metaFile = file.replace(/\.grpc$/, ".meta.json");
  let meta: RawMeta | undefined;
  if (fs.existsSync(metaFile)) {
    try {
      meta = JSON.parse(fs.readFileSync(metaFile, "utf8")) as RawMeta;
    } catch {
      throw new UsageError(`${metaFile}: bad JSON`);
    }
  }
  const messages: ReplayMessage[] = [];
  let p = 0;
  while (p + 5 <= body.length) {
    const flag = body[p];
    const length = body.readUInt32BE(p + 1);
    if (flag !== 0) throw new UsageError(`${file}: byte ${p} is not an uncompressed gRPC frame (flag ${flag})`);
    if (p + 5 + length > body.length) break; // a cut last message: ignore, like a cut capture line
    const index = messages.length;
    const atMs = meta?.messages?.[index]?.received_ms ?? index * 1000;
    messages.push({ atMs, bytes: new Uint8Array(body.subarray(p + 5, p + 5 + length)) });
    p += 5 + length;
  }
  if (messages.length === 0) throw new UsageError(`${file}: no gRPC messages`);
  return { messages, meta };
}

function shiftToFirst(list: ReplayMessage[]): ReplayMessage[] {
  if (list.length === 0) return list;
  const origin = list[0].atMs;
  return list.map((m) => ({ atMs: Math.max(0, m.atMs - origin), bytes: m.bytes }));
}

function looksLikeConsoleRecording(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const buffer = Buffer.alloc(16);
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return /^\{\s*"v"\s*:\s*1\s*\}/.test(buffer.subarray(0, n).toString("utf8"));
  } finally {
    fs.closeSync(fd);
  }
}
