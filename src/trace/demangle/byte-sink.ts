/**
 * A growable UTF-8 byte buffer the demangler prints into. Symbols are ASCII and so is nearly all of their
 * demangled text, so printing is copying bytes: no strings are built per symbol (building them as ropes
 * and encoding them for output cost more than the demangling itself; see docs/trace.md#speed).
 */
export class ByteSink {
  buffer: Buffer;
  length = 0;

  constructor(initialBytes = 4096) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Makes room for `bytes` more bytes. */
  reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(b: number): void {
    if (this.length === this.buffer.length) this.reserve(1);
    this.buffer[this.length++] = b;
  }

  /** An ASCII string (the printer's punctuation and keywords). */
  ascii(s: string): void {
    this.reserve(s.length);
    const buffer = this.buffer;
    let at = this.length;
    for (let i = 0; i < s.length; i++) buffer[at++] = s.charCodeAt(i);
    this.length = at;
  }

  /** Bytes of `source` from `start` to `end`. */
  copy(source: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.reserve(n);
    const buffer = this.buffer;
    let at = this.length;
    // A loop beats Buffer#set for the short runs (identifiers) this is called with.
    if (n < 64) for (let i = start; i < end; i++) buffer[at++] = source[i]!;
    else {
      buffer.set(source.subarray(start, end), at);
      at += n;
    }
    this.length = at;
  }

  /** Any string, UTF-8 encoded. */
  text(s: string): void {
    this.reserve(s.length * 3);
    this.length += this.buffer.write(s, this.length, "utf8");
  }

  codePoint(cp: number): void {
    if (cp < 0x80) this.byte(cp);
    else this.text(String.fromCodePoint(cp));
  }

  /** Lowercase hex digits of a 64-bit value given as its high and low 32 bits, no leading zeros. */
  hex64(hi: number, lo: number): void {
    this.reserve(16);
    if (hi !== 0) {
      this.hex32(hi, false);
      this.hex32(lo, true);
    } else this.hex32(lo, false);
  }

  private hex32(v: number, padded: boolean): void {
    const buffer = this.buffer;
    let at = this.length;
    let shift = 28;
    if (!padded) while (shift > 0 && (v >>> shift) === 0) shift -= 4;
    for (; shift >= 0; shift -= 4) {
      const nibble = (v >>> shift) & 15;
      buffer[at++] = nibble < 10 ? 48 + nibble : 87 + nibble;
    }
    this.length = at;
  }

  decimal(n: number): void {
    if (n < 10) this.byte(48 + n);
    else this.ascii(String(n));
  }

  toString(start = 0, end = this.length): string {
    return this.buffer.toString("utf8", start, end);
  }
}
