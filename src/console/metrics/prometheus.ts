/**
 * The Prometheus exposition of every target's snapshot, through prom-client. Counters and gauges are
 * prom-client Counter/Gauge set at scrape time from the snapshot (`collect`); the two histograms come
 * from the HDR data already bucketed (histogram-buckets.ts), which prom-client's Histogram cannot take
 * (it only counts observe() calls, one per value), so SnapshotHistogram overrides the two methods the
 * registry reads a histogram through (`get()` for JSON, `getForPromString()` for the text format) to
 * return those buckets in prom-client's own value layout; the registry then formats them like any
 * histogram (tests check the output with promtool and a real Prometheus).
 */
import client, { Counter, Gauge, Histogram, Registry, type LabelValues } from "prom-client";
import { BUCKET_BOUNDS_SECONDS, type BucketCounts } from "./histogram-buckets.ts";
import type { GroupTotals, TargetSnapshot } from "./target-metrics.ts";

export const GROUP_LABELS = ["instance", "task_name", "spawn_location", "kind"] as const;
type GroupLabel = (typeof GROUP_LABELS)[number];

type Snapshots = () => readonly TargetSnapshot[];

class SnapshotHistogram extends Histogram<GroupLabel> {
  constructor(
    private readonly metricName: string,
    private readonly metricHelp: string,
    private readonly snapshots: Snapshots,
    private readonly pick: (g: GroupTotals) => BucketCounts,
    registry: Registry,
  ) {
    super({ name: metricName, help: metricHelp, labelNames: GROUP_LABELS, buckets: [...BUCKET_BOUNDS_SECONDS], registers: [registry] });
  }

  /** What prom-client's Registry calls for the text exposition (see the file comment). */
  getForPromString(): ReturnType<Histogram<GroupLabel>["get"]> {
    return this.get();
  }

