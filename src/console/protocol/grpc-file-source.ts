/**
 * A raw gRPC response body saved to a file (the fixtures' `*.grpc`: DATA payloads of one WatchUpdates or
 * WatchTaskDetails call, back to back) as a ConsoleSource, streamed frame by frame.
 *
 * Which RPC the body belongs to cannot be told from the bytes alone (an Update and a TaskDetails share
 * field numbers and wire types), so it comes from, in order: the `rpc` option, the `rpc` of a
 * `<name>.meta.json` beside the file, a `.taskdetails.` in the file name, else WatchUpdates.
 * `receivedAt` comes from the meta file's per-message `received_ms` when present, else from `now`.
 */
import { createReadStream, existsSync, readdirSync, readFileSync } from "node:fs";
import nodePath from "node:path";
import type { ConsoleSource, OpenSourceOptions, SourceItem } from "../source.ts";
import { decodeTaskDetails, decodeUpdate } from "./decode.ts";
import { GrpcFrameDecoder } from "./grpc-frames.ts";

export type GrpcRpc = "WatchUpdates" | "WatchTaskDetails";

interface CaptureMeta {
  rpc?: string;
  stream_start_wallclock?: string;
  request_sent_ms?: number;
  messages?: { received_ms?: number }[];
}

export interface GrpcFileSourceOptions extends OpenSourceOptions {
  rpc?: GrpcRpc;
  /**
   * For `<name>.watchupdates.grpc`: also read the sibling `<name>.taskdetails.*.grpc` bodies of the same
   * run (as the shared fixtures lay them out) and yield their TaskDetails after the updates, so tasks
   * get their poll histograms. Default false (callers that read the siblings themselves stay correct).
   */
  siblings?: boolean;
}

/** `<name>.taskdetails.*.grpc` files beside a `<name>.watchupdates.grpc`. */
export function taskDetailsSiblings(path: string): string[] {
  const m = /^(.*)\.watchupdates\.grpc$/.exec(nodePath.basename(path));
  if (!m) return [];
  const dir = nodePath.dirname(path);
  try {
    return readdirSync(dir)
      .filter((f) => f.startsWith(`${m[1]}.taskdetails.`) && f.endsWith(".grpc"))
      .sort()
      .map((f) => nodePath.join(dir, f));
  } catch {
    return [];
  }
}

export function metaPathFor(path: string): string {
  return path.replace(/\.grpc$/, "") + ".meta.json";
}

/** True when the bytes start like a gRPC body: flag 0/1 and a length that a message could have. */
export function looksLikeGrpcBody(head: Uint8Array, fileSize: number): boolean {
  if (head.length === 0) return true;
  if (head.length < 5 || (head[0] !== 0 && head[0] !== 1)) return false;
  const len = ((head[1] << 24) >>> 0) + (head[2] << 16) + (head[3] << 8) + head[4];
  return 5 + len <= fileSize;
}

export function openGrpcFileSource(path: string, options: GrpcFileSourceOptions = {}): ConsoleSource {
  let meta: CaptureMeta | undefined;
  const metaPath = metaPathFor(path);
  if (path.endsWith(".grpc") && existsSync(metaPath)) {
    try {
      meta = JSON.parse(readFileSync(metaPath, "utf8")) as CaptureMeta;
    } catch {
      meta = undefined;
    }
  }
  const rpc: GrpcRpc =
    options.rpc ?? (meta?.rpc?.endsWith("/WatchTaskDetails") ? "WatchTaskDetails" : meta?.rpc?.endsWith("/WatchUpdates") ? "WatchUpdates" : /\.taskdetails\./i.test(path) ? "WatchTaskDetails" : "WatchUpdates");
  const origin = meta?.stream_start_wallclock ? Date.parse(meta.stream_start_wallclock) - (meta.request_sent_ms ?? 0) : Number.NaN;
  let closed = false;

  async function* items(): AsyncGenerator<SourceItem> {
    const frames = new GrpcFrameDecoder();
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    let index = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (const frame of frames.push(chunk)) {
          if (closed || options.signal?.aborted) return;
          const at = meta?.messages?.[index]?.received_ms;
          const i = index++;
          try {
            if (rpc === "WatchUpdates") {
              const update = decodeUpdate(frame.message);
              const receivedAt = at !== undefined && !Number.isNaN(origin) ? origin + at : update.now ? update.now.seconds * 1000 + update.now.nanos / 1e6 : 0;
              yield { receivedAt, update };
            } else {
              const taskDetails = decodeTaskDetails(frame.message);
              const receivedAt = at !== undefined && !Number.isNaN(origin) ? origin + at : taskDetails.now ? taskDetails.now.seconds * 1000 + taskDetails.now.nanos / 1e6 : 0;
              yield { receivedAt, taskDetails };
            }
          } catch (error) {
            throw new Error(`${path}: message #${i}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      }
      try {
        frames.end();
      } catch (error) {
        throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (rpc === "WatchUpdates" && options.siblings === true) {
        for (const sibling of taskDetailsSiblings(path)) {
          yield* openGrpcFileSource(sibling, { rpc: "WatchTaskDetails", siblings: false, ...(options.signal ? { signal: options.signal } : {}) });
        }
      }
    } finally {
      stream.destroy();
    }
  }

  return {
    kind: "grpc",
    description: `${path} (${rpc} body${rpc === "WatchUpdates" && options.siblings === true && taskDetailsSiblings(path).length > 0 ? ` + ${taskDetailsSiblings(path).length} TaskDetails bodies` : ""})`,
    limitations: [],
    [Symbol.asyncIterator]: () => items(),
    close: async () => {
      closed = true;
    },
  };
}
