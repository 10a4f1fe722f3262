import type { ExplainCommandOptions } from "../cli/commands/explain.ts";
import { UsageError } from "../cli/errors.ts";
import { TopicRouter } from "./router.ts";
import { loadTopics, type Topic } from "./topics.ts";
import { renderJson } from "./render/json.ts";
import { renderMarkdown } from "./render/markdown.ts";
import { renderText } from "./render/text.ts";
import type { RenderContext } from "./render/common.ts";
import { renderNoGoodTopic, renderRulePage } from "./render/route.ts";

export async function runExplainCommand(question: string[], options: ExplainCommandOptions): Promise<number> {
  const color = useColor(options.color);
  if (options.at) {
    const { runExplainAt } = await import("./at/run-explain-at.ts");
    return runExplainAt(options.at, options.format, color);
  }
  const topics = loadTopics();
  if (options.list) {
    process.stdout.write(renderList(topics, options.format));
    return 0;
  }
  const query = question.join(" ").trim();
  if (!query) throw new UsageError("explain needs a topic or a question (see `async-doctor explain --list`), or --at FILE:LINE");
  const limit = Number.parseInt(options.alternatives, 10);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--alternatives must be a whole number, got "${options.alternatives}"`);
  const result = new TopicRouter(topics).route(query, limit);
  if (!result) {
    throw new UsageError(`no topic matches "${query}"; see \`async-doctor explain --list\``);
  }
  if (result.kind === "rule") {
    process.stdout.write(renderRulePage(result.rule, result.alternatives, options.format, color));
    return 0;
  }
  if (result.kind === "no-good-topic") {
    // Like grep finding nothing: an answer on stdout (the nearest topics), exit 1.
    process.stdout.write(renderNoGoodTopic(query, result.confidence, result.nearest, options.format, color));
    return 1;
  }
  const context: RenderContext = { confidence: result.confidence, alternatives: result.alternatives };
  process.stdout.write(renderTopic(result.topic, options.format, context, color));
  return 0;
}

export function renderTopic(topic: Topic, format: ExplainCommandOptions["format"], context: RenderContext, color: boolean): string {
  if (format === "json") return renderJson(topic, context);
  if (format === "markdown") return renderMarkdown(topic, context);
  return renderText(topic, { ...context, color });
}

function renderList(topics: Topic[], format: ExplainCommandOptions["format"]): string {
  if (format === "json") {
    return `${JSON.stringify({ topics: topics.map(({ id, title, summary }) => ({ id, title, summary })) }, null, 2)}\n`;
  }
  if (format === "markdown") return `${topics.map((topic) => `- \`${topic.id}\` — ${topic.title}`).join("\n")}\n`;
  const width = Math.max(...topics.map((topic) => topic.id.length));
  return `${topics.map((topic) => `${topic.id.padEnd(width)}  ${topic.title}`).join("\n")}\n`;
}

function useColor(flag: boolean | undefined): boolean {
  if (flag === false || "NO_COLOR" in process.env) return false;
  return Boolean(process.stdout.isTTY);
}
