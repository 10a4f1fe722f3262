import { describe, expect, it } from "vitest";
import { autoBoxedFuture } from "../../../src/console/rules/auto-boxed-future.ts";
import { largeFuture } from "../../../src/console/rules/large-future.ts";
import { runRule, task, timeline } from "./helpers.ts";

// tokio ≥ 1.41 sends size.bytes / original_size.bytes (not reproducible with Debian's tokio 1.24).
const sized = (name: string, size?: number, original?: number, kind = "task") =>
  task(name, [{ at: 1, polls: 1 }], {
    kind,
    fields: new Map([...(size !== undefined ? [["size.bytes", String(size)] as [string, string]] : []), ...(original !== undefined ? [["original_size.bytes", String(original)] as [string, string]] : [])]),
  });

describe("large-future / auto-boxed-future", () => {
  it("large-future fires at ≥ 1024 bytes (tokio-console's default), configurable", () => {
    const tl = timeline([sized("big", 4096), sized("edge", 1024), sized("small", 1023), sized("old-tokio")], 1000);
    expect(runRule(largeFuture, tl).map((d) => d.task!.name)).toEqual(["big", "edge"]);
    expect(runRule(largeFuture, tl, ["large-future.threshold=2048"]).map((d) => d.task!.name)).toEqual(["big"]);
  });

  it("auto-boxed-future fires when size differs from original size", () => {
    const tl = timeline([sized("boxed", 8, 20000), sized("plain", 512, 512), sized("only-size", 64), sized("blocking", 8, 20000, "blocking")], 1000);
    const d = runRule(autoBoxedFuture, tl);
    expect(d.map((x) => x.task!.name)).toEqual(["boxed"]);
    expect(d[0]!.evidence).toMatchObject({ sizeBytes: 8, originalSizeBytes: 20000 });
  });
});
