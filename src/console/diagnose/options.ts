/** `--allow RULE` and `--set RULE.NAME=VALUE` parsing for `console check` (bad values are UsageErrors). */
import { UsageError } from "../../cli/errors.ts";
import type { RuntimeRule, ThresholdSpec } from "./types.ts";

export interface CheckRuleOptions {
  allow: Set<string>;
  /** "rule.name" → value in the threshold's unit (ns for durations). */
  thresholds: Map<string, number>;
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 60e9 };

export function parseThresholdValue(spec: ThresholdSpec, text: string, key: string): number {
  const trimmed = text.trim();
  if (spec.unit === "duration") {
    const m = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m)$/.exec(trimmed);
    if (!m) throw new UsageError(`--set ${key}: expected a duration like 100ms, 1.5s or 250us, got '${text}'`);
    return Number(m[1]) * DURATION_UNITS[m[2]!]!;
  }
  if (spec.unit === "ratio") {
    const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(trimmed);
    if (!m) throw new UsageError(`--set ${key}: expected a ratio like 0.5 or 50%, got '${text}'`);
    const value = Number(m[1]) / (m[2] ? 100 : 1);
    if (value < 0 || value > 1) throw new UsageError(`--set ${key}: a ratio must be between 0 and 1 (or 0% and 100%)`);
    return value;
  }
  if (!/^\d+$/.test(trimmed)) throw new UsageError(`--set ${key}: expected a whole number, got '${text}'`);
  return Number(trimmed);
}

export function parseRuleOptions(rules: readonly RuntimeRule[], allow: string[], set: string[]): CheckRuleOptions {
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const id of allow) {
    if (!byId.has(id)) throw new UsageError(`--allow ${id}: unknown rule (known: ${[...byId.keys()].join(", ")})`);
  }
  const thresholds = new Map<string, number>();
  for (const item of set) {
    const m = /^([a-z-]+)\.([a-z-]+)=(.+)$/.exec(item);
    if (!m) throw new UsageError(`--set ${item}: expected RULE.THRESHOLD=VALUE, e.g. blocking-poll.threshold=50ms`);
    const [, ruleId, name, value] = m as unknown as [string, string, string, string];
    const rule = byId.get(ruleId);
    if (!rule) throw new UsageError(`--set ${item}: unknown rule '${ruleId}'`);
    const spec = rule.thresholds.find((t) => t.name === name);
    if (!spec) {
      const known = rule.thresholds.map((t) => t.name).join(", ") || "none";
      throw new UsageError(`--set ${item}: rule ${ruleId} has no threshold '${name}' (it has: ${known})`);
    }
    thresholds.set(`${ruleId}.${name}`, parseThresholdValue(spec, value, `${ruleId}.${name}`));
  }
  return { allow: new Set(allow), thresholds };
}
