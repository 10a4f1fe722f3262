import http2 from "node:http2";
import net from "node:net";
import type { ConsoleTarget } from "./target.ts";
import { GrpcFrameDecoder, GrpcFrameError, encodeGrpcFrame } from "../protocol/grpc-frames.ts";
import { inputLimits } from "../../util/input-limits.ts";
import { ConnectionError, GrpcCode, GrpcStatusError, ProtocolError, decodeGrpcMessage } from "./grpc-status.ts";

/**
 * A gRPC client channel over node's built-in http2 (cleartext HTTP/2 with prior knowledge), which is all
 * console-subscriber speaks. No gRPC library: the console API has five RPCs, all empty or one-field
 * requests, and we need the raw message bytes (for captures) plus control over message size and
 * connection-loss semantics that generic clients hide.
 */
export const instrumentService = "/rs.tokio.console.instrument.Instrument";
export type InstrumentRpc = "WatchUpdates" | "WatchTaskDetails" | "WatchState" | "Pause" | "Resume";

/** Session settings that let multi-megabyte updates flow without stalling on flow control. */
const sessionOptions: http2.ClientSessionOptions = {
  maxSessionMemory: 512, // MiB; node's default of 10 stalls big bursts
  settings: { initialWindowSize: 16 * 1024 * 1024, maxFrameSize: 1024 * 1024 - 1, enablePush: false },
};
const sessionWindow = 64 * 1024 * 1024;

export interface ConnectOptions {
  /** Time allowed for the TCP/Unix connection and the HTTP/2 handshake. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class H2Channel {
  private closedReason: Error | undefined;
  private readonly closeListeners = new Set<(reason: Error) => void>();

  private constructor(
    readonly target: ConsoleTarget,
    private readonly session: http2.ClientHttp2Session,
  ) {
    session.on("close", () => this.markClosed(new ConnectionError(`connection to ${target.display} closed`)));
    session.on("error", (error: Error) => this.markClosed(connectionErrorFrom(error, target)));
    session.on("goaway", (code: number) => this.markClosed(new ConnectionError(`server ${target.display} sent GOAWAY (code ${code})`)));
  }

  static connect(target: ConsoleTarget, options: ConnectOptions = {}): Promise<H2Channel> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise<H2Channel>((resolve, reject) => {
      const session =
        target.kind === "unix"
          ? http2.connect("http://localhost", { ...sessionOptions, createConnection: () => net.connect(target.path) })
          : http2.connect(`http://${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`, sessionOptions);
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        session.off("error", onError);
        session.off("remoteSettings", onReady);
        if (error) {
          session.destroy();
          reject(error);
        } else {
          try {
            session.setLocalWindowSize(sessionWindow);
          } catch {
            // older peers may refuse a window update; the default window still works, only slower
          }
          resolve(new H2Channel(target, session));
        }
      };
      const onError = (error: Error) => finish(connectionErrorFrom(error, target));
      // The server's SETTINGS frame proves it speaks HTTP/2; a bare TCP accept does not.
      const onReady = () => finish();
      const onAbort = () => finish(new ConnectionError("cancelled"));
      const timer = setTimeout(
        () => finish(new ConnectionError(`no HTTP/2 handshake from ${target.display} within ${formatMs(timeoutMs)}`, true)),
        timeoutMs,
      );
      session.once("error", onError);
      session.once("remoteSettings", onReady);
      session.once("close", () => finish(new ConnectionError(`connection to ${target.display} closed during the HTTP/2 handshake`)));
      options.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Called once when the connection goes away for any reason. */
  onClose(listener: (reason: Error) => void): () => void {
    if (this.closedReason) {
      listener(this.closedReason);
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Starts a server-streaming call; the request message is framed here (an empty request is 5 zero bytes). */
  serverStream(rpc: InstrumentRpc, request: Uint8Array, options: StreamOptions = {}): GrpcServerStream {
    return new GrpcServerStream(this, this.session, rpc, request, options);
  }

  /** A unary call (Pause/Resume): the single response message. */
  async unary(rpc: InstrumentRpc, request: Uint8Array, options: StreamOptions = {}): Promise<Uint8Array> {
    const stream = this.serverStream(rpc, request, options);
    let result: Uint8Array | undefined;
    for await (const message of stream) result ??= message;
    if (result === undefined) throw new ProtocolError(`${rpc} returned no message`);
    return result;
  }

  close(): void {
    if (!this.session.closed) this.session.close();
    // close() waits for open streams; a console stream never ends, so do not wait long.
    setTimeout(() => this.session.destroy(), 200).unref();
  }

  destroy(): void {
    this.session.destroy();
  }

  private markClosed(reason: Error): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const listener of this.closeListeners) listener(reason);
    this.closeListeners.clear();
  }
}

export interface StreamOptions {
  /** Time allowed for the response headers and the first message (console servers send one at once). */
  firstMessageTimeoutMs?: number;
  signal?: AbortSignal;
}

/** How a server stream ended without error. */
export type StreamEnd =
  | { kind: "ok" } // trailers with grpc-status 0
  | { kind: "connection-closed"; partialBytes: number }; // no trailers: the app exited or the link broke

/**
 * The messages of one server-streaming call as an async iterable of raw protobuf bytes. Iteration ends
 * when the server finishes (grpc-status 0) or the connection goes away (how real console streams end);
 * `end` says which. It throws GrpcStatusError, ProtocolError or ConnectionError (timeout).
 */
