import type { Diagnosis, Severity } from "../diagnose/types.ts";

/** One diagnosis as `console watch` shows it under the table (one line each). */
export interface WatchDiagnosis {
  severity: Severity;
  rule: string;
  /** `'name' (id N)`, `unnamed task (id N)`, or "" for findings with no single task. */
  who: string;
  message: string;
}

/** The engine's diagnoses (already sorted by severity) in the shape the frame renders. */
export function watchDiagnoses(diagnoses: readonly Diagnosis[]): WatchDiagnosis[] {
  return diagnoses.map((d) => ({
    severity: d.severity,
    rule: d.rule,
    who: d.task ? `${d.task.name ? `'${d.task.name}'` : "unnamed task"} (id ${d.task.id})` : "",
    message: d.message,
  }));
}
