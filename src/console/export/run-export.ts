/**
 * `async-doctor console export --format perfetto|chrome-trace [SOURCE] -o FILE`: a trace of a recording,
 * capture, raw .grpc body or a bounded live window, for Perfetto UI, chrome://tracing or DevTools.
 * Streams: memory stays bounded by the tasks alive at once (plus the diagnosis timeline), not the events.
 */
import { existsSync, rmSync, statSync } from "node:fs";
import { UsageError } from "../../cli/errors.ts";
import { diagnose } from "../diagnose/engine.ts";
import { openCheckSource } from "../diagnose/open-check-source.ts";
import { TimelineBuilder } from "../diagnose/timeline.ts";
import type { Diagnosis } from "../diagnose/types.ts";
import { RecordingAggregator } from "../recording/recording-updates.ts";
import { RecordingFormatError } from "../recording/recording-parser.ts";
import type { SourceItem } from "../source.ts";
import { readRecordingTimeline } from "../timeline/recording-timeline.ts";
import { parseDurationMs } from "../transport/duration.ts";
import { ChunkedWriter } from "./chunked-writer.ts";
import { writeDiagnosisSlices } from "./diagnosis-slices.ts";
import { PerfettoProtoWriter } from "./perfetto-proto.ts";
import { RecordingTrace } from "./recording-trace.ts";
import { TraceEventJsonWriter } from "./trace-event-json.ts";
import type { TraceOutput } from "./trace-output.ts";
import { RUNTIME_PID, TrackLayout } from "./tracks.ts";
import { UpdateTrace } from "./update-trace.ts";
import { WorkerUtilisation, type UtilisationPoint } from "./worker-utilisation.ts";

export type TraceFormat = "perfetto" | "chrome-trace";

export interface ExportCommandOptions {
  format: string;
  out?: string;
  duration?: string;
  diagnoses?: boolean;
  recordingInterval?: string;
}

export interface ExportSummary {
  out: string;
  format: TraceFormat;
  source: { kind: string; description: string };
  tasks: number;
  polls: number;
  flows: number;
  wakeInstants: number;
  spawns: number;
  drops: number;
  utilisationSamples: number;
  diagnoses: number;
  bytes: number;
}

export interface ExportOptions {
  format: TraceFormat;
  /** "-" writes to stdout. */
  out: string;
  durationMs?: number;
  /** Run `console check`'s rules and draw their findings (default true). */
  diagnoses?: boolean;
  /**
   * Recordings: spacing of the updates rebuilt for diagnoses and utilisation (default 1 s, the subscriber's
   * publish interval; `console check` uses 100 ms, which costs the export ~40 % more time on big recordings
   * for the same findings on the shared fixtures).
   */
  recordingIntervalMs?: number;
}

function openOutput(format: TraceFormat, out: string, otherData: Record<string, string | number>): { writer: ChunkedWriter; trace: TraceOutput } {
  const writer = out === "-" ? new ChunkedWriter(process.stdout) : ChunkedWriter.toFile(out);
  const trace = format === "perfetto" ? new PerfettoProtoWriter(writer) : new TraceEventJsonWriter(writer, otherData);
  return { writer, trace };
}

/** Utilisation points as a counter track ("busy" and, when the worker count is known, "idle" workers). */
class UtilisationTrack {
  samples = 0;
  constructor(private readonly out: TraceOutput) {}
  write(p: UtilisationPoint | undefined): void {
    if (!p) return;
    const busy = Math.round(p.busyWorkers * 1000) / 1000;
    const values: Record<string, number> = { busy };
    if (p.workers !== undefined) values.idle = Math.max(0, Math.round((p.workers - busy) * 1000) / 1000);
    this.out.counter(RUNTIME_PID, "worker threads busy polling", p.from, values);
    this.samples++;
  }
}