  override async get(): Promise<Awaited<ReturnType<Histogram<GroupLabel>["get"]>>> {
    const values: { labels: LabelValues<GroupLabel | "le">; value: number; metricName: string }[] = [];
    for (const target of this.snapshots()) {
      for (const g of target.groups) {
        const b = this.pick(g);
        if (b.count === 0) continue;
        const labels = { instance: target.instance, ...g.labels };
        let cumulative = 0;
        BUCKET_BOUNDS_SECONDS.forEach((le, i) => {
          cumulative += b.counts[i]!;
          values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${this.metricName}_bucket` });
        });
        values.push({ labels: { ...labels, le: "+Inf" }, value: b.count, metricName: `${this.metricName}_bucket` });
        values.push({ labels, value: b.sum, metricName: `${this.metricName}_sum` });
        values.push({ labels, value: b.count, metricName: `${this.metricName}_count` });
      }
    }
    // prom-client's typings declare `type` as a numeric enum, but its registry writes the string it
    // finds here into `# TYPE` (its own Histogram returns "histogram" too).
    return { name: this.metricName, help: this.metricHelp, type: "histogram" as unknown as client.MetricType, aggregator: "sum", collect: () => {}, values };
  }
}

function groupCounter(registry: Registry, snapshots: Snapshots, name: string, help: string, value: (g: GroupTotals) => number): void {
  new Counter({
    name,
    help,
    labelNames: GROUP_LABELS,
    registers: [registry],
    collect() {
      this.reset();
      for (const t of snapshots()) for (const g of t.groups) this.inc({ instance: t.instance, ...g.labels }, value(g));
    },
  });
}

function targetGauge(registry: Registry, snapshots: Snapshots, name: string, help: string, value: (t: TargetSnapshot) => number | undefined): void {
  new Gauge({
    name,
    help,
    labelNames: ["instance"],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of snapshots()) {
        const v = value(t);
        if (v !== undefined && Number.isFinite(v)) this.set({ instance: t.instance }, v);
      }
    },
  });
}

export function buildRegistry(snapshots: Snapshots): Registry {
  const registry = new Registry();
  targetGauge(registry, snapshots, "async_doctor_up", "1 when async-doctor has data from the target (its console-subscriber answered or the file was read)", (t) => (t.up ? 1 : 0));
  new Gauge({
    name: "async_doctor_tasks_live",
    help: "Tasks alive now (spawned, not yet dropped), per task name, spawn location and kind",
    labelNames: GROUP_LABELS,
    registers: [registry],
    collect() {
      this.reset();
      for (const t of snapshots()) for (const g of t.groups) this.set({ instance: t.instance, ...g.labels }, g.live);
    },
  });
  groupCounter(registry, snapshots, "async_doctor_tasks_spawned_total", "Tasks spawned (seen by the console since the exporter connected)", (g) => g.spawned);
  groupCounter(registry, snapshots, "async_doctor_tasks_completed_total", "Tasks dropped (completed or aborted)", (g) => g.completed);
  groupCounter(registry, snapshots, "async_doctor_task_polls_total", "Polls of the tasks", (g) => g.polls);
  groupCounter(registry, snapshots, "async_doctor_task_busy_seconds_total", "Time the tasks spent being polled (including polls running now)", (g) => g.busySeconds);
  groupCounter(registry, snapshots, "async_doctor_task_scheduled_seconds_total", "Time the tasks spent woken and waiting for a worker (console-subscriber >= 0.5 or recordings; 0 otherwise)", (g) => g.scheduledSeconds);
  groupCounter(registry, snapshots, "async_doctor_task_wakes_total", "Wakes of the tasks' wakers", (g) => g.wakes);
  groupCounter(registry, snapshots, "async_doctor_task_self_wakes_total", "Wakes from inside the task's own poll", (g) => g.selfWakes);
  groupCounter(registry, snapshots, "async_doctor_task_waker_clones_total", "Waker clones", (g) => g.wakerClones);
  groupCounter(registry, snapshots, "async_doctor_task_waker_drops_total", "Waker drops (a wake by value drops its waker)", (g) => g.wakerDrops);
  new SnapshotHistogram("async_doctor_task_poll_duration_seconds", "Poll durations from tokio-console's HDR poll-time histograms (tasks with TaskDetails)", snapshots, (g) => g.pollTimes, registry);
  new SnapshotHistogram("async_doctor_task_scheduled_duration_seconds", "Wake-to-poll delays from tokio-console's HDR scheduled-time histograms (tasks with TaskDetails)", snapshots, (g) => g.scheduledTimes, registry);
  new Gauge({
    name: "async_doctor_lock_waiters",
    help: "Acquires waiting now on a tokio Mutex, RwLock or Semaphore, per lock type and creation site",
    labelNames: ["instance", "resource_type", "location"],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of snapshots()) for (const l of t.locks) this.set({ instance: t.instance, resource_type: l.resource_type, location: l.location }, l.waiters);
    },
  });
  new Gauge({
    name: "async_doctor_diagnoses",
    help: "Current findings of async-doctor's runtime rules (console check), per rule and severity",
    labelNames: ["instance", "rule", "severity"],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of snapshots()) for (const d of t.diagnoses) this.set({ instance: t.instance, rule: d.rule, severity: d.severity }, d.count);
    },
  });
  targetGauge(registry, snapshots, "async_doctor_worker_busy", "Runtime worker threads busy polling async tasks, averaged over the last update interval", (t) => t.utilisation?.busyWorkers);
  targetGauge(registry, snapshots, "async_doctor_workers", "Worker threads of the runtime (multi-thread runtime; absent when unknown)", (t) => t.utilisation?.workers);
  targetGauge(registry, snapshots, "async_doctor_worker_utilisation_ratio", "async_doctor_worker_busy / async_doctor_workers", (t) =>
    t.utilisation?.workers ? t.utilisation.busyWorkers / t.utilisation.workers : undefined,
  );
  new Counter({
    name: "async_doctor_console_updates_total",
    help: "Console updates received from the target",
    labelNames: ["instance"],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of snapshots()) this.inc({ instance: t.instance }, t.updates);
    },
  });
  new Counter({
    name: "async_doctor_console_dropped_events_total",
    help: "Instrumentation events the app's console-subscriber dropped (its buffer overflowed: counts are incomplete)",
    labelNames: ["instance"],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of snapshots()) this.inc({ instance: t.instance }, t.droppedEvents);
    },
  });
  targetGauge(registry, snapshots, "async_doctor_task_groups_overflow", "Distinct task groups beyond --max-groups, counted in the 'other' group", (t) => t.overflowGroups);
  return registry;
}
