import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { GrpcCode } from "../transport/grpc-status.ts";
import { GrpcFrameDecoder, encodeGrpcFrame } from "../protocol/grpc-frames.ts";
import type { ReplayMessage, ReplaySource } from "./replay-source.ts";
import { taskDetailsRequestId } from "./request-id.ts";

/**
 * A console-subscriber-compatible gRPC server (h2c) that replays recorded messages with their original
 * timing. Every WatchUpdates call gets the whole recorded stream from its first message (the snapshot),
 * as a fresh client of the app would have. Faults can be injected for testing clients.
 */
export type Listen = { host: string; port: number } | { path: string };

/** What happens after the last recorded message of a stream. */
export type AtEnd =
  | "hold" // keep the stream open, as the app would while idle (default; lets tokio-console browse)
  | "close" // drop the connection, like the app exiting (how the recorded streams really ended)
  | "ok"; // finish the call with grpc-status 0

export type Fault =
  | "content-type" // answer with text/html
  | "garbage" // send bytes that are not gRPC frames after the first message
  | "silent" // accept streams but never answer
  | "unimplemented"; // answer every call with UNIMPLEMENTED

export interface ReplayServerOptions {
  listen: Listen;
  /** Playback speed: 2 = twice as fast; 0 or Infinity = no delays. */
  speed?: number;
  atEnd?: AtEnd;
  fault?: Fault;
  /** Drop the connection right after this many WatchUpdates messages (an app crash mid-stream). */
  killAfter?: number;
  log?: (line: string) => void;
}

export interface ReplayServer {
  /** `http://127.0.0.1:PORT` or `unix:PATH`. */
  address: string;
  port?: number;
  close(): Promise<void>;
}

const service = "/rs.tokio.console.instrument.Instrument/";

