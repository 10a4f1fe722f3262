/** `console_task_details`: one task's poll/scheduled-time histograms and how its counters evolved. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { HistogramSummary } from "../../console/histogram/duration-histogram.ts";
import type { TaskHistory, TaskStatsSample } from "../../console/diagnose/timeline.ts";
import { readConsoleTimeline } from "../console-data.ts";
import { observeMs, resolveConsoleTarget } from "../console-target.ts";
import { limits } from "../limits.ts";
import { guarded, ok, readOnlyAnnotations, ToolInputError, withTimedProgress, type ToolContext } from "./tool-kit.ts";
import { durationInput, sourceSchema, targetInput } from "./console-snapshot.ts";

const histogramSchema = z
  .object({
    count: z.number(),
    minNs: z.number(),
    maxNs: z.number(),
    meanNs: z.number(),
    percentilesNs: z.record(z.string(), z.number()),
    buckets: z.array(z.object({ lowNs: z.number(), highNs: z.number(), count: z.number() })),
    highOutliers: z.number(),
  })
  .nullable();

const sampleSchema = z.object({
  at: z.string().nullable(),
  polls: z.number(),
  busyNs: z.number(),
  scheduledNs: z.number().nullable(),
  wakes: z.number(),
  selfWakes: z.number(),
  liveWakers: z.number(),
  state: z.enum(["running", "idle", "done"]),
});

export const taskDetailsOutputSchema = {
  source: sourceSchema,
  task: z.object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    kind: z.string(),
    location: z.string(),
    target: z.string(),
    fields: z.record(z.string(), z.string()),
    spawnedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  }),
  latest: sampleSchema.nullable(),
  pollHistogram: histogramSchema,
  scheduledHistogram: histogramSchema,
  history: z.array(sampleSchema).describe("samples of the cumulative counters, evenly thinned to historySamples"),
  historyTotal: z.number().int().describe("samples before thinning"),
  notes: z.array(z.string()),
};

export function registerConsoleTaskDetailsTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "console_task_details",
    {
      title: "One tokio task in detail",
      description:
        "Details of one task (by span id or name) from a live console-subscriber or a recording/capture: identity and fields, latest counters, poll-time and scheduled-time histograms (when the source has them: live targets, captures and .grpc bodies with task details; recordings have none), and the history of its counters over the observation, thinned to historySamples.",
      inputSchema: {
        target: targetInput,
        task: z.string().min(1).max(256).describe("span id (as in console_snapshot's id) or task name (exact, else unique substring)"),
        durationMs: durationInput,
        historySamples: z.number().int().min(0).max(limits.maxHistorySamples).optional().describe(`at most this many history samples (default ${limits.defaultHistorySamples})`),
      },
      outputSchema: taskDetailsOutputSchema,
      annotations: { ...readOnlyAnnotations, openWorldHint: true },
    },
    (args, extra) =>
      guarded(async () => {
        const target = await resolveConsoleTarget(args.target, await context.guard(), context.allowRemote);
        const windowMs = observeMs(args.durationMs);
        const read = () => readConsoleTimeline(target, windowMs, extra.signal);
        const { timeline, source } = target.kind === "live" ? await withTimedProgress(extra, windowMs, `observing ${target.target}`, read) : await read();
        const task = findTask(timeline.tasks, args.task.trim());
        const iso = (ns: number) => (Number.isNaN(ns) ? null : timeline.anchor.toIso(ns));
        const sample = (s: TaskStatsSample) => ({
          at: iso(s.at),
          polls: s.polls,
          busyNs: Math.round(s.busyNs),
          scheduledNs: Number.isNaN(s.scheduledNs) ? null : Math.round(s.scheduledNs),
          wakes: s.wakes,
          selfWakes: s.selfWakes,
          liveWakers: Math.max(0, s.wakerClones - s.wakerDrops),
          state: !Number.isNaN(s.droppedAt) ? ("done" as const) : !Number.isNaN(s.lastPollStarted) && (Number.isNaN(s.lastPollEnded) || s.lastPollStarted > s.lastPollEnded) ? ("running" as const) : ("idle" as const),
        });
        const last = task.samples.at(-1);
        const wanted = args.historySamples ?? limits.defaultHistorySamples;
        const notes: string[] = [];
        if (!task.pollHistogram) notes.push(source.kind === "recording" ? "recordings carry no poll-time histograms" : "no TaskDetails (histograms) for this task in the source");
        const structured = {
          source: { ...source, limitations: [...source.limitations] },
          task: {
            id: String(task.id),
            key: task.key,
            name: task.name,
            kind: task.kind,
            location: task.location,
            target: task.target,
            fields: Object.fromEntries(task.fields),
            spawnedAt: last ? iso(last.createdAt) : null,
            closedAt: last ? iso(last.droppedAt) : null,
          },
          latest: last ? sample(last) : null,
          pollHistogram: histogram(task.pollHistogram),
          scheduledHistogram: histogram(task.scheduledHistogram),
          history: thin(task.samples, wanted).map(sample),
          historyTotal: task.samples.length,
          notes,
        };
        const h = structured.pollHistogram;
        const summary = [
          `Task ${structured.task.id} '${task.name || "(unnamed)"}' (${task.kind || "task"}${task.location ? ` at ${task.location}` : ""}): ${structured.latest ? `${structured.latest.state}, ${structured.latest.polls} polls, busy ${(structured.latest.busyNs / 1e6).toFixed(1)}ms, ${structured.latest.wakes} wakes` : "no stats"}.`,
          h ? `Poll times: ${h.count} samples, p50 ${fmt(h.percentilesNs["p50"])}, p99 ${fmt(h.percentilesNs["p99"])}, max ${fmt(h.maxNs)}.` : notes[0]!,
          `History: ${structured.history.length} of ${structured.historyTotal} samples.`,
        ];
        return ok(summary.join("\n"), structured);
      }, extra),
  );
}

const fmt = (ns: number | undefined) => (ns === undefined ? "?" : ns >= 1e6 ? `${(ns / 1e6).toFixed(2)}ms` : `${(ns / 1e3).toFixed(1)}µs`);

function findTask(tasks: TaskHistory[], query: string): TaskHistory {
  const byId = tasks.filter((t) => String(t.id) === query || t.key === query);
  if (byId.length > 0) return byId.at(-1)!;
  const exact = tasks.filter((t) => t.name === query);
  if (exact.length === 1) return exact[0]!;
  const partial = exact.length > 1 ? exact : tasks.filter((t) => t.name.toLowerCase().includes(query.toLowerCase()));
  if (partial.length === 1) return partial[0]!;
  if (partial.length === 0) throw new ToolInputError(`no task '${query}' among ${tasks.length} tasks; use console_snapshot to list ids and names`);
  const shown = partial.slice(0, 10).map((t) => `${t.key} '${t.name}'`);
  throw new ToolInputError(`'${query}' matches ${partial.length} tasks (${shown.join(", ")}${partial.length > 10 ? ", …" : ""}); pass a span id`);
}

function histogram(h: HistogramSummary | undefined): z.infer<typeof histogramSchema> {
  if (!h) return null;
  return {
    count: h.count,
    minNs: h.min,
    maxNs: h.max,
    meanNs: Math.round(h.mean),
    percentilesNs: Object.fromEntries(Object.entries(h.percentiles).map(([k, v]) => [`p${k}`, v])),
    buckets: h.buckets.slice(0, 64).map((b) => ({ lowNs: b.low, highNs: b.high, count: b.count })),
    highOutliers: h.highOutliers,
  };
}

/** Keeps `n` samples spread evenly, always including the first and the last. */
export function thin<T>(items: readonly T[], n: number): T[] {
  if (n <= 0) return [];
  if (items.length <= n) return [...items];
  if (n === 1) return [items.at(-1)!];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))]!);
  return out;
}
