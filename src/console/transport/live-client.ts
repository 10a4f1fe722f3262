import { performance } from "node:perf_hooks";
import { UsageError } from "../../cli/errors.ts";
import { encodeTaskDetailsRequest } from "../serve/request-id.ts";
import { AsyncQueue } from "./async-queue.ts";
import { Backoff, sleep, type BackoffOptions } from "./backoff.ts";
import { H2Channel, formatMs, type GrpcServerStream, type StreamEnd } from "./h2-channel.ts";
import { ConnectionError, GrpcCode, GrpcStatusError, ProtocolError } from "./grpc-status.ts";
import type { ConsoleTarget } from "./target.ts";

/**
 * The live console client: watches WatchUpdates on a console-subscriber, with WatchState when the server
 * has it and WatchTaskDetails for tasks the consumer asks for. When the stream ends (the app exited or
 * restarted, or the subscriber dropped us as a slow client) it reconnects with capped, jittered
 * exponential backoff and announces `reset`: the next update is a fresh snapshot and any state built
 * from the old session must be discarded. It never calls Pause/Resume on its own.
 *
 * Messages are handed over as raw protobuf bytes (captures store them untouched; consumers decode).
 */
export type LiveEvent =
  | { type: "connected"; session: number; target: string }
  /** Discard all state: the next `update` is a full snapshot from a new connection. */
  | { type: "reset"; session: number }
  | { type: "update"; session: number; bytes: Uint8Array; receivedAt: number; t: number }
  | { type: "details"; session: number; task: bigint; bytes: Uint8Array; receivedAt: number; t: number }
  | { type: "details-ended"; session: number; task: bigint; reason: string }
  | { type: "state"; session: number; bytes: Uint8Array; receivedAt: number; t: number }
  /** WatchState is UNIMPLEMENTED on this server (console-subscriber < 0.5); nothing is lost. */
  | { type: "state-unsupported"; session: number }
  | { type: "disconnected"; session: number; reason: string; retryInMs?: number };

export interface LiveClientOptions {
  target: ConsoleTarget;
  /** Allowed for connecting and for the first message (default 10 s); also the budget for the first session. */
  timeoutMs?: number;
  /** Reconnect when the stream ends (default true). */
  reconnect?: boolean;
  backoff?: BackoffOptions;
  /** Call WatchState (default true); UNIMPLEMENTED is expected on older subscribers. */
  watchState?: boolean;
  signal?: AbortSignal;
}

export class LiveClient {
  private readonly queue = new AsyncQueue<LiveEvent>();
  private readonly abort = new AbortController();
  private channel: H2Channel | undefined;
  private session = 0;
  private readonly t0 = performance.now();
  private started = false;
  private readonly detailStreams = new Map<bigint, GrpcServerStream>();
  private pausedChannel: H2Channel | undefined;

  constructor(private readonly options: LiveClientOptions) {
    options.signal?.addEventListener("abort", () => this.close(), { once: true });
  }

  /** The event stream (one consumer). Throws UsageError for failures that retrying cannot fix. */
  events(): AsyncIterable<LiveEvent> {
    if (!this.started) {
      this.started = true;
      void this.run().then(
        () => this.queue.close(),
        (error) => this.queue.close(error),
      );
    }
    return this.queue;
  }

  /**
   * Starts WatchTaskDetails for a task of the current session (ids belong to one app process: after a
   * `reset`, ask again for the tasks of the new snapshot). NOT_FOUND ends with a `details-ended` event.
   */
  watchTaskDetails(task: bigint): void {
    const channel = this.channel;
    if (!channel || channel.closed || this.detailStreams.has(task)) return;
    const session = this.session;
    let stream: GrpcServerStream;
    try {
      stream = channel.serverStream("WatchTaskDetails", encodeTaskDetailsRequest(task), { signal: this.abort.signal });
    } catch (error) {
      // the session is going away under us (node throws on a destroyed session): the reset follows
      this.queue.push({ type: "details-ended", session, task, reason: (error as Error).message });
      return;
    }
    this.detailStreams.set(task, stream);
    void (async () => {
      let reason = "stream ended";
      try {
        for await (const bytes of stream) {
          this.queue.push({ type: "details", session, task, bytes, receivedAt: Date.now(), t: this.now() });
        }
        reason = describeEnd(stream.end);
      } catch (error) {
        reason = (error as Error).message;
      } finally {
        if (this.detailStreams.get(task) === stream) this.detailStreams.delete(task);
      }
      if (!this.abort.signal.aborted) this.queue.push({ type: "details-ended", session, task, reason });
    })();
  }

  /**
   * Pauses the app's console aggregator (for every client of that app!). Only on the user's request;
   * `close()` resumes what was paused here.
   */
  async pause(): Promise<void> {
    const channel = this.requireChannel("pause");
    await channel.unary("Pause", new Uint8Array(0), { firstMessageTimeoutMs: this.options.timeoutMs ?? 10_000 });
    this.pausedChannel = channel;
  }

  async resume(): Promise<void> {
    const channel = this.requireChannel("resume");
    await channel.unary("Resume", new Uint8Array(0), { firstMessageTimeoutMs: this.options.timeoutMs ?? 10_000 });
    this.pausedChannel = undefined;
  }

