/**
 * Buffered output to a file (or stdout) with backpressure: small writes are joined into ~1 MiB chunks,
 * and `drain()` waits until the stream has taken them, so an export of millions of events holds at most
 * a few chunks in memory however big the output.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import type { Writable } from "node:stream";

const CHUNK = 1 << 20;

export class ChunkedWriter {
  private parts: (string | Uint8Array)[] = [];
  private size = 0;
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
    this.parts.push(data);
    this.size += data.length;
    if (this.size >= CHUNK) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const chunk = this.parts.every((p) => typeof p === "string")
      ? Buffer.from((this.parts as string[]).join(""), "utf8")
      : Buffer.concat(this.parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p)));
    this.parts = [];
    this.size = 0;
    this.bytesWritten += chunk.length;
    this.stream.write(chunk);
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
