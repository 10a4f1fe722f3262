import { parseExampleInfo } from "../examples.ts";
import { segments, visibleCode } from "../markdown.ts";
import type { Topic } from "../topics.ts";
import type { RenderContext } from "./common.ts";

/** The topic body as plain CommonMark: hidden example lines removed, info strings reduced to a language. */
export function topicBodyMarkdown(topic: Topic): string {
  return segments(topic.body)
    .map((segment) => {
      if (segment.kind === "prose") return segment.text;
      if (segment.lang === "rust") {
        const info = parseExampleInfo(segment.info);
        const note = info.bad
          ? "// ✗ wrong — shown as a mistake\n"
          : info.mode === "newer-tokio"
            ? `// needs tokio >= ${info.minTokio}\n`
            : info.mode === "external"
              ? `// needs the ${info.needs} crate\n`
              : "";
        return "```rust\n" + note + visibleCode(segment.raw) + "\n```";
      }
      const lang = segment.lang === "output" || segment.lang === "error" ? "text" : segment.lang;
      return "```" + lang + "\n" + segment.raw + "\n```";
    })
    .join("\n");
}

export function relatedMarkdown(topic: Topic): string {
  const lines: string[] = [];
  if (topic.lint_rules.length) {
    lines.push(`- Lint rules (\`async-doctor lint\`): ${topic.lint_rules.map((id) => `[\`${id}\`](docs/rules/${id}.md)`).join(", ")}`);
  }
  if (topic.runtime_rules.length) {
    lines.push(
      `- Runtime rules (\`async-doctor console check\`): ${topic.runtime_rules.map((id) => `[\`${id}\`](docs/runtime-rules/${id}.md)`).join(", ")}`,
    );
  }
  if (topic.related_topics.length) lines.push(`- See also: ${topic.related_topics.map((id) => `\`async-doctor explain ${id}\``).join(", ")}`);
  if (topic.commands.length) lines.push(`- Commands: ${topic.commands.map((command) => `\`${command}\``).join(", ")}`);
  const related = lines.length ? `## Related\n\n${lines.join("\n")}\n` : "";
  const sources = topic.links.length ? `\n## Sources\n\n${topic.links.map((link) => `- [${link.title}](${link.url})`).join("\n")}\n` : "";
  return related + sources;
}

export function renderMarkdown(topic: Topic, context: RenderContext = {}): string {
  const parts = [`# ${topic.title}`, "", `*${topic.summary}*`, "", topicBodyMarkdown(topic).trim(), "", relatedMarkdown(topic)];
  if (context.confidence !== undefined && context.confidence < 1 && context.alternatives?.length) {
    parts.push(
      `> Matched with confidence ${context.confidence.toFixed(2)}. Other topics: ${context.alternatives
        .map((alt) => `\`${alt.id}\``)
        .join(", ")}.`,
      "",
    );
  }
  return parts.join("\n");
}
