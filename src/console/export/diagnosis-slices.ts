/**
 * Runtime diagnoses (`console check`'s) as annotated slices over their evidence window, on tracks of
 * their own (one per rule; findings of one rule that overlap in time get extra lanes, since slices of one
 * track must nest).
 */
import type { Diagnosis } from "../diagnose/types.ts";
import type { TraceOutput } from "./trace-output.ts";
import { DIAGNOSES_PID } from "./tracks.ts";

const DIAGNOSIS_TID_BASE = 1_000_000_000;

/** "2026-11-25T19:42:21.510850476Z" → ns relative to `anchorSeconds` (NaN when unparsable). */
export function isoToRelativeNs(iso: unknown, anchorSeconds: number): number {
  if (typeof iso !== "string") return Number.NaN;
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (!m) return Number.NaN;
  const seconds = Date.parse(`${m[1]}Z`) / 1000;
  if (Number.isNaN(seconds)) return Number.NaN;
  return (seconds - anchorSeconds) * 1e9 + Number((m[2] ?? "").padEnd(9, "0"));
}

function windowOf(d: Diagnosis, anchorSeconds: number, end: number): [number, number] {
  const w = d.evidence.window as { from?: unknown; to?: unknown } | undefined;
  let from = isoToRelativeNs(w?.from, anchorSeconds);
  let to = isoToRelativeNs(w?.to, anchorSeconds);
  if (Number.isNaN(to)) to = end;
  if (Number.isNaN(from)) from = to;
  return [Math.min(from, to), Math.max(from, to)];
}

export function writeDiagnosisSlices(out: TraceOutput, diagnoses: readonly Diagnosis[], anchorSeconds: number, end: number): number {
  if (diagnoses.length === 0) return 0;
  out.process(DIAGNOSES_PID, "async-doctor diagnoses", -1);
  const lanes = new Map<string, { tid: number; busyUntil: number }[]>();
  // Above any task's track number (tids are unique across processes in the Trace Event Format's viewers).
  let nextTid = DIAGNOSIS_TID_BASE + 1;
  const placed = diagnoses
    .map((d) => ({ d, window: windowOf(d, anchorSeconds, end) }))
    .sort((a, b) => a.d.rule.localeCompare(b.d.rule) || a.window[0] - b.window[0]);
  for (const { d, window } of placed) {
    const [from, to] = window;
    let ruleLanes = lanes.get(d.rule);
    if (!ruleLanes) lanes.set(d.rule, (ruleLanes = []));
    let lane = ruleLanes.find((l) => l.busyUntil <= from);
    if (!lane) {
      lane = { tid: nextTid++, busyUntil: Number.NEGATIVE_INFINITY };
      out.thread(DIAGNOSES_PID, lane.tid, ruleLanes.length === 0 ? d.rule : `${d.rule} (${ruleLanes.length + 1})`, lane.tid - DIAGNOSIS_TID_BASE);
      ruleLanes.push(lane);
    }
    lane.busyUntil = to;
    const who = d.task ? ` · ${d.task.name || "unnamed"} #${d.task.id}` : "";
    out.slice(DIAGNOSES_PID, lane.tid, `${d.severity} ${d.rule}${who}`, "diagnosis", from, to - from, {
      rule: d.rule,
      severity: d.severity,
      confidence: d.confidence,
      task_span_id: d.task?.id,
      task_name: d.task?.name,
      message: d.message,
      help: d.help,
      evidence: JSON.stringify(d.evidence),
    });
  }
  return diagnoses.length;
}
