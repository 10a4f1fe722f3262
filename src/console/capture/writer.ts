import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { captureVersion, type CaptureEvent, type CaptureHeader, type CaptureLine, type CaptureRpc } from "./format.ts";

/**
 * Appends capture records synchronously: each record is one `writeSync` of one complete line, so when the
 * recorder is killed every message received so far is in the file and at most the last line is cut.
 */
export class CaptureWriter {
  private readonly t0 = performance.now();
  private closed = false;
  messages = 0;
  bytes = 0;

  private constructor(
    private readonly fd: number,
    readonly path: string,
  ) {}

  /** Creates the file (refusing to overwrite unless `overwrite`) and writes the header line. */
  static create(path: string, header: Omit<CaptureHeader, "asyncDoctorCapture" | "startedAt">, overwrite = false): CaptureWriter {
    const fd = fs.openSync(path, overwrite ? "w" : "wx");
    const writer = new CaptureWriter(fd, path);
    writer.writeLine({ asyncDoctorCapture: captureVersion, ...header, startedAt: new Date().toISOString() });
    return writer;
  }

  /** Milliseconds since the capture started. */
  now(): number {
    return performance.now() - this.t0;
  }

  message(rpc: CaptureRpc, session: number, bytes: Uint8Array, task?: string, t = this.now()): void {
    const line: CaptureLine = { t: round(t), s: session, rpc };
    if (task !== undefined) line.task = task;
    line.b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
    this.writeLine(line);
    this.messages++;
    this.bytes += bytes.byteLength;
  }

  event(event: CaptureEvent["event"], session?: number, reason?: string): void {
    const line: CaptureLine = { t: round(this.now()), event };
    if (session !== undefined) line.s = session;
    if (reason !== undefined) line.reason = reason;
    this.writeLine(line);
  }

  close(reason = "stopped"): void {
    if (this.closed) return;
    this.event("stopped", undefined, reason);
    this.closed = true;
    fs.closeSync(this.fd);
  }

  private writeLine(value: object): void {
    if (this.closed) throw new Error(`capture ${this.path} is closed`);
    const data = Buffer.from(`${JSON.stringify(value)}\n`, "utf8");
    let offset = 0;
    while (offset < data.length) offset += fs.writeSync(this.fd, data, offset, data.length - offset);
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
