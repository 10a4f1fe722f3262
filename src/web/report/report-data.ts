/**
 * The data of an offline report: for every source, every answer the live API would give the page (task
 * table, diagnoses, resources, timeline with its binary part) and the details of the tasks worth opening.
 * The page reads it instead of fetching (src/web/app/data-source.ts), so the report is the same app.
 */
import type { ReportData, ReportSource, DoctorSections, TaskDetail } from "../shared/api-types.ts";
import type { SourceExcerpts } from "../server/source-excerpt.ts";
import type { SourceSession } from "../server/source-session.ts";
import { diagnosesView } from "../server/views/diagnoses.ts";
import { resourcesView } from "../server/views/resources.ts";
import { taskDetail } from "../server/views/task-detail.ts";
import { taskTable } from "../server/views/task-table.ts";
import { clockShift, pollTimelineBinary, pollTimelineView, sampledTimelineView } from "../server/views/timeline.ts";

/** Task details embedded per source at most (diagnosed tasks first, then named ones). */
const maxDetails = 300;

export async function reportSource(session: SourceSession, excerpts: SourceExcerpts): Promise<ReportSource> {
  const meta = { source: session.index, version: session.version };
  const tasks = taskTable(session.state, { ...meta, at: null });
  const diagnoses = diagnosesView(session.diagnoses(), session.timelineBuilder.timeline, meta);
  const polls = session.pollTimeline;
  const shift = polls ? clockShift(polls, session.state.clock.seconds) : 0;
  const wanted: string[] = [];
  for (const d of diagnoses.diagnoses) if (d.taskKey && !wanted.includes(d.taskKey)) wanted.push(d.taskKey);
  for (let i = 0; i < tasks.count && wanted.length < maxDetails; i++) {
    if ((tasks.name[i] || tasks.location[i]) && !wanted.includes(tasks.key[i]!)) wanted.push(tasks.key[i]!);
  }
  const details: Record<string, TaskDetail> = {};
  for (const key of wanted.slice(0, maxDetails)) {
    const detail = await taskDetail(session, key, excerpts);
    if (detail) details[key] = detail;
  }
  return {
    info: session.info(),
    tasks,
    diagnoses,
    resources: resourcesView(session.state, { ...meta, kind: session.source.kind }),
    timeline: polls ? pollTimelineView(polls, shift, meta) : sampledTimelineView(session.timelineBuilder.timeline, meta),
    timelineBin: polls ? pollTimelineBinary(polls, shift).toString("base64") : null,
    details,
  };
}

export async function reportData(title: string, sessions: SourceSession[], excerpts: SourceExcerpts, doctor: DoctorSections | null): Promise<ReportData> {
  const sources: ReportSource[] = [];
  for (const s of sessions) sources.push(await reportSource(s, excerpts));
  return { kind: "async-doctor-report", generatedAt: new Date().toISOString(), title, sources, doctor };
}
