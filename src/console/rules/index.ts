/** Every runtime rule, in report order. One rule per file; ids match docs/runtime-rules/<id>.md. */
import type { RuntimeRule } from "../diagnose/types.ts";
import { autoBoxedFuture } from "./auto-boxed-future.ts";
import { blockingPoll } from "./blocking-poll.ts";
import { largeFuture } from "./large-future.ts";
import { lockContention } from "./lock-contention.ts";
import { lostWaker } from "./lost-waker.ts";
import { neverYielded } from "./never-yielded.ts";
import { schedulingDelay } from "./scheduling-delay.ts";
import { selfWakeSpin } from "./self-wake-spin.ts";
import { taskLeak } from "./task-leak.ts";
import { wakerLeak } from "./waker-leak.ts";

export const runtimeRules: readonly RuntimeRule[] = [
  lostWaker,
  neverYielded,
  blockingPoll,
  selfWakeSpin,
  schedulingDelay,
  taskLeak,
  wakerLeak,
  lockContention,
  largeFuture,
  autoBoxedFuture,
];
