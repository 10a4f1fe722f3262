/**
 * Speed of `console web` in Debian's chromium (playwright-core), against generated sources in the real
 * formats: a WatchUpdates body of 10 000 tasks replayed live at 1 Hz by `console serve` (each update
 * touches 1 000 tasks, spawns 50 and completes 50), and a console-subscriber recording of ~1 M events
 * (Enter/Exit/Wake lines laid out exactly as the subscriber writes them).
 *
 * Measures (medians of repeats; the machine is shared, so CPU-side figures are preferred):
 * 1. first render: navigation start → the 10 000-row table on screen (ms, page clock);
 * 2. main-thread work per live update with 10 000 tasks: Chrome's TaskDuration (CDP Performance
 *    metrics) over N updates ÷ N, and the longest task seen;
 * 3. timeline pan on the 1 M-event recording: frame intervals from a Chrome trace (browser.startTracing,
 *    DrawFrame events) while the mouse drags the timeline, and the canvas's own draw time per frame;
 * 4. page memory over a long live session: JS heap after a forced GC, sampled every 30 s.
 *
 * Run: node --import tsx bench/web-dashboard.ts [minutes-of-live-session=10]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type Page } from "playwright-core";
import { encodeUpdate } from "../src/console/protocol/encode.ts";
import type { Task, TaskStats, Timestamp, Update } from "../src/console/protocol/messages.ts";

const MINUTES = Number(process.argv[2] ?? 10);
const TASKS = 10_000;
const TOUCHED = 1_000;
const CHURN = 50;
const UPDATES = Math.max(90, Math.ceil(MINUTES * 60) + 60);
const BASE = 1_795_635_741;
const META = 94680361989096n;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const dir = mkdtempSync(path.join(os.tmpdir(), "ad-web-bench-"));

const ts = (ns: number): Timestamp => ({ seconds: BASE + Math.floor(ns / 1e9), nanos: Math.round(ns % 1e9) });
const idOf = (i: number): bigint => (i % 3 === 0 ? BigInt(i + 1) : (BigInt(i % 7) << 56n) | BigInt(i + 1));

function task(i: number): Task {
  return {
    id: idOf(i),
    metadata: META,
    kind: 0,
    fields: [
      { strName: "kind", debugVal: "task", metadataId: META },
      { strName: "task.name", debugVal: i % 10 === 0 ? `worker-${i}` : "", metadataId: META },
      { strName: "task.id", u64Val: BigInt(i + 10), metadataId: META },
    ],
    parents: [],
    location: { file: "src/server/connection.rs", line: 100 + (i % 50), column: 9 },
  };
}

function stats(i: number, tick: number, done: boolean): TaskStats {
  const t0 = 100e9 + i * 1000;
  const polls = 3 + tick * 2 + (i % 5);
  const now = 200e9 + tick * 1e9;
  return {
    createdAt: ts(t0),
    ...(done ? { droppedAt: ts(now - 1e6) } : {}),
    wakes: polls - 1,
    wakerClones: polls,
    wakerDrops: polls - 1,
    selfWakes: i % 11 === 0 ? 1 : 0,
    lastWake: ts(now - 500_000),
    pollStats: { polls, firstPoll: ts(t0 + 10_000), lastPollStarted: ts(now - 400_000), lastPollEnded: ts(now - 350_000), busyTime: { seconds: 0, nanos: polls * 20_000 } },
  };
}

/** The live stream: a 10 000-task snapshot, then one delta per second (replayed by `console serve` without meta). */
function writeLiveStream(file: string): void {
  const out: Buffer[] = [];
  const frame = (u: Update) => {
    const bytes = encodeUpdate(u);
    const head = Buffer.alloc(5);
    head.writeUInt32BE(bytes.length, 1);
    out.push(head, Buffer.from(bytes));
  };
  const snapshot = new Map<bigint, TaskStats>();
  for (let i = 0; i < TASKS; i++) snapshot.set(idOf(i), stats(i, 0, false));
  frame({
    now: ts(200e9),
    taskUpdate: { newTasks: Array.from({ length: TASKS }, (_, i) => task(i)), statsUpdate: snapshot, droppedEvents: 0 },
    newMetadata: { metadata: [{ id: META, metadata: { name: "runtime.spawn", target: "tokio::task", modulePath: "", kind: 0, level: 4, fieldNames: [] } }] },
  });
  let next = TASKS;
  let oldest = 0;
  for (let tick = 1; tick <= UPDATES; tick++) {
    const statsUpdate = new Map<bigint, TaskStats>();
    const newTasks: Task[] = [];
    for (let k = 0; k < TOUCHED; k++) {
      const i = oldest + CHURN + ((k * 7919 + tick * 104729) % (next - oldest - CHURN));
      statsUpdate.set(idOf(i), stats(i, tick, false));
    }
    for (let k = 0; k < CHURN; k++) statsUpdate.set(idOf(oldest + k), stats(oldest + k, tick, true));
    oldest += CHURN;
    for (let k = 0; k < CHURN; k++, next++) {
      newTasks.push(task(next));
      statsUpdate.set(idOf(next), stats(next, tick, false));
    }
    frame({ now: ts(200e9 + tick * 1e9), taskUpdate: { newTasks, statsUpdate, droppedEvents: 0 } });
  }
  writeFileSync(file, Buffer.concat(out));
}

