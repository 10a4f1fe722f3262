/**
 * The JSON the dashboard's server sends and the single-page app reads (also embedded in the offline
 * report). Times are ns relative to the source's clock anchor (`anchorSeconds`, Unix s); JSON has no
 * NaN, so absent times and durations are null on the wire.
 */
import type { DiagnoseResult } from "../../console/diagnose/engine.ts";
import type { Diagnosis } from "../../console/diagnose/types.ts";

export type Nullable = number | null;

export interface SourceInfo {
  index: number;
  /** Short label (file name or target). */
  label: string;
  kind: "live" | "grpc" | "recording" | "capture";
  description: string;
  limitations: readonly string[];
  /** Updates applied so far. */
  updates: number;
  /** The app's clock at the last update (null before the first). */
  now: Nullable;
  anchorSeconds: number | null;
  /** Files: read to the end. Live: the stream ended. */
  done: boolean;
  error: string | null;
  /** A recording's exact polls are available (Timeline draws bars, not busy shares). */
  hasPolls: boolean;
  /** Time travel is possible (file sources: every update is kept). */
  canTimeTravel: boolean;
  /** First and last update time (ns), for the scrubber. */
  range: [number, number] | null;
  version: number;
}

/**
 * The task table in columns (one array per column, all of one length), for cheap JSON parsing: each
 * task's identity and its cumulative counters as the subscriber sent them. The page derives state and
 * total/busy/scheduled/idle at `now` with the CLI's own model functions, so a row changes only when the
 * task's stats change, and a live page asks only for rows changed since the version it has (`since`).
 */
export interface TaskTable {
  source: number;
  version: number;
  now: Nullable;
  nowIso: string | null;
  /** Set when the table is "as of" an earlier time (scrubber). */
  at: Nullable;
  /** True: these rows are the whole table; false: changes since the `since` version asked for. */
  full: boolean;
  /** Row keys gone since `since` (pruned completed tasks). */
  removed: string[];
  count: number;
  key: string[];
  id: string[];
  tokioId: string[];
  name: string[];
  kind: string[];
  location: string[];
  target: string[];
  /** Other span fields (fn, size.bytes, …); {} when none. */
  fields: Record<string, string>[];
  createdAt: Nullable[];
  droppedAt: Nullable[];
  busyNs: Nullable[];
  scheduledNs: Nullable[];
  lastWake: Nullable[];
  firstPoll: Nullable[];
  lastPollStarted: Nullable[];
  lastPollEnded: Nullable[];
  polls: number[];
  wakes: number[];
  selfWakes: number[];
  wakerClones: number[];
  wakerDrops: number[];
}

export interface DiagnosisView extends Diagnosis {
  /** Row key of the task (matches TaskTable.key), when the diagnosis is about one. */
  taskKey: string | null;
  /** The evidence window as relative ns, for linking to the timeline. */
  windowNs: [number, number] | null;
}

export interface DiagnosesView {
  source: number;
  version: number;
  diagnoses: DiagnosisView[];
  summary: DiagnoseResult["summary"];
}

export interface HistogramView {
  count: number;
  min: number;
  max: number;
  mean: number;
  percentiles: Record<string, number>;
  buckets: { low: number; high: number; count: number }[];
  highOutliers: number;
}

export interface LintFindingView {
  rule: string;
  severity: string;
  line: number;
  column: number;
  message: string;
  help: string;
}

export interface SourceExcerpt {
  /** The location as the data gives it, and the file it was found at (relative to the crate root). */
  location: string;
  file: string | null;
  /** First line number of `lines`. */
  firstLine: number;
  lines: string[];
  /** The spawn line. */
  line: number;
  /** Why there is no excerpt (no --crate, outside it, not found). */
  missing: string | null;
  findings: LintFindingView[];
}

export interface TaskDetail {
  source: number;
  key: string;
  id: string;
  name: string;
  kind: string;
  location: string;
  fields: Record<string, string>;
  state: string;
  pollHistogram: HistogramView | null;
  scheduledHistogram: HistogramView | null;
  /** Why histograms are missing (live: requested now; recording: none rebuilt). */
  histogramNote: string | null;
  /** The task's samples over time (one per update that changed it). */
  series: { at: number[]; polls: number[]; wakes: number[]; selfWakes: number[]; liveWakers: number[]; busyNs: number[] };
  excerpt: SourceExcerpt | null;
  diagnoses: DiagnosisView[];
  /** From the recording's polls, when there are any. */
  pollCount: number | null;
}

export interface ResourceView {
  id: string;
  parentId: string | null;
  concreteType: string;
  kind: string;
  location: string;
  isInternal: boolean;
  createdAt: Nullable;
  droppedAt: Nullable;
  attributes: Record<string, string>;
  /** Tasks whose latest poll op on this resource was not ready (waiting), and those whose was (went through). */
  waiters: { key: string | null; id: string; name: string; op: string }[];
  holders: { key: string | null; id: string; name: string; op: string }[];
  pollOps: Record<string, { total: number; ready: number }>;
  asyncOps: number;
}

export interface ResourcesView {
  source: number;
  version: number;
  resources: ResourceView[];
  note: string | null;
}

export interface TimelineTaskView {
  key: string;
  id: string;
  name: string;
  kind: string;
  spawnedAt: Nullable;
  closedAt: Nullable;
  pollOffset: number;
  pollCount: number;
  runtimeInternal: boolean;
}

/**
 * The Timeline's data. With `mode: "polls"` (recordings) the binary part (timeline.bin) holds
 * pollStarts/pollEnds (Float64, ns, NaN = still open), then wake at (Float64), wakee and waker (Int32,
 * task indexes, -1 unknown) and self (Uint8); with `mode: "busy"` (sampled stats) `busy` holds each
 * task's busy share per update interval.
 */
export interface TimelineView {
  source: number;
  version: number;
  mode: "polls" | "busy";
  start: number;
  end: number;
  tasks: TimelineTaskView[];
  polls: number;
  wakes: number;
  workers: number;
  utilisation: { at: number[]; busyWorkers: number[]; workers: number };
  /** mode "busy": per task index, [interval start, interval end, share 0..1] triples flattened. */
  busy: number[][] | null;
}

export interface LiveNotice {
  index: number;
  version: number;
  updates: number;
  now: Nullable;
  done: boolean;
  error: string | null;
}

/** One source's data as embedded in an offline report (everything the live API would answer). */
export interface ReportSource {
  info: SourceInfo;
  tasks: TaskTable;
  diagnoses: DiagnosesView;
  resources: ResourcesView;
  timeline: TimelineView;
  /** timeline.bin as base64 (recordings only). */
  timelineBin: string | null;
  /** Task details of the tasks worth opening (diagnosed, named, or with findings), by row key. */
  details: Record<string, TaskDetail>;
}

/** `doctor`'s static findings and their links to runtime diagnoses and panics. */
export interface DoctorSections {
  crate: string | null;
  lint: { findings: (LintFindingView & { file: string })[]; filesChecked: number; error: string | null } | null;
  panics: { message: string; location: string | null; thread: string | null; frames: { name: string; file: string | null; line: number | null; findings: LintFindingView[] }[] }[] | null;
  logFile: string | null;
  correlations: { kind: "diagnosis" | "panic"; title: string; where: string; finding: LintFindingView & { file: string }; source: number | null; taskKey: string | null }[];
}

export interface ReportData {
  kind: "async-doctor-report";
  generatedAt: string;
  title: string;
  sources: ReportSource[];
  doctor: DoctorSections | null;
}
