/**
 * Recording ingest speed: a generated console-subscriber recording of ≥ 5 million events (written to a
 * temp dir, deleted afterwards) read into the state model, compared in the same run with the floor of
 * merely splitting the file into lines and JSON.parse-ing each line.
 * Run: node --import tsx bench/console-ingest.ts [events=5000000]
 */
import { createReadStream, mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConsoleState } from "../src/console/model/console-state.ts";
import { openRecordingSource } from "../src/console/recording/recording-source.ts";
import { reportBench } from "./lib/report.ts";

const EVENTS = Number(process.argv[2] ?? 5_000_000);
const dir = mkdtempSync(path.join(os.tmpdir(), "async-doctor-ingest-"));
const file = path.join(dir, "big.recording.jsonl");

/** Writes a recording shaped like console-subscriber's: 1 000 live tasks, 20 polls each, wakers, closes. */
function generate(): { events: number; tasks: number } {
  const fd = openSync(file, "w");
  let out = '{"v":1}\n';
  let events = 0;
  let tasks = 0;
  let ns = 0;
  const base = 1_795_635_741;
  const at = () => {
    ns += 8_000 + (events % 7) * 1_000;
    return `{"secs_since_epoch":${base + Math.floor(ns / 1e9)},"nanos_since_epoch":${ns % 1e9}}`;
  };
  const emit = (line: string) => {
    out += line + "\n";
    events++;
    if (out.length > 4_000_000) {
      writeSync(fd, out);
      out = "";
    }
  };
  // ids: a third small, the rest with sharded-slab generation bits (above 2^53)
  const idOf = (k: number) => (k % 3 === 0 ? String(k + 1) : String((BigInt(k % 5 + 1) << 55n) | BigInt(k + 1)));
  const live: { id: string; polls: number }[] = [];
  const spawn = () => {
    const id = idOf(tasks++);
    emit(`{"Spawn":{"id":${id},"at":${at()},"fields":[{"name":"kind","value":"task"},{"name":"task.name","value":"${tasks % 10 === 0 ? `conn-${tasks}` : ""}"},{"name":"task.id","value":${tasks + 10}}]}}`);
    live.push({ id, polls: 0 });
  };
  for (let i = 0; i < 1000; i++) spawn();
  let cursor = 0;
  while (events < EVENTS) {
    cursor = (cursor + 1) % live.length;
    const t = live[cursor];
    emit(`{"Waker":{"id":${t.id},"op":"Clone","at":${at()}}}`);
    emit(`{"Waker":{"id":${t.id},"op":{"Wake":{"self_wake":false}},"at":${at()}}}`);
    emit(`{"Enter":{"id":${t.id},"at":${at()}}}`);
    if (t.polls % 5 === 4) emit(`{"Waker":{"id":${t.id},"op":{"WakeByRef":{"self_wake":true}},"at":${at()}}}`);
    emit(`{"Exit":{"id":${t.id},"at":${at()}}}`);
    if (++t.polls === 20) {
      emit(`{"Close":{"id":${t.id},"at":${at()}}}`);
      live.splice(cursor, 1);
      spawn();
    }
  }
  writeSync(fd, out);
  closeSync(fd);
  return { events, tasks };
}

async function floor(): Promise<number> {
  let lines = 0;
  let leftover = "";
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    let nl = chunk.indexOf(10);
    if (leftover && nl >= 0) {
      JSON.parse(leftover + chunk.toString("utf8", 0, nl));
      lines++;
      leftover = "";
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    while (nl >= 0) {
      JSON.parse(chunk.toString("utf8", start, nl));
      lines++;
      start = nl + 1;
      nl = chunk.indexOf(10, start);
    }
    leftover += chunk.toString("utf8", start);
  }
  return lines;
}

async function ingest(histograms = false): Promise<{ events: number; tasks: number; updates: number }> {
  const source = openRecordingSource(file, { histograms });
  const state = new ConsoleState();
  for await (const item of source) {
    if (item.update) state.applyUpdate(item.update);
    else state.applyTaskDetails(item.taskDetails);
  }
  return { events: source.info.events, tasks: [...state.allTasks()].length, updates: state.updates };
}

/** Runs body; returns its result and the CPU seconds (user + system) it used — robust on a shared, loaded machine. */
async function timed<T>(body: () => Promise<T>): Promise<[T, number]> {
  const c0 = process.cpuUsage();
  const r = await body();
  const c = process.cpuUsage(c0);
  return [r, (c.user + c.system) / 1e6];
}

try {
  const [gen, genS] = await timed(async () => generate());
  const size = statSync(file).size;
  console.log(`machine: ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`);
  console.log(`generated ${gen.events} events, ${gen.tasks} tasks, ${(size / 1e6).toFixed(0)} MB in ${genS.toFixed(1)} s`);
  const rows = [];
  let bestFloor = Infinity;
  let bestOurs = Infinity;
  for (let round = 0; round < 3; round++) {
    const [lines, floorS] = await timed(floor);
    const [result, oursS] = await timed(() => ingest(false));
    const [, histS] = await timed(() => ingest(true));
    bestFloor = Math.min(bestFloor, floorS);
    bestOurs = Math.min(bestOurs, oursS);
    if (result.events !== gen.events || lines !== gen.events + 1) throw new Error(`count mismatch: ${result.events} / ${lines} vs ${gen.events}`);
    rows.push({ round, "floor cpu s": floorS.toFixed(2), "floor ev/s": Math.round(gen.events / floorS), "ingest cpu s": oursS.toFixed(2), "ingest ev/s": Math.round(gen.events / oursS), ratio: (oursS / floorS).toFixed(2), "+histograms cpu s": histS.toFixed(2), "ratio h": (histS / floorS).toFixed(2), tasks: result.tasks, updates: result.updates });
  }
  console.table(rows);
  console.log(`best: floor (split + JSON.parse) ${Math.round(gen.events / bestFloor)} events/s; ingest into the model ${Math.round(gen.events / bestOurs)} events/s; ratio ${(bestOurs / bestFloor).toFixed(2)}×`);
  console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB (file ${(size / 1e6).toFixed(0)} MB)`);
  reportBench({
    title: "console: ingesting a large recording into the model",
    baseline: "splitting the same file into lines and JSON.parse-ing each (the floor), in the same run",
    method: `a generated console-subscriber recording of ${gen.events.toLocaleString("en-US")} events (${(size / 1e6).toFixed(0)} MB, ${gen.tasks.toLocaleString("en-US")} tasks), CPU time of this process, 3 rounds`,
    tables: [{ columns: Object.keys(rows[0]!), rows: rows.map((r) => Object.values(r).map((v) => String(v))) }],
    notes: [
      `best: floor ${Math.round(gen.events / bestFloor).toLocaleString("en-US")} events/s; ingest ${Math.round(gen.events / bestOurs).toLocaleString("en-US")} events/s = ${(bestOurs / bestFloor).toFixed(2)}× the floor's time`,
      `RSS at the end ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB (the file is ${(size / 1e6).toFixed(0)} MB: streamed)`,
    ],
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
