import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { ConsoleState } from "../../../src/console/model/console-state.ts";
import { openRecordingSource } from "../../../src/console/recording/recording-source.ts";
import { openGrpcFileSource } from "../../../src/console/protocol/grpc-file-source.ts";
import { runCli } from "../../support/cli.ts";
import { projectRoot, sharedFixture } from "../../support/shared.ts";
import { freePort, serveChild, startCli, waitFor, type CliChild } from "../live/support.ts";
import { promtool, query, requirePrometheus, startPrometheus, type PrometheusServer } from "./prometheus-tools.ts";

const hasPrometheus = requirePrometheus();
const recording = () => sharedFixture("console", "kitchen-sink.recording.jsonl");
const grpc = () => sharedFixture("console", "kitchen-sink.watchupdates.grpc");

/** A label matcher for one sample line of the text exposition. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

/** Expected counts from the state model (independent of the metrics code), per task name. */
async function finalTasks(items: AsyncIterable<import("../../../src/console/source.ts").SourceItem>) {
  const state = new ConsoleState();
  for await (const item of items) if (item.update) state.applyUpdate(item.update);
  return [...state.tasks.values(), ...state.retiredTasks];
}

const children: { stop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const c of children.reverse()) await c.stop();
});

function stopper(c: CliChild): { stop(): Promise<void> } {
  return {
    async stop() {
      if (c.child.exitCode === null) {
        c.child.kill("SIGTERM");
        await new Promise((r) => c.child.once("exit", r));
      }
    },
  };
}

