import type { Topic } from "../topics.ts";
import type { RenderContext } from "./common.ts";
import { topicBodyMarkdown } from "./markdown.ts";
import { visibleCode } from "../markdown.ts";

export function topicJson(topic: Topic) {
  return {
    id: topic.id,
    title: topic.title,
    summary: topic.summary,
    body: topicBodyMarkdown(topic),
    keywords: topic.keywords,
    lintRules: topic.lint_rules,
    runtimeRules: topic.runtime_rules,
    relatedTopics: topic.related_topics,
    commands: topic.commands,
    links: topic.links.map(({ title, url }) => ({ title, url })),
    examples: topic.examples.map((example) => ({
      name: example.name,
      mode: example.mode,
      bad: example.bad,
      ...(example.minTokio ? { minTokio: example.minTokio } : {}),
      ...(example.needs ? { needs: example.needs } : {}),
      code: visibleCode(example.code),
    })),
  };
}

export function renderJson(topic: Topic, context: RenderContext = {}): string {
  return `${JSON.stringify({ kind: "topic", topic: topicJson(topic), confidence: context.confidence ?? 1, alternatives: context.alternatives ?? [] }, null, 2)}\n`;
}
