/**
 * Rendering of the answers that are not a topic: a rule's page (`explain select-cancel-unsafe`) and
 * "no good topic" with the nearest ones. Topics render through text.ts / markdown.ts / json.ts.
 */
import { createColors } from "picocolors";
import type { RouteAlternative } from "../router.ts";
import type { RulePage } from "../rule-pages.ts";

export type Format = "text" | "markdown" | "json";

export function ruleJson(rule: RulePage, topics: RouteAlternative[]) {
  return { id: rule.id, kind: rule.kind, title: rule.title, summary: rule.summary, file: rule.file, body: rule.body, topics: topics.map((topic) => topic.id) };
}

export function renderRulePage(rule: RulePage, topics: RouteAlternative[], format: Format, color: boolean): string {
  if (format === "json") return `${JSON.stringify({ kind: "rule", rule: ruleJson(rule, topics), confidence: 1, alternatives: topics }, null, 2)}\n`;
  const seeAlso = topics.length ? topics.map((topic) => `explain ${topic.id}`).join(", ") : "";
  const origin = `${rule.kind === "lint" ? "Lint rule (async-doctor lint)" : "Runtime rule (async-doctor console check)"}, ${rule.file}`;
  if (format === "markdown") return `${rule.body}\n\n---\n\n*${origin}.*${seeAlso ? ` Topics: ${topics.map((t) => `\`${t.id}\``).join(", ")}.` : ""}\n`;
  const c = createColors(color);
  const lines = rule.body.split("\n").map((line) => {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) return heading[1] === "#" ? c.bold(c.underline(heading[2]!)) : c.bold(c.magenta(heading[2]!));
    return line.replace(/`([^`]+)`/g, (_m, code: string) => c.yellow(code)).replace(/\*\*([^*]+)\*\*/g, (_m, text: string) => c.bold(text));
  });
  return `${lines.join("\n")}\n\n${c.dim(origin)}\n${seeAlso ? `${c.bold("see also")}  ${seeAlso}\n` : ""}`;
}

export function renderNoGoodTopic(question: string, confidence: number, nearest: RouteAlternative[], format: Format, color: boolean): string {
  if (format === "json") return `${JSON.stringify({ kind: "no-good-topic", question, confidence, nearest }, null, 2)}\n`;
  const list = nearest.map((topic) => `${topic.id} (${topic.title})`);
  if (format === "markdown") {
    return `No topic answers this well (confidence ${confidence.toFixed(2)}). Nearest topics:\n\n${list.map((line) => `- \`async-doctor explain ${line.split(" ")[0]}\` ${line.slice(line.indexOf(" ") + 1)}`).join("\n")}\n`;
  }
  const c = createColors(color);
  return `${c.bold("No topic answers this well")} ${c.dim(`(confidence ${confidence.toFixed(2)})`)}. Nearest topics:\n${list.map((line) => `  explain ${line}`).join("\n")}\n${c.dim("async-doctor explain --list shows every topic")}\n`;
}
