/** The shapes shared by the runtime rules (src/console/rules/*) and the engine. */
import type { Timeline } from "./timeline.ts";

export type Severity = "error" | "warning" | "info";
export type Confidence = "high" | "medium" | "low";

export const severityRank: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface DiagnosisTask {
  /** Span id as a decimal string (console id; may exceed 2^53). */
  id: string;
  name: string;
  /** ISO-8601 on the app's clock, or null when unknown. */
  spawnedAt: string | null;
  kind?: string;
  location?: string;
}

export interface Diagnosis {
  rule: string;
  severity: Severity;
  confidence: Confidence;
  /** The task the diagnosis is about (null for resource-level findings with no single task). */
  task: DiagnosisTask | null;
  /** Numbers behind the diagnosis, with the time window they cover (`window.from`/`window.to`, ISO). */
  evidence: Record<string, unknown>;
  /** What happens, in plain words (one or two sentences). */
  message: string;
  /** What to change. */
  help: string;
  /** Other tasks or resources involved (culprits, waiters, the lock). */
  related: RelatedEntity[];
}

export interface RelatedEntity {
  role: string;
  kind: "task" | "resource";
  id: string;
  name: string;
}

export interface ThresholdSpec {
  /** Key after the rule id: `--set <rule>.<name>=VALUE`. */
  name: string;
  unit: "duration" | "count" | "ratio" | "bytes";
  /** Default in ns for durations, plain numbers otherwise. */
  default: number;
  /** Why this default (shown in docs and --help). */
  why: string;
}

export interface RuleContext {
  timeline: Timeline;
  /** The app's latest `Update.now` (relative ns). */
  now: number;
  /** Threshold values by name (defaults merged with --set). */
  threshold(name: string): number;
  /** Confidence after accounting for dropped events and clock trouble. */
  confidence(base: Confidence): Confidence;
  /** Relative ns → ISO string on the app's clock. */
  iso(ns: number): string | null;
}

export interface RuntimeRule {
  id: string;
  severity: Severity;
  summary: string;
  thresholds: ThresholdSpec[];
  check(ctx: RuleContext): Diagnosis[];
}
