/** Protocol types the timeline reads (re-exported so rules import from one place). */
export type { Field, Id, PollStats, Update as SourceItemUpdate } from "../protocol/messages.ts";
