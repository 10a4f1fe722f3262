/**
 * `async-doctor console snapshot [TARGET|FILE]`: builds the state model from one source and prints the
 * task table, resources and totals.
 *
 * Sources (src/console/source.ts): a recording (.jsonl, `{"v":1}` header), a raw gRPC body (.grpc, with
 * its .meta.json if present), a capture file (through the live side's reader), or a live target
 * (anything that is not an existing file: `http://host:port`, `host:port`, `unix:/path`). Files are read
 * to the end; a live target is read until its first update, or for `--duration`.
 */
import { open, stat } from "node:fs/promises";
import { UsageError } from "../../cli/errors.ts";
import { ConsoleState } from "../model/console-state.ts";
import { parseDurationMs } from "../transport/duration.ts";
import type { CaptureSourceModule, ConsoleSource, LiveSourceModule, OpenSourceOptions } from "../source.ts";
import { looksLikeGrpcBody, openGrpcFileSource } from "../protocol/grpc-file-source.ts";
import { isRecording, openRecordingSource, type RecordingSource } from "../recording/recording-source.ts";
import { parseTaskFilter } from "./filter.ts";
import { renderJson, renderText, type SnapshotView } from "./render.ts";
import { compareRows, DEFAULT_TASK_COLUMNS, findColumn, TASK_COLUMNS, taskRows } from "./task-columns.ts";

export interface SnapshotOptions {
  format: "text" | "json";
  sort?: string;
  filter: string[];
  top?: string;
  duration?: string;
  timeout?: string;
  color?: boolean;
}

export async function runSnapshotCommand(target: string, options: SnapshotOptions): Promise<number> {
  // Validate everything before opening anything.
  const predicates = options.filter.map(parseTaskFilter);
  const sort = parseSort(options.sort ?? "total");
  const top = options.top === undefined ? undefined : parseTop(options.top);
  const durationMs = options.duration === undefined ? undefined : parseDurationMs(options.duration, "--duration");
  const timeoutMs = options.timeout === undefined ? 10_000 : parseDurationMs(options.timeout, "--timeout");

  const source = await openSource(target, { ...(durationMs !== undefined ? { durationMs } : {}), connectTimeoutMs: timeoutMs });
  const state = new ConsoleState();
  const notes: string[] = [];
  await consume(source, state, durationMs, notes);

  if (state.updates === 0) throw new UsageError(`${source.description}: no updates in this source`);
  const recordingInfo = (source as Partial<RecordingSource>).info;
  if (recordingInfo?.truncatedBytes) notes.push(`the last line was cut off (${recordingInfo.truncatedBytes} bytes ignored): the recording was still being written`);
  if (recordingInfo?.reusedIds) notes.push(`${recordingInfo.reusedIds} span id(s) were reused by a new task after the previous one closed; both are listed`);

  const allRows = taskRows(state);
  let rows = allRows.filter((r) => predicates.every((p) => p(r)));
  rows.sort((a, b) => compareRows(sort.column, a, b, sort.descending) || compareRows(TASK_COLUMNS[0], a, b, false));
  if (top !== undefined) rows = rows.slice(0, top);
  const view: SnapshotView = {
    source: { kind: source.kind, description: source.description, limitations: source.limitations ?? [], notes },
    state,
    rows,
    allRows,
    columns: DEFAULT_TASK_COLUMNS.map((k) => findColumn(k)!),
  };
  const useColor = options.color !== false && !process.env.NO_COLOR && process.stdout.isTTY === true;
  process.stdout.write(options.format === "json" ? renderJson(view) : renderText(view, useColor));
  return 0;
}

async function consume(source: ConsoleSource, state: ConsoleState, durationMs: number | undefined, notes: string[]): Promise<void> {
  const live = source.kind === "live";
  const deadline = live && durationMs !== undefined ? Date.now() + durationMs : undefined;
  try {
    for await (const item of source) {
      if (item.update) {
        if (item.reset && state.updates > 0) {
          state.reset();
          notes.push("the connection was re-established: the state was rebuilt from the new snapshot");
        }
        state.applyUpdate(item.update);
        if (live && (deadline === undefined || Date.now() >= deadline)) break;
      } else if (item.taskDetails) {
        state.applyTaskDetails(item.taskDetails);
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${source.description}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await source.close?.();
  }
}

export async function openSource(target: string, options: OpenSourceOptions): Promise<ConsoleSource> {
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory()) throw new UsageError(`${target} is a directory: give a recording (.jsonl), a .grpc body or a capture file`);
  if (!info) {
    if (looksLikeFilePath(target)) throw new UsageError(`${target}: no such file`);
    let live: LiveSourceModule;
    try {
      live = (await import("../transport/live-source.ts")) as LiveSourceModule;
    } catch {
      throw new UsageError(`${target}: no such file, and live targets are not available in this build`);
    }
    return live.openLiveSource(target, options);
  }
  const head = Buffer.alloc(64);
  const fh = await open(target, "r");
  let n: number;
  try {
    n = (await fh.read(head, 0, 64, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  const bytes = head.subarray(0, n);
  if (n === 0) throw new UsageError(`${target}: empty file`);
  if (isRecording(bytes)) return openRecordingSource(target, { ...options, histograms: true });
  const capture = await loadCaptureModule();
  if (capture?.isCaptureFile(bytes)) {
    try {
      return await capture.openCaptureSource(target, options);
    } catch (error) {
      throw new UsageError(`${target}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (looksLikeGrpcBody(bytes, info.size)) return openGrpcFileSource(target, { ...options, siblings: true });
  throw new UsageError(`${target}: not a console-subscriber recording (.jsonl), a gRPC body (.grpc) or a capture file`);
}

async function loadCaptureModule(): Promise<CaptureSourceModule | undefined> {
  try {
    return (await import("../capture/capture-source.ts")) as CaptureSourceModule;
  } catch {
    return undefined;
  }
}

function looksLikeFilePath(target: string): boolean {
  return /\.(jsonl|json|grpc|capture|cap|bin)$/i.test(target) || target.includes("/") && !/^[a-z]+:/i.test(target);
}

function parseSort(text: string): { column: (typeof TASK_COLUMNS)[number]; descending: boolean } {
  const m = /^([\w-]+)(?::(asc|desc))?$/i.exec(text.trim());
  const column = m ? findColumn(m[1]) : undefined;
  if (!m || !column) {
    throw new UsageError(`bad --sort '${text}': one of ${TASK_COLUMNS.map((c) => c.key).join(", ")}, optionally with :asc or :desc`);
  }
  const descending = m[2] ? m[2].toLowerCase() === "desc" : column.type === "duration" || column.type === "number";
  return { column, descending };
}

function parseTop(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`bad --top '${text}': a positive integer`);
  return Number(text);
}
