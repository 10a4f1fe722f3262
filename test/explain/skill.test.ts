import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadTopics } from "../../src/explain/topics.ts";
import { withTopicList } from "../../src/explain/skill-topics.ts";
import { loadRulePages } from "../../src/explain/rule-pages.ts";
import { runCli } from "../support/cli.ts";
import { projectRoot } from "../support/shared.ts";

const skillFile = path.join(projectRoot, "skills/rust-async-internals/SKILL.md");
const skill = readFileSync(skillFile, "utf8");

/** `async-doctor console check …` → ["console", "check"]: the command words before options and arguments. */
function commandWords(text: string): string[] {
  const words: string[] = [];
  for (const word of text.replace(/^async-doctor\s+/, "").split(/\s+/)) {
    if (!/^[a-z][a-z-]*$/.test(word) || words.length === 2) break;
    words.push(word);
  }
  return words;
}

describe("Agent Skill rust-async-internals", () => {
  it("has front matter with the folder's name and a description that says when to use it", () => {
    const match = /^---\n([\s\S]*?)\n---\n/.exec(skill);
    expect(match).not.toBeNull();
    const frontMatter = match![1]!;
    expect(frontMatter).toMatch(/^name: rust-async-internals$/m);
    const description = /description: >-\n((?: {2}.*\n?)+)/.exec(frontMatter)?.[1]?.replace(/\s+/g, " ").trim() ?? "";
    expect(description).toMatch(/^.{50,1024}$/);
    expect(description).toMatch(/Use when/);
    expect(skill).toMatch(/## Triggers/);
    expect(skill).toMatch(/## Workflow/);
  });

  it("every async-doctor command it or a topic mentions exists", async () => {
    const mentioned = new Set<string>();
    for (const match of skill.matchAll(/`(async-doctor [^`]+)`/g)) mentioned.add(commandWords(match[1]!).join(" "));
    for (const topic of loadTopics()) for (const command of topic.commands) mentioned.add(commandWords(command).join(" "));
    mentioned.delete("");
    expect(mentioned.size).toBeGreaterThan(4);
    for (const command of mentioned) {
      // A subcommand word that is really an argument (e.g. a topic id) makes --help fail; try the first word then.
      let result = await runCli([...command.split(" "), "--help"]);
      if (result.code !== 0) result = await runCli([command.split(" ")[0]!, "--help"]);
      expect(result.code, `async-doctor ${command} --help: ${result.stderr}`).toBe(0);
      if (command.includes(" ") && !["explain"].includes(command.split(" ")[0]!)) {
        expect(result.stdout, `async-doctor ${command}`).toContain(`Usage: async-doctor ${command}`);
      }
    }
  });

  it("lists every explain topic, as generated from the topics (scripts/update-skill.ts)", () => {
    expect(skill).toBe(withTopicList(skill));
    for (const topic of loadTopics()) expect(skill).toContain(`- \`${topic.id}\`: `);
  });

  it("names only rule ids that have a page", () => {
    const rules = new Set(loadRulePages().map((page) => page.id));
    const named = [...skill.matchAll(/`([a-z]+(?:-[a-z]+){1,4})`/g)].map((match) => match[1]!);
    const topicIds = new Set(loadTopics().map((topic) => topic.id));
    for (const id of named) {
      if (topicIds.has(id) || id.startsWith("async-doctor") || id.startsWith("pin-project")) continue;
      expect(rules.has(id), `${id} is neither a topic nor a rule`).toBe(true);
    }
  });
});
