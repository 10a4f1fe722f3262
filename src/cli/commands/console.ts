import { Option, type Command } from "commander";
import type { SetExitCode } from "../registry.ts";

/**
 * `async-doctor console …`: tokio-console data. Each subcommand is registered by its own small function
 * (snapshot and the file readers by the "data" side; record, serve and watch by the live side) and
 * lazily imports its implementation, so loading the CLI does not load the gRPC client.
 */
export function register(program: Command, setExitCode: SetExitCode): void {
  const console = program
    .command("console")
    .description("read tokio-console data: live from a console-subscriber, or from captures and recordings");
  registerSnapshot(console, setExitCode);
  registerRecord(console, setExitCode);
  registerServe(console, setExitCode);
  registerWatch(console, setExitCode);
  registerCheck(console, setExitCode);
  registerExport(console, setExitCode);
  registerMetrics(console, setExitCode);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

// ---- data side: snapshot ----

function registerSnapshot(console: Command, setExitCode: SetExitCode): void {
  console
    .command("snapshot")
    .description("task table, resources and totals from a recording (.jsonl), a raw WatchUpdates body (.grpc), a capture file, or a live target")
    .argument("<target>", "FILE, or a live target http://HOST:PORT, HOST:PORT, unix:PATH")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("-s, --sort <column>", "sort tasks by a column (id, tid, name, state, total, busy, sched, idle, polls, wakes, self_wakes, wakers, kind, location, target), optionally :asc or :desc", "total")
    .option("--filter <expr>", "only tasks matching, e.g. 'name~blocker', 'state=idle', 'polls>10', 'kind!=blocking', 'busy>=100ms' (repeatable; see docs/console.md)", collect, [] as string[])
    .option("-n, --top <n>", "show only the first N tasks after sorting")
    .option("-d, --duration <duration>", "live targets: keep reading updates this long (default: the first update only)")
    .option("--timeout <duration>", "live targets: give up if no update arrives within this long", "10s")
    .option("--no-color", "disable colour (NO_COLOR is honoured too)")
    .action(async (target: string, options) => {
      const { runSnapshotCommand } = await import("../../console/snapshot/run-snapshot.ts");
      setExitCode(await runSnapshotCommand(target, options));
    });
}

// ---- live side: record, serve, watch ----

function registerRecord(console: Command, setExitCode: SetExitCode): void {
  console
    .command("record")
    .description("capture a live console-subscriber's update stream to an append-only capture file (docs/capture-format.md)")
    .argument("[target]", "http://HOST:PORT, HOST:PORT or unix:PATH", "http://127.0.0.1:6669")
    .option("-o, --out <file>", "capture file to create")
    .option("-d, --duration <duration>", "stop after this long (e.g. 30s, 5m); default: until Ctrl-C")
    .option("-t, --task <name-or-id>", "also record WatchTaskDetails (poll histograms) of this task (repeatable)", collect, [] as string[])
    .option("--timeout <duration>", "give up if no snapshot arrives within this long", "10s")
    .option("--force", "overwrite an existing --out file", false)
    .option("--no-reconnect", "stop when the stream ends instead of reconnecting")
    .action(async (target: string, options) => {
      const { runRecordCommand } = await import("../../console/capture/run-record.ts");
      setExitCode(await runRecordCommand(target, options));
    });
}

function registerServe(console: Command, setExitCode: SetExitCode): void {
  console
    .command("serve")
    .description("replay a capture (or a raw .grpc WatchUpdates body) as a console-subscriber gRPC server, for tokio-console or async-doctor")
    .argument("<file>", "capture file, or <name>.watchupdates.grpc with its .meta.json")
    .option("-l, --listen <addr>", "PORT, HOST:PORT or unix:PATH (loopback unless a host is given)", "127.0.0.1:6669")
    .option("-s, --speed <x>", "playback speed: 2 = twice as fast, 'max' = no delays", "1")
    .addOption(new Option("--at-end <what>", "after the last message: keep streams open, drop the connection like an exiting app, or finish with OK").choices(["hold", "close", "ok"]).default("hold"))
    .option("--session <n>", "for captures with reconnects: which session to serve (default: the first)")
    .addOption(new Option("--fault <kind>", "testing: inject a fault").choices(["content-type", "garbage", "silent", "unimplemented"]).hideHelp())
    .addOption(new Option("--kill-after <n>", "testing: drop the connection after n updates").hideHelp())
    .action(async (file: string, options) => {
      const { runServeCommand } = await import("../../console/serve/run-serve.ts");
      setExitCode(await runServeCommand(file, options));
    });
}

function registerWatch(console: Command, setExitCode: SetExitCode): void {
  console
    .command("watch")
    .description("live, refreshing task table of a console-subscriber (q or Ctrl-C quits)")
    .argument("[target]", "http://HOST:PORT, HOST:PORT or unix:PATH", "http://127.0.0.1:6669")
    .option("--timeout <duration>", "give up if no snapshot arrives within this long", "10s")
    .addOption(new Option("--sort <column>", "sort tasks by").choices(["state", "busy", "polls", "id", "name"]).default("state"))
    .option("-t, --task <name-or-id>", "show poll-time percentiles (WatchTaskDetails) of this task (repeatable)", collect, [] as string[])
    .option("--no-color", "disable colour (NO_COLOR is honoured too)")
    .action(async (target: string, options) => {
      const { runWatchCommand } = await import("../../console/watch/run-watch.ts");
      setExitCode(await runWatchCommand(target, options));
    });
}

// ---- runtime diagnoses: check ----

function registerCheck(console: Command, setExitCode: SetExitCode): void {
  console
    .command("check")
    .description("diagnose runtime problems (lost wakers, blocking polls, spins, starvation, leaks, lock contention) in console data")
    .argument("[target]", "recording (.jsonl), capture, raw .grpc body, or http://HOST:PORT | HOST:PORT | unix:PATH", "http://127.0.0.1:6669")
    .option("-d, --duration <duration>", "live targets: watch this long before diagnosing", "10s")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .addOption(new Option("--fail-on <level>", "exit 1 when a diagnosis is at or above this severity").choices(["error", "warning", "never"]).default("warning"))
    .option("-A, --allow <rule>", "do not run this rule (repeatable)", collect, [] as string[])
    .option("--set <rule.threshold=value>", "change a threshold, e.g. blocking-poll.threshold=50ms (repeatable)", collect, [] as string[])
    .option("--recording-interval <duration>", "recordings: spacing of the rebuilt updates", "100ms")
    .action(async (target: string, options) => {
      const { runCheckCommand } = await import("../../console/diagnose/run-check.ts");
      setExitCode(await runCheckCommand(target, options));
    });
}

// ---- into other tools: export (traces), metrics (Prometheus, OpenTelemetry) ----

function registerExport(console: Command, setExitCode: SetExitCode): void {
  console
    .command("export")
    .description("write a trace for Perfetto UI / chrome://tracing: one track per task, polls as slices, wakes, spawns, drops, diagnoses, worker utilisation")
    .argument("[source]", "recording (.jsonl), capture, raw .grpc body, or a live target (with --duration)", "http://127.0.0.1:6669")
    .addOption(new Option("-f, --format <format>", "perfetto: Perfetto protobuf (.perfetto-trace); chrome-trace: Trace Event Format JSON").choices(["perfetto", "chrome-trace"]).default("chrome-trace"))
    .option("-o, --out <file>", "file to write ('-' for stdout)")
    .option("-d, --duration <duration>", "live targets: how long a window to export", "10s")
    .option("--no-diagnoses", "do not run console check's rules over the data")
    .option("--recording-interval <duration>", "recordings: spacing of the updates rebuilt for diagnoses and utilisation (console check uses 100ms)", "1s")
    .action(async (source: string, options) => {
      const { runExportCommand } = await import("../../console/export/run-export.ts");
      setExitCode(await runExportCommand(source, options));
    });
}

function registerMetrics(console: Command, setExitCode: SetExitCode): void {
  console
    .command("metrics")
    .description("Prometheus metrics (and OTLP push) of tokio apps, aggregated per task name and spawn location, with async-doctor's diagnoses")
    .argument("[targets...]", "live targets (http://HOST:PORT, HOST:PORT, unix:PATH) or files (recording, capture, .grpc)")
    .option("-t, --target <target>", "another target (repeatable); each is labelled instance=<target>", collect, [] as string[])
    .option("-l, --listen <addr>", "serve /metrics here (HOST:PORT; loopback by default)", "127.0.0.1:9464")
    .option("--otlp <url>", "also push to an OTLP/HTTP metrics endpoint, e.g. http://127.0.0.1:4318/v1/metrics")
    .option("--otlp-interval <duration>", "OTLP push interval", "10s")
    .option("--max-groups <n>", "per target: at most this many task groups (name, location, kind); later ones go to the 'other' group", "200")
    .option("--print", "print the exposition once the sources are read (files) or after --duration (live), then exit")
    .option("-d, --duration <duration>", "live targets with --print: how long to watch", "10s")
    .option("--timeout <duration>", "live targets: give up connecting after this long", "10s")
    .option("--retention <duration>", "forget completed tasks this long after they end (their counts stay in the totals)", "1m")
    .option("--task <name-or-id>", "live targets: also watch this task's WatchTaskDetails for the poll/scheduled-time histograms (repeatable)", collect, [] as string[])
    .action(async (targets: string[], options) => {
      const { runMetricsCommand } = await import("../../console/metrics/run-metrics.ts");
      setExitCode(await runMetricsCommand([...targets, ...options.target], options));
    });
}
