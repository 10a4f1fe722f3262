/**
 * Metrics endpoint speed: one target with N live tasks (default 100 000) in 150 name/location groups, 1 000
 * of them with poll-time and scheduled-time histograms (recording-style HDR bytes), then the Prometheus
 * exposition rendered as a scrape does (snapshot of the model + prom-client text), repeated; median and
 * max wall time and CPU time per scrape. Goal (issue #18): a scrape of 100k live tasks < 200 ms.
 * Run: node --import tsx bench/console-metrics.ts [tasks=100000] [scrapes=15]
 */
import os from "node:os";
import { SparseDurationHistogram } from "../src/console/histogram/sparse-histogram.ts";
import { buildRegistry } from "../src/console/metrics/prometheus.ts";
import { TargetMetrics, type TargetSnapshot } from "../src/console/metrics/target-metrics.ts";
import type { Task, TaskStats, Update } from "../src/console/protocol/messages.ts";

const TASKS = Number(process.argv[2] ?? 100_000);
const SCRAPES = Number(process.argv[3] ?? 15);
const sec0 = 1_795_635_741;
const at = (ms: number) => ({ seconds: sec0 + Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

const metrics = new TargetMetrics("http://127.0.0.1:6669");
const newTasks: Task[] = [];
const statsUpdate = new Map<bigint, TaskStats>();
for (let i = 0; i < TASKS; i++) {
  const id = (BigInt(i % 5) << 53n) + BigInt(i + 1);
  newTasks.push({
    id,
    kind: 0,
    fields: [
      { strName: "kind", debugVal: "task" },
      { strName: "task.name", debugVal: `worker-${i % 150}` },
    ],
    parents: [],
    location: { file: `src/service/mod${i % 150}.rs`, line: 10 + (i % 150), column: 5 },
  });
  statsUpdate.set(id, {
    createdAt: at(i % 1000),
    wakes: i % 40,
    wakerClones: i % 40,
    wakerDrops: i % 39,
    selfWakes: i % 3,
    pollStats: { polls: 1 + (i % 41), busyTime: { seconds: 0, nanos: 20_000 * (1 + (i % 41)) }, lastPollStarted: at(1500), lastPollEnded: at(1501) },
    scheduledTime: { seconds: 0, nanos: 5_000 * (i % 41) },
  });
}
const update: Update = { now: at(2000), taskUpdate: { newTasks, statsUpdate, droppedEvents: 0 } };
metrics.add({ receivedAt: 0, update });
const ids = [...statsUpdate.keys()];
for (let k = 0; k < 1000; k++) {
  const poll = new SparseDurationHistogram();
  const sched = new SparseDurationHistogram();
  for (let v = 0; v < 50; v++) {
    poll.record(1_000 * (1 + ((k * 31 + v * 17) % 5000)));
    sched.record(500 * (1 + ((k * 13 + v * 7) % 3000)));
  }
  metrics.add({ receivedAt: 0, taskDetails: { taskId: ids[k * Math.floor(TASKS / 1000)], now: at(2000), histogram: poll.toDurationHistogram(), scheduledTimesHistogram: sched.toDurationHistogram() } });
}

let current: TargetSnapshot[] = [];
const registry = buildRegistry(() => current);
const walls: number[] = [];
const cpus: number[] = [];
let bytes = 0;
for (let s = 0; s < SCRAPES; s++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  current = [metrics.snapshot()];
  const text = await registry.metrics();
  walls.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpus.push((c.user + c.system) / 1e3);
  bytes = text.length;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`machine: ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
console.log(`${TASKS} live tasks in ${current[0]!.groups.length} groups, 1000 with histograms; exposition ${(bytes / 1e3).toFixed(0)} kB`);
console.log(`scrape: median ${median(walls).toFixed(1)} ms wall, ${median(cpus).toFixed(1)} ms CPU; max ${Math.max(...walls).toFixed(1)} ms wall (first: ${walls[0]!.toFixed(1)} ms, JIT and histogram decoding)`);
