/**
 * Programmatic entry points of `explain` (for the MCP server and other callers): the same data the
 * CLI prints as JSON, without writing to stdout.
 */
import { TopicRouter, type RouteAlternative } from "./router.ts";
import { loadTopics, type Topic } from "./topics.ts";
import { topicJson } from "./render/json.ts";
import { ruleJson } from "./render/route.ts";

export { explainAt, type ExplainAtResult } from "./at/run-explain-at.ts";

let router: TopicRouter | undefined;

export function listTopics(): Array<{ id: string; title: string; summary: string }> {
  return loadTopics().map(({ id, title, summary }) => ({ id, title, summary }));
}

/** The JSON `explain -f json` prints, by the kind of answer. */
export type ExplainAnswer =
  | { kind: "topic"; topic: ReturnType<typeof topicJson>; confidence: number; alternatives: RouteAlternative[] }
  | { kind: "rule"; rule: ReturnType<typeof ruleJson>; confidence: 1; alternatives: RouteAlternative[] }
  | { kind: "no-good-topic"; question: string; confidence: number; nearest: RouteAlternative[] };

/** A topic id, a rule id or a free-text question → the answer, or undefined when nothing matches at all. */
export function explainQuestion(question: string, alternatives = 3): ExplainAnswer | undefined {
  router ??= new TopicRouter(loadTopics());
  const result = router.route(question, alternatives);
  if (!result) return undefined;
  if (result.kind === "rule") return { kind: "rule", rule: ruleJson(result.rule, result.alternatives), confidence: 1, alternatives: result.alternatives };
  if (result.kind === "no-good-topic") return { kind: "no-good-topic", question, confidence: result.confidence, nearest: result.nearest };
  return { kind: "topic", topic: topicJson(result.topic), confidence: result.confidence, alternatives: result.alternatives };
}

export type { Topic };
