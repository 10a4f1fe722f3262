import { ByteSink } from "./byte-sink.ts";
import { demangleLegacy } from "./legacy.ts";
import { demangleV0 } from "./v0.ts";

export interface DemangleOptions {
  /**
   * Keep hashes and crate disambiguators (`::h0123…`, `core[c1f1a4ba060b9bfa]`), like rustc-demangle's `{}`
   * and `c++filt`. Default false: the short form of `{:#}` / `c++filt -i` / rustfilt.
   */
  hash?: boolean;
  /** Longest demangled text in bytes (v0 back-references can expand exponentially); default 1 000 000. */
  maxOutput?: number;
}

export type Mangling = "legacy" | "v0";

export interface Demangled {
  mangling: Mangling;
  text: string;
}

/** `.llvm.` */
const llvmSuffix = [46, 108, 108, 118, 109, 46];

/**
 * Where a ThinLTO `.llvm.<hex>` suffix starts in `sym[from, end)` (dropped, as rustc-demangle does), else
 * `end`; `from` is the first `.` of the symbol (or `end`).
 */
function withoutLlvmSuffix(sym: Uint8Array, from: number, end: number): number {
  for (let i = from; i + 6 <= end; i++) {
    if (sym[i] !== 46) continue;
    let j = 1;
    while (j < 6 && sym[i + j] === llvmSuffix[j]) j++;
    if (j < 6) continue;
    // Only the first `.llvm.` counts; it is dropped when hex digits and `@` follow it.
    for (let k = i + 6; k < end; k++) {
      const c = sym[k]!;
      if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || c === 64)) return end;
    }
    return i;
  }
  return end;
}

/**
 * Demangles the Rust symbol in `sym[start, end)` into `out`. The bytes must be ASCII (both manglings
 * are, suffixes included: the callers check, in the scan they make anyway); `firstDot` is the index of
 * the first `.` in the symbol, or `end`. Returns the mangling, or undefined when it is not a Rust symbol
 * (then `out` is left as it was). Never throws.
 */
export function demangleInto(sym: Uint8Array, start: number, end: number, firstDot: number, options: DemangleOptions, out: ByteSink): Mangling | undefined {
  const alternate = !options.hash;
  const symbolEnd = firstDot < end ? withoutLlvmSuffix(sym, firstDot, end) : end;
  const outStart = out.length;
  let mangling: Mangling = "legacy";
  let at = demangleLegacy(sym, start, symbolEnd, alternate, out);
  if (at < 0) {
    mangling = "v0";
    at = demangleV0(sym, start, symbolEnd, alternate, out, options.maxOutput);
  }
  if (at < 0) {
    out.length = outStart;
    return undefined;
  }
  if (at < symbolEnd) {
    // LLVM may append `.`-separated words (`.cold`, `.0`); keep them, reject anything else.
    if (sym[at] !== 46) {
      out.length = outStart;
      return undefined;
    }
    for (let i = at; i < symbolEnd; i++) {
      const c = sym[i]!;
      if (c < 0x21 || c > 0x7e) {
        out.length = outStart;
        return undefined;
      }
    }
    out.copy(sym, at, symbolEnd);
  }
  return mangling;
}

// Scratch space of the string API: the symbol's bytes in, the demangled bytes out.
let scratchIn = new Uint8Array(256);
const scratchOut = new ByteSink(4096);

/**
 * Demangles one Rust symbol (legacy `_ZN…E` or v0 `_R…`, with the Windows `ZN`/`R` and macOS `__ZN`/`__R`
 * spellings); returns undefined when the input is not a Rust symbol. Never throws.
 */
