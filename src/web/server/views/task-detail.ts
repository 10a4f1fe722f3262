/** The Task detail view: one task's row, histograms, history, spawn-site source and diagnoses. */
import type { HistogramSummary } from "../../../console/histogram/duration-histogram.ts";
import { taskTimes, type TaskRecord } from "../../../console/model/task.ts";
import type { HistogramView, TaskDetail } from "../../shared/api-types.ts";
import type { SourceSession } from "../source-session.ts";
import type { SourceExcerpts } from "../source-excerpt.ts";
import { diagnosisView } from "./diagnoses.ts";

function histogramView(h: HistogramSummary | undefined): HistogramView | null {
  if (!h) return null;
  return {
    count: h.count,
    min: h.min,
    max: h.max,
    mean: h.mean,
    percentiles: Object.fromEntries(Object.entries(h.percentiles).map(([p, v]) => [`p${p}`, v])),
    buckets: h.buckets,
    highOutliers: h.highOutliers,
  };
}

function quietly<T>(read: () => T | undefined): T | undefined {
  try {
    return read();
  } catch {
    return undefined; // an undecodable histogram only removes the chart
  }
}

/** The record behind a row key (`id`, or `id@n` for the n-th retired task with that id). */
export function findTask(session: SourceSession, key: string): TaskRecord | undefined {
  const state = session.state;
  const m = /^(\d+)(?:@(\d+))?$/.exec(key);
  if (!m) return undefined;
  if (m[2] === undefined) {
    for (const [id, record] of state.tasks) if (String(id) === m[1]) return record;
    return undefined;
  }
  let seen = 0;
  for (const record of state.retiredTasks) if (String(record.id) === m[1] && ++seen === Number(m[2])) return record;
  return undefined;
}

export async function taskDetail(session: SourceSession, key: string, excerpts: SourceExcerpts): Promise<TaskDetail | undefined> {
  const record = findTask(session, key);
  if (!record) return undefined;
  const id = String(record.id);
  if (session.source.watchTaskDetails && record.pollHistogramRaw === undefined) session.source.watchTaskDetails(BigInt(id));
  const timeline = session.timelineBuilder.timeline;
  const history = timeline.tasks.filter((t) => String(t.id) === id).at(key.includes("@") ? 0 : -1);
  const series = { at: [] as number[], polls: [] as number[], wakes: [] as number[], selfWakes: [] as number[], liveWakers: [] as number[], busyNs: [] as number[] };
  for (const s of history?.samples ?? []) {
    series.at.push(s.at);
    series.polls.push(s.polls);
    series.wakes.push(s.wakes);
    series.selfWakes.push(s.selfWakes);
    series.liveWakers.push(Math.max(0, s.wakerClones - s.wakerDrops));
    series.busyNs.push(s.busyNs);
  }
  const poll = histogramView(quietly(() => record.pollHistogram));
  const scheduled = histogramView(quietly(() => record.scheduledHistogram));
  const pollTask = session.pollTimeline?.tasks.find((t) => t.id === id && (key.includes("@") ? t.key === key : true));
  const diagnoses = session
    .diagnoses()
    .diagnoses.filter((d) => d.task?.id === id)
    .map((d) => diagnosisView(d, timeline));
  const fields: Record<string, string> = Object.fromEntries(record.otherFields);
  if (record.tokioId !== undefined) fields["task.id"] = String(record.tokioId);
  let histogramNote: string | null = null;
  if (!poll) {
    histogramNote = session.source.watchTaskDetails
      ? "poll-time histograms were just requested from the app (WatchTaskDetails); they arrive with its next publish"
      : "this source has no histograms for this task";
  }
  return {
    source: session.index,
    key,
    id,
    name: record.name,
    kind: record.kind,
    location: record.location,
    fields,
    state: taskTimes(record, session.state.now).state,
    pollHistogram: poll,
    scheduledHistogram: scheduled,
    histogramNote,
    series,
    excerpt: await excerpts.excerpt(record.location || (fields["spawn.location"] ?? "")),
    diagnoses,
    pollCount: pollTask ? pollTask.pollCount : null,
  };
}
