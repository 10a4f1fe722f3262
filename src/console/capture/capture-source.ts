import { decodeState, decodeTaskDetails, decodeUpdate } from "../protocol/decode.ts";
import type { ConsoleSource, OpenSourceOptions, SourceItem } from "../source.ts";
import { captureMagic } from "./format.ts";
import { readCapture } from "./reader.ts";

/**
 * A capture file as a ConsoleSource (the contract in src/console/source.ts). Items come in file order;
 * `receivedAt` is the recorder's clock (header startedAt + t). When the recording spans several
 * connections, the first update of each later session carries `reset: true`: it is a fresh snapshot and
 * the state built so far belongs to the previous connection (possibly a previous app process).
 */
export type CaptureSourceItem = SourceItem & { session: number; reset?: true };

export interface CaptureSource extends ConsoleSource {
  [Symbol.asyncIterator](): AsyncIterator<CaptureSourceItem>;
  close(): Promise<void>;
}

export function isCaptureFile(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 64)).toString("utf8");
  return text.replace(/\s/g, "").startsWith(`{"${captureMagic}"`);
}

export async function openCaptureSource(path: string, options: OpenSourceOptions = {}): Promise<CaptureSource> {
  // Read the header eagerly so that a bad file fails here, with the path in the message.
  const iterator = readCapture(path)[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done || !("header" in first.value)) throw new Error(`${path}: empty capture file`);
  const header = first.value.header;
  const startedAt = Date.parse(header.startedAt) || 0;
  let closed = false;
  const limitations: string[] = [];
  async function* items(): AsyncGenerator<CaptureSourceItem> {
    let session: number | undefined;
    for (;;) {
      if (closed || options.signal?.aborted) return;
      const next = await iterator.next();
      if (next.done) return;
      if (!("record" in next.value)) continue;
      const record = next.value.record;
      if (record.kind !== "message") continue;
      const receivedAt = startedAt + record.t;
      if (record.rpc === "WatchUpdates") {
        const reset = session !== undefined && record.session !== session;
        session = record.session;
        yield { receivedAt, update: decodeUpdate(record.bytes), session, ...(reset ? { reset: true as const } : {}) };
      } else if (record.rpc === "WatchTaskDetails") {
        // Details of an earlier session would attach to the wrong tasks after a reset: skip them.
        if (session !== undefined && record.session !== session) continue;
        yield { receivedAt, taskDetails: decodeTaskDetails(record.bytes), session: record.session };
      } else if (record.rpc === "WatchState") {
        decodeState(record.bytes); // validated; pause state is not part of SourceItem yet
      }
    }
  }
  return {
    kind: "capture",
    description: `${path} (capture of ${header.target}, started ${header.startedAt})`,
    limitations,
    [Symbol.asyncIterator]: () => items(),
    close: async () => {
      closed = true;
      await iterator.return?.(undefined);
    },
  };
}
