/**
 * The same metrics pushed to an OpenTelemetry backend over OTLP/HTTP (JSON), through
 * @opentelemetry/sdk-metrics: observable counters and gauges read the snapshot at each collection, and a
 * MetricProducer adds the two histograms as explicit-bucket data points (the metrics API has no
 * instrument that takes pre-bucketed data; a producer is the SDK's hook for data collected elsewhere).
 * Names are the Prometheus names without `_total` (OTLP → Prometheus translation adds it back for
 * monotonic sums); attributes are the Prometheus labels.
 */
import { ValueType, type Attributes, type HrTime } from "@opentelemetry/api";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type CollectionResult,
  type HistogramMetricData,
  type MetricProducer,
} from "@opentelemetry/sdk-metrics";
import { BUCKET_BOUNDS_SECONDS, type BucketCounts } from "./histogram-buckets.ts";
import type { GroupTotals, TargetSnapshot } from "./target-metrics.ts";

type Snapshots = () => readonly TargetSnapshot[];

function hrNow(): HrTime {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

const groupAttributes = (t: TargetSnapshot, g: GroupTotals): Attributes => ({ instance: t.instance, ...g.labels });

class HistogramProducer implements MetricProducer {
  private readonly start = hrNow();
  constructor(private readonly snapshots: Snapshots) {}

  private metric(name: string, description: string, pick: (g: GroupTotals) => BucketCounts, endTime: HrTime): HistogramMetricData {
    const dataPoints: HistogramMetricData["dataPoints"] = [];
    for (const t of this.snapshots()) {
      for (const g of t.groups) {
        const b = pick(g);
        if (b.count === 0) continue;
        dataPoints.push({
          startTime: this.start,
          endTime,
          attributes: groupAttributes(t, g),
          value: { buckets: { boundaries: [...BUCKET_BOUNDS_SECONDS], counts: [...b.counts] }, sum: b.sum, count: b.count },
        });
      }
    }
    return {
      descriptor: { name, description, unit: "s", valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints,
    };
  }

  async collect(): Promise<CollectionResult> {
    const end = hrNow();
    return {
      resourceMetrics: {
        resource: resourceFromAttributes({}),
        scopeMetrics: [
          {
            scope: { name: "async-doctor" },
            metrics: [
              this.metric("async_doctor_task_poll_duration_seconds", "Poll durations from tokio-console's HDR poll-time histograms", (g) => g.pollTimes, end),
              this.metric("async_doctor_task_scheduled_duration_seconds", "Wake-to-poll delays from tokio-console's HDR scheduled-time histograms", (g) => g.scheduledTimes, end),
            ],
          },
        ],
      },
      errors: [],
    };
  }
}

const GROUP_COUNTERS: [string, string, (g: GroupTotals) => number][] = [
  ["async_doctor_tasks_spawned", "Tasks spawned", (g) => g.spawned],
  ["async_doctor_tasks_completed", "Tasks dropped (completed or aborted)", (g) => g.completed],
  ["async_doctor_task_polls", "Polls of the tasks", (g) => g.polls],
  ["async_doctor_task_busy_seconds", "Time the tasks spent being polled", (g) => g.busySeconds],
  ["async_doctor_task_scheduled_seconds", "Time the tasks spent woken and waiting for a worker", (g) => g.scheduledSeconds],
  ["async_doctor_task_wakes", "Wakes of the tasks' wakers", (g) => g.wakes],
  ["async_doctor_task_self_wakes", "Wakes from inside the task's own poll", (g) => g.selfWakes],
  ["async_doctor_task_waker_clones", "Waker clones", (g) => g.wakerClones],
  ["async_doctor_task_waker_drops", "Waker drops", (g) => g.wakerDrops],
];

export interface OtlpPusher {
  /** Collects and exports now (used at exit so the last values are not lost). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function startOtlpPush(url: string, intervalMs: number, snapshots: Snapshots): OtlpPusher {
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url }),
    exportIntervalMillis: intervalMs,
    exportTimeoutMillis: Math.min(intervalMs, 10_000),
    metricProducers: [new HistogramProducer(snapshots)],
  });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ "service.name": "async-doctor" }), readers: [reader] });
  const meter = provider.getMeter("async-doctor");
  const counters = GROUP_COUNTERS.map(([name, description]) => meter.createObservableCounter(name, { description, valueType: ValueType.DOUBLE }));
  const live = meter.createObservableGauge("async_doctor_tasks_live", { description: "Tasks alive now" });
  const up = meter.createObservableGauge("async_doctor_up", { description: "1 when async-doctor has data from the target" });
  const locks = meter.createObservableGauge("async_doctor_lock_waiters", { description: "Acquires waiting now on a tokio Mutex, RwLock or Semaphore" });
  const diagnoses = meter.createObservableGauge("async_doctor_diagnoses", { description: "Current findings of async-doctor's runtime rules" });
  const busy = meter.createObservableGauge("async_doctor_worker_busy", { description: "Worker threads busy polling async tasks (average over the last update interval)" });
  const workers = meter.createObservableGauge("async_doctor_workers", { description: "Worker threads of the runtime" });
  meter.addBatchObservableCallback(
    (observer) => {
      for (const t of snapshots()) {
        observer.observe(up, t.up ? 1 : 0, { instance: t.instance });
        for (const g of t.groups) {
          const attrs = groupAttributes(t, g);
          observer.observe(live, g.live, attrs);
          GROUP_COUNTERS.forEach(([, , value], i) => observer.observe(counters[i]!, value(g), attrs));
        }
        for (const l of t.locks) observer.observe(locks, l.waiters, { instance: t.instance, resource_type: l.resource_type, location: l.location });
        for (const d of t.diagnoses) observer.observe(diagnoses, d.count, { instance: t.instance, rule: d.rule, severity: d.severity });
        if (t.utilisation) {
          observer.observe(busy, t.utilisation.busyWorkers, { instance: t.instance });
          if (t.utilisation.workers !== undefined) observer.observe(workers, t.utilisation.workers, { instance: t.instance });
        }
      }
    },
    [...counters, live, up, locks, diagnoses, busy, workers],
  );
  return {
    flush: () => reader.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
