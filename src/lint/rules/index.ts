import type { LintRule } from "../rule.ts";
import { blockingInAsync } from "./blocking-in-async.ts";
import { runtimeInAsync } from "./runtime-in-async.ts";
import { guardAcrossAwait } from "./guard-across-await.ts";
import { pendingWithoutWaker } from "./pending-without-waker.ts";
import { wakeThreadPerPoll } from "./wake-thread-per-poll.ts";
import { wakerHoarding } from "./waker-hoarding.ts";
import { selectCancelUnsafe } from "./select-cancel-unsafe.ts";
import { selectRecreatedFuture } from "./select-recreated-future.ts";
import { selectBiasedStarvation } from "./select-biased-starvation.ts";
import { selectAllDisabled } from "./select-all-disabled.ts";
import { detachedSpawn } from "./detached-spawn.ts";
import { unboundedSpawn } from "./unbounded-spawn.ts";
import { unawaitedFuture } from "./unawaited-future.ts";
import { consoleSetup } from "./console-setup.ts";

/** Every lint rule, in the order docs and `--list-rules` show them. Ids are stable. */
export const allRules: LintRule[] = [
  blockingInAsync,
  runtimeInAsync,
  guardAcrossAwait,
  pendingWithoutWaker,
  wakeThreadPerPoll,
  wakerHoarding,
  selectCancelUnsafe,
  selectRecreatedFuture,
  selectBiasedStarvation,
  selectAllDisabled,
  detachedSpawn,
  unboundedSpawn,
  unawaitedFuture,
  consoleSetup,
];

export const ruleIds = new Set(allRules.map((rule) => rule.id));
