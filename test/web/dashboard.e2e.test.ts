/**
 * `console web` in a real browser: the kitchen-sink WatchUpdates stream replayed live by `console serve`
 * (its TaskDetails beside it), the same run's recording, and a recording written by a real tokio program
 * (the console-scenarios `blocking-poll` scenario). Expected values come from independent readings of the
 * fixtures: the protobufjs oracle (`*.decoded.jsonl`) and a line-by-line parse of the recordings.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRawLines, rawTasks, type RawTask } from "../console/programs/raw-recording.ts";
import { buildScenarios, runScenario, type ScenarioRun } from "../console/programs/scenario-runner.ts";
import { requireCargo } from "../support/rust.ts";
import { projectRoot, sharedFixture } from "../support/shared.ts";
import { launchBrowser, pngStats, requireChromium, saveScreenshot, startCli, watchErrors, type Child } from "./support.ts";

const haveChromium = requireChromium();
const haveCargo = requireCargo();
const grpc = sharedFixture("console", "kitchen-sink.watchupdates.grpc");
const recording = sharedFixture("console", "kitchen-sink.recording.jsonl");

/** Task names and count announced in the oracle's decoding of the WatchUpdates stream. */
function oracleTasks(): { count: number; names: Set<string> } {
  let count = 0;
  const names = new Set<string>();
  for (const line of readFileSync(sharedFixture("console", "kitchen-sink.watchupdates.decoded.jsonl"), "utf8").split("\n")) {
    if (!line.trim()) continue;
    const update = JSON.parse(line) as { task_update?: { new_tasks?: { fields?: { str_name?: string; debug_val?: string }[] }[] } };
    for (const task of update.task_update?.new_tasks ?? []) {
      count++;
      const name = task.fields?.find((f) => f.str_name === "task.name")?.debug_val;
      if (name) names.add(name);
    }
  }
  return { count, names };
}

function rawRecordingTasks(file: string): RawTask[] {
  return rawTasks(parseRawLines(readFileSync(file, "utf8")).events).tasks;
}

/** What the Timeline canvas publishes about its last frame (src/web/app/views/timeline-view.tsx). */
interface TimelineStatsWindow {
  __asyncDoctorTimeline?: Record<number, { barsByKey: Record<string, number> }>;
}

let browser: BrowserContext;
let replay: Child;
let web: Child;
let scenario: ScenarioRun | undefined;
let crateDir: string;

beforeAll(async () => {
  if (!haveChromium) return;
  // A crate laid out like the program's own (Location.file is src/bin/kitchen-sink.rs), for source excerpts.
  crateDir = mkdtempSync(path.join(os.tmpdir(), "ad-web-crate-"));
  mkdirSync(path.join(crateDir, "src/bin"), { recursive: true });
  writeFileSync(path.join(crateDir, "Cargo.toml"), '[package]\nname = "kitchen-sink"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ntokio = { version = "1", features = ["full"] }\n');
  copyFileSync(sharedFixture("console", "kitchen-sink.rs"), path.join(crateDir, "src/bin/kitchen-sink.rs"));
  if (haveCargo) {
    await buildScenarios();
    scenario = await runScenario("blocking-poll");
  }
  // Replayed at 2× speed: the 13 updates arrive over ~6 s, so the page sees them arrive.
  replay = await startCli(["console", "serve", grpc, "--listen", "127.0.0.1:0", "--speed", "2"]);
  const target = replay.url.replace(/\/$/, "");
  web = await startCli(["console", "web", target, recording, ...(scenario ? [scenario.recordingPath] : []), "--listen", "127.0.0.1:0", "--crate", crateDir], {}, "console web: ");
  browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await replay?.stop();
});

async function openPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(web.url);
  await page.getByTestId("source-toggle-0").waitFor();
  return { page, errors };
}

/** Shows only source `index` (the first is shown by default). */
async function showOnly(page: Page, index: number): Promise<void> {
  const toggles = await page.getByTestId("sources").locator("input[type=checkbox]").count();
  if (index !== 0) await page.getByTestId(`source-toggle-${index}`).check();
  for (let i = 0; i < toggles; i++) if (i !== index && (await page.getByTestId(`source-toggle-${i}`).isChecked())) await page.getByTestId(`source-toggle-${i}`).uncheck();
}

