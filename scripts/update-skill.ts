/**
 * Rewrites the topic list of skills/rust-async-internals/SKILL.md (between the `topics:start` and
 * `topics:end` markers) from the explain topics, so the skill names every topic there is:
 *
 *   node --import tsx scripts/update-skill.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { skillFile, withTopicList } from "../src/explain/skill-topics.ts";

const before = readFileSync(skillFile, "utf8");
const after = withTopicList(before);
if (after !== before) writeFileSync(skillFile, after);
process.stdout.write(after === before ? "SKILL.md is current\n" : "SKILL.md topic list rewritten\n");
