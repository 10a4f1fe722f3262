import fs from "node:fs";
import { UsageError } from "../../cli/errors.ts";
import { captureMagic, type CaptureHeader, type CaptureLine, type CaptureRecord } from "./format.ts";

export interface CaptureReadOptions {
  /** Bytes per read (tests use small values to cross line boundaries). */
  chunkSize?: number;
}

/**
 * Streams a capture file: first the header, then every complete record in file order. A trailing line
 * without "\n" (a recorder killed mid-write) is ignored; a bad complete line is an error naming the line.
 */
export async function* readCapture(
  path: string,
  options: CaptureReadOptions = {},
): AsyncGenerator<{ header: CaptureHeader } | { record: CaptureRecord }> {
  let lineNo = 0;
  let sawHeader = false;
  for await (const line of completeLines(path, options.chunkSize)) {
    lineNo++;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new UsageError(`${path}:${lineNo}: not a capture record (bad JSON)`);
    }
    if (!sawHeader) {
      const header = value as CaptureHeader;
      if (typeof value !== "object" || value === null || header[captureMagic] === undefined) {
        throw new UsageError(`${path}: not an async-doctor capture file (no {"${captureMagic}":1} header)`);
      }
      if (header.asyncDoctorCapture !== 1) {
        throw new UsageError(`${path}: capture format version ${header.asyncDoctorCapture} is newer than this async-doctor reads (1)`);
      }
      sawHeader = true;
      yield { header };
      continue;
    }
    const record = toRecord(value as CaptureLine);
    if (record === undefined) continue; // a record kind from a newer writer: skip
    yield { record };
  }
  if (!sawHeader) throw new UsageError(`${path}: empty capture file`);
}

/** Only the records, with the header checked. */
export async function* captureRecords(path: string, options: CaptureReadOptions = {}): AsyncGenerator<CaptureRecord> {
  for await (const item of readCapture(path, options)) if ("record" in item) yield item.record;
}

/** True when the file starts with a capture header. */
export function isCaptureFile(path: string): boolean {
  const fd = fs.openSync(path, "r");
  try {
    const buffer = Buffer.alloc(64);
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString("utf8").replace(/\s/g, "").startsWith(`{"${captureMagic}"`);
  } finally {
    fs.closeSync(fd);
  }
}

function toRecord(line: CaptureLine): CaptureRecord | undefined {
  if (typeof line !== "object" || line === null || typeof line.t !== "number") return undefined;
  if (line.rpc !== undefined && typeof line.b64 === "string") {
    return {
      kind: "message",
      t: line.t,
      session: line.s ?? 1,
      rpc: line.rpc,
      ...(line.task !== undefined ? { task: String(line.task) } : {}),
      bytes: new Uint8Array(Buffer.from(line.b64, "base64")),
    };
  }
  if (line.event !== undefined) {
    return {
      kind: "event",
      t: line.t,
      event: line.event,
      ...(line.s !== undefined ? { session: line.s } : {}),
      ...(line.reason !== undefined ? { reason: line.reason } : {}),
    };
  }
  return undefined;
}

async function* completeLines(path: string, chunkSize = 1 << 20): AsyncGenerator<string> {
  const stream = fs.createReadStream(path, { highWaterMark: chunkSize });
  let rest: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (;;) {
        const newline = data.indexOf(0x0a, start);
        if (newline < 0) break;
        yield data.toString("utf8", start, newline);
        start = newline + 1;
      }
      rest = data.subarray(start);
      data = rest;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(`${path}: no such file`);
    throw error;
  }
  // `rest` holds a line without its newline: a record cut mid-write. Ignored by design.
}