/** ~1 M events: 1 000 tasks × 333 polls (Enter, Exit) with a wake before each, over 60 s, serde's layout. */
async function writeRecording(file: string): Promise<number> {
  const out = createWriteStream(file);
  const at = (ns: number) => `{"secs_since_epoch":${BASE + Math.floor(ns / 1e9)},"nanos_since_epoch":${Math.round(ns % 1e9)}}`;
  let events = 0;
  const write = (line: string) => {
    events++;
    return out.write(`${line}\n`) ? undefined : new Promise<void>((r) => out.once("drain", () => r()));
  };
  out.write('{"v":1}\n');
  const tasks = 1000;
  const polls = 333;
  for (let t = 0; t < tasks; t++) await write(`{"Spawn":{"id":${t + 1},"at":${at(t * 1000)},"fields":[{"name":"kind","value":"task"},{"name":"task.name","value":"${t % 10 === 0 ? `conn-${t}` : ""}"},{"name":"task.id","value":${t + 1}}]}}`);
  // Events in time order: poll p of task t starts at t·37 µs + p·180 ms.
  for (let p = 0; p < polls; p++) {
    for (let t = 0; t < tasks; t++) {
      const start = t * 37_000 + p * 180e6 + 1e6;
      await write(`{"Waker":{"id":${t + 1},"op":{"Wake":{"self_wake":false}},"at":${at(start - 20_000)}}}`);
      await write(`{"Enter":{"id":${t + 1},"at":${at(start)}}}`);
      await write(`{"Exit":{"id":${t + 1},"at":${at(start + 15_000 + ((t * 7 + p) % 50) * 1000)}}}`);
    }
  }
  await new Promise<void>((r) => out.end(() => r()));
  return events;
}

