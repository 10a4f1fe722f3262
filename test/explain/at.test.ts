import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { explainAt, parseTarget } from "../../src/explain/at/run-explain-at.ts";
import { projectRoot } from "../support/shared.ts";
import { runCli } from "../support/cli.ts";

const casesFile = path.join(projectRoot, "test/explain/fixtures/at-cases.rs");
const caseText = readFileSync(casesFile, "utf8").split("\n");
/** Line number of the `// @marker` comment (markers keep the tests independent of line shifts). */
const at = (marker: string) => {
  const index = caseText.findIndex((line) => line.includes(`// @${marker}`));
  if (index < 0) throw new Error(`marker ${marker} missing`);
  return `${casesFile}:${index + 1}`;
};
const lineOf = (marker: string) => Number(at(marker).split(":").pop());

describe("explain --at on its own cases", () => {
  it("lists await points in order with the locals stored across each", async () => {
    const { machine } = await explainAt(at("stores"));
    expect(machine.kind).toBe("async fn");
    expect(machine.name).toBe("stores_what_it_needs");
    expect(machine.awaits.map((point) => point.line)).toEqual([lineOf("read-exact"), lineOf("read-exact") + 2]);
    const [first, second] = machine.awaits;
    const names = (point: typeof first) => point!.stored.map((local) => local.name);
    // data, total and header are read after the first await; unused_later is read only by the second await's call,
    // which runs before that await suspends, so it is still needed at the first one.
    expect(names(first)).toEqual(expect.arrayContaining(["data", "total", "header", "unused_later"]));
    expect(names(second)).not.toContain("unused_later");
    expect(names(second)).toEqual(expect.arrayContaining(["data", "total", "header", "first"]));
    expect(second!.stored.find((local) => local.name === "first")?.borrows).toBe("data");
    expect(machine.selfReferences).toEqual([{ name: "first", borrows: "data", line: lineOf("read-exact") + 1 }]);
  });

  it("marks non-cancel-safe awaits", async () => {
    const { machine } = await explainAt(at("read-exact"));
    expect(machine.awaits[0]!.cancellation).toMatch(/read_exact. is not cancel-safe/);
    expect(machine.awaits[1]!.cancellation).not.toMatch(/not cancel-safe/);
  });

  it("a guard dropped before the await is not stored; a held one makes the future !Send", async () => {
    const dropped = (await explainAt(at("dropped-guard"))).machine;
    expect(dropped.notSend).toEqual([]);
    expect(dropped.awaits[0]!.stored.map((local) => local.name)).not.toContain("guard");
    const held = (await explainAt(at("held-guard"))).machine;
    expect(held.notSend).toHaveLength(1);
    expect(held.notSend[0]).toMatchObject({ name: "guard", acrossAwaitsAt: [lineOf("held-guard") + 1] });
    expect(held.notSend[0]!.reason).toMatch(/MutexGuard is !Send/);
  });

  it("finds guard temporaries in a statement and in an if-let scrutinee, and Rc parameters", async () => {
    const { machine } = await explainAt(at("temporary"));
    const temporary = machine.awaits.find((point) => point.line === lineOf("temporary"))!;
    expect(temporary.temporaryGuard).toMatch(/MutexGuard temporary/);
    const scrutinee = machine.awaits.find((point) => point.line === lineOf("scrutinee"))!;
    expect(scrutinee.temporaryGuard).toMatch(/RefCell borrow .* scrutinee/);
    expect(machine.notSend.map((value) => value.name)).toContain("shared");
  });

  it("treats select! as an await point and knows awaits inside its handlers", async () => {
    const { machine } = await explainAt(at("select"));
    expect(machine.awaits[0]).toMatchObject({ line: lineOf("select"), via: "select!" });
    expect(machine.awaits[0]!.cancellation).toMatch(/losing branches/);
    const handler = machine.awaits.find((point) => point.line === lineOf("in-handler"))!;
    expect(handler.via).toBe("select! handler");
    expect(handler.cancellation).toMatch(/send. is not cancel-safe/);
    // `seen` is used again in the next loop iteration, so it is stored at the select.
    expect(machine.awaits[0]!.stored.map((local) => local.name)).toEqual(expect.arrayContaining(["rx", "tx", "seen"]));
    expect(machine.spawns).toEqual([{ line: lineOf("spawn"), call: "tokio::spawn", note: expect.stringMatching(/^detached/) }]);
    // The spawned block's own await is a different state machine.
    expect(machine.awaits.some((point) => point.line === lineOf("spawn"))).toBe(false);
  });

  it("explains an async block inside a sync fn, and refuses a sync fn", async () => {
    const { machine } = await explainAt(at("block"));
    expect(machine.kind).toBe("async block");
    expect(machine.awaits).toHaveLength(1);
    expect(machine.awaits[0]!.stored.map((local) => local.name)).toEqual(["x"]);
    await expect(explainAt(at("sync"))).rejects.toThrow(/not async/);
  });

  it("parses FILE:LINE and rejects bad targets", async () => {
    expect(parseTarget("src/a.rs:12")).toEqual({ file: "src/a.rs", line: 12 });
    expect(parseTarget("src/a.rs:12:5")).toEqual({ file: "src/a.rs", line: 12 });
    expect(() => parseTarget("src/a.rs")).toThrow(/FILE:LINE/);
    await expect(explainAt("does/not/exist.rs:3")).rejects.toThrow(/no such file/);
    await expect(explainAt(`${casesFile}:100000`)).rejects.toThrow(/no line 100000/);
  });
});

