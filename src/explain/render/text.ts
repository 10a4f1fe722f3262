import { createColors } from "picocolors";
import { parseExampleInfo } from "../examples.ts";
import { segments, visibleCode } from "../markdown.ts";
import type { Topic } from "../topics.ts";
import type { RenderContext } from "./common.ts";

type Colors = ReturnType<typeof createColors>;

/** Terminal rendering: coloured headings and inline code, indented code blocks with labels. */
export function renderText(topic: Topic, context: RenderContext & { color: boolean }): string {
  const c = createColors(context.color);
  const out: string[] = [c.bold(c.underline(topic.title)), c.dim(topic.summary), ""];
  for (const segment of segments(topic.body)) {
    if (segment.kind === "prose") {
      for (const line of segment.text.split("\n")) out.push(proseLine(line, c));
      continue;
    }
    let label = "";
    let code = segment.raw;
    if (segment.lang === "rust") {
      const info = parseExampleInfo(segment.info);
      code = visibleCode(segment.raw);
      if (info.bad) label = c.red(c.bold("  ✗ wrong:"));
      else if (info.mode === "newer-tokio") label = c.yellow(`  (needs tokio >= ${info.minTokio})`);
      else if (info.mode === "external") label = c.yellow(`  (needs the ${info.needs} crate)`);
    } else if (segment.lang === "output") label = c.dim("  prints:");
    else if (segment.lang === "error") label = c.dim("  rustc says:");
    if (label) out.push(label);
    const paint = segment.lang === "output" ? c.green : segment.lang === "error" ? c.red : c.cyan;
    for (const line of code.split("\n")) out.push(`    ${paint(line)}`);
  }
  while (out.length && out[out.length - 1] === "") out.pop();
  out.push("");
  const related: string[] = [];
  if (topic.lint_rules.length) related.push(`${c.bold("lint rules")}     ${topic.lint_rules.join(", ")}  ${c.dim("(async-doctor lint; docs/rules/<id>.md)")}`);
  if (topic.runtime_rules.length) {
    related.push(`${c.bold("runtime rules")}  ${topic.runtime_rules.join(", ")}  ${c.dim("(async-doctor console check; docs/runtime-rules/<id>.md)")}`);
  }
  if (topic.commands.length) related.push(`${c.bold("commands")}       ${topic.commands.join(", ")}`);
  if (topic.related_topics.length) related.push(`${c.bold("see also")}       ${topic.related_topics.map((id) => `explain ${id}`).join(", ")}`);
  if (related.length) out.push(...related, "");
  if (topic.links.length) {
    out.push(c.bold("sources"));
    for (const link of topic.links) out.push(`  ${link.title}: ${c.dim(link.url)}`);
    out.push("");
  }
  if (context.confidence !== undefined && context.confidence < 1) {
    const alts = context.alternatives?.map((alt) => alt.id).join(", ");
    out.push(c.dim(`matched "${topic.id}" with confidence ${context.confidence.toFixed(2)}${alts ? `; other topics: ${alts}` : ""}`));
  }
  return `${out.join("\n")}\n`;
}

function proseLine(line: string, c: Colors): string {
  const heading = /^(#{1,6})\s+(.*)$/.exec(line);
  if (heading) return c.bold(c.magenta(heading[2]!));
  return line
    .replace(/`([^`]+)`/g, (_m, code: string) => c.yellow(code))
    .replace(/\*\*([^*]+)\*\*/g, (_m, text: string) => c.bold(text));
}
