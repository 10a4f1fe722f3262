/**
 * Resources: every explain topic and every rule's documentation, under stable URIs:
 *   async-doctor://topics/<topic-id>         src/explain/topics/<id>.md (body without front matter)
 *   async-doctor://rules/<rule-id>           docs/rules/<id>.md (lint rules)
 *   async-doctor://runtime-rules/<rule-id>   docs/runtime-rules/<id>.md (console check rules)
 * The URIs only name ids; they never map to arbitrary files.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { loadTopics } from "../explain/topics.ts";
import { topicBodyMarkdown } from "../explain/render/markdown.ts";
import { allRules } from "../lint/rules/index.ts";
import { runtimeRules } from "../console/rules/index.ts";
import { packageRoot } from "../util/package-root.ts";

const docsDir = path.join(packageRoot, "docs");

export const topicUri = (id: string) => `async-doctor://topics/${id}`;
export const ruleUri = (id: string) => `async-doctor://rules/${id}`;
export const runtimeRuleUri = (id: string) => `async-doctor://runtime-rules/${id}`;

export interface ResourceEntry {
  uri: string;
  name: string;
  title: string;
  description: string;
  read(): string;
}

export function resourceEntries(): ResourceEntry[] {
  const entries: ResourceEntry[] = [];
  for (const topic of loadTopics()) {
    entries.push({
      uri: topicUri(topic.id),
      name: `topic-${topic.id}`,
      title: topic.title,
      description: `Explain topic: ${topic.summary}`,
      read: () => `# ${topic.title}\n\n${topicBodyMarkdown(topic)}`,
    });
  }
  const docEntry = (kind: "rules" | "runtime-rules", id: string, summary: string, uri: string): ResourceEntry | undefined => {
    const file = path.join(docsDir, kind, `${id}.md`);
    if (!existsSync(file)) return undefined;
    return {
      uri,
      name: `${kind === "rules" ? "lint-rule" : "runtime-rule"}-${id}`,
      title: `${kind === "rules" ? "Lint rule" : "Runtime rule"} ${id}`,
      description: summary,
      read: () => readFileSync(file, "utf8"),
    };
  };
  for (const rule of allRules) {
    const entry = docEntry("rules", rule.id, rule.summary, ruleUri(rule.id));
    if (entry) entries.push(entry);
  }
  for (const rule of runtimeRules) {
    const entry = docEntry("runtime-rules", rule.id, rule.summary, runtimeRuleUri(rule.id));
    if (entry) entries.push(entry);
  }
  return entries;
}

export function registerResources(server: McpServer): void {
  for (const entry of resourceEntries()) {
    server.registerResource(entry.name, entry.uri, { title: entry.title, description: entry.description, mimeType: "text/markdown" }, async (uri) => ({
      contents: [{ uri: uri.href, mimeType: "text/markdown", text: entry.read() }],
    }));
  }
}
