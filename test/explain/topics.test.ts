import { describe, expect, it } from "vitest";
import { loadTopics, topicOrder } from "../../src/explain/topics.ts";
import { lintRuleIds, runtimeRuleIds } from "../../src/explain/topic-schema.ts";

const topics = loadTopics();

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
        for (const rule of topic.lint_rules) expect(lintRuleIds).toContain(rule);
        for (const rule of topic.runtime_rules) expect(runtimeRuleIds).toContain(rule);
      });

      it("mentions in its body only rule ids that exist", () => {
        const known = new Set<string>([...lintRuleIds, ...runtimeRuleIds]);
        const mentioned = [...topic.body.matchAll(/(?:lint|rule|rules)\s+`([a-z-]+)`/g)].map((m) => m[1]!);
        for (const id of mentioned) expect(known.has(id), `${topic.id} mentions unknown rule ${id}`).toBe(true);
      });

      it("has no title starting with a heading of level 1 inside the body (the title is in the front matter)", () => {
        expect(topic.headings.filter((heading) => heading.level === 1)).toEqual([]);
      });
    });
  }
});
