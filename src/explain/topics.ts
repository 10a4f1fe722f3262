import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { packageRoot } from "../util/package-root.ts";
import { examplesOf, type RustExample } from "./examples.ts";
import { parseTopicMarkdown, type Heading } from "./markdown.ts";
import { loadRulePages, ruleIdsOf } from "./rule-pages.ts";
import { topicFrontMatter, type TopicFrontMatter } from "./topic-schema.ts";

export interface Topic extends TopicFrontMatter {
  /** Markdown body without the front matter. */
  body: string;
  headings: Heading[];
  examples: RustExample[];
  file: string;
}

export const topicsDir = path.join(packageRoot, "src/explain/topics");

export function loadTopicFile(file: string): Topic {
  const name = path.basename(file);
  const parsed = parseTopicMarkdown(readFileSync(file, "utf8"), name);
  let raw: unknown;
  try {
    raw = parseToml(parsed.frontMatter);
  } catch (error) {
    throw new Error(`${name}: front matter is not valid TOML: ${(error as Error).message.split("\n")[0]}`);
  }
  const result = topicFrontMatter.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${name}: front matter ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const meta = result.data;
  if (`${meta.id}.md` !== name) throw new Error(`${name}: id "${meta.id}" must match the file name`);
  const pages = loadRulePages();
  for (const [field, kind] of [["lint_rules", "lint"], ["runtime_rules", "runtime"]] as const) {
    const known = ruleIdsOf(kind, pages);
    for (const id of meta[field]) {
      if (!known.has(id)) throw new Error(`${name}: ${field} names "${id}", which has no page in docs/${kind === "lint" ? "rules" : "runtime-rules"}/`);
    }
  }
  return {
    ...meta,
    body: parsed.body,
    headings: parsed.headings,
    examples: examplesOf(meta.id, parsed.codeBlocks),
    file,
  };
}

let cache: Topic[] | undefined;

/** All topics, sorted by their order in the list (front matter has no order; file names do not either). */
export function loadTopics(dir: string = topicsDir): Topic[] {
  if (dir === topicsDir && cache) return cache;
  const topics = readdirSync(dir)
    .filter((file) => file.endsWith(".md"))
    .map((file) => loadTopicFile(path.join(dir, file)));
  const order = new Map(topicOrder.map((id, index) => [id, index]));
  topics.sort((a, b) => (order.get(a.id) ?? 999) - (order.get(b.id) ?? 999) || a.id.localeCompare(b.id));
  if (dir === topicsDir) cache = topics;
  return topics;
}

/** Reading order for `explain --list`: from the poll loop up to tools. */
export const topicOrder = [
  "future-and-poll",
  "hand-written-future",
  "pin-and-unpin",
  "wakers",
  "tokio-tasks",
  "runtime-lifecycle",
  "blocking-in-async",
  "time",
  "sync-primitives",
  "select",
  "join-and-joinset",
  "streams",
  "async-io",
  "cancellation-and-shutdown",
  "async-cleanup",
  "future-not-send",
  "async-traits",
  "recursion-and-large-futures",
  "deadlocks-and-hangs",
  "testing-async",
  "tokio-console",
  "profiling",
  "async-stack-traces",
];

export function findTopic(id: string, topics: Topic[] = loadTopics()): Topic | undefined {
  return topics.find((topic) => topic.id === id);
}