export async function startReplayServer(source: ReplaySource, options: ReplayServerOptions): Promise<ReplayServer> {
  const log = options.log ?? (() => {});
  const speed = options.speed === undefined ? 1 : options.speed;
  const scale = speed <= 0 || !Number.isFinite(speed) ? 0 : 1 / speed;
  const clock = new PauseClock();
  const sessions = new Set<http2.ServerHttp2Session>();

  const server = http2.createServer({
    maxSessionMemory: 512,
    settings: { initialWindowSize: 16 * 1024 * 1024, maxFrameSize: 1024 * 1024 - 1 },
  });
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
    session.on("error", () => {});
  });
  server.on("stream", (stream, headers) => {
    stream.on("error", () => {});
    const path = String(headers[":path"] ?? "");
    if (options.fault === "silent") return; // never answer
    if (options.fault === "content-type") {
      stream.respond({ ":status": 200, "content-type": "text/html; charset=utf-8" });
      stream.end("<html><body>not a gRPC server</body></html>");
      return;
    }
    const rpc = path.startsWith(service) ? path.slice(service.length) : "";
    readRequest(stream, (request) => {
      log(`${rpc || path} requested`);
      if (options.fault === "unimplemented") return trailersOnly(stream, GrpcCode.UNIMPLEMENTED, `unknown method ${rpc}`);
      switch (rpc) {
        case "WatchUpdates":
          return void play(stream, source.updates, "updates").catch(() => stream.destroy());
        case "WatchTaskDetails": {
          let id: bigint | undefined;
          try {
            id = taskDetailsRequestId(request);
          } catch {
            return trailersOnly(stream, GrpcCode.INVALID_ARGUMENT, "malformed TaskDetailsRequest");
          }
          if (id === undefined || id === 0n) return trailersOnly(stream, GrpcCode.INVALID_ARGUMENT, "missing task id");
          const details = source.taskDetails.get(id.toString());
          if (!details) return trailersOnly(stream, GrpcCode.NOT_FOUND, `no recorded details for task ${id}`);
          return void play(stream, details, "details").catch(() => stream.destroy());
        }
        case "WatchState":
          // Subscribers before 0.5 do not have this RPC; a capture of one has no state messages.
          if (!source.state) return trailersOnly(stream, GrpcCode.UNIMPLEMENTED, "WatchState is not implemented by the recorded server");
          return void play(stream, source.state, "state").catch(() => stream.destroy());
        case "Pause":
        case "Resume":
          if (rpc === "Pause") clock.pause();
          else clock.resume();
          stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
          stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
          stream.end(encodeGrpcFrame(new Uint8Array(0)));
          return;
        default:
          return trailersOnly(stream, GrpcCode.UNIMPLEMENTED, `unknown method ${path}`);
      }
    });
  });

  async function play(stream: http2.ServerHttp2Stream, messages: ReplayMessage[], kind: "updates" | "details" | "state"): Promise<void> {
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    const start = clock.now();
    let sent = 0;
    for (const message of messages) {
      await clock.waitUntil(start + message.atMs * scale, stream);
      if (stream.closed || stream.destroyed) return;
      if (!stream.write(encodeGrpcFrame(message.bytes))) await onceDrained(stream);
      sent++;
      if (options.fault === "garbage" && sent === 1) {
        stream.write(Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\ngarbage that is not a gRPC frame"));
      }
      if (kind === "updates" && options.killAfter !== undefined && sent >= options.killAfter) {
        log(`dropping the connection after ${sent} updates (--kill-after)`);
        stream.session?.destroy();
        return;
      }
    }
    const atEnd = options.atEnd ?? "hold";
    if (atEnd === "ok") stream.end();
    else if (atEnd === "close" && kind === "updates") {
      log("end of recording: dropping the connection (--at-end close)");
      stream.session?.destroy();
    }
    // hold: leave the stream open until the client goes away
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    if ("path" in options.listen) server.listen(options.listen.path, () => resolve());
    else server.listen(options.listen.port, options.listen.host, () => resolve());
  });
  const address = server.address();
  let display: string;
  let port: number | undefined;
  if (typeof address === "string") display = `unix:${address}`;
  else {
    const info = address as AddressInfo;
    port = info.port;
    display = `http://${info.family === "IPv6" ? `[${info.address}]` : info.address}:${info.port}`;
  }
  return {
    address: display,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

function readRequest(stream: http2.ServerHttp2Stream, onRequest: (message: Uint8Array) => void): void {
  const decoder = new GrpcFrameDecoder();
  let done = false;
  const answer = (message: Uint8Array) => {
    if (done) return;
    done = true;
    onRequest(message);
  };
  stream.on("data", (chunk: Buffer) => {
    try {
      const messages = decoder.push(chunk);
      if (messages.length > 0) answer(messages[0].message);
    } catch {
      if (!done) {
        done = true;
        trailersOnly(stream, GrpcCode.INTERNAL, "malformed request frame");
      }
    }
  });
  // A request body that ends without a frame counts as an empty message.
  stream.on("end", () => answer(new Uint8Array(0)));
}

function trailersOnly(stream: http2.ServerHttp2Stream, code: number, message: string): void {
  if (stream.closed || stream.destroyed || stream.headersSent) return;
  stream.respond(
    { ":status": 200, "content-type": "application/grpc", "grpc-status": String(code), "grpc-message": encodeURIComponent(message) },
    { endStream: true },
  );
}

function onceDrained(stream: http2.ServerHttp2Stream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}

/** A clock that stops while paused (Pause/Resume), so paused time does not count toward replay delays. */
class PauseClock {
  private pausedAt: number | undefined;
  private pausedTotal = 0;
  private resumeWaiters: (() => void)[] = [];

  now(): number {
    return (this.pausedAt ?? performance.now()) - this.pausedTotal;
  }

  pause(): void {
    this.pausedAt ??= performance.now();
  }

  resume(): void {
    if (this.pausedAt === undefined) return;
    this.pausedTotal += performance.now() - this.pausedAt;
    this.pausedAt = undefined;
    for (const wake of this.resumeWaiters.splice(0)) wake();
  }

  async waitUntil(deadline: number, stream: http2.ServerHttp2Stream): Promise<void> {
    for (;;) {
      if (stream.closed || stream.destroyed) return;
      if (this.pausedAt !== undefined) {
        await new Promise<void>((resolve) => {
          this.resumeWaiters.push(resolve);
          stream.once("close", resolve);
        });
        continue;
      }
      const wait = deadline - this.now();
      if (wait <= 0) return;
      await delay(Math.min(wait, 250));
    }
  }
}