describe("console metrics --print", () => {
  it("a recording: counters per task name equal the model's, histograms from the rebuilt HDR data, promtool accepts it", async () => {
    const r = await runCli(["console", "metrics", recording(), "--print"]);
    expect(r.code, r.stderr).toBe(0);
    const inst = { instance: recording() };
    const tasks = await finalTasks(openRecordingSource(recording()));
    for (const name of ["blocker", "self-waker", "ticker", "mutex-a"]) {
      const t = tasks.find((x) => x.name === name)!;
      expect(sample(r.stdout, "async_doctor_task_polls_total", { ...inst, task_name: name }), name).toBe(t.polls);
      expect(sample(r.stdout, "async_doctor_task_wakes_total", { ...inst, task_name: name }), name).toBe(t.wakes);
      expect(sample(r.stdout, "async_doctor_task_self_wakes_total", { ...inst, task_name: name }), name).toBe(t.selfWakes);
      expect(sample(r.stdout, "async_doctor_task_busy_seconds_total", { ...inst, task_name: name })).toBeCloseTo(t.busyNs / 1e9, 6);
    }
    // The 200 unnamed burst tasks are one group, never one series per task.
    expect(sample(r.stdout, "async_doctor_tasks_spawned_total", { ...inst, task_name: "", kind: "task" })).toBe(200);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("async_doctor_task_polls_total{")).length).toBeLessThan(20);
    // blocker: 1 short poll and 3 of ~300 ms, in the (0.25, 0.5] bucket.
    const bucket = (le: string) => sample(r.stdout, "async_doctor_task_poll_duration_seconds_bucket", { ...inst, task_name: "blocker", le });
    expect(bucket("0.25")).toBe(1);
    expect(bucket("0.5")).toBe(4);
    expect(bucket("+Inf")).toBe(4);
    expect(sample(r.stdout, "async_doctor_diagnoses", { ...inst, rule: "lost-waker", severity: "error" })).toBe(1);
    expect(sample(r.stdout, "async_doctor_workers", inst)).toBe(2);
    if (hasPrometheus) {
      const check = promtool(["check", "metrics"], r.stdout);
      expect(check.output).toBe("");
      expect(check.code).toBe(0);
    }
  });

  it("--max-groups caps the series: later groups go to 'other' and the totals stay whole", async () => {
    const r = await runCli(["console", "metrics", recording(), "--print", "--max-groups", "3"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n").filter((l) => l.startsWith("async_doctor_tasks_spawned_total{"));
    expect(lines).toHaveLength(4);
    const total = lines.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
    const tasks = await finalTasks(openRecordingSource(recording()));
    expect(total).toBe(tasks.length);
    expect(sample(r.stdout, "async_doctor_tasks_spawned_total", { task_name: "other", spawn_location: "other", kind: "other" })).toBe(tasks.length - lines.slice(0, 3).reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0));
    expect(sample(r.stdout, "async_doctor_task_groups_overflow", {})).toBeGreaterThan(0);
  });

  it("several targets: each is its own instance, with its own counts", async () => {
    const r = await runCli(["console", "metrics", recording(), "--target", grpc(), "--print"]);
    expect(r.code, r.stderr).toBe(0);
    const fromRecording = (await finalTasks(openRecordingSource(recording()))).find((t) => t.name === "blocker")!;
    const fromGrpc = (await finalTasks(openGrpcFileSource(grpc(), { rpc: "WatchUpdates" }))).find((t) => t.name === "blocker")!;
    expect(sample(r.stdout, "async_doctor_task_polls_total", { instance: recording(), task_name: "blocker" })).toBe(fromRecording.polls);
    expect(sample(r.stdout, "async_doctor_task_polls_total", { instance: grpc(), task_name: "blocker" })).toBe(fromGrpc.polls);
    // Only the gRPC stream has resources: lock waiters exist for that instance alone.
    const lockLines = r.stdout.split("\n").filter((l) => l.startsWith("async_doctor_lock_waiters{"));
    expect(lockLines.some((l) => l.includes(`instance="${grpc()}"`))).toBe(true);
    expect(lockLines.some((l) => l.includes(`instance="${recording()}"`))).toBe(false);
    expect(sample(r.stdout, "async_doctor_up", { instance: grpc() })).toBe(1);
  });

  it("bad input: exit 2 with one line", async () => {
    const r = await runCli(["console", "metrics", "no-such-file.jsonl", "--print"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    const g = await runCli(["console", "metrics", recording(), "--print", "--max-groups", "0"]);
    expect(g.code).toBe(2);
  });
});

describe.runIf(hasPrometheus)("alert rules and Prometheus", () => {
  it("promtool check rules and promtool test rules pass on the documented alert rules", () => {
    const check = promtool(["check", "rules", `${projectRoot}/docs/prometheus/async-doctor-alerts.yml`]);
    expect(check.output).toMatch(/SUCCESS: 4 rules found/);
    expect(check.code).toBe(0);
    const test = promtool(["test", "rules", `${projectRoot}/test/fixtures/prometheus/alerts.test.yml`]);
    expect(test.output).toMatch(/SUCCESS/);
    expect(test.code).toBe(0);
    const config = promtool(["check", "config", `${projectRoot}/docs/prometheus/prometheus.yml`]);
    expect(config.code, config.output).toBe(0);
  });

  it("a real Prometheus scrapes `console metrics` while `console serve` replays kitchen-sink; the series and values are there", async () => {
    const serve = await serveChild([grpc(), "--listen", "127.0.0.1:0", "--speed", "max", "--at-end", "hold"]);
    children.push(stopper(serve));
    const metrics = startCli(["console", "metrics", serve.address, "--task", "blocker", "--listen", "127.0.0.1:0", "--max-groups", "50"]);
    children.push(stopper(metrics));
    await waitFor("console metrics to listen", () => / at (http:\S+)\/metrics/.test(metrics.stderr()) || metrics.child.exitCode !== null, 30_000);
    const endpoint = / at (http:\/\/\S+)\/metrics/.exec(metrics.stderr())?.[1];
    expect(endpoint, metrics.stderr()).toBeDefined();
    let prometheus: PrometheusServer | undefined = startPrometheus(await freePort(), endpoint!.replace("http://", ""));
    children.push({ stop: () => prometheus?.stop() ?? Promise.resolve() });

    const tasks = await finalTasks(openGrpcFileSource(grpc(), { rpc: "WatchUpdates" }));
    const blocker = tasks.find((t) => t.name === "blocker")!;
    const instance = serve.address;
    let last: unknown;
    const deadline = Date.now() + 45_000;
    for (;;) {
      try {
        const polls = await query(prometheus.url, `async_doctor_task_polls_total{task_name="blocker"}`);
        const hist = await query(prometheus.url, `async_doctor_task_poll_duration_seconds_count{task_name="blocker"}`);
        if (polls.length === 1 && polls[0]!.value === blocker.polls && hist.length === 1 && hist[0]!.value > 0) break;
        last = { polls, hist };
      } catch (error) {
        last = error;
      }
      if (Date.now() > deadline) throw new Error(`Prometheus never had the expected series: ${JSON.stringify(last)}\n${prometheus.log()}\n${metrics.stderr()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const polls = await query(prometheus.url, `async_doctor_task_polls_total{task_name="blocker"}`);
    expect(polls[0]!.metric).toMatchObject({ instance, job: "async-doctor", kind: "task", task_name: "blocker" });
    expect(polls[0]!.metric.spawn_location).toMatch(/^src\/bin\/kitchen-sink\.rs:\d+:\d+$/);
    const wakes = await query(prometheus.url, `sum(async_doctor_task_wakes_total{task_name=~"mutex-.*"})`);
    expect(wakes[0]!.value).toBe(tasks.filter((t) => /^mutex-/.test(t.name)).reduce((n, t) => n + t.wakes, 0));
    const burst = await query(prometheus.url, `async_doctor_tasks_spawned_total{task_name="",kind="task"}`);
    expect(burst[0]!.value).toBe(200);
    // The blocker's TaskDetails (served by the replay) give 3 polls in the ~300 ms bucket.
    const slow = await query(prometheus.url, `async_doctor_task_poll_duration_seconds_count{task_name="blocker"} - ignoring(le) async_doctor_task_poll_duration_seconds_bucket{task_name="blocker",le="0.25"}`);
    expect(slow[0]!.value).toBe(3);
    const diagnoses = await query(prometheus.url, `async_doctor_diagnoses`);
    expect(diagnoses.map((d) => d.metric.rule)).toEqual(expect.arrayContaining(["lost-waker", "blocking-poll", "lock-contention"]));
    const locks = await query(prometheus.url, `async_doctor_lock_waiters`);
    expect(locks.map((l) => l.metric.resource_type).sort()).toEqual(expect.arrayContaining(["Mutex", "Semaphore"]));
    const up = await query(prometheus.url, `up{job="async-doctor"}`);
    expect(up[0]!.value).toBe(1);
    // Every query of the Grafana dashboard is valid PromQL over these series, and the main ones return data.
    const dashboard = JSON.parse(readFileSync(`${projectRoot}/docs/grafana/async-doctor-dashboard.json`, "utf8")) as { panels: { title: string; targets: { expr: string }[] }[] };
    const withData: string[] = [];
    for (const panel of dashboard.panels) {
      for (const t of panel.targets) {
        const expr = t.expr.replaceAll("$instance", ".*").replaceAll("$__rate_interval", "1m");
        if ((await query(prometheus.url, expr)).length > 0) withData.push(panel.title);
      }
    }
    expect(withData).toEqual(expect.arrayContaining(["Worker utilisation", "Current diagnoses (async-doctor console check)", "Live tasks per task name and spawn location", "Tokio lock waiters"]));
    await prometheus.stop();
    prometheus = undefined;
  }, 90_000);
});

describe("console metrics --otlp", () => {
  it("pushes the same values over OTLP/HTTP (JSON) to a receiver on loopback", async () => {
    const requests: { path: string; type: string; body: unknown }[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        requests.push({ path: req.url ?? "", type: String(req.headers["content-type"]), body: JSON.parse(body) });
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    children.push({ stop: () => new Promise<void>((r) => server.close(() => r())) });
    const port = (server.address() as AddressInfo).port;
    const metrics = startCli(["console", "metrics", recording(), "--listen", "127.0.0.1:0", "--otlp", `http://127.0.0.1:${port}/v1/metrics`, "--otlp-interval", "1s"]);
    children.push(stopper(metrics));
    await waitFor("an OTLP export", () => requests.length > 0 || metrics.child.exitCode !== null, 30_000);
    expect(requests[0]!.path).toBe("/v1/metrics");
    expect(requests[0]!.type).toMatch(/application\/json/);
    // OTLP JSON: resourceMetrics[].scopeMetrics[].metrics[] with sum / gauge / histogram data points.
    type Attr = { key: string; value: { stringValue?: string } };
    type Point = { attributes: Attr[]; asDouble?: number; asInt?: string | number; count?: string | number; bucketCounts?: (string | number)[]; explicitBounds?: number[] };
    type Metric = { name: string; sum?: { dataPoints: Point[]; isMonotonic: boolean; aggregationTemporality: number }; gauge?: { dataPoints: Point[] }; histogram?: { dataPoints: Point[] } };
    const body = requests.at(-1)!.body as { resourceMetrics: { resource: { attributes: Attr[] }; scopeMetrics: { metrics: Metric[] }[] }[] };
    const all = body.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    const attr = (p: Point, key: string) => p.attributes.find((a) => a.key === key)?.value.stringValue;
    const point = (name: string, task: string) => {
      const m = all.find((x) => x.name === name);
      expect(m, name).toBeDefined();
      const points = (m!.sum ?? m!.gauge ?? m!.histogram)!.dataPoints;
      return points.find((p) => attr(p, "task_name") === task && attr(p, "instance") === recording());
    };
    const tasks = await finalTasks(openRecordingSource(recording()));
    const blocker = tasks.find((t) => t.name === "blocker")!;
    const polls = point("async_doctor_task_polls", "blocker")!;
    expect(Number(polls.asDouble ?? polls.asInt)).toBe(blocker.polls);
    expect(all.find((m) => m.name === "async_doctor_task_polls")!.sum!.isMonotonic).toBe(true);
    const selfWakes = point("async_doctor_task_self_wakes", "self-waker")!;
    expect(Number(selfWakes.asDouble ?? selfWakes.asInt)).toBe(tasks.find((t) => t.name === "self-waker")!.selfWakes);
    const hist = point("async_doctor_task_poll_duration_seconds", "blocker")!;
    expect(Number(hist.count)).toBe(4);
    const bounds = hist.explicitBounds!;
    const counts = hist.bucketCounts!.map(Number);
    expect(counts).toHaveLength(bounds.length + 1);
    expect(counts[bounds.indexOf(0.5)]).toBe(3); // the three ~300 ms polls in (0.25, 0.5]
    const resource = body.resourceMetrics[0]!.resource.attributes;
    expect(resource.find((a) => a.key === "service.name")?.value.stringValue).toBe("async-doctor");
  }, 60_000);
});
