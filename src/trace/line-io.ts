/**
 * Streaming line input and chunked output for `trace` and `trace demangle`, so memory stays bounded by
 * one chunk and one line whatever the input's size (a 100 MB log, a pipe that never ends).
 *
 * Input is read with synchronous reads of 1 MiB into one reused buffer: for a file or a pipe that is
 * cheaper than a stream's per-chunk promises and allocations (measured in bench/trace-bench.ts), and a
 * CLI command has nothing else to do meanwhile. When stdin is non-blocking (EAGAIN), it falls back to
 * the stream. Lines longer than `maxLineChars` are cut there (the rest of the line is skipped, never
 * held; a cut can end inside a UTF-8 sequence, decoded as U+FFFD). Output is collected and written in chunks of about 1 MiB.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync, constants } from "node:fs";
import { UsageError } from "../cli/errors.ts";
import { kindOf } from "../util/bounded-read.ts";

const chunkBytes = 1 << 20;

/** Thrown when the reader of our output went away (`| head`): the command stops quietly. */
export class OutputClosed extends Error {
  override readonly name = "OutputClosed";
}

/**
 * Splits bytes into lines. Each line is decoded on its own from the bytes (not sliced from a decoded
 * chunk): a sliced string would keep its whole 1 MiB chunk alive for as long as any piece of it (a frame
 * name in a cache) lives. A newline byte never occurs inside a UTF-8 sequence, so lines decode whole.
 */
export class LineSplitter {
  private carry: Buffer[] = [];
  private carried = 0;
  private skipping = false;
  cutLines = 0;

  constructor(
    /** Longest line kept, in bytes (the rest of a longer line is skipped). */
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
  ) {}

  push(bytes: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = bytes.indexOf(10, start);
      if (newline === -1) {
        this.keep(bytes.subarray(start));
        return;
      }
      if (this.carried > 0 || this.skipping) {
        this.keep(bytes.subarray(start, newline));
        this.onLine(this.takeCarry());
      } else if (newline - start > this.maxLineBytes) {
        this.cutLines++;
        this.onLine(bytes.toString("utf8", start, start + this.maxLineBytes));
      } else {
        this.onLine(bytes.toString("utf8", start, newline));
      }
      start = newline + 1;
    }
  }

  end(): void {
    if (this.carried > 0 || this.skipping) this.onLine(this.takeCarry());
  }

  private takeCarry(): string {
    const line = Buffer.concat(this.carry, this.carried).toString("utf8");
    this.carry = [];
    this.carried = 0;
    this.skipping = false;
    return line;
  }

  private keep(piece: Buffer): void {
    if (this.skipping || piece.length === 0) return;
    const room = this.maxLineBytes - this.carried;
    if (piece.length > room) {
      this.carry.push(Buffer.from(piece.subarray(0, room)));
      this.carried += room;
      this.skipping = true;
      this.cutLines++;
      return;
    }
    // Copied: the read buffer is reused for the next chunk.
    this.carry.push(Buffer.from(piece));
    this.carried += piece.length;
  }
}

/** Opens a named input for streaming; FIFOs, devices and sockets are refused (reading them may never end). */
function openInput(file: string, what: string): number {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${what}: cannot read ${file}: ${code === "ENOENT" ? "no such file" : code === "EACCES" || code === "EPERM" ? "permission denied" : (code ?? "error")}`);
  }
  const info = fstatSync(fd);
  if (!info.isFile()) {
    closeSync(fd);
    throw new UsageError(`${what}: ${file} is ${kindOf(info)}, not a regular file; pipe it into stdin ('-') instead`);
  }
  return fd;
}

/**
 * Calls `onLine` for every line of `input` (a file, or stdin for undefined/"-"), in order. Returns the
 * number of lines cut to `maxLineChars`.
 */
export async function forEachLine(
  input: string | undefined,
  what: string,
  maxLineChars: number,
  onLine: (line: string) => void,
  /** Called after each chunk's lines: asynchronous work on them (linting, writing) is done before reading on. */
  afterChunk?: () => Promise<void>,
): Promise<number> {
  const splitter = new LineSplitter(maxLineChars, onLine);
  const fromStdin = input === undefined || input === "-";
  const fd = fromStdin ? 0 : openInput(input, what);
  const buffer = Buffer.allocUnsafe(chunkBytes);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buffer, 0, chunkBytes, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (fromStdin && (code === "EAGAIN" || code === "EWOULDBLOCK")) {
          for await (const chunk of process.stdin) {
            splitter.push(chunk as Buffer);
            await afterChunk?.();
          }
          break;
        }
        if (code === "EOF") break;
        throw new UsageError(`${what}: cannot read ${fromStdin ? "stdin" : input} (${code ?? "error"})`);
      }
      if (n === 0) break;
      splitter.push(buffer.subarray(0, n));
      await afterChunk?.();
    }
    splitter.end();
  } finally {
    if (!fromStdin) closeSync(fd);
  }
  return splitter.cutLines;
}

/**
 * Output encoded into one reused 1 MiB buffer as it is produced and written to stdout (fd 1) when full.
 * Encoding at once (instead of keeping the strings until a flush) leaves the garbage collector nothing
 * to copy: demangled names are rope strings of many pieces, and holding 100k of them per flush cost
 * more in GC than the demangling itself.
 */
export class ChunkedOutput {
  private readonly buffer = Buffer.allocUnsafe(chunkBytes);
  private used = 0;

  write(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.used + text.length * 3 > chunkBytes) {
      this.flush();
      if (text.length * 3 > chunkBytes) {
        this.writeAll(Buffer.from(text, "utf8"));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, "utf8");
  }

  flush(): void {
    if (this.used === 0) return;
    const used = this.used;
    this.used = 0;
    this.writeAll(this.buffer.subarray(0, used));
  }

  private writeAll(data: Buffer): void {
    let offset = 0;
    while (offset < data.length) {
      try {
        offset += writeSync(1, data, offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") {
          // stdout is non-blocking (inherited that way): wait a moment for the reader.
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
          continue;
        }
        if (code === "EPIPE") throw new OutputClosed("output closed");
        throw error;
      }
    }
  }
}
