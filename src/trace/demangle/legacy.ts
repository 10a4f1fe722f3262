/**
 * Legacy Rust symbol mangling (`_ZN…E`, Itanium-like), demangled the way rustc-demangle does it.
 * Written by hand: no maintained npm package demangles Rust symbols (both manglings, with rustc-demangle's
 * `{}` / `{:#}` distinction) in pure JS, and the format is small.
 *
 * `_ZN` (or `ZN` on Windows, `__ZN` on macOS) + (decimal length + identifier)* + `E`; the last element
 * `h` + hex is the hash; identifiers escape punctuation as `$LT$`, `$u7b$`, `..` and so on.
 */

export interface LegacyParse {
  /** The part after the `_ZN` prefix, from the first element. */
  inner: string;
  /** Number of path elements. */
  elements: number;
  /** Whatever follows the closing `E` (e.g. `.llvm.123`), for the caller to judge. */
  rest: string;
}

export function parseLegacy(symbol: string): LegacyParse | undefined {
  let inner: string;
  if (symbol.length > 3 && symbol.startsWith("_ZN")) inner = symbol.slice(3);
  else if (symbol.length > 2 && symbol.startsWith("ZN")) inner = symbol.slice(2);
  else if (symbol.length > 4 && symbol.startsWith("__ZN")) inner = symbol.slice(4);
  else return undefined;
  for (let i = 0; i < inner.length; i++) if (inner.charCodeAt(i) >= 0x80) return undefined;

  let elements = 0;
  let pos = 0;
  if (pos >= inner.length) return undefined;
  while (inner[pos] !== "E") {
    const c = inner.charCodeAt(pos);
    if (c < 48 || c > 57) return undefined;
    let len = 0;
    while (pos < inner.length && inner.charCodeAt(pos) >= 48 && inner.charCodeAt(pos) <= 57) {
      len = len * 10 + (inner.charCodeAt(pos) - 48);
      if (len > Number.MAX_SAFE_INTEGER / 10) return undefined;
      pos++;
    }
    if (pos >= inner.length) return undefined;
    pos += len;
    if (pos >= inner.length) return undefined; // the closing `E` must follow
    elements++;
  }
  return { inner: inner.slice(0, pos + 1), elements, rest: inner.slice(pos + 1) };
}

function isRustHash(s: string): boolean {
  return s.length > 1 && s[0] === "h" && /^[0-9a-fA-F]+$/.test(s.slice(1));
}

const simpleEscapes: Record<string, string> = {
  SP: "@",
  BP: "*",
  RF: "&",
  LT: "<",
  GT: ">",
  LP: "(",
  RP: ")",
  C: ",",
};

function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code < 0xa0);
}

/** Prints a parsed legacy symbol; `alternate` drops the trailing hash (rustc-demangle's `{:#}`). */
export function printLegacy(parsed: LegacyParse, alternate: boolean): string {
  let out = "";
  let inner = parsed.inner;
  for (let element = 0; element < parsed.elements; element++) {
    let digits = 0;
    while (inner.charCodeAt(digits) >= 48 && inner.charCodeAt(digits) <= 57) digits++;
    const len = Number(inner.slice(0, digits));
    let rest = inner.slice(digits, digits + len);
    inner = inner.slice(digits + len);
    if (alternate && element + 1 === parsed.elements && isRustHash(rest)) break;
    if (element !== 0) out += "::";
    if (rest.startsWith("_$")) rest = rest.slice(1);
    for (;;) {
      if (rest.startsWith(".")) {
        if (rest[1] === ".") {
          out += "::";
          rest = rest.slice(2);
        } else {
          out += ".";
          rest = rest.slice(1);
        }
      } else if (rest.startsWith("$")) {
        const end = rest.indexOf("$", 1);
        if (end < 0) break;
        const escape = rest.slice(1, end);
        const afterEscape = rest.slice(end + 1);
        const simple = simpleEscapes[escape];
        if (simple !== undefined) {
          out += simple;
          rest = afterEscape;
          continue;
        }
        if (escape.startsWith("u") && /^[0-9a-f]+$/.test(escape.slice(1))) {
          const code = parseInt(escape.slice(1), 16);
          if (code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) && !isControl(code)) {
            out += String.fromCodePoint(code);
            rest = afterEscape;
            continue;
          }
        }
        break;
      } else {
        const i = rest.search(/[$.]/);
        if (i < 0) break;
        out += rest.slice(0, i);
        rest = rest.slice(i);
      }
    }
    out += rest;
  }
  return out;
}
