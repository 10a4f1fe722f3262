/**
 * Opens what `console check` reads: a console-subscriber recording (.jsonl), a capture file, a raw
 * WatchUpdates body (.grpc, with sibling `<name>.taskdetails.*.grpc` streams), or a live target.
 * Every kind is turned into the same SourceItem stream (src/console/source.ts).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../../cli/errors.ts";
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

/** A raw WatchUpdates body, then the TaskDetails bodies beside it (`<name>.taskdetails.<task>.grpc`). */
async function openRawGrpc(file: string): Promise<CheckSource> {
  if (/\.taskdetails\./.test(path.basename(file))) throw new UsageError(`${file} is a TaskDetails stream; give the scenario's .watchupdates.grpc`);
  const { openGrpcFileSource } = await import("../protocol/grpc-file-source.ts");
  const base = /^(.*)\.watchupdates\.grpc$/.exec(path.basename(file));
  const details = base
    ? readdirSync(path.dirname(file))
        .filter((name) => name.startsWith(`${base[1]}.taskdetails.`) && name.endsWith(".grpc"))
        .sort()
        .map((name) => path.join(path.dirname(file), name))
    : [];
  const items = (async function* (): AsyncGenerator<SourceItem> {
    yield* openGrpcFileSource(file, { rpc: "WatchUpdates" });
    // Histograms are cumulative: applying each stream after the updates leaves the last (fullest) one.
    for (const d of details) yield* openGrpcFileSource(d, { rpc: "WatchTaskDetails" });
  })();
  return { kind: "grpc", description: file, limitations: [], items };
}
