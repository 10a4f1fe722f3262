/** Hand-built timelines for rule unit tests: times in ms on the app clock, converted to relative ns. */
import { diagnose } from "../../../src/console/diagnose/engine.ts";
import { parseRuleOptions } from "../../../src/console/diagnose/options.ts";
import { emptyTimeline, type TaskHistory, type TaskStatsSample, type Timeline } from "../../../src/console/diagnose/timeline.ts";
import type { Diagnosis, RuntimeRule } from "../../../src/console/diagnose/types.ts";

const MS = 1e6;
let nextId = 100n;

export type SampleSpec = Partial<Omit<TaskStatsSample, "at">> & { at: number };

/** A sample; times given in ms (NaN = absent). */
export function sample(spec: SampleSpec): TaskStatsSample {
  const t = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? Number.NaN : v * MS);
  return {
    at: spec.at * MS,
    createdAt: t(spec.createdAt ?? 0),
    droppedAt: t(spec.droppedAt),
    polls: spec.polls ?? 0,
    busyNs: (spec.busyNs ?? 0) * MS,
    scheduledNs: spec.scheduledNs === undefined ? Number.NaN : spec.scheduledNs * MS,
    wakes: spec.wakes ?? 0,
    selfWakes: spec.selfWakes ?? 0,
    wakerClones: spec.wakerClones ?? 0,
    wakerDrops: spec.wakerDrops ?? 0,
    lastWake: t(spec.lastWake),
    firstPoll: t(spec.firstPoll),
    lastPollStarted: t(spec.lastPollStarted),
    lastPollEnded: t(spec.lastPollEnded),
  };
}

export function task(name: string, samples: SampleSpec[], extra: Partial<TaskHistory> = {}): TaskHistory {
  const id = extra.id ?? nextId++;
  return {
    key: String(id),
    id,
    name,
    kind: "task",
    location: "",
    target: "tokio::task",
    fields: new Map(),
    announcedAt: samples[0] ? samples[0].at * MS : 0,
    samples: samples.map(sample),
    ...extra,
  };
}

/** A timeline with updates every `every` ms up to `until` ms. */
export function timeline(tasks: TaskHistory[], until: number, options: { every?: number; droppedEvents?: number; clockWentBackwards?: boolean } = {}): Timeline {
  const tl = emptyTimeline();
  tl.anchor.seconds = 1_795_635_741;
  const every = options.every ?? 1000;
  for (let t = 0; t <= until; t += every) tl.updateTimes.push(t * MS);
  if (tl.updateTimes.at(-1) !== until * MS) tl.updateTimes.push(until * MS);
  tl.tasks = tasks;
  tl.droppedEvents = options.droppedEvents ?? 0;
  tl.clockWentBackwards = options.clockWentBackwards ?? false;
  return tl;
}

/** Runs one rule (all others allowed away) with optional --set values. */
export function runRule(rule: RuntimeRule, tl: Timeline, set: string[] = []): Diagnosis[] {
  const options = parseRuleOptions([rule], [], set);
  return diagnose(tl, options, [rule]).diagnoses;
}
