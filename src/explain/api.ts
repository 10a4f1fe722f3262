/**
 * Programmatic entry points of `explain` (for the MCP server and other callers): the same data the
 * CLI prints as JSON, without writing to stdout.
 */
import { TopicRouter, type RouteAlternative } from "./router.ts";
import { loadTopics, type Topic } from "./topics.ts";
import { topicJson } from "./render/json.ts";

export { explainAt, type ExplainAtResult } from "./at/run-explain-at.ts";

let router: TopicRouter | undefined;

export function listTopics(): Array<{ id: string; title: string; summary: string }> {
  return loadTopics().map(({ id, title, summary }) => ({ id, title, summary }));
}

export interface ExplainAnswer {
  topic: ReturnType<typeof topicJson>;
  confidence: number;
  alternatives: RouteAlternative[];
}

/** A topic id or a free-text question → the best topic, or undefined when nothing matches. */
export function explainQuestion(question: string, alternatives = 3): ExplainAnswer | undefined {
  router ??= new TopicRouter(loadTopics());
  const result = router.route(question, alternatives);
  if (!result) return undefined;
  return { topic: topicJson(result.topic), confidence: result.confidence, alternatives: result.alternatives };
}

export type { Topic };
