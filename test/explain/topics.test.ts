import { describe, expect, it } from "vitest";
import { loadTopics, topicOrder } from "../../src/explain/topics.ts";
import { loadRulePages, parseRulePage, ruleIdsOf } from "../../src/explain/rule-pages.ts";
import { allRules } from "../../src/lint/rules/index.ts";
import { runtimeRules } from "../../src/console/rules/index.ts";

const topics = loadTopics();
const lintRuleIds = ruleIdsOf("lint");
const runtimeRuleIds = ruleIdsOf("runtime");

describe("rule pages (explain <rule-id>)", () => {
  it("every registered lint and runtime rule has a page, and every page a rule", () => {
    expect([...lintRuleIds].sort()).toEqual(allRules.map((rule) => rule.id).sort());
    expect([...runtimeRuleIds].sort()).toEqual(runtimeRules.map((rule) => rule.id).sort());
  });

  it("a page's title and summary come from its heading and first paragraph", () => {
    const lint = parseRulePage("x-rule", "lint", "docs/rules/x-rule.md", "# `x-rule`: finds x\n\n**Default severity: warning.** Because.\n\n## What it finds\n");
    expect(lint).toMatchObject({ title: "finds x", summary: "Default severity: warning. Because." });
    const runtime = parseRulePage("y-rule", "runtime", "docs/runtime-rules/y-rule.md", "# y-rule (warning)\n\n**What it means.** It means y.\nStill y.\n");
    expect(runtime).toMatchObject({ title: "It means y.", summary: "What it means. It means y. Still y." });
    for (const page of loadRulePages()) expect(page.summary.length, page.file).toBeGreaterThan(20);
  });
});

describe("topic files", () => {
  it("every topic of the reading order exists, and no topic is outside it", () => {
    expect(topics.map((topic) => topic.id).sort()).toEqual([...topicOrder].sort());
  });

  it("related topics point at existing topics", () => {
    const ids = new Set(topics.map((topic) => topic.id));
    for (const topic of topics) {
      for (const related of topic.related_topics) expect(ids.has(related), `${topic.id} → ${related}`).toBe(true);
    }
  });

  for (const topic of topics) {
    describe(topic.id, () => {
      it("has at least one Rust example and one section heading", () => {
        expect(topic.examples.length).toBeGreaterThan(0);
        expect(topic.headings.filter((heading) => heading.level === 2).length).toBeGreaterThan(0);
      });

      it("links at least one lint or runtime rule, and only known ones", () => {
        expect(topic.lint_rules.length + topic.runtime_rules.length).toBeGreaterThan(0);
        for (const rule of topic.lint_rules) expect(lintRuleIds.has(rule), rule).toBe(true);
        for (const rule of topic.runtime_rules) expect(runtimeRuleIds.has(rule), rule).toBe(true);
      });

      it("mentions in its body only rule ids that exist", () => {
        const known = new Set<string>([...lintRuleIds, ...runtimeRuleIds]);
        const mentioned = [...topic.body.matchAll(/(?:lint|rule|rules)\s+`([a-z-]+)`/g)].map((m) => m[1]!);
        for (const id of mentioned) expect(known.has(id), `${topic.id} mentions unknown rule ${id}`).toBe(true);
      });

      it("links only https sources, with review rows that exist", () => {
        for (const link of topic.links) {
          expect(link.url).toMatch(/^https:\/\//);
          for (const row of link.review_rows) expect(row).toBeLessThanOrEqual(32);
        }
      });

      it("has no title starting with a heading of level 1 inside the body (the title is in the front matter)", () => {
        expect(topic.headings.filter((heading) => heading.level === 1)).toEqual([]);
      });
    });
  }
});