function startCli(args: string[], marker: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(root, "bin/async-doctor.js"), ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let text = "";
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (c: Buffer) => {
      text += c.toString();
      const at = text.indexOf(marker);
      const m = at >= 0 ? /(https?:\/\/[\w.-]+:\d+)\/?[\s),;?]/.exec(text.slice(at)) : null;
      if (m) resolve({ child, url: `${m[1]}/` });
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${text}`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

async function updatesShown(page: Page, source: number): Promise<number> {
  return Number(/(\d+) updates/.exec((await page.getByTestId(`source-status-${source}`).textContent()) ?? "")?.[1] ?? 0);
}

const liveFile = path.join(dir, "live-10k.watchupdates.grpc");
const recordingFile = path.join(dir, "million.recording.jsonl");
writeLiveStream(liveFile);
const events = await writeRecording(recordingFile);
process.stderr.write(`generated ${liveFile} (${UPDATES} updates) and ${recordingFile} (${events} events)\n`);

const replay = await startCli(["console", "serve", liveFile, "--listen", "127.0.0.1:0", "--speed", "1"], "");
const web = await startCli(["console", "web", replay.url.replace(/\/$/, ""), recordingFile, "--listen", "127.0.0.1:0"], "console web: ");
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
// The bench evaluates its probes as text; the page's CSP (no eval) would refuse them.
const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, bypassCSP: true });
const cdp = await page.context().newCDPSession(page);
// Durations in thread CPU time: the machine is shared, wall time would count the waits for a core.
await cdp.send("Performance.enable", { timeDomain: "threadTicks" });

const taskDuration = async () => ((await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration")?.value ?? 0) * 1000;

// 1. First render of the 10 000-task table (repeated on reloads; the table grows by churn only).
const firstRender: number[] = [];
const firstRenderCpu: number[] = [];
for (let i = 0; i < 5; i++) {
  await page.goto(web.url);
  await page.waitForFunction('/^\\d+ of (\\d{5,})/.test(document.querySelector("[data-testid=task-count]")?.textContent ?? "")', undefined, { polling: "raf", timeout: 60_000 });
  firstRender.push(await page.evaluate<number>("performance.now()"));
  // Chrome's metrics start again with each document: the total so far is the first render's.
  firstRenderCpu.push(await taskDuration());
}
const rows = await page.getByTestId("task-count").textContent();

// 2. Main-thread work per live update.
// In-page code is given as text: this file is type-checked against Node's globals, not the DOM's.
await page.evaluate(`window.longest = 0; new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longest = Math.max(window.longest, e.duration); }).observe({ type: "longtask" })`);
const u0 = await updatesShown(page, 0);
const w0 = await taskDuration();
await page.waitForTimeout(20_000);
const u1 = await updatesShown(page, 0);
const w1 = await taskDuration();
const perUpdate = (w1 - w0) / Math.max(1, u1 - u0);
const longest = await page.evaluate<number>("window.longest");

// 3. Pan the 1 M-event timeline while tracing frames.
await page.getByTestId("source-toggle-1").check();
await page.getByTestId("source-toggle-0").uncheck();
await page.getByTestId("view-timeline").click();
await page.getByTestId("timeline-canvas").waitFor({ timeout: 120_000 });
await page.waitForTimeout(1000);
await page.getByTestId("zoom-in").click();
await page.getByTestId("zoom-in").click();
await page.waitForTimeout(500);
await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline.frame"] });
// The pan is driven inside the page (one pointer move per animation frame, 3 s, back and forth), so the
// frames measure the page and not the round trips of a remote-controlled mouse.
const drawMs = await page.evaluate<number[]>(`new Promise((resolve) => {
  const canvas = document.querySelector("[data-testid=timeline-canvas]");
  const r = canvas.getBoundingClientRect();
  const y = r.top + r.height / 2;
  const at = (x) => ({ clientX: r.left + x * r.width, clientY: y, pointerId: 1, bubbles: true });
  canvas.dispatchEvent(new PointerEvent("pointerdown", at(0.8)));
  const draws = [];
  const start = performance.now();
  const step = () => {
    const t = performance.now() - start;
    const phase = (t % 1000) / 1000;
    canvas.dispatchEvent(new PointerEvent("pointermove", at(0.8 - 0.6 * (phase < 0.5 ? phase * 2 : 2 - phase * 2))));
    draws.push(window.__asyncDoctorTimeline[1].frameMs);
    if (t < 3000) requestAnimationFrame(step);
    else {
      canvas.dispatchEvent(new PointerEvent("pointerup", at(0.8)));
      resolve(draws);
    }
  };
  requestAnimationFrame(step);
})`);
const trace = JSON.parse((await browser.stopTracing()).toString("utf8")) as { traceEvents: { name: string; ts: number; ph: string }[] };
const frames = trace.traceEvents.filter((e) => e.name === "DrawFrame").map((e) => e.ts / 1000).sort((a, b) => a - b);
const intervals = frames.slice(1).map((t, i) => t - frames[i]!);
const fullTimeline = await page.evaluate<{ rowsDrawn: number; wakesDrawn: number }>("window.__asyncDoctorTimeline[1]");

// 4. Page memory over a long live session (the table of source 0, updating at 1 Hz).
await page.getByTestId("source-toggle-0").check();
await page.getByTestId("source-toggle-1").uncheck();
await page.getByTestId("view-tasks").click();
await cdp.send("HeapProfiler.enable");
const heap: { minute: number; mb: number; updates: number }[] = [];
const started = Date.now();
for (;;) {
  await cdp.send("HeapProfiler.collectGarbage");
  const usage = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
  heap.push({ minute: Math.round((Date.now() - started) / 6000) / 10, mb: Math.round(usage.usedSize / 1e5) / 10, updates: await updatesShown(page, 0) });
  if (Date.now() - started >= MINUTES * 60_000) break;
  await page.waitForTimeout(Math.min(30_000, MINUTES * 60_000));
}

await browser.close();
web.child.kill();
replay.child.kill();

console.log(`machine: ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, node ${process.version}, chromium headless (no GPU), load ${os.loadavg()[0]!.toFixed(1)}`);
console.log(`table: ${rows}`);
console.table([
  { measure: "first render of the task table, wall (ms)", median: median(firstRender).toFixed(0), all: firstRender.map((x) => x.toFixed(0)).join(" ") },
  { measure: "first render, main-thread CPU (ms)", median: median(firstRenderCpu).toFixed(0), all: firstRenderCpu.map((x) => x.toFixed(0)).join(" ") },
  { measure: `main-thread CPU per 1 Hz update (ms, over ${u1 - u0} updates)`, median: perUpdate.toFixed(1), all: `longest task (wall) ${longest.toFixed(0)} ms` },
  { measure: `timeline pan, ${events} events: frame interval (ms)`, median: median(intervals).toFixed(1), all: `p95 ${pct(intervals, 95).toFixed(1)}, ${frames.length} frames traced` },
  { measure: "timeline canvas draw per frame (ms)", median: median(drawMs).toFixed(1), all: `p95 ${pct(drawMs, 95).toFixed(1)}, ${fullTimeline?.rowsDrawn} rows, ${fullTimeline?.wakesDrawn} wake markers` },
  { measure: `page JS heap after GC over ${MINUTES} min (MB)`, median: heap.map((h) => h.mb).join(" → "), all: `updates ${heap[0]?.updates}…${heap.at(-1)?.updates}` },
]);
