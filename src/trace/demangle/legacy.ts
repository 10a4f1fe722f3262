/**
 * Legacy Rust symbol mangling (`_ZN…E`, Itanium-like), demangled the way rustc-demangle does it.
 * Written by hand: no maintained npm package demangles Rust symbols (both manglings, with rustc-demangle's
 * `{}` / `{:#}` distinction) in pure JS, and the format is small.
 *
 * `_ZN` (or `ZN` on Windows, `__ZN` on macOS) + (decimal length + identifier)* + `E`; the last element
 * `h` + hex is the hash; identifiers escape punctuation as `$LT$`, `$u7b$`, `..` and so on.
 * Read as bytes and printed into a ByteSink (see byte-sink.ts).
 */
import type { ByteSink } from "./byte-sink.ts";

const DOLLAR = 36;
const DOT = 46;

/** Length of the `_ZN` / `ZN` / `__ZN` prefix at `start` (with something after it), or 0. */
function prefixLength(sym: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n > 3 && sym[start] === 95 && sym[start + 1] === 90 && sym[start + 2] === 78) return 3;
  if (n > 2 && sym[start] === 90 && sym[start + 1] === 78) return 2;
  if (n > 4 && sym[start] === 95 && sym[start + 1] === 95 && sym[start + 2] === 90 && sym[start + 3] === 78) return 4;
  return 0;
}

/**
 * Demangles the legacy symbol in `sym[start, end)` (ASCII bytes: the caller checks) into `out`; returns the index just past its closing
 * `E` (what follows, e.g. `.llvm.123`, is for the caller to judge), or -1 when it is not a legacy symbol
 * (nothing is printed then). `alternate` drops the trailing hash (rustc-demangle's `{:#}`).
 */
export function demangleLegacy(sym: Uint8Array, start: number, end: number, alternate: boolean, out: ByteSink): number {
  const prefix = prefixLength(sym, start, end);
  if (prefix === 0) return -1;
  const inner = start + prefix;

  // Validate and count the elements first: nothing is printed for a symbol that turns out not to be one.
  let elements = 0;
  let pos = inner;
  while (sym[pos] !== 69 /* E */) {
    const c = sym[pos]!;
    if (c < 48 || c > 57) return -1;
    let len = 0;
    while (pos < end && sym[pos]! >= 48 && sym[pos]! <= 57) {
      len = len * 10 + (sym[pos]! - 48);
      if (len > Number.MAX_SAFE_INTEGER / 10) return -1;
      pos++;
    }
    if (pos >= end) return -1;
    pos += len;
    if (pos >= end) return -1; // the closing `E` must follow
    elements++;
  }

  let at = inner;
  for (let element = 0; element < elements; element++) {
    let len = 0;
    while (sym[at]! >= 48 && sym[at]! <= 57) len = len * 10 + (sym[at++]! - 48);
    let rest = at;
    const stop = at + len;
    at = stop;
    if (alternate && element + 1 === elements && isRustHash(sym, rest, stop)) break;
    if (element !== 0) out.ascii("::");
    if (stop - rest >= 2 && sym[rest] === 95 /* _ */ && sym[rest + 1] === DOLLAR) rest++;
    for (;;) {
      if (rest < stop && sym[rest] === DOT) {
        if (rest + 1 < stop && sym[rest + 1] === DOT) {
          out.ascii("::");
          rest += 2;
        } else {
          out.byte(DOT);
          rest++;
        }
      } else if (rest < stop && sym[rest] === DOLLAR) {
        let close = rest + 1;
        while (close < stop && sym[close] !== DOLLAR) close++;
        if (close >= stop) break;
        if (printEscape(sym, rest + 1, close, out)) rest = close + 1;
        else break;
      } else {
        let i = rest;
        while (i < stop && sym[i] !== DOLLAR && sym[i] !== DOT) i++;
        if (i >= stop) break;
        out.copy(sym, rest, i);
        rest = i;
      }
    }
    out.copy(sym, rest, stop);
  }
  return pos + 1;
}

function isRustHash(sym: Uint8Array, start: number, end: number): boolean {
  if (end - start <= 1 || sym[start] !== 104 /* h */) return false;
  for (let i = start + 1; i < end; i++) if (hexValue(sym[i]!) < 0) return false;
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** `$SP$`, `$LT$`, …, `$u7b$` (escape text between the dollars): printed, or false if unknown. */
function printEscape(sym: Uint8Array, start: number, end: number, out: ByteSink): boolean {
  const n = end - start;
  const a = sym[start];
  const b = sym[start + 1];
  if (n === 1 && a === 67 /* C */) {
    out.byte(44 /* , */);
    return true;
  }
  if (n === 2) {
    const simple =
      a === 83 && b === 80 ? 64 /* SP @ */
      : a === 66 && b === 80 ? 42 /* BP * */
      : a === 82 && b === 70 ? 38 /* RF & */
      : a === 76 && b === 84 ? 60 /* LT < */
      : a === 71 && b === 84 ? 62 /* GT > */
      : a === 76 && b === 80 ? 40 /* LP ( */
      : a === 82 && b === 80 ? 41 /* RP ) */
      : -1;
    if (simple >= 0) {
      out.byte(simple);
      return true;
    }
  }
  if (n >= 2 && a === 117 /* u */) {
    let code = 0;
    for (let i = start + 1; i < end; i++) {
      const c = sym[i]!;
      // lowercase hex only, as rustc-demangle
      const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (v < 0) return false;
      code = Math.min(code * 16 + v, 0x110000);
    }
    if (code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) && !isControl(code)) {
      out.codePoint(code);
      return true;
    }
  }
  return false;
}

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code < 0xa0);
}
