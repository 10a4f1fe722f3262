import { z } from "zod";

const ruleId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/);

/**
 * A source a topic relies on. Every correction of the guidance review cites its source here, so a
 * reader can check the claim; `review_rows` names the review rows (test/fixtures/reviews) it backs.
 */
export const topicLink = z
  .object({
    title: z.string().min(3),
    url: z.string().url(),
    review_rows: z.array(z.number().int().min(1)).default([]),
  })
  .strict();

/**
 * The TOML front matter between `+++` lines at the top of src/explain/topics/<id>.md. Rule ids are
 * checked against the rule pages in docs/ when topics are loaded (topics.ts), so a new rule needs no
 * edit here.
 */
export const topicFrontMatter = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    title: z.string().min(3),
    summary: z.string().min(10),
    keywords: z.array(z.string().min(1)).min(1),
    synonyms: z.array(z.string().min(1)).default([]),
    /** Compiler and runtime messages users paste (matched as a phrase inside the question). */
    errors: z.array(z.string().min(6)).default([]),
    lint_rules: z.array(ruleId).default([]),
    runtime_rules: z.array(ruleId).default([]),
    related_topics: z.array(z.string()).default([]),
    commands: z.array(z.string()).default([]),
    links: z.array(topicLink).default([]),
  })
  .strict();

export type TopicFrontMatter = z.infer<typeof topicFrontMatter>;
export type TopicLink = z.infer<typeof topicLink>;
