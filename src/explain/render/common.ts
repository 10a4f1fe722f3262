import type { Topic } from "../topics.ts";

export interface RenderContext {
  confidence?: number;
  alternatives?: { id: string; title: string; score: number }[];
}

export function lintRuleLine(topic: Topic): string | undefined {
  if (!topic.lint_rules.length) return undefined;
  return topic.lint_rules.join(", ");
}

export function runtimeRuleLine(topic: Topic): string | undefined {
  if (!topic.runtime_rules.length) return undefined;
  return topic.runtime_rules.join(", ");
}