  get pausedByUs(): boolean {
    return this.pausedChannel !== undefined && this.pausedChannel === this.channel && !this.channel.closed;
  }

  /** Resumes the app if we paused it, then closes. */
  async shutdown(): Promise<void> {
    if (this.pausedByUs) {
      try {
        await Promise.race([this.resume(), new Promise((resolve) => setTimeout(resolve, 2000))]);
      } catch {
        // the connection is gone: the app is no longer paused by us either
      }
    }
    this.close();
  }

  /** Stops everything; iteration of events() ends. */
  close(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    this.channel?.close();
    this.queue.close();
  }

  /** Milliseconds since the client was created (monotonic). */
  now(): number {
    return performance.now() - this.t0;
  }

  private requireChannel(what: string): H2Channel {
    if (!this.channel || this.channel.closed) throw new ConnectionError(`cannot ${what}: not connected`);
    return this.channel;
  }

  private async run(): Promise<void> {
    const { target } = this.options;
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const reconnect = this.options.reconnect ?? true;
    const backoff = new Backoff(this.options.backoff);
    const signal = this.abort.signal;
    const firstDeadline = performance.now() + timeoutMs;
    let connectedOnce = false;

    while (!signal.aborted) {
      let reason: string;
      let channel: H2Channel | undefined;
      try {
        const remaining = connectedOnce ? timeoutMs : Math.max(1, firstDeadline - performance.now());
        channel = await H2Channel.connect(target, { timeoutMs: Math.min(timeoutMs, remaining), signal });
        this.channel = channel;
        const stream = channel.serverStream("WatchUpdates", new Uint8Array(0), { firstMessageTimeoutMs: timeoutMs, signal });
        let first = true;
        for await (const bytes of stream) {
          if (first) {
            first = false;
            this.session++;
            if (connectedOnce) this.queue.push({ type: "reset", session: this.session });
            connectedOnce = true;
            backoff.reset();
            this.queue.push({ type: "connected", session: this.session, target: target.display });
            if (this.options.watchState ?? true) this.watchState(channel, this.session);
          }
          this.queue.push({ type: "update", session: this.session, bytes, receivedAt: Date.now(), t: this.now() });
        }
        reason = describeEnd(stream.end);
        if (first && !signal.aborted) reason = `${target.display} ended WatchUpdates without sending a snapshot`;
      } catch (error) {
        if (signal.aborted) break;
        if (isFatal(error)) {
          const message = (error as Error).message;
          throw new UsageError(message.includes(target.display) ? message : `${target.display}: ${message}`);
        }
        reason = (error as Error).message;
      } finally {
        channel?.destroy();
        if (this.channel === channel) this.channel = undefined;
        for (const stream of this.detailStreams.values()) stream.cancel();
        this.detailStreams.clear();
      }
      if (signal.aborted) break;
      if (!connectedOnce) {
        const left = firstDeadline - performance.now();
        if (!reconnect || left <= 0) {
          throw new UsageError(`no console snapshot from ${target.display} within ${formatMs(timeoutMs)}: ${reason}`);
        }
        await sleep(Math.min(left, backoff.next()), signal);
        continue;
      }
      if (!reconnect) {
        this.queue.push({ type: "disconnected", session: this.session, reason });
        return;
      }
      const wait = backoff.next();
      this.queue.push({ type: "disconnected", session: this.session, reason, retryInMs: wait });
      await sleep(wait, signal);
    }
  }

  private watchState(channel: H2Channel, session: number): void {
    let stream: GrpcServerStream;
    try {
      stream = channel.serverStream("WatchState", new Uint8Array(0), { signal: this.abort.signal });
    } catch {
      return; // the connection is already gone
    }
    void (async () => {
      try {
        for await (const bytes of stream) this.queue.push({ type: "state", session, bytes, receivedAt: Date.now(), t: this.now() });
      } catch (error) {
        if (error instanceof GrpcStatusError && error.code === GrpcCode.UNIMPLEMENTED) {
          this.queue.push({ type: "state-unsupported", session });
        }
        // Any other WatchState failure is not worth ending the watch for.
      }
    })();
  }
}

function describeEnd(end: StreamEnd | undefined): string {
  if (!end || end.kind === "ok") return "the server ended the stream";
  return end.partialBytes > 0
    ? `the connection closed mid-message (${end.partialBytes} bytes discarded)`
    : "the connection closed (the app exited or restarted)";
}

/** Errors a reconnect cannot fix: the peer is not a console-subscriber, or refuses the call for good. */
function isFatal(error: unknown): boolean {
  if (error instanceof ProtocolError) return true;
  if (error instanceof GrpcStatusError) {
    const retryable: number[] = [GrpcCode.UNAVAILABLE, GrpcCode.CANCELLED, GrpcCode.ABORTED, GrpcCode.RESOURCE_EXHAUSTED, GrpcCode.INTERNAL, GrpcCode.UNKNOWN];
    return !retryable.includes(error.code);
  }
  if (error instanceof ConnectionError) return false;
  return !(error instanceof Error && "code" in error); // unknown non-system errors are bugs: surface them
}
