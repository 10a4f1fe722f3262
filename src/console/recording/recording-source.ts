/**
 * A console-subscriber recording file as a ConsoleSource: read as a stream (constant memory however big
 * the file is), events turned into Updates by RecordingAggregator.
 */
import { createReadStream } from "node:fs";
import type { ConsoleSource, OpenSourceOptions, SourceItem } from "../source.ts";
import { RecordingParser } from "./recording-parser.ts";
import { RecordingAggregator, type RecordingUpdatesOptions } from "./recording-updates.ts";

export const RECORDING_LIMITATIONS = [
  "recordings carry no spawn locations (loc.* fields are not recorded)",
  "recordings carry no resources, async ops, poll ops, metadata or histograms",
  "recordings carry no dropped-event counts",
] as const;

/** With `histograms: true` the poll/scheduled-time histograms are rebuilt from the events, so that line changes. */
export const RECORDING_LIMITATIONS_WITH_HISTOGRAMS = [
  RECORDING_LIMITATIONS[0],
  "recordings carry no resources, async ops, poll ops or metadata (poll-time histograms are rebuilt from Enter/Exit times)",
  RECORDING_LIMITATIONS[2],
] as const;

export interface RecordingInfo {
  lines: number;
  events: number;
  tasks: number;
  reusedIds: number;
  /** Bytes of a cut-off last line that was ignored (0 when the file ends cleanly). */
  truncatedBytes: number;
}

export interface RecordingSource extends ConsoleSource {
  /** Filled in while reading; final once iteration has ended. */
  readonly info: RecordingInfo;
}

/** True when the first bytes look like a recording header (`{"v":…}`). */
export function isRecording(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 32)).toString("latin1");
  return /^\s*\{\s*"v"\s*:/.test(text);
}

export function openRecordingSource(path: string, options: OpenSourceOptions & RecordingUpdatesOptions = {}): RecordingSource {
  const info: RecordingInfo = { lines: 0, events: 0, tasks: 0, reusedIds: 0, truncatedBytes: 0 };
  let closed = false;
  async function* items(): AsyncGenerator<SourceItem> {
    const aggregator = new RecordingAggregator(options);
    const parser = new RecordingParser(aggregator, path);
    aggregator.clock = parser;
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    const sync = () => {
      info.lines = parser.lines;
      info.events = parser.events;
      info.tasks = aggregator.tasksSpawned;
      info.reusedIds = aggregator.reusedIds;
      info.truncatedBytes = parser.truncatedBytes;
    };
    const out = function* (): Generator<SourceItem> {
      for (const o of aggregator.drainOutput()) {
        const now = (o.update ? o.update.now : o.taskDetails.now)!;
        const receivedAt = now.seconds * 1000 + now.nanos / 1e6;
        if (o.update) yield { receivedAt, update: o.update };
        else yield { receivedAt, taskDetails: o.taskDetails };
      }
    };
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (closed || options.signal?.aborted) return;
        parser.push(chunk);
        sync();
        yield* out();
      }
      parser.end();
      aggregator.finish();
      sync();
      yield* out();
    } finally {
      stream.destroy();
    }
  }
  return {
    kind: "recording",
    description: path,
    limitations: options.histograms ? RECORDING_LIMITATIONS_WITH_HISTOGRAMS : RECORDING_LIMITATIONS,
    info,
    [Symbol.asyncIterator]: () => items(),
    close: async () => {
      closed = true;
    },
  };
}
