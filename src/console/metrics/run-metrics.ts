/**
 * `async-doctor console metrics [TARGET|FILE]... [--target T]... [--listen ADDR] [--otlp URL] [--print]`:
 * Prometheus metrics of one or more tokio apps (live console-subscribers, or recordings, captures and
 * .grpc bodies read to the end), aggregated per task name / spawn location / kind, each target labelled
 * `instance`; optionally pushed over OTLP/HTTP too.
 */
import { existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import { UsageError } from "../../cli/errors.ts";
import { openCheckSource } from "../diagnose/open-check-source.ts";
import { openRecordingSource } from "../recording/recording-source.ts";
import { isLoopback, parseListen } from "../serve/run-serve.ts";
import type { SourceItem } from "../source.ts";
import { parseDurationMs } from "../transport/duration.ts";
import { taskMatcher } from "../transport/task-match.ts";
import { startOtlpPush, type OtlpPusher } from "./otlp-push.ts";
import { buildRegistry } from "./prometheus.ts";
import { TargetMetrics, type TargetSnapshot } from "./target-metrics.ts";

export interface MetricsCommandOptions {
  listen: string;
  otlp?: string;
  otlpInterval: string;
  maxGroups: string;
  print?: boolean;
  duration: string;
  timeout: string;
  retention: string;
  task?: string[];
}

const log = (line: string) => process.stderr.write(`async-doctor: ${line}\n`);

function isFile(target: string): boolean {
  return existsSync(target) && statSync(target).isFile();
}

interface Feed {
  metrics: TargetMetrics;
  done: Promise<void>;
  close(): Promise<void>;
}

/** Opens a target and feeds its items into a TargetMetrics in the background. */
async function openFeed(target: string, metrics: TargetMetrics, options: { durationMs?: number; timeoutMs: number; tasks: string[] }): Promise<Feed> {
  let items: AsyncIterable<SourceItem>;
  let close = async () => {};
  let onAnnounced: ((item: SourceItem) => void) | undefined;
  if (isFile(target)) {
    const opened = await openCheckSource(target);
    // Recordings: rebuild the poll/scheduled-time histograms from the events (the snapshot command's way).
    items = opened.kind === "recording" ? openRecordingSource(target, { histograms: true, intervalMs: 1000 }) : opened.items;
  } else {
    if (!/^(https?:\/\/|unix:)/.test(target) && !/^[\w.-]*:\d+$/.test(target)) throw new UsageError(`${target}: no such file, and not a target like http://127.0.0.1:6669`);
    const { openLiveSource } = await import("../transport/live-source.ts");
    const live = await openLiveSource(target, {
      connectTimeoutMs: options.timeoutMs,
      ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
      log: (line) => log(`${target}: ${line}`),
    });
    items = live;
    close = () => live.close();
    const wanted = taskMatcher(options.tasks);
    if (options.tasks.length > 0) {
      onAnnounced = (item) => {
        for (const t of item.update?.taskUpdate?.newTasks ?? []) if (t.id !== undefined && wanted(t)) live.watchTaskDetails(t.id);
      };
    }
  }
  const done = (async () => {
    for await (const item of items) {
      metrics.add(item);
      onAnnounced?.(item);
    }
  })();
  return { metrics, done, close };
}

async function listen(server: Server, text: string): Promise<string> {
  const addr = parseListen(text);
  if ("path" in addr) throw new UsageError(`bad --listen '${text}': metrics are served over TCP (HOST:PORT)`);
  if (!isLoopback(addr.host)) log(`warning: serving metrics on ${addr.host}, which is not loopback: anyone who can reach it can read task names and locations`);
  server.listen(addr.port, addr.host);
  try {
    await Promise.race([once(server, "listening"), once(server, "error").then(([e]) => Promise.reject(e as Error))]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UsageError(`cannot listen on ${text}: address in use`);
    if (code === "EACCES" || code === "EADDRNOTAVAIL") throw new UsageError(`cannot listen on ${text}: ${code}`);
    throw error;
  }
  const a = server.address();
  const port = typeof a === "object" && a ? a.port : addr.port;
  const host = addr.host.includes(":") ? `[${addr.host}]` : addr.host;
  return `http://${host}:${port}`;
}

function positiveInt(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`bad ${what} '${text}': expected a positive integer`);
  return value;
}

export async function runMetricsCommand(targetsGiven: string[], options: MetricsCommandOptions): Promise<number> {
  const targets = targetsGiven.length > 0 ? targetsGiven : ["http://127.0.0.1:6669"];
  if (new Set(targets).size !== targets.length) throw new UsageError("a target is given twice (each is one instance)");
  const maxGroups = positiveInt(options.maxGroups, "--max-groups");
  const retentionNs = parseDurationMs(options.retention, "--retention") * 1e6;
  const timeoutMs = parseDurationMs(options.timeout, "--timeout");
  const durationMs = options.print ? parseDurationMs(options.duration, "--duration") : undefined;
  const otlpIntervalMs = parseDurationMs(options.otlpInterval, "--otlp-interval");
  if (options.otlp !== undefined && !/^https?:\/\/[^/]+/.test(options.otlp)) throw new UsageError(`bad --otlp '${options.otlp}': expected an http(s) URL like http://127.0.0.1:4318/v1/metrics`);

  const feeds: Feed[] = [];
  for (const target of targets) {
    const metrics = new TargetMetrics(target, { maxGroups, retentionNs });
    feeds.push(await openFeed(target, metrics, { ...(durationMs !== undefined ? { durationMs } : {}), timeoutMs, tasks: options.task ?? [] }));
  }
  let memo: { at: number; snapshots: TargetSnapshot[] } | undefined;
  /** One snapshot per target per collection (a scrape or an OTLP export reads several metrics). */
  const snapshots = (): TargetSnapshot[] => {
    if (!memo || Date.now() - memo.at > 250) memo = { at: Date.now(), snapshots: feeds.map((f) => f.metrics.snapshot()) };
    return memo.snapshots;
  };
  const registry = buildRegistry(snapshots);

  const failures: unknown[] = [];
  const settled = Promise.all(
    feeds.map((f) =>
      f.done.catch((error: unknown) => {
        failures.push(error);
        f.metrics.up = false;
        log(`${f.metrics.instance}: ${error instanceof Error ? error.message : String(error)}`);
      }),
    ),
  );

  if (options.print) {
    await settled;
    if (failures.length > 0) throw failures[0] instanceof Error ? failures[0] : new Error(String(failures[0]));
    memo = undefined;
    process.stdout.write(await registry.metrics());
    return 0;
  }

  const server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics") {
      memo = undefined;
      registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": registry.contentType }).end(req.method === "HEAD" ? undefined : text),
        (error: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`${String(error)}\n`),
      );
    } else if (path === "/") res.writeHead(200, { "content-type": "text/plain" }).end("async-doctor console metrics: see /metrics\n");
    else res.writeHead(404, { "content-type": "text/plain" }).end("not found; metrics are at /metrics\n");
  });
  const url = await listen(server, options.listen);
  log(`serving metrics of ${targets.join(", ")} at ${url}/metrics`);
  let otlp: OtlpPusher | undefined;
  if (options.otlp) {
    otlp = startOtlpPush(options.otlp, otlpIntervalMs, snapshots);
    log(`pushing OTLP metrics to ${options.otlp} every ${otlpIntervalMs} ms`);
  }
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await once(abort.signal, "abort");
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  if (otlp) {
    memo = undefined;
    await otlp.flush().catch((error: unknown) => log(`OTLP: ${String(error)}`));
    await otlp.shutdown().catch(() => {});
  }
  await Promise.all(feeds.map((f) => f.close()));
  server.closeAllConnections();
  server.close();
  return 0;
}
