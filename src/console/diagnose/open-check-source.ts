/**
 * Opens what `console check` reads: a console-subscriber recording (.jsonl), a capture file, a raw
 * WatchUpdates body (.grpc, with sibling `<name>.taskdetails.*.grpc` streams), or a live target.
 * Every kind is turned into the same SourceItem stream (src/console/source.ts).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { open, readFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../../cli/errors.ts";
import { decodeTaskDetails, decodeUpdate } from "../protocol/decode.ts";
import { splitGrpcFrames } from "../protocol/grpc-frames.ts";
import type { SourceItem } from "../source.ts";

export interface CheckSource {
  kind: "recording" | "capture" | "grpc" | "live";
  description: string;
  limitations: readonly string[];
  items: AsyncIterable<SourceItem>;
}

export interface OpenCheckOptions {
  durationMs?: number;
  /** Recordings: interval of the synthesised updates (recording clock). */
  recordingIntervalMs?: number;
}

async function head(file: string): Promise<Uint8Array> {
  const handle = await open(file, "r");
  try {
    const buf = new Uint8Array(64);
    const { bytesRead } = await handle.read(buf, 0, 64, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function looksLikeTarget(text: string): boolean {
  return /^(https?:\/\/|unix:)/.test(text) || /^[\w.-]*:\d+$/.test(text);
}

export async function openCheckSource(target: string, options: OpenCheckOptions = {}): Promise<CheckSource> {
  if (!existsSync(target)) {
    if (!looksLikeTarget(target)) throw new UsageError(`${target}: no such file, and not a target like http://127.0.0.1:6669`);
    const { openLiveSource } = await import("../transport/live-source.ts");
    const source = await openLiveSource(target, { durationMs: options.durationMs ?? 10_000 });
    return { kind: "live", description: target, limitations: source.limitations ?? [], items: source };
  }
  if (statSync(target).isDirectory()) throw new UsageError(`${target} is a directory; give a recording, capture or .grpc file`);
  const first = await head(target);
  const { isRecording, openRecordingSource } = await import("../recording/recording-source.ts");
  if (isRecording(first)) {
    const source = openRecordingSource(target, { intervalMs: options.recordingIntervalMs ?? 100 });
    return { kind: "recording", description: target, limitations: source.limitations ?? [], items: source };
  }
  const { isCaptureFile, openCaptureSource } = await import("../capture/capture-source.ts");
  if (isCaptureFile(first)) {
    const source = await openCaptureSource(target, { durationMs: options.durationMs });
    return { kind: "capture", description: target, limitations: source.limitations ?? [], items: source };
  }
  if (target.endsWith(".grpc")) return openRawGrpc(target);
  throw new UsageError(`${target}: not a console-subscriber recording, a capture file or a raw .grpc WatchUpdates body`);
}

async function openRawGrpc(file: string): Promise<CheckSource> {
  const base = /^(.*)\.watchupdates\.grpc$/.exec(path.basename(file));
  if (/\.taskdetails\./.test(file)) throw new UsageError(`${file} is a TaskDetails stream; give the scenario's .watchupdates.grpc`);
  const updates = splitGrpcFrames(new Uint8Array(await readFile(file))).map((bytes): SourceItem => ({ receivedAt: 0, update: decodeUpdate(bytes) }));
  const details: SourceItem[] = [];
  if (base) {
    const dir = path.dirname(file);
    for (const name of readdirSync(dir).sort()) {
      if (!name.startsWith(`${base[1]}.taskdetails.`) || !name.endsWith(".grpc")) continue;
      for (const bytes of splitGrpcFrames(new Uint8Array(await readFile(path.join(dir, name))))) {
        details.push({ receivedAt: 0, taskDetails: decodeTaskDetails(bytes) });
      }
    }
  }
  return { kind: "grpc", description: file, limitations: [], items: (async function* () { yield* updates; yield* details; })() };
}
