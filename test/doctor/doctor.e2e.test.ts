/**
 * `async-doctor doctor`: a crate laid out like the kitchen-sink program (its real source), the program's
 * real WatchUpdates stream as the runtime input, and a real panic log; the report is opened from file://
 * in chromium with the network unused.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../support/cli.ts";
import { sharedFixture } from "../support/shared.ts";
import { launchBrowser, requireChromium, saveScreenshot, watchErrors } from "../web/support.ts";

const haveChromium = requireChromium();
const grpc = sharedFixture("console", "kitchen-sink.watchupdates.grpc");
const panicLog = sharedFixture("backtraces", "tokio_mt.spawn.debug.bt1.txt");

let dir: string;
let crate: string;
let result: CliResult;
let browser: BrowserContext | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "ad-doctor-"));
  crate = path.join(dir, "kitchen-sink");
  mkdirSync(path.join(crate, "src/bin"), { recursive: true });
  writeFileSync(path.join(crate, "Cargo.toml"), '[package]\nname = "kitchen-sink"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ntokio = { version = "1", features = ["full"] }\n');
  copyFileSync(sharedFixture("console", "kitchen-sink.rs"), path.join(crate, "src/bin/kitchen-sink.rs"));
  result = await runCli(["doctor", crate, "--recording", grpc, "--log", panicLog, "--out", path.join(dir, "report.html")]);
  if (haveChromium) browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** The line of kitchen-sink.rs with the std::thread::sleep inside the `blocker` task (read from the source). */
function blockingSleepLine(): number {
  const lines = readFileSync(sharedFixture("console", "kitchen-sink.rs"), "utf8").split("\n");
  return lines.findIndex((l) => l.includes("std::thread::sleep(ms(300))")) + 1;
}

describe("doctor", () => {
  it("lints, checks, cleans the log, correlates, and writes the report and JSON (exit 1: findings)", () => {
    expect(result.stderr).not.toMatch(/error:/);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as { report: string; json: string; correlations: number };
    expect(existsSync(summary.report)).toBe(true);
    const json = JSON.parse(readFileSync(summary.json, "utf8")) as {
      lint: { findings: { rule: string; line: number; file: string }[] };
      runtime: { diagnoses: { rule: string; task: { name: string } | null }[] }[];
      panics: { message: string; frames: { name: string }[] }[];
      correlations: { kind: string; title: string; finding: { rule: string; line: number } }[];
    };
    const sleep = blockingSleepLine();
    expect(json.lint.findings.map((f) => [f.rule, f.line])).toContainEqual(["blocking-in-async", sleep]);
    expect(json.runtime[0]!.diagnoses.map((d) => [d.rule, d.task?.name])).toContainEqual(["blocking-poll", "blocker"]);
    // The blocking poll the runtime saw is the std::thread::sleep lint flagged — and nothing else is tied to it.
    expect(json.correlations).toEqual([expect.objectContaining({ kind: "diagnosis", title: "blocking-poll on 'blocker'", finding: expect.objectContaining({ rule: "blocking-in-async", line: sleep }) })]);
    const logText = readFileSync(panicLog, "utf8");
    expect(json.panics).toHaveLength(1);
    expect(logText).toContain(json.panics[0]!.message);
    expect(json.panics[0]!.frames.some((f) => f.name.includes("btdemo"))).toBe(true);
  });

  it.skipIf(!haveChromium)("the report opens from file:// with every section, and loads nothing from anywhere", async () => {
    const page = await browser!.newPage();
    const errors = watchErrors(page);
    const outside: string[] = [];
    page.on("request", (r) => {
      if (!/^(file|data):/.test(r.url())) outside.push(r.url());
    });
    await page.goto(`file://${path.join(dir, "report.html")}`);
    for (const section of ["doctor-summary", "correlations", "lint-findings", "panics"]) await page.getByTestId(section).waitFor();
    expect(await page.getByTestId("correlation").count()).toBe(1);
    expect(await page.getByTestId("panics").textContent()).toContain("value 47 out of range");
    saveScreenshot("doctor-report.png", await page.screenshot({ fullPage: true }));
    await page.getByTestId("view-tasks").click();
    await expect.poll(() => page.getByTestId("task-count").textContent()).toBe("212 of 212 tasks");
    await page.getByTestId("view-timeline").click();
    await page.getByTestId("timeline-canvas").waitFor();
    await page.getByTestId("view-resources").click();
    await page.getByTestId("resource-row").first().waitFor();
    await page.getByTestId("view-diagnoses").click();
    await page.locator('[data-testid=diagnosis][data-rule="blocking-poll"]').waitFor();
    // Task detail from the embedded data: the blocker's histogram.
    await page.getByTestId("diagnosis-task").first().click();
    await page.getByTestId("task-detail").waitFor();
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("refuses bad input with one line and exit 2", async () => {
    for (const args of [
      ["doctor", crate, "--target", "127.0.0.1:1", "--recording", grpc],
      ["doctor", crate, "--recording", path.join(dir, "missing.jsonl")],
      ["doctor", crate, "--out", path.join(dir, "report.txt")],
      ["doctor", path.join(dir, "no-crate")],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
  });
});
