/**
 * Live-update scale of the console state model: a snapshot of 100 000 tasks (with resources), then
 * deltas touching 10 000 tasks each, as protobuf bytes like the wire carries them.
 * Reports ms per update (decode + apply, and apply alone) and heap bytes per task held by the model.
 * Run: node --import tsx bench/console-model.ts [tasks=100000] [touched=10000]
 */
import os from "node:os";
import v8 from "node:v8";
import vm from "node:vm";
import { ConsoleState } from "../src/console/model/console-state.ts";
import { decodeUpdate, encodeUpdate } from "../src/console/protocol/decode.ts";
import type { Task, TaskStats, Timestamp, Update } from "../src/console/protocol/messages.ts";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const TASKS = Number(process.argv[2] ?? 100_000);
const TOUCHED = Number(process.argv[3] ?? 10_000);
const DELTAS = 20;
const BASE = 1_795_635_741;
const META = 94680361989096n;

const ts = (ns: number): Timestamp => ({ seconds: BASE + Math.floor(ns / 1e9), nanos: ns % 1e9 });
// Span ids like a real subscriber's: small slab indexes with generation/shard bits, many above 2^53.
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

function stats(i: number, tick: number): TaskStats {
  const t0 = i * 1000;
  const polls = 3 + tick * 2 + (i % 5);
  return {
    createdAt: ts(t0),
    wakes: polls - 1,
    wakerClones: polls,
    wakerDrops: polls - 1,
    selfWakes: i % 11 === 0 ? 1 : 0,
    lastWake: ts(t0 + tick * 1e9 + 500_000),
    pollStats: {
      polls,
      firstPoll: ts(t0 + 10_000),
      lastPollStarted: ts(t0 + tick * 1e9 + 600_000),
      lastPollEnded: ts(t0 + tick * 1e9 + 650_000),
      busyTime: { seconds: 0, nanos: polls * 20_000 },
    },
  };
}

function snapshot(): Update {
  const statsUpdate = new Map<bigint, TaskStats>();
  const newTasks: Task[] = [];
  for (let i = 0; i < TASKS; i++) {
    newTasks.push(task(i));
    statsUpdate.set(idOf(i), stats(i, 0));
  }
  return {
    now: ts(200e9),
    taskUpdate: { newTasks, statsUpdate, droppedEvents: 0 },
    resourceUpdate: { newResources: [], statsUpdate: new Map(), newPollOps: [], droppedEvents: 0 },
    asyncOpUpdate: { newAsyncOps: [], statsUpdate: new Map(), droppedEvents: 0 },
    newMetadata: {
      metadata: [{ id: META, metadata: { name: "runtime.spawn", target: "tokio::task", modulePath: "", kind: 0, level: 4, fieldNames: ["kind", "task.name", "task.id", "loc.file", "loc.line", "loc.col"] } }],
    },
  };
}

function delta(tick: number): Update {
  const statsUpdate = new Map<bigint, TaskStats>();
  for (let k = 0; k < TOUCHED; k++) {
    const i = (k * 7919 + tick * 104729) % TASKS;
    statsUpdate.set(idOf(i), stats(i, tick));
  }
  return { now: ts(200e9 + tick * 1e9), taskUpdate: { newTasks: [], statsUpdate, droppedEvents: 0 } };
}

/** Wall ms, and CPU ms (user + system) in `lastCpuMs`: on a shared, loaded machine the CPU time is the steadier figure. */
let lastCpuMs = 0;
function time<T>(body: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = body();
  const c = process.cpuUsage(c0);
  lastCpuMs = (c.user + c.system) / 1000;
  return [result, performance.now() - t0];
}

const snapshotBytes = encodeUpdate(snapshot());
const deltaBytes = Array.from({ length: DELTAS }, (_, k) => encodeUpdate(delta(k + 1)));

gc();
const heapBefore = process.memoryUsage().heapUsed;
const state = new ConsoleState();
const [snapUpdate, decodeSnapMs] = time(() => decodeUpdate(snapshotBytes));
const decodeSnapCpu = lastCpuMs;
const [, applySnapMs] = time(() => state.applyUpdate(snapUpdate));
const applySnapCpu = lastCpuMs;
gc();
const heapAfter = process.memoryUsage().heapUsed;
// the decoded snapshot is still referenced by snapUpdate: measure without it
const perTaskWithUpdate = (heapAfter - heapBefore) / TASKS;
(snapUpdate as { taskUpdate?: unknown }).taskUpdate = undefined;
gc();
const heapModel = process.memoryUsage().heapUsed;
const bytesPerTask = (heapModel - heapBefore) / TASKS;

console.log(`per-delta ms (decode+apply), in order:`);
const decodeMs: number[] = [];
const applyMs: number[] = [];
const cpuMs: number[] = [];
for (const bytes of deltaBytes) {
  const [u, d] = time(() => decodeUpdate(bytes));
  const dc = lastCpuMs;
  const [, a] = time(() => state.applyUpdate(u));
  cpuMs.push(dc + lastCpuMs);
  decodeMs.push(d);
  applyMs.push(a);
}
console.log(decodeMs.map((d, i) => (d + applyMs[i]).toFixed(0)).join(" "));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const max = (xs: number[]) => Math.max(...xs);

console.log(`machine: ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`);
console.log(`tasks in snapshot: ${TASKS}, tasks touched per delta: ${TOUCHED}, deltas: ${DELTAS}`);
console.table([
  { step: "snapshot decode", ms: decodeSnapMs.toFixed(0), "cpu ms": decodeSnapCpu.toFixed(0), bytes: snapshotBytes.length },
  { step: "snapshot apply", ms: applySnapMs.toFixed(0), "cpu ms": applySnapCpu.toFixed(0) },
  { step: "delta decode (median / max)", ms: `${median(decodeMs).toFixed(1)} / ${max(decodeMs).toFixed(1)}`, bytes: deltaBytes[0].length },
  { step: "delta apply (median / max)", ms: `${median(applyMs).toFixed(1)} / ${max(applyMs).toFixed(1)}` },
  { step: "delta decode+apply (median / max)", ms: `${median(decodeMs.map((d, i) => d + applyMs[i])).toFixed(1)} / ${max(decodeMs.map((d, i) => d + applyMs[i])).toFixed(1)}`, "cpu ms": `${median(cpuMs).toFixed(1)} / ${max(cpuMs).toFixed(1)}` },
]);
console.log(`model heap per task: ${bytesPerTask.toFixed(0)} B (with the decoded snapshot still referenced: ${perTaskWithUpdate.toFixed(0)} B)`);
console.log(`tasks in model after deltas: ${state.tasks.size}`);
