/** `console_snapshot`: task table and totals of a live target or a recording/capture, filtered, sorted, paged. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { parseTaskFilter } from "../../console/snapshot/filter.ts";
import { renderJson, type SnapshotView } from "../../console/snapshot/render.ts";
import { compareRows, DEFAULT_TASK_COLUMNS, findColumn, TASK_COLUMNS, taskRows } from "../../console/snapshot/task-columns.ts";
import { readConsoleState } from "../console-data.ts";
import { observeMs, resolveConsoleTarget } from "../console-target.ts";
import { limits } from "../limits.ts";
import { boundedString, guarded, ok, page, pageInput, pageOutput, readOnlyAnnotations, ToolInputError, withTimedProgress, type ToolContext } from "./tool-kit.ts";

export const targetInput = boundedString().describe(
  "a recording (.jsonl), capture file or raw .grpc body inside the allowed roots, or a live console-subscriber: http://127.0.0.1:6669, 127.0.0.1:6669, unix:/path/to.sock",
);
export const durationInput = z.number().int().min(0).max(limits.maxObserveMs).optional().describe(`live targets: how long to observe, ms (default ${limits.defaultObserveMs}, at most ${limits.maxObserveMs}); files are read to the end`);

export const sourceSchema = z.object({ kind: z.string(), description: z.string(), limitations: z.array(z.string()), notes: z.array(z.string()).optional() });

const histogramSummarySchema = z.looseObject({ count: z.number(), minNs: z.number(), maxNs: z.number(), percentilesNs: z.record(z.string(), z.number()) });

export const snapshotOutputSchema = {
  source: sourceSchema,
  now: z.string().nullable().describe("the app's clock at the last update, ISO-8601"),
  totals: z.looseObject({ tasks: z.number().int(), shown: z.number().int(), running: z.number().int(), scheduled: z.number().int(), idle: z.number().int(), done: z.number().int(), resources: z.number().int(), updates: z.number().int() }),
  matched: z.number().int().describe("tasks matching the filters"),
  sort: z.string(),
  tasks: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string(),
      state: z.string(),
      kind: z.string(),
      location: z.string().nullable(),
      totalNs: z.number().nullable(),
      busyNs: z.number().nullable(),
      scheduledNs: z.number().nullable(),
      idleNs: z.number().nullable(),
      polls: z.number(),
      wakes: z.number(),
      liveWakers: z.number(),
      pollHistogram: histogramSummarySchema.optional(),
    }),
  ),
  resources: z.array(z.looseObject({ id: z.string(), kind: z.string(), concreteType: z.string() })).describe("present when includeResources is true (first `limit` live resources)"),
  ...pageOutput,
};

type Row = ReturnType<typeof taskRows>[number];

export function registerConsoleSnapshotTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "console_snapshot",
    {
      title: "tokio-console snapshot",
      description:
        "Task table of a tokio app (like tokio-console): from a live console-subscriber (observed for durationMs) or a recording/capture file. Returns totals (running/scheduled/idle/done), then one page of tasks (id, name, state, busy/scheduled/idle ns, polls, wakes, live wakers, spawn location, poll histogram summary when known), sorted and filtered. Use console_task_details for one task's history and histograms.",
      inputSchema: {
        target: targetInput,
        durationMs: durationInput,
        filters: z
          .array(z.string().max(256))
          .max(limits.maxFilters)
          .optional()
          .describe("all must match, e.g. 'name~worker', 'state=idle', 'polls>10', 'kind!=blocking', 'busy>=100ms'"),
        sort: z.string().max(32).optional().describe(`column, optionally :asc/:desc (default total:desc); columns: ${TASK_COLUMNS.map((c) => c.key).join(", ")}`),
        includeResources: z.boolean().optional().describe("also list live resources (mutexes, semaphores, timers…), paged by limit"),
        ...pageInput,
      },
      outputSchema: snapshotOutputSchema,
      annotations: { ...readOnlyAnnotations, openWorldHint: true },
    },
    (args, extra) =>
      guarded(async () => {
        const predicates = (args.filters ?? []).map(parseTaskFilter);
        const sort = parseSort(args.sort ?? "total");
        const target = await resolveConsoleTarget(args.target, await context.guard(), context.allowRemote);
        const windowMs = observeMs(args.durationMs);
        const read = () => readConsoleState(target, windowMs, extra.signal);
        const { state, source } = target.kind === "live" ? await withTimedProgress(extra, windowMs, `observing ${target.target}`, read) : await read();
        const allRows = taskRows(state);
        const matched = allRows.filter((r) => predicates.every((p) => p(r)));
        matched.sort((a, b) => compareRows(sort.column, a, b, sort.descending) || compareRows(TASK_COLUMNS[0]!, a, b, false));
        const p = page(matched, args.offset, args.limit);
        const view: SnapshotView = { source, state, rows: p.items, allRows, columns: DEFAULT_TASK_COLUMNS.map((k) => findColumn(k)!) };
        const doc = JSON.parse(renderJson(view)) as { source: unknown; now: string | null; totals: Record<string, unknown>; tasks: Record<string, unknown>[]; resources: Record<string, unknown>[] };
        const tasks = doc.tasks.map(compactTask);
        const limit = args.limit ?? limits.defaultPageSize;
        const resources = args.includeResources ? doc.resources.filter((r) => r.droppedAt === null).slice(0, limit) : [];
        const structured = {
          source: doc.source,
          now: doc.now,
          totals: doc.totals,
          matched: matched.length,
          sort: `${sort.column.key}:${sort.descending ? "desc" : "asc"}`,
          tasks,
          resources,
          offset: p.offset,
          total: p.total,
          nextOffset: p.nextOffset,
        };
        const t = doc.totals as { tasks: number; running: number; scheduled: number; idle: number; done: number };
        const lines = [
          `${t.tasks} task(s): ${t.running} running, ${t.scheduled} scheduled, ${t.idle} idle, ${t.done} done; ${matched.length} match, sorted by ${structured.sort}.`,
          ...p.items.map(describeRow),
        ];
        if (p.nextOffset !== null) lines.push(`Showing ${p.items.length} of ${p.total}; call again with offset=${p.nextOffset} for more.`);
        for (const l of source.limitations) lines.push(`note: ${l}`);
        return ok(lines.join("\n"), structured);
      }, extra),
  );
}

/** Histograms keep their summary (count, min, max, mean, percentiles); the bucket lists are left out. */
function compactTask(task: Record<string, unknown>): Record<string, unknown> {
  const out = { ...task };
  for (const key of ["pollHistogram", "scheduledHistogram"]) {
    const h = out[key] as Record<string, unknown> | undefined;
    if (h) {
      const { buckets: _b, ...rest } = h;
      out[key] = rest;
    }
  }
  return out;
}

const ms = (ns: number) => (Number.isNaN(ns) ? "?" : `${(ns / 1e6).toFixed(1)}ms`);

function describeRow(r: Row): string {
  return `#${r.id} ${r.name || "(unnamed)"} ${r.state} busy=${ms(r.busyNs)} sched=${ms(r.scheduledNs)} idle=${ms(r.idleNs)} polls=${r.polls} wakers=${r.liveWakers}${r.location ? ` at ${r.location}` : ""}`;
}

function parseSort(text: string): { column: (typeof TASK_COLUMNS)[number]; descending: boolean } {
  const m = /^([\w-]+)(?::(asc|desc))?$/i.exec(text.trim());
  const column = m ? findColumn(m[1]!) : undefined;
  if (!m || !column) throw new ToolInputError(`bad sort '${text}': one of ${TASK_COLUMNS.map((c) => c.key).join(", ")}, optionally with :asc or :desc`);
  const descending = m[2] ? m[2].toLowerCase() === "desc" : column.type === "duration" || column.type === "number";
  return { column, descending };
}
