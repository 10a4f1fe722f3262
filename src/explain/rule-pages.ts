/**
 * The documentation page of every lint rule (docs/rules/<id>.md) and runtime rule
 * (docs/runtime-rules/<id>.md), so `explain <rule-id>` can show it. The pages are found by listing
 * those folders: a rule added with its page is explained without any edit here (the lint and console
 * tests check that every registered rule has a page).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../util/package-root.ts";

export type RuleKind = "lint" | "runtime";

export interface RulePage {
  id: string;
  kind: RuleKind;
  /** The page's heading without the id (e.g. "blocking call in an async context"). */
  title: string;
  /** The first paragraph after the heading, Markdown emphasis removed. */
  summary: string;
  /** The whole page, Markdown. */
  body: string;
  /** Path relative to the package root (docs/rules/<id>.md). */
  file: string;
}

const folders: Record<RuleKind, string> = { lint: "docs/rules", runtime: "docs/runtime-rules" };

let cache: RulePage[] | undefined;

export function loadRulePages(root: string = packageRoot): RulePage[] {
  if (root === packageRoot && cache) return cache;
  const pages: RulePage[] = [];
  for (const kind of ["lint", "runtime"] as const) {
    const dir = path.join(root, folders[kind]);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!/^[a-z0-9]+(-[a-z0-9]+)*\.md$/.test(name)) continue; // README.md and friends are not rule pages
      const file = `${folders[kind]}/${name}`;
      pages.push(parseRulePage(name.slice(0, -3), kind, file, readFileSync(path.join(root, file), "utf8")));
    }
  }
  if (root === packageRoot) cache = pages;
  return pages;
}

export function parseRulePage(id: string, kind: RuleKind, file: string, body: string): RulePage {
  const lines = body.replace(/\r\n/g, "\n").split("\n");
  const headingIndex = lines.findIndex((line) => line.startsWith("# "));
  const heading = headingIndex >= 0 ? lines[headingIndex]!.slice(2).trim() : id;
  // "`id`: title" (lint pages) or "id (severity)" (runtime pages)
  const title = heading.replace(/^`?[a-z0-9-]+`?\s*:\s*/, "").replace(new RegExp(`^${id}\\s*`), "").trim() || heading;
  const paragraph: string[] = [];
  for (const line of lines.slice(headingIndex + 1)) {
    if (!line.trim()) {
      if (paragraph.length) break;
      continue;
    }
    if (line.startsWith("#")) break;
    paragraph.push(line.trim());
  }
  const summary = paragraph.join(" ").replace(/\*\*([^*]+)\*\*/g, "$1");
  // Runtime pages are headed "id (severity)": their title is the first sentence of "What it means."
  const meaning = summary.replace(/^What it means\.\s*/, "");
  const fromSummary = /^(.+?[.!?])(\s|$)/.exec(meaning)?.[1] ?? meaning;
  return { id, kind, title: /^\(.*\)$/.test(title) ? fromSummary : title, summary, body: body.trim(), file };
}

export function findRulePage(id: string, kind?: RuleKind, pages: RulePage[] = loadRulePages()): RulePage | undefined {
  return pages.find((page) => page.id === id && (!kind || page.kind === kind));
}

/** Ids with a page, by kind. */
export function ruleIdsOf(kind: RuleKind, pages: RulePage[] = loadRulePages()): Set<string> {
  return new Set(pages.filter((page) => page.kind === kind).map((page) => page.id));
}