export async function exportTrace(source: string, options: ExportOptions): Promise<ExportSummary> {
  const withDiagnoses = options.diagnoses !== false;
  const opened = await openCheckSource(source, { ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}) });
  // Recordings hold every poll and wake: read as events, not only as the updates rebuilt from them.
  if (opened.kind === "recording") return exportRecording(source, options, withDiagnoses);
  const { writer, trace } = openOutput(options.format, options.out, { source: source, sourceKind: opened.kind });
  const tracks = new TrackLayout(trace);
  const updates = new UpdateTrace(trace, tracks);
  const builder = new TimelineBuilder();
  const utilisation = new WorkerUtilisation();
  const counter = new UtilisationTrack(trace);
  let seen = 0;
  for await (const item of opened.items) {
    updates.add(item);
    if (updates.anchorSeconds !== undefined) utilisation.setAnchor(updates.anchorSeconds);
    counter.write(utilisation.add(item));
    if (withDiagnoses) builder.add(item);
    if (++seen % 64 === 0) await trace.drain();
  }
  updates.finish();
  if (updates.anchorSeconds === undefined) throw new UsageError(`${opened.description}: no updates (is the app built with --cfg tokio_unstable and a console layer?)`);
  const diagnoses = withDiagnoses ? diagnosesOf(builder) : [];
  writeDiagnosisSlices(trace, diagnoses, updates.anchorSeconds, updates.now);
  await trace.close();
  return {
    out: options.out,
    format: options.format,
    source: { kind: opened.kind, description: opened.description },
    tasks: updates.tasks,
    ...updates.counts,
    flows: 0,
    utilisationSamples: counter.samples,
    diagnoses: diagnoses.length,
    bytes: writer.bytesWritten,
  };
}

function diagnosesOf(builder: TimelineBuilder): Diagnosis[] {
  if (builder.timeline.updateTimes.length === 0) return [];
  return diagnose(builder.timeline).diagnoses;
}

async function exportRecording(path: string, options: ExportOptions, withDiagnoses: boolean): Promise<ExportSummary> {
  const { writer, trace } = openOutput(options.format, options.out, { source: path, sourceKind: "recording" });
  const tracks = new TrackLayout(trace);
  const sink = new RecordingTrace(trace, tracks);
  const aggregator = new RecordingAggregator({ intervalMs: options.recordingIntervalMs ?? 1000 });
  const builder = new TimelineBuilder();
  const utilisation = new WorkerUtilisation();
  const counter = new UtilisationTrack(trace);
  let anchor: { readonly anchorSeconds: number | undefined } = { anchorSeconds: undefined };
  const drainUpdates = () => {
    for (const o of aggregator.drainOutput()) {
      const item: SourceItem = o.update ? { receivedAt: 0, update: o.update } : { receivedAt: 0, taskDetails: o.taskDetails };
      if (anchor.anchorSeconds !== undefined) utilisation.setAnchor(anchor.anchorSeconds);
      counter.write(utilisation.add(item));
      if (withDiagnoses) builder.add(item);
    }
  };
  let info;
  try {
    info = await readRecordingTimeline(path, sink, {
      also: (clock) => {
        anchor = clock;
        aggregator.clock = clock;
        return aggregator;
      },
      afterChunk: async () => {
        drainUpdates();
        await trace.drain();
      },
    });
  } catch (error) {
    if (error instanceof RecordingFormatError) throw new UsageError(error.message);
    throw error;
  }
  aggregator.finish();
  drainUpdates();
  const end = info.lastAt;
  const diagnoses = withDiagnoses ? diagnosesOf(builder) : [];
  writeDiagnosisSlices(trace, diagnoses, info.anchorSeconds ?? 0, end);
  await trace.close();
  return {
    out: options.out,
    format: options.format,
    source: { kind: "recording", description: path },
    tasks: info.tasks,
    ...sink.counts,
    utilisationSamples: counter.samples,
    diagnoses: diagnoses.length,
    bytes: writer.bytesWritten,
  };
}

export async function runExportCommand(source: string, options: ExportCommandOptions): Promise<number> {
  if (options.format !== "perfetto" && options.format !== "chrome-trace") throw new UsageError(`--format ${options.format}: expected perfetto or chrome-trace`);
  if (!options.out) throw new UsageError("console export needs -o FILE (or -o - for stdout)");
  const durationMs = options.duration === undefined ? undefined : parseDurationMs(options.duration, "--duration");
  const recordingIntervalMs = options.recordingInterval === undefined ? undefined : parseDurationMs(options.recordingInterval, "--recording-interval");
  if (options.out !== "-" && existsSync(options.out) && statSync(options.out).isDirectory()) throw new UsageError(`-o ${options.out} is a directory`);
  let summary: ExportSummary;
  try {
    summary = await exportTrace(source, {
      format: options.format,
      out: options.out,
      ...(durationMs !== undefined ? { durationMs } : {}),
      ...(recordingIntervalMs !== undefined ? { recordingIntervalMs } : {}),
      diagnoses: options.diagnoses !== false,
    });
  } catch (error) {
    // No half-written trace is left behind (a viewer would reject it, or worse, show part of the run).
    if (options.out !== "-") rmSync(options.out, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EACCES" || code === "EISDIR") throw new UsageError(`cannot write ${options.out}: ${(error as Error).message}`);
    throw error;
  }
  (options.out === "-" ? process.stderr : process.stdout).write(`${JSON.stringify(summary)}\n`);
  return 0;
}