describe("explain --at on the bundled example crate", () => {
  const main = path.join(projectRoot, "examples/ticket-service/src/main.rs");
  const text = readFileSync(main, "utf8").split("\n");
  const lineContaining = (needle: string) => text.findIndex((line) => line.includes(needle)) + 1;

  it("report_stats holds a std MutexGuard across an await, and the lint finding is attached", async () => {
    const result = await explainAt(`${main}:${lineContaining("async fn report_stats")}`);
    expect(result.machine.name).toBe("report_stats");
    expect(result.machine.notSend.map((value) => value.name)).toEqual(["issued"]);
    expect(result.findings.map((finding) => finding.rule)).toContain("guard-across-await");
  });

  it("a value computed from a guard temporary (`m.lock().unwrap().len()`) is not a guard", async () => {
    const result = await explainAt(`${main}:${lineContaining("let issued = store.issued.lock().unwrap().len();")}`);
    expect(result.machine.name).toBe("handle_client");
    expect(result.machine.notSend).toEqual([]);
  });

  it("audit_writer's select! loop comes with its lint findings", async () => {
    const result = await explainAt(`${main}:${lineContaining("std::fs::write")}`);
    expect(result.machine.name).toBe("audit_writer");
    expect(result.machine.awaits[0]!.via).toBe("select!");
    const rules = result.findings.map((finding) => finding.rule);
    expect(rules).toEqual(expect.arrayContaining(["select-recreated-future", "blocking-in-async"]));
  });

  it("the CLI prints text, markdown and json", async () => {
    const target = `${main}:${lineContaining("async fn handle_client")}`;
    const text = await runCli(["explain", "--at", target]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("async fn handle_client");
    expect(text.stdout).toMatch(/Await points \(\d+\), in source order/);
    const markdown = await runCli(["explain", "--at", target, "--format", "markdown"]);
    expect(markdown.stdout.startsWith("# async fn handle_client")).toBe(true);
    const json = await runCli(["explain", "--at", target, "-f", "json"]);
    const parsed = JSON.parse(json.stdout) as { function: { name: string }; awaits: unknown[]; unpin: boolean };
    expect(parsed.function.name).toBe("handle_client");
    expect(parsed.awaits.length).toBeGreaterThan(2);
    expect(parsed.unpin).toBe(false);
  }, 180_000);

  it("bad targets exit 2 with one line", async () => {
    const result = await runCli(["explain", "--at", "nope.rs:1"]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("explain --at on a hand-written poll method", () => {
  it("points at the hand-written-future topic instead of a state machine", async () => {
    const file = path.join(projectRoot, "test/fixtures/rust/lint-cases/src/pending_without_waker.rs");
    const line = readFileSync(file, "utf8").split("\n").findIndex((text) => /fn poll\(/.test(text)) + 2;
    await expect(explainAt(`${file}:${line}`)).rejects.toThrow(/hand-written .*explain hand-written-future/);
  });
});

describe("explain --at on every async fn of the lint fixtures", () => {
  const dir = path.join(projectRoot, "test/fixtures/rust/lint-cases/src");
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".rs"))) {
    it(file, async () => {
      const lines = readFileSync(path.join(dir, file), "utf8").split("\n");
      let explained = 0;
      for (const [index, line] of lines.entries()) {
        if (!/^\s*(pub(\([a-z]+\))?\s+)?async fn\b/.test(line)) continue;
        const result = await explainAt(`${path.join(dir, file)}:${index + 1}`);
        expect(result.machine.startLine).toBe(index + 1);
        expect(result.lintError).toBeUndefined();
        explained++;
        // Every guard the lint reports inside this fn is also visible in the state machine.
        const guardFindings = result.findings.filter((finding) => finding.rule === "guard-across-await");
        if (guardFindings.length) {
          const seen = result.machine.notSend.length + result.machine.awaits.filter((point) => point.temporaryGuard).length;
          expect(seen, `${file}:${index + 1}`).toBeGreaterThan(0);
        }
      }
      expect(explained).toBe(lines.filter((line) => /^\s*(pub(\([a-z]+\))?\s+)?async fn\b/.test(line)).length);
    });
  }
});
