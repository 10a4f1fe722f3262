/**
 * Runs the runtime rules over a Timeline and summarises the result. Confidence is lowered one step when
 * the app reported dropped instrumentation events (counters incomplete) or its clock went backwards.
 */
import { runtimeRules } from "../rules/index.ts";
import type { CheckRuleOptions } from "./options.ts";
import { timelineNow, type Timeline } from "./timeline.ts";
import { severityRank, type Confidence, type Diagnosis, type RuleContext, type RuntimeRule, type Severity } from "./types.ts";

export interface DiagnoseResult {
  diagnoses: Diagnosis[];
  summary: {
    errors: number;
    warnings: number;
    infos: number;
    tasks: number;
    updates: number;
    droppedEvents: number;
    window: { from: string | null; to: string | null };
    rulesRun: string[];
    rulesAllowed: string[];
    /** Rules that could not look at this source (e.g. lock-contention without resource data). */
    notApplicable: { rule: string; reason: string }[];
  };
}

const LOWER: Record<Confidence, Confidence> = { high: "medium", medium: "low", low: "low" };

export function diagnose(
  timeline: Timeline,
  options: CheckRuleOptions = { allow: new Set(), thresholds: new Map() },
  rules: readonly RuntimeRule[] = runtimeRules,
): DiagnoseResult {
  const now = timelineNow(timeline);
  const degraded = timeline.droppedEvents > 0 || timeline.clockWentBackwards;
  const diagnoses: Diagnosis[] = [];
  const notApplicable: { rule: string; reason: string }[] = [];
  const run: string[] = [];
  for (const rule of rules) {
    if (options.allow.has(rule.id)) continue;
    if (rule.id === "lock-contention" && !timeline.sawResources) {
      notApplicable.push({ rule: rule.id, reason: "no resource data in this source (recordings have no resources or async ops)" });
    }
    run.push(rule.id);
    const ctx: RuleContext = {
      timeline,
      now,
      threshold(name) {
        const value = options.thresholds.get(`${rule.id}.${name}`);
        if (value !== undefined) return value;
        const spec = rule.thresholds.find((t) => t.name === name);
        if (!spec) throw new Error(`rule ${rule.id} reads unknown threshold ${name}`);
        return spec.default;
      },
      confidence: (base) => (degraded ? LOWER[base] : base),
      iso: (ns) => timeline.anchor.toIso(ns),
    };
    if (Number.isNaN(now)) continue;
    for (const d of rule.check(ctx)) {
      if (degraded) {
        d.evidence.droppedEvents = timeline.droppedEvents;
        if (timeline.clockWentBackwards) d.evidence.clockWentBackwards = true;
      }
      diagnoses.push(d);
    }
  }
  diagnoses.sort((a, b) => severityRank[b.severity] - severityRank[a.severity]);
  const count = (s: Severity) => diagnoses.filter((d) => d.severity === s).length;
  return {
    diagnoses,
    summary: {
      errors: count("error"),
      warnings: count("warning"),
      infos: count("info"),
      tasks: timeline.tasks.length,
      updates: timeline.updateTimes.length,
      droppedEvents: timeline.droppedEvents,
      window: { from: timeline.anchor.toIso(timeline.updateTimes[0] ?? Number.NaN), to: timeline.anchor.toIso(now) },
      rulesRun: run,
      rulesAllowed: [...options.allow],
      notApplicable,
    },
  };
}

/** Exit-code helper: true when some diagnosis is at or above `failOn`. */
export function failsAt(result: DiagnoseResult, failOn: "error" | "warning" | "never"): boolean {
  if (failOn === "never") return false;
  return result.diagnoses.some((d) => severityRank[d.severity] >= severityRank[failOn]);
}