export class GrpcServerStream implements AsyncIterable<Uint8Array> {
  end: StreamEnd | undefined;
  responseHeaders: http2.IncomingHttpHeaders | undefined;
  private readonly queue: Uint8Array[] = [];
  private error: Error | undefined;
  private finished = false;
  private wake: (() => void) | undefined;
  private readonly stream: http2.ClientHttp2Stream;
  // Not tonic's 4 MiB (real updates of big apps exceed it) but a cap all the same, checked on the announced
  // length before anything is buffered: ASYNC_DOCTOR_MAX_GRPC_FRAME_BYTES (default 256 MiB).
  private readonly decoder = new GrpcFrameDecoder({ maxMessageBytes: inputLimits().maxGrpcFrameBytes });
  private firstTimer: NodeJS.Timeout | undefined;
  private gotMessage = false;

  constructor(
    private readonly channel: H2Channel,
    session: http2.ClientHttp2Session,
    readonly rpc: InstrumentRpc,
    request: Uint8Array,
    options: StreamOptions,
  ) {
    const target = channel.target.display;
    this.stream = session.request(
      {
        ":method": "POST",
        ":path": `${instrumentService}/${rpc}`,
        "content-type": "application/grpc",
        te: "trailers",
        "user-agent": "async-doctor",
      },
      { endStream: false },
    );
    this.stream.end(encodeGrpcFrame(request));
    if (options.firstMessageTimeoutMs !== undefined) {
      const ms = options.firstMessageTimeoutMs;
      this.firstTimer = setTimeout(
        () => this.fail(new ConnectionError(`${target} accepted the connection but sent no ${rpc} message within ${formatMs(ms)}`, true)),
        ms,
      );
    }
    const onAbort = () => this.cancel();
    options.signal?.addEventListener("abort", onAbort, { once: true });

    this.stream.on("response", (headers) => {
      this.responseHeaders = headers;
      const status = Number(headers[":status"]);
      const contentType = String(headers["content-type"] ?? "");
      if (status !== 200) {
        return this.fail(new ProtocolError(`${target} answered ${rpc} with HTTP status ${status}${contentType ? ` (${contentType})` : ""}: not a console-subscriber gRPC server`));
      }
      if (!/^application\/grpc(\+proto)?(;|$)/i.test(contentType)) {
        return this.fail(
          new ProtocolError(`${target} answered ${rpc} with content-type '${contentType || "(none)"}', not application/grpc: not a console-subscriber gRPC server`),
        );
      }
      if (headers["grpc-status"] !== undefined) this.applyStatus(headers); // trailers-only response
    });
    this.stream.on("data", (chunk: Buffer) => {
      if (this.finished) return;
      let messages: Uint8Array[];
      try {
        messages = this.decoder.push(chunk).map((frame) => frame.message);
      } catch (error) {
        const reason = error instanceof GrpcFrameError ? error.message : String(error);
        return this.fail(new ProtocolError(`${target} sent a response that is not a gRPC message stream: ${reason}`));
      }
      if (messages.length > 0) {
        this.gotMessage = true;
        if (this.firstTimer) clearTimeout(this.firstTimer);
        this.queue.push(...messages);
        this.notify();
      }
    });
    this.stream.on("trailers", (trailers) => this.applyStatus(trailers));
    this.stream.on("error", (error: Error) => this.fail(connectionErrorFrom(error, channel.target)));
    this.stream.on("close", () => {
      options.signal?.removeEventListener("abort", onAbort);
      if (this.firstTimer) clearTimeout(this.firstTimer);
      if (!this.finished) {
        if (this.responseHeaders === undefined && !this.gotMessage) {
          this.fail(new ConnectionError(`${target} closed the connection before answering ${rpc}`));
        } else {
          this.finish({ kind: "connection-closed", partialBytes: this.decoder.pendingBytes });
        }
      }
    });
  }

  /** Stops the call (RST_STREAM CANCEL); iteration ends quietly. */
  cancel(): void {
    if (!this.stream.closed && !this.stream.destroyed) this.stream.close(http2.constants.NGHTTP2_CANCEL);
    this.finish({ kind: "ok" });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    try {
      for (;;) {
        if (this.queue.length > 0) {
          yield this.queue.shift()!;
          continue;
        }
        if (this.error) throw this.error;
        if (this.finished) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      if (!this.finished) this.cancel();
    }
  }

  private applyStatus(headers: http2.IncomingHttpHeaders): void {
    const code = Number(headers["grpc-status"]);
    if (code === GrpcCode.OK) return this.finish({ kind: "ok" });
    if (!Number.isInteger(code)) {
      return this.fail(new ProtocolError(`${this.channel.target.display} sent a malformed grpc-status '${headers["grpc-status"]}'`));
    }
    this.fail(new GrpcStatusError(this.rpc, code, decodeGrpcMessage(headers["grpc-message"])));
  }

  private finish(end: StreamEnd): void {
    if (this.finished) return;
    this.finished = true;
    this.end = end;
    if (this.firstTimer) clearTimeout(this.firstTimer);
    this.notify();
  }

  private fail(error: Error): void {
    if (this.finished) return;
    this.error = error;
    this.finished = true;
    if (this.firstTimer) clearTimeout(this.firstTimer);
    if (!this.stream.closed && !this.stream.destroyed) this.stream.close(http2.constants.NGHTTP2_CANCEL);
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function connectionErrorFrom(error: Error, target: ConsoleTarget): Error {
  if (error instanceof ProtocolError || error instanceof ConnectionError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (code === "ECONNREFUSED") return new ConnectionError(`nothing listens on ${target.display} (connection refused)`);
  if (code === "ENOENT") return new ConnectionError(`no socket at ${target.display}`);
  if (code === "ERR_HTTP2_ERROR" || code === "ERR_HTTP2_SESSION_ERROR" || /protocol error/i.test(error.message)) {
    return new ProtocolError(`${target.display} does not speak HTTP/2 gRPC (${error.message})`);
  }
  return new ConnectionError(`connection to ${target.display} failed: ${error.message}`);
}

export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}
