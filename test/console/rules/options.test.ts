import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/cli/errors.ts";
import { parseRuleOptions } from "../../../src/console/diagnose/options.ts";
import { runtimeRules } from "../../../src/console/rules/index.ts";

describe("console check rule options", () => {
  it("parses durations, ratios and counts into the rule's units", () => {
    const o = parseRuleOptions(runtimeRules, ["lost-waker"], ["blocking-poll.threshold=50ms", "never-yielded.threshold=1.5s", "self-wake-spin.ratio=75%", "task-leak.min-live=20", "scheduling-delay.threshold=250us"]);
    expect(o.allow.has("lost-waker")).toBe(true);
    expect(Object.fromEntries(o.thresholds)).toEqual({
      "blocking-poll.threshold": 50e6,
      "never-yielded.threshold": 1.5e9,
      "self-wake-spin.ratio": 0.75,
      "task-leak.min-live": 20,
      "scheduling-delay.threshold": 250e3,
    });
  });

  it("rejects unknown rules, unknown thresholds and bad values with a UsageError", () => {
    for (const [allow, set] of [
      [["nope"], []],
      [[], ["nope.threshold=1s"]],
      [[], ["blocking-poll.nope=1s"]],
      [[], ["blocking-poll.threshold=fast"]],
      [[], ["blocking-poll.threshold=100"]],
      [[], ["self-wake-spin.ratio=2"]],
      [[], ["task-leak.min-live=1.5"]],
      [[], ["blocking-poll"]],
    ] as [string[], string[]][]) {
      expect(() => parseRuleOptions(runtimeRules, allow, set)).toThrow(UsageError);
    }
  });

  it("every rule has a doc page and every threshold a justification", async () => {
    const { existsSync } = await import("node:fs");
    for (const rule of runtimeRules) {
      expect(existsSync(new URL(`../../../docs/runtime-rules/${rule.id}.md`, import.meta.url)), rule.id).toBe(true);
      for (const t of rule.thresholds) expect(t.why.length, `${rule.id}.${t.name}`).toBeGreaterThan(20);
    }
  });
});
