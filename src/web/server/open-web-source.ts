/**
 * Opens one source named on `console web`'s command line: recordings with rebuilt histograms (and their
 * exact poll timeline), captures and raw .grpc bodies through `console check`'s opener, live targets as a
 * LiveSource kept open (reconnecting) so that task details can be asked for while the page is open.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../../cli/errors.ts";
import { openCheckSource } from "../../console/diagnose/open-check-source.ts";
import type { SourceItem } from "../../console/source.ts";

export interface WebSource {
  kind: "live" | "grpc" | "recording" | "capture";
  description: string;
  label: string;
  limitations: readonly string[];
  items: AsyncIterable<SourceItem>;
  /** Recordings: the file, for the poll timeline. */
  recordingPath?: string;
  /** Live: ask the subscriber for a task's histograms. */
  watchTaskDetails?(id: bigint): void;
  close(): Promise<void>;
}

/** Spacing of the updates rebuilt from a recording: the scrubber's resolution. */
export const recordingIntervalMs = 100;

function looksLikeTarget(text: string): boolean {
  return /^(https?:\/\/|unix:)/.test(text) || /^[\w.-]*:\d+$/.test(text);
}

export async function openWebSource(target: string, log: (line: string) => void): Promise<WebSource> {
  if (!existsSync(target) && looksLikeTarget(target)) {
    const { openLiveSource } = await import("../../console/transport/live-source.ts");
    const source = await openLiveSource(target, { reconnect: true, log: (line) => log(`${target}: ${line}`) });
    return {
      kind: "live",
      description: target,
      label: target.replace(/^https?:\/\//, ""),
      limitations: source.limitations ?? [],
      items: source,
      watchTaskDetails: (id) => source.watchTaskDetails(id),
      close: () => source.close(),
    };
  }
  if (existsSync(target) && statSync(target).isFile()) {
    const { isRecording, openRecordingSource } = await import("../../console/recording/recording-source.ts");
    const { open } = await import("node:fs/promises");
    const handle = await open(target, "r");
    const head = new Uint8Array(64);
    const { bytesRead } = await handle.read(head, 0, 64, 0).finally(() => handle.close());
    if (isRecording(head.subarray(0, bytesRead))) {
      const source = openRecordingSource(target, { intervalMs: recordingIntervalMs, histograms: true });
      return {
        kind: "recording",
        description: target,
        label: path.basename(target),
        limitations: source.limitations ?? [],
        items: source,
        recordingPath: target,
        close: async () => source.close?.(),
      };
    }
  }
  const checked = await openCheckSource(target, { durationMs: 0x7fffffff });
  if (checked.kind === "live") throw new UsageError(`${target}: unexpected live target`);
  return { ...checked, label: path.basename(target), close: async () => {} };
}
