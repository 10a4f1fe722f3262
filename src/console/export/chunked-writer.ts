/**
 * Buffered output to a file (or stdout) with backpressure: small writes are joined into ~1 MiB chunks,
 * and `drain()` waits until the stream has taken them, so an export of millions of events holds at most
 * a few chunks in memory however big the output.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import type { Writable } from "node:stream";

const CHUNK = 1 << 20;

export class ChunkedWriter {
  /** Bytes are encoded straight into this chunk (no joined strings); a fresh one after each flush, since the stream keeps the old one until written. */
  private chunk = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  bytesWritten = 0;
  private failure: Error | undefined;

  constructor(private readonly stream: Writable) {
    stream.on("error", (error: Error) => {
      this.failure ??= error;
    });
  }

  static toFile(path: string): ChunkedWriter {
    const stream: WriteStream = createWriteStream(path);
    return new ChunkedWriter(stream);
  }

  write(data: string | Uint8Array): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const most = typeof data === "string" ? data.length * 3 : data.length;
    if (this.used + most > CHUNK) {
      this.flush();
      if (most > CHUNK) {
        const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
        this.bytesWritten += bytes.length;
        this.stream.write(bytes);
        return;
      }
    }
    if (typeof data === "string") this.used += this.chunk.write(data, this.used, "utf8");
    else {
      this.chunk.set(data, this.used);
      this.used += data.length;
    }
  }

  private flush(): void {
    if (this.used === 0) return;
    const bytes = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
    this.bytesWritten += bytes.length;
    this.stream.write(bytes);
  }

  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    this.flush();
    if (this.stream.writableNeedDrain) await this.event("drain");
    if (this.failure) throw this.failure;
  }

  /** Waits for `name`, or for the stream to close (after an error, recorded in `failure`). One listener each, removed after. */
  private event(name: "drain" | "finish"): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off(name, done);
        this.stream.off("close", done);
        resolve();
      };
      this.stream.on(name, done);
      this.stream.on("close", done);
    });
  }

  async close(): Promise<void> {
    this.flush();
    if (this.failure) throw this.failure;
    if (this.stream === process.stdout) {
      await this.drain();
      return;
    }
    this.stream.end();
    await this.event("finish");
    if (this.failure) throw this.failure;
  }
}
