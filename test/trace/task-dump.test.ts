import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyseDump, shortLeafName } from "../../src/trace/dump-analysis.ts";
import { parseLog } from "../../src/trace/log-parser.ts";
import { chainsOf, parseTaskDumpLine, repairCutName } from "../../src/trace/task-dump.ts";
import { sharedFixture } from "../support/shared.ts";

function sample(name: string): string {
  return readFileSync(sharedFixture("backtraces", name), "utf8");
}

describe("tokio task dumps", () => {
  for (const variant of ["debug", "debug-v0"]) {
    it(`reads the NBSP trees with their task ids (${variant})`, () => {
      const text = sample(`tokio_taskdump.1_53.${variant}.txt`);
      const log = parseLog(text);
      expect(log.dumps).toHaveLength(1);
      const [dump] = log.dumps;
      expect(dump.source).toBe("tokio");
      expect(dump.namesCut).toBe(true);
      // Task ids as printed in the input, counted independently.
      const ids = [...text.matchAll(/^TASK (\d+):$/gm)].map((m) => m[1]);
      expect(dump.tasks.map((t) => t.taskId)).toEqual(ids);
      // Task 6 joins two futures: two leaves.
      const six = dump.tasks.find((t) => t.taskId === "6")!;
      expect(chainsOf(six)).toHaveLength(2);
      expect(six.root.children[0].children.length + six.root.children.length).toBeGreaterThanOrEqual(2);
    });

    it(`groups tasks with the same chain and names where they wait (${variant})`, () => {
      const analysis = analyseDump(parseLog(sample(`tokio_taskdump.1_53.${variant}.txt`)).dumps[0]);
      expect(analysis.tasks).toBe(4);
      const [first] = analysis.groups;
      expect(first.count).toBe(2);
      expect(first.taskIds).toEqual(["3", "4"]);
      expect(first.waitingAt).toBe("Notified");
      expect(first.inFunction).toMatch(/wait_on$/);
      expect(first.at?.line).toBe(17);
      expect(first.summary).toMatch(/^2 tasks waiting at `Notified` in `wait_on` at .*src\/main\.rs:17$/);
      const sleeper = analysis.groups.find((g) => g.taskIds.includes("5"))!;
      expect(sleeper.summary).toMatch(/^1 task waiting at `Sleep` in `sleeper` at .*src\/main\.rs:37$/);
      // root → leaf order: the task's root future first
      expect(first.chain[0].printedName).toBe("taskdump_demo::a");
    });
  }

  it("repairs the names tokio cut short", () => {
    const analysis = analyseDump(parseLog(sample("tokio_taskdump.1_53.debug.txt")).dumps[0]);
    const chain = analysis.groups[0].chain;
    const byPrinted = new Map(chain.map((c) => [c.printedName, c]));
    expect(byPrinted.get("taskdump_demo::a")?.name).toBe("taskdump_demo::a::{{closure}}");
    expect(byPrinted.get("taskdump_demo::c::{{closure}}")?.name).toBe("taskdump_demo::c::{{closure}}::{{closure}}");
    expect(byPrinted.get("<core::pin::Pin<P> as core::future::future::Future>")?.name).toBe("<core::pin::Pin<P> as core::future::future::Future>::poll");
    expect(byPrinted.get("tokio::sync::notify::Notified")?.repaired).toBe(false);
  });

  it("repairCutName on single names", () => {
    expect(repairCutName("app::a", { file: "src/main.rs" })).toEqual({ name: "app::a::{{closure}}", repaired: true });
    expect(repairCutName("<tokio::time::sleep::Sleep as core::future::future::Future>")).toEqual({
      name: "<tokio::time::sleep::Sleep as core::future::future::Future>::poll",
      repaired: true,
    });
    expect(shortLeafName("<tokio::sync::notify::Notified as core::future::future::Future>::poll")).toBe("Notified");
  });
});

describe("async-backtrace trees", () => {
  it("reads ordinary-space trees with Nx repeats", () => {
    const log = parseLog(sample("async_backtrace.taskdump_and_panic.txt"));
    expect(log.dumps.map((d) => d.source)).toEqual(["async-backtrace", "async-backtrace"]);
    expect(log.dumps[0].namesCut).toBe(false);
    const roots = log.dumps[0].tasks.map((t) => t.root.name);
    expect(roots).toEqual(["abt_demo::main::{{closure}}", "abt_demo::main::{{closure}}", "abt_demo::fan_out::{{closure}}", "abt_demo::main::{{closure}}"]);
    const sleeper = log.dumps[0].tasks[1].root.children[0].children.find((c) => c.name === "abt_demo::sleeper::{{closure}}");
    expect(sleeper?.repeat).toBe(2);
  });

  it("parses [POLLING] markers", () => {
    const line = parseTaskDumpLine("  └┈ [POLLING]", 1);
    expect(line).toMatchObject({ depth: 1, polling: true });
  });

  it("reads the async backtrace printed by a panic hook", () => {
    const log = parseLog(sample("async_backtrace.taskdump_and_panic.txt"));
    expect(log.panics).toHaveLength(1);
    const [p] = log.panics;
    expect(p.message).toBe("bad value 13");
    expect(p.location).toEqual({ file: "src/main.rs", line: 23, column: 9 });
    expect(p.backtrace?.frames.map((f) => [f.demangled, f.location?.line])).toEqual([
      ["abt_demo::generic_leaf<u32>::{{closure}}", 20],
      ["abt_demo::middle::{{closure}}", 28],
      ["abt_demo::top::{{closure}}::{{closure}}", 38],
      ["abt_demo::top::{{closure}}", 36],
      ["abt_demo::main::{{closure}}", 65],
    ]);
    expect(log.joinErrors[0]).toMatchObject({ taskId: 7, kind: "panic" });
  });
});