describe.skipIf(!haveChromium)("console web in chromium", () => {
  it("pushes live updates as the replayed stream arrives, and the table ends with the stream's tasks", async () => {
    // Its own replay at real speed (13 updates over ~12 s) and dashboard, so the page is open while they arrive.
    const liveReplay = await startCli(["console", "serve", grpc, "--listen", "127.0.0.1:0", "--speed", "1"]);
    const liveWeb = await startCli(["console", "web", liveReplay.url.replace(/\/$/, ""), "--listen", "127.0.0.1:0"], {}, "console web: ");
    const page = await browser.newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(liveWeb.url);
      await live(page, errors);
    } finally {
      await page.close();
      await liveWeb.stop();
      await liveReplay.stop();
    }
  }, 90_000);

  async function live(page: Page, errors: string[]): Promise<void> {
    const status = page.getByTestId("source-status-0");
    await status.waitFor();
    const updatesShown = async () => Number(/(\d+) updates/.exec((await status.textContent()) ?? "")?.[1] ?? 0);
    const first = await updatesShown();
    const firstCount = await page.getByTestId("task-count").textContent();
    await expect.poll(updatesShown, { timeout: 30_000 }).toBeGreaterThan(first);
    await expect.poll(updatesShown, { timeout: 30_000 }).toBe(13);
    const oracle = oracleTasks();
    await expect.poll(async () => page.getByTestId("task-count").textContent(), { timeout: 30_000 }).toBe(`${oracle.count} of ${oracle.count} tasks`);
    expect(firstCount).not.toBe(`${oracle.count} of ${oracle.count} tasks`);
    const names = await page.getByTestId("task-name").allTextContents();
    for (const name of ["lost-waker", "blocker", "self-waker", "mutex-a", "mutex-b", "sem-a", "sem-b", "ticker", "blocking-job"]) {
      expect(oracle.names.has(name)).toBe(true);
      expect(names, name).toContain(name);
    }
    // The filter language of `console snapshot --filter`.
    await page.getByTestId("task-filter").fill("name~mutex,polls>30");
    await expect.poll(() => page.getByTestId("task-count").textContent(), { timeout: 30_000 }).toBe(`2 of ${oracle.count} tasks`);
    await page.getByTestId("task-filter").fill("polls>>3");
    await expect.poll(() => page.getByTestId("filter-error").textContent(), { timeout: 30_000 }).toContain("polls");
    const shot = saveScreenshot("tasks.png", await page.screenshot());
    expect(shot.foreground).toBeGreaterThan(20_000);
    expect(errors).toEqual([]);
  }

  it("shows the blocking-poll diagnosis for the blocking task, pinned in the table and in Diagnoses", async () => {
    const { page, errors } = await openPage();
    await expect.poll(() => page.getByTestId("pinned-diagnoses").textContent(), { timeout: 30_000 }).toContain("blocking-poll");
    await page.getByTestId("view-diagnoses").click();
    const blocking = page.locator('[data-testid=diagnosis][data-rule="blocking-poll"]');
    await expect.poll(() => blocking.getAttribute("data-task"), { timeout: 30_000 }).toBe("blocker");
    await expect.poll(() => page.locator('[data-testid=diagnosis][data-rule="lost-waker"]').getAttribute("data-task"), { timeout: 30_000 }).toBe("lost-waker");
    if (scenario) {
      await showOnly(page, 2);
      await expect.poll(() => page.locator('[data-testid=diagnosis][data-rule="blocking-poll"]').getAttribute("data-task"), { timeout: 30_000 }).toBe("blocker");
    }
    saveScreenshot("diagnoses.png", await page.screenshot());
    expect(errors).toEqual([]);
    await page.close();
  });

  it("draws one bar per poll of a known task from a recording's Enter/Exit", async () => {
    const { page, errors } = await openPage();
    const cases: { source: number; file: string }[] = [{ source: 1, file: recording }];
    if (scenario) cases.push({ source: 2, file: scenario.recordingPath });
    for (const c of cases) {
      await showOnly(page, c.source);
      await page.getByTestId("view-timeline").click();
      await page.getByTestId("timeline-canvas").waitFor();
      const blocker = rawRecordingTasks(c.file).find((t) => t.name === "blocker")!;
      expect(blocker.polls.length).toBeGreaterThanOrEqual(4);
      await page.getByTestId("timeline-filter").fill("blocker");
      await expect
        .poll(async () => page.evaluate(([s, id]) => (globalThis as unknown as TimelineStatsWindow).__asyncDoctorTimeline?.[s as number]?.barsByKey[id as string], [c.source, blocker.id] as const), { timeout: 20_000 })
        .toBe(blocker.polls.length);
      await page.getByTestId("timeline-filter").fill("");
    }
    // The kitchen-sink timeline with everything: the README's picture.
    await showOnly(page, 1);
    await page.getByTestId("timeline-canvas").waitFor();
    await page.waitForTimeout(300);
    const png = await page.screenshot();
    const shot = saveScreenshot("timeline.png", png);
    expect(shot.foreground).toBeGreaterThan(50_000);
    expect(shot.colours).toBeGreaterThan(20);
    if (process.env.ASYNC_DOCTOR_UPDATE_SCREENSHOTS) writeFileSync(path.join(projectRoot, "docs/images/timeline.png"), png);
    const canvasShot = pngStats(await page.getByTestId("timeline-canvas").screenshot());
    expect(canvasShot.foreground).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("renders the poll-time histogram, percentiles, the spawn site's source and its lint findings in Task detail", async () => {
    const { page, errors } = await openPage();
    await page.getByTestId("task-filter").fill("name=blocker");
    await page.getByTestId("task-row").first().click();
    await expect.poll(() => page.getByTestId("detail-title").textContent(), { timeout: 30_000 }).toBe("blocker");
    const histogram = page.getByTestId("poll-histogram");
    await histogram.locator("canvas").waitFor({ timeout: 30_000 });
    // The TaskDetails stream beside the fixture: 1 poll near 15.7 µs, 3 polls in the 299.9 ms bucket.
    await expect.poll(() => page.getByTestId("poll-histogram-percentiles").textContent(), { timeout: 30_000 }).toContain("301.99ms");
    const chart = pngStats(await histogram.screenshot());
    expect(chart.foreground).toBeGreaterThan(1_000);
    await expect.poll(() => page.getByTestId("spawn-site").textContent(), { timeout: 30_000 }).toContain("kitchen-sink.rs:69");
    await expect.poll(() => page.getByTestId("spawn-findings").textContent(), { timeout: 30_000 }).toContain("blocking-in-async");
    saveScreenshot("task-detail.png", await page.screenshot());
    expect(errors).toEqual([]);
    await page.close();
  });

  it("lists resources with their waiters, and shows two sources side by side", async () => {
    const { page, errors } = await openPage();
    await page.getByTestId("view-resources").click();
    await page.getByTestId("resource-row").first().waitFor({ state: "visible", timeout: 30_000 });
    await expect.poll(() => page.getByTestId("resources-view").textContent(), { timeout: 30_000 }).toContain("Mutex");
    await expect.poll(() => page.getByTestId("resources-view").textContent(), { timeout: 30_000 }).toContain("Semaphore");
    await page.getByTestId("source-toggle-1").check();
    await page.getByTestId("view-tasks").click();
    await page.getByTestId("column-0").waitFor({ state: "visible", timeout: 30_000 });
    await page.getByTestId("column-1").waitFor({ state: "visible", timeout: 30_000 });
    await expect.poll(() => page.getByTestId("column-1").getByTestId("task-count").textContent(), { timeout: 30_000 }).toContain("212");
    saveScreenshot("side-by-side.png", await page.screenshot());
    expect(errors).toEqual([]);
    await page.close();
  });

  it("exports the report, which opens from file:// with every view", async () => {
    const response = await fetch(`${web.url}api/report.html`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "ad-report-")), "report.html");
    writeFileSync(file, html);
    const page = await browser.newPage();
    const errors = watchErrors(page);
    const outside: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) outside.push(r.url());
    });
    await page.goto(`file://${file}`);
    await expect.poll(() => page.getByTestId("pinned-diagnoses").textContent(), { timeout: 30_000 }).toContain("blocking-poll");
    await page.getByTestId("view-timeline").click();
    await showOnly(page, 1);
    await page.getByTestId("timeline-canvas").waitFor();
    await page.getByTestId("view-diagnoses").click();
    await page.locator('[data-testid=diagnosis][data-rule="lost-waker"]').first().waitFor({ state: "visible", timeout: 30_000 });
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

