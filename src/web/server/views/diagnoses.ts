/** The Diagnoses view: `console check`'s result, each diagnosis linked to its task row and time window. */
import type { DiagnoseResult } from "../../../console/diagnose/engine.ts";
import type { Timeline } from "../../../console/diagnose/timeline.ts";
import type { Diagnosis } from "../../../console/diagnose/types.ts";
import type { DiagnosesView, DiagnosisView } from "../../shared/api-types.ts";

function isoToRelativeNs(iso: unknown, anchorSeconds: number | undefined): number | undefined {
  if (typeof iso !== "string" || anchorSeconds === undefined) return undefined;
  const m = /^(.*?)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}Z`) / 1000;
  if (Number.isNaN(seconds)) return undefined;
  return (seconds - anchorSeconds) * 1e9 + Number((m[2] ?? "").padEnd(9, "0"));
}

export function diagnosisView(d: Diagnosis, timeline: Timeline): DiagnosisView {
  const w = d.evidence.window as { from?: unknown; to?: unknown } | undefined;
  const from = isoToRelativeNs(w?.from, timeline.anchor.seconds);
  const to = isoToRelativeNs(w?.to, timeline.anchor.seconds);
  // Table rows are keyed by span id (the current task with that id); a diagnosis names its task by span id.
  const taskKey = d.task ? d.task.id : null;
  return { ...d, taskKey, windowNs: from !== undefined && to !== undefined ? [from, to] : null };
}

export function diagnosesView(result: DiagnoseResult, timeline: Timeline, meta: { source: number; version: number }): DiagnosesView {
  return { source: meta.source, version: meta.version, diagnoses: result.diagnoses.map((d) => diagnosisView(d, timeline)), summary: result.summary };
}
