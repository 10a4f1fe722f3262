/**
 * The shared real data (test/fixtures/shared/console, copied from the shared set; console-subscriber 0.1.8 on tokio 1.24.2) must yield
 * exactly the diagnoses kitchen-sink.md lists under "Expected diagnoses", and nothing on what it lists
 * under "Should NOT be flagged" (worker threads, block_on, ticker, the 200 burst tasks, blocking-job).
 */
import { describe, expect, it } from "vitest";
import { checkConsole } from "../../../src/console/diagnose/run-check.ts";
import type { Diagnosis } from "../../../src/console/diagnose/types.ts";
import { sharedFixture } from "../../support/shared.ts";

const base = { format: "json" as const, failOn: "warning" as const, allow: [], set: [] };
const key = (d: Diagnosis) => `${d.rule}:${d.task?.name ?? (d.evidence.resource as { type: string }).type}`;
const byKey = (ds: Diagnosis[], k: string) => ds.find((d) => key(d) === k)!;

describe("console check on the shared kitchen-sink data", () => {
  for (const build of ["kitchen-sink", "kitchen-sink-stock"]) {
    it(`${build}.watchupdates.grpc (+ TaskDetails): lost waker, blocker, self-waker, Mutex and Semaphore contention`, async () => {
      const { report, exitCode } = await checkConsole(sharedFixture("console", `${build}.watchupdates.grpc`), base);
      expect(exitCode).toBe(1);
      const ds = report.diagnoses;
      expect(ds.map(key).sort()).toEqual(
        ["blocking-poll:blocker", "lock-contention:Mutex", "lock-contention:Semaphore", "lost-waker:lost-waker", "self-wake-spin:self-waker"].sort(),
      );
      expect(byKey(ds, "lost-waker:lost-waker").evidence).toMatchObject({ polls: 1, wakes: 0, wakerClones: 0, wakerDrops: 0 });
      expect(byKey(ds, "lost-waker:lost-waker").task!.id).toBe("7");
      const blocker = byKey(ds, "blocking-poll:blocker");
      expect(blocker.task!.id).toBe("9");
      expect(blocker.evidence.polls).toBe(4);
      expect(blocker.evidence.busyMs as number).toBeCloseTo(901, -1);
      // TaskDetails histogram: 3 polls in the bucket starting at 299 892 736 ns
      expect(blocker.evidence.histogram).toMatchObject({ polls: 4, pollsAboveThreshold: 3 });
      expect(byKey(ds, "self-wake-spin:self-waker").evidence).toMatchObject({ selfWakes: 1000, wakes: 1004, polls: 1005 });
      // kitchen-sink.md: the Mutex is created at line 87, the Semaphore at line 107
      expect((byKey(ds, "lock-contention:Mutex").evidence.resource as { location: string }).location).toMatch(/^src\/bin\/kitchen-sink\.rs:87:\d+$/);
      expect((byKey(ds, "lock-contention:Semaphore").evidence.resource as { location: string }).location).toMatch(/^src\/bin\/kitchen-sink\.rs:107:\d+$/);
      expect(byKey(ds, "lock-contention:Mutex").related.filter((r) => r.kind === "task").map((r) => r.name).sort()).toEqual(["mutex-a", "mutex-b"]);
      expect(byKey(ds, "lock-contention:Semaphore").related.filter((r) => r.kind === "task").map((r) => r.name).sort()).toEqual(["sem-a", "sem-b"]);
      // Runtime internals and blocking tasks are never reported.
      expect(ds.every((d) => d.task === null || d.task.kind === "task")).toBe(true);
    });

    it(`${build}.recording.jsonl: the same task diagnoses; lock contention reported as not checkable`, async () => {
      const { report } = await checkConsole(sharedFixture("console", `${build}.recording.jsonl`), base);
      expect(report.diagnoses.map(key).sort()).toEqual(["blocking-poll:blocker", "lost-waker:lost-waker", "self-wake-spin:self-waker"]);
      expect(byKey(report.diagnoses, "blocking-poll:blocker").evidence.longPolls).toHaveLength(3);
      expect(report.summary.notApplicable.map((n) => n.rule)).toEqual(["lock-contention"]);
      expect(report.summary.tasks).toBe(212);
    });
  }
});
