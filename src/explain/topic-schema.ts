import { z } from "zod";

/** Lint rule ids (docs/rules/<id>.md). Kept here so a typo in a topic's front matter fails the tests. */
export const lintRuleIds = [
  "blocking-in-async",
  "runtime-in-async",
  "guard-across-await",
  "pending-without-waker",
  "wake-thread-per-poll",
  "waker-hoarding",
  "select-cancel-unsafe",
  "select-recreated-future",
  "select-biased-starvation",
  "select-all-disabled",
  "detached-spawn",
  "unbounded-spawn",
  "unawaited-future",
  "console-setup",
] as const;

/** Runtime (tokio-console data) rule ids (docs/runtime-rules/<id>.md). */
export const runtimeRuleIds = [
  "lost-waker",
  "blocking-poll",
  "never-yielded",
  "self-wake-spin",
  "scheduling-delay",
  "task-leak",
  "waker-leak",
  "lock-contention",
  "large-future",
  "auto-boxed-future",
] as const;

/** The TOML front matter between `+++` lines at the top of src/explain/topics/<id>.md. */
export const topicFrontMatter = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    title: z.string().min(3),
    summary: z.string().min(10),
    keywords: z.array(z.string().min(1)).min(1),
    synonyms: z.array(z.string().min(1)).default([]),
    lint_rules: z.array(z.enum(lintRuleIds)).default([]),
    runtime_rules: z.array(z.enum(runtimeRuleIds)).default([]),
    related_topics: z.array(z.string()).default([]),
    commands: z.array(z.string()).default([]),
  })
  .strict();

export type TopicFrontMatter = z.infer<typeof topicFrontMatter>;