export function tryDemangle(symbol: string, options: DemangleOptions = {}): Demangled | undefined {
  const n = symbol.length;
  if (n > scratchIn.length) scratchIn = new Uint8Array(Math.max(n, scratchIn.length * 2));
  let firstDot = n;
  for (let i = 0; i < n; i++) {
    const c = symbol.charCodeAt(i);
    // Both manglings are ASCII (with any suffix): anything else is not a Rust symbol.
    if (c >= 0x80) return undefined;
    if (c === 46 && firstDot === n) firstDot = i;
    scratchIn[i] = c;
  }
  scratchOut.length = 0;
  const mangling = demangleInto(scratchIn, 0, n, firstDot, options, scratchOut);
  if (mangling === undefined) return undefined;
  const text = scratchOut.toString();
  // One huge symbol must not keep its buffer alive for the rest of the process.
  if (scratchOut.buffer.length > 1 << 20) scratchOut.buffer = Buffer.allocUnsafe(4096);
  if (scratchIn.length > 1 << 20) scratchIn = new Uint8Array(256);
  return { mangling, text };
}

/** Like {@link tryDemangle} but returns the input unchanged when it is not a Rust symbol. */
export function demangle(symbol: string, options: DemangleOptions = {}): string {
  return tryDemangle(symbol, options)?.text ?? symbol;
}

// Candidates inside running text: a symbol starts at a non-identifier boundary with `_ZN`, `__ZN`, `_R`
// or `__R` and runs over identifier characters, `$` and `.`.
const symbolInText = /(?<![\w$.])_?_(?:ZN|R)[\w$.]+/g;

/** Demangles every Rust symbol found in a line of text (rustfilt's behaviour). */
export function demangleInText(line: string, options: DemangleOptions = {}): string {
  if (!line.includes("_ZN") && !line.includes("_R")) {
    const whole = tryDemangle(line.trim(), options);
    return whole && line.trim() === line ? whole.text : line;
  }
  return line.replace(symbolInText, (candidate) => {
    const direct = tryDemangle(candidate, options);
    if (direct) return direct.text;
    // A trailing `.` or punctuation picked up from prose: retry without it.
    const trimmed = candidate.replace(/[.]+$/, "");
    if (trimmed !== candidate) {
      const again = tryDemangle(trimmed, options);
      if (again) return again.text + candidate.slice(trimmed.length);
    }
    return candidate;
  });
}

/** A line that is one bare symbol (the usual `nm`/`c++filt` input): no blank, starting as a symbol can. */
function looksLikeBareSymbol(first: number, hasBlank: boolean): boolean {
  return (first === 95 /* _ */ || first === 82 /* R */ || first === 90 /* Z */) && !hasBlank;
}

/**
 * One input line of `trace demangle`: a line that is one bare symbol goes straight to the demangler;
 * anything else is searched for symbols like running text.
 */
export function demangleLine(line: string, options: DemangleOptions = {}): string {
  if (looksLikeBareSymbol(line.charCodeAt(0), line.indexOf(" ") !== -1 || line.indexOf("\t") !== -1)) {
    const whole = tryDemangle(line, options);
    if (whole) return whole.text;
  }
  return demangleInText(line, options);
}

/**
 * {@link demangleLine} from bytes to bytes, for streaming: the line `bytes[start, end)` (UTF-8, without
 * its newline) is demangled into `out`. A bare symbol is demangled without making a string at all.
 */
export function demangleLineInto(bytes: Uint8Array, start: number, end: number, options: DemangleOptions, out: ByteSink): void {
  const first = bytes[start];
  if (start < end && (first === 95 /* _ */ || first === 82 /* R */ || first === 90 /* Z */)) {
    // One scan: a blank or a non-ASCII byte makes it text; the first `.` is where suffixes may start.
    let firstDot = end;
    let i = start;
    for (; i < end; i++) {
      const c = bytes[i]!;
      if (c === 32 || c === 9 || c >= 0x80) break;
      if (c === 46 && firstDot === end) firstDot = i;
    }
    if (i === end && demangleInto(bytes, start, end, firstDot, options, out) !== undefined) return;
  }
  out.text(demangleInText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8", start, end), options));
}
