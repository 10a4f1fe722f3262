/**
 * Reading console data for the MCP tools through the console capability's own functions: `openSource`
 * and the state model for snapshots (as `console snapshot` does), `openCheckSource` and the timeline for
 * task histories (as `console check` does). Adds what a long-lived server needs: an observation window
 * for live targets that can be cancelled, and a bound on the updates read.
 */
import { UsageError } from "../cli/errors.ts";
import { ConsoleState } from "../console/model/console-state.ts";
import { openSource } from "../console/snapshot/run-snapshot.ts";
import type { RecordingSource } from "../console/recording/recording-source.ts";
import { openCheckSource } from "../console/diagnose/open-check-source.ts";
import { TimelineBuilder, type Timeline } from "../console/diagnose/timeline.ts";
import type { SourceItem } from "../console/source.ts";
import { connectTimeoutMs, type ResolvedConsoleTarget } from "./console-target.ts";

export interface ReadStateResult {
  state: ConsoleState;
  source: { kind: string; description: string; limitations: readonly string[]; notes: string[] };
}

function targetText(target: ResolvedConsoleTarget): string {
  return target.kind === "file" ? target.path : target.target;
}

/** Builds the state model from a file (read to the end) or a live target (observed for `observeMs`). */
export async function readConsoleState(target: ResolvedConsoleTarget, observeMs: number, signal?: AbortSignal): Promise<ReadStateResult> {
  const live = target.kind === "live";
  const source = await openSource(targetText(target), live ? { durationMs: observeMs, connectTimeoutMs: connectTimeoutMs(observeMs), ...(signal ? { signal } : {}) } : {});
  const state = new ConsoleState();
  const notes: string[] = [];
  const deadline = Date.now() + observeMs;
  const onAbort = () => void source.close?.();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const item of source) {
      if (signal?.aborted) break;
      if (item.update) {
        if (item.reset && state.updates > 0) {
          state.reset();
          notes.push("the connection was re-established: the state was rebuilt from the new snapshot");
        }
        state.applyUpdate(item.update);
        if (live && Date.now() >= deadline) break;
      } else if (item.taskDetails) {
        state.applyTaskDetails(item.taskDetails);
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${source.description}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await source.close?.();
  }
  if (state.updates === 0) throw new UsageError(`${source.description}: no updates in this source (is the app built with --cfg tokio_unstable and a console layer?)`);
  const info = (source as Partial<RecordingSource>).info;
  if (info?.truncatedBytes) notes.push(`the last line was cut off (${info.truncatedBytes} bytes ignored): the recording was still being written`);
  if (info?.reusedIds) notes.push(`${info.reusedIds} span id(s) were reused by a new task after the previous one closed; both are listed`);
  return { state, source: { kind: source.kind, description: source.description, limitations: source.limitations ?? [], notes } };
}

export interface ReadTimelineResult {
  timeline: Timeline;
  source: { kind: string; description: string; limitations: readonly string[] };
}

/**
 * The per-task history (cumulative samples and histograms) as `console check` builds it. Files go
 * through `openCheckSource`; live targets are opened directly so that the request's signal can end
 * the observation early.
 */
export async function readConsoleTimeline(target: ResolvedConsoleTarget, observeMs: number, signal?: AbortSignal): Promise<ReadTimelineResult> {
  let source: { kind: string; description: string; limitations: readonly string[]; items: AsyncIterable<SourceItem>; close?: () => Promise<void> };
  if (target.kind === "live") {
    const { openLiveSource } = await import("../console/transport/live-source.ts");
    const live = await openLiveSource(target.target, { durationMs: observeMs, connectTimeoutMs: connectTimeoutMs(observeMs), ...(signal ? { signal } : {}) });
    source = { kind: "live", description: target.target, limitations: live.limitations ?? [], items: live, close: () => live.close?.() ?? Promise.resolve() };
  } else {
    source = await openCheckSource(target.path, {});
  }
  const builder = new TimelineBuilder();
  const onAbort = () => void source.close?.();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const item of source.items) {
      if (signal?.aborted) break;
      builder.add(item);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${source.description}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await source.close?.();
  }
  if (builder.timeline.updateTimes.length === 0) throw new UsageError(`${source.description}: no updates in this source`);
  return { timeline: builder.timeline, source: { kind: source.kind, description: source.description, limitations: source.limitations } };
}
