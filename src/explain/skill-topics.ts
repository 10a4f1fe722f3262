/**
 * The topic list of the Agent Skill (skills/rust-async-internals/SKILL.md), generated from the explain
 * topics so that the skill and the topics cannot drift apart (scripts/update-skill.ts writes it, the
 * skill test checks it).
 */
import path from "node:path";
import { packageRoot } from "../util/package-root.ts";
import { loadTopics, type Topic } from "./topics.ts";

export const skillFile = path.join(packageRoot, "skills/rust-async-internals/SKILL.md");

const start = "<!-- topics:start -->";
const end = "<!-- topics:end -->";

export function topicList(topics: Topic[] = loadTopics()): string {
  return topics.map((topic) => `- \`${topic.id}\`: ${topic.summary}`).join("\n");
}

/** The skill text with its topic list replaced by the current one. */
export function withTopicList(skill: string, topics: Topic[] = loadTopics()): string {
  const from = skill.indexOf(start);
  const to = skill.indexOf(end);
  if (from < 0 || to < from) throw new Error(`SKILL.md: no ${start} … ${end} section`);
  return `${skill.slice(0, from + start.length)}\n${topicList(topics)}\n${skill.slice(to)}`;
}
