/**
 * gRPC length-prefixed message framing: 1 byte compressed flag, 4-byte big-endian length, then the
 * message. A response body is these frames back to back, cut into DATA chunks at arbitrary points.
 *
 * `GrpcFrameDecoder` reassembles messages from chunks incrementally. It has no message-size cap (tonic's
 * 4 MiB default is exceeded by real updates of big apps); `maxMessageBytes` is an optional guard.
 * Message bytes are returned as views into the chunk when a message lies inside one chunk (no copy),
 * otherwise as one freshly assembled buffer.
 */

export class GrpcFrameError extends Error {
  override readonly name = "GrpcFrameError";
}

export interface GrpcFrame {
  /** The compressed flag byte (0 = uncompressed; console-subscriber never compresses). */
  compressed: number;
  message: Uint8Array;
}

export interface GrpcFrameDecoderOptions {
  /** Refuse messages larger than this (default: no limit). */
  maxMessageBytes?: number;
  /** Accept frames whose compressed flag is set (returned as is). Default false: throw. */
  allowCompressed?: boolean;
}

export class GrpcFrameDecoder {
  private readonly maxMessageBytes: number;
  private readonly allowCompressed: boolean;
  /** Pending bytes of an incomplete prefix (< 5 bytes). */
  private header = new Uint8Array(5);
  private headerFill = 0;
  /** The message being assembled, once its prefix is complete. */
  private body: Uint8Array | null = null;
  private bodyFill = 0;
  private flag = 0;
  private total = 0;

  constructor(options: GrpcFrameDecoderOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? Number.POSITIVE_INFINITY;
    this.allowCompressed = options.allowCompressed ?? false;
  }

  /** Bytes consumed so far. */
  get bytesConsumed(): number {
    return this.total;
  }

  /** True when no partial frame is buffered (the stream may end here cleanly). */
  get atBoundary(): boolean {
    return this.headerFill === 0 && this.body === null;
  }

  /** Bytes of the partial frame buffered so far (0 at a boundary). */
  get pendingBytes(): number {
    return this.headerFill + (this.body === null ? 0 : 5 + this.bodyFill);
  }

  /** Feeds one chunk and returns every message it completes, in order. */
  push(chunk: Uint8Array): GrpcFrame[] {
    const out: GrpcFrame[] = [];
    let p = 0;
    const n = chunk.length;
    this.total += n;
    while (p < n) {
      if (this.body !== null) {
        const need = this.body.length - this.bodyFill;
        const take = Math.min(need, n - p);
        this.body.set(chunk.subarray(p, p + take), this.bodyFill);
        this.bodyFill += take;
        p += take;
        if (this.bodyFill === this.body.length) {
          out.push({ compressed: this.flag, message: this.body });
          this.body = null;
          this.bodyFill = 0;
        }
        continue;
      }
      if (this.headerFill === 0 && n - p >= 5) {
        // Fast path: whole prefix in this chunk.
        const flag = chunk[p];
        const len = ((chunk[p + 1] << 24) >>> 0) + (chunk[p + 2] << 16) + (chunk[p + 3] << 8) + chunk[p + 4];
        this.check(flag, len);
        p += 5;
        if (n - p >= len) {
          out.push({ compressed: flag, message: chunk.subarray(p, p + len) });
          p += len;
        } else {
          this.startBody(flag, len);
        }
        continue;
      }
      const take = Math.min(5 - this.headerFill, n - p);
      this.header.set(chunk.subarray(p, p + take), this.headerFill);
      this.headerFill += take;
      p += take;
      if (this.headerFill === 5) {
        const h = this.header;
        const flag = h[0];
        const len = ((h[1] << 24) >>> 0) + (h[2] << 16) + (h[3] << 8) + h[4];
        this.headerFill = 0;
        this.check(flag, len);
        if (len === 0) out.push({ compressed: flag, message: new Uint8Array(0) });
        else this.startBody(flag, len);
      }
    }
    return out;
  }

  /** Call at end of stream: throws if a partial frame is left over. */
  end(): void {
    if (!this.atBoundary) {
      throw new GrpcFrameError(`stream ended inside a gRPC frame (${this.pendingBytes} bytes of a partial message)`);
    }
  }

  private check(flag: number, len: number): void {
    if (flag !== 0 && flag !== 1) throw new GrpcFrameError(`invalid gRPC frame flag ${flag} (not a gRPC stream?)`);
    if (flag === 1 && !this.allowCompressed) throw new GrpcFrameError("compressed gRPC message (no grpc-encoding is supported)");
    if (len > this.maxMessageBytes) throw new GrpcFrameError(`gRPC message of ${len} bytes exceeds the limit of ${this.maxMessageBytes}`);
  }

  private startBody(flag: number, len: number): void {
    this.flag = flag;
    this.body = new Uint8Array(len);
    this.bodyFill = 0;
  }
}

/** Splits a complete buffer of frames (e.g. a .grpc fixture file). Throws on a truncated last frame. */
export function splitGrpcFrames(buffer: Uint8Array, options?: GrpcFrameDecoderOptions): Uint8Array[] {
  const decoder = new GrpcFrameDecoder(options);
  const frames = decoder.push(buffer).map((f) => f.message);
  decoder.end();
  return frames;
}

/** Frames `message` with the 5-byte gRPC prefix (uncompressed). */
export function encodeGrpcFrame(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + message.length);
  const len = message.length;
  out[1] = (len >>> 24) & 0xff;
  out[2] = (len >>> 16) & 0xff;
  out[3] = (len >>> 8) & 0xff;
  out[4] = len & 0xff;
  out.set(message, 5);
  return out;
}
