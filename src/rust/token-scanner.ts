/**
 * A bracket- and literal-aware scanner over Rust token-tree text. tree-sitter leaves macro arguments
 * as flat token trees, so finding the top-level `=`, `=>`, `,` and `, if` of a `select!` branch needs
 * its own scan; no library parses macro-specific grammars like select!'s.
 */
export interface ScanHit {
  index: number;
}

/** Calls `onTopLevel(index)` for each character at bracket depth 0 outside strings, chars and comments. */
export function scanTopLevel(text: string, start: number, end: number, onTopLevel: (index: number) => boolean | void): void {
  let depth = 0;
  let i = start;
  while (i < end) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      const newline = text.indexOf("\n", i);
      i = newline === -1 || newline > end ? end : newline + 1;
      continue;
    }
    if (c === "/" && next === "*") {
      let nesting = 1;
      i += 2;
      while (i < end && nesting > 0) {
        if (text[i] === "/" && text[i + 1] === "*") {
          nesting++;
          i += 2;
        } else if (text[i] === "*" && text[i + 1] === "/") {
          nesting--;
          i += 2;
        } else i++;
      }
      continue;
    }
    if (c === '"' || ((c === "b" || c === "c") && next === '"')) {
      i = skipString(text, c === '"' ? i : i + 1, end);
      continue;
    }
    if ((c === "r" || ((c === "b" || c === "c") && next === "r")) && isRawStringStart(text, c === "r" ? i + 1 : i + 2)) {
      i = skipRawString(text, c === "r" ? i + 1 : i + 2, end);
      continue;
    }
    if (c === "'") {
      const skipped = skipCharLiteral(text, i, end);
      if (skipped !== undefined) {
        i = skipped;
        continue;
      }
      // A lifetime: fall through as an ordinary character.
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (depth === 0 && onTopLevel(i) === false) return;
    i++;
  }
}

function skipString(text: string, quote: number, end: number): number {
  let i = quote + 1;
  while (i < end) {
    if (text[i] === "\\") i += 2;
    else if (text[i] === '"') return i + 1;
    else i++;
  }
  return end;
}

function isRawStringStart(text: string, i: number): boolean {
  while (text[i] === "#") i++;
  return text[i] === '"';
}

function skipRawString(text: string, i: number, end: number): number {
  let hashes = 0;
  while (text[i] === "#") {
    hashes++;
    i++;
  }
  const closing = `"${"#".repeat(hashes)}`;
  const found = text.indexOf(closing, i + 1);
  return found === -1 || found > end ? end : found + closing.length;
}

function skipCharLiteral(text: string, i: number, end: number): number | undefined {
  if (text[i + 1] === "\\") {
    const close = text.indexOf("'", i + 2);
    return close !== -1 && close < end && close - i <= 12 ? close + 1 : undefined;
  }
  // 'x' (one scalar value, maybe a surrogate pair) is a char; 'a without a closing quote is a lifetime.
  const width = text.codePointAt(i + 1)! > 0xffff ? 2 : 1;
  return text[i + 1 + width] === "'" ? i + 2 + width : undefined;
}

export function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

/** Splits `[start, end)` at top-level commas; returns trimmed, non-empty pieces with their offsets. */
export function splitTopLevel(text: string, start: number, end: number, separator = ","): Array<{ start: number; end: number }> {
  const pieces: Array<{ start: number; end: number }> = [];
  let pieceStart = start;
  scanTopLevel(text, start, end, (i) => {
    if (text[i] === separator) {
      pieces.push({ start: pieceStart, end: i });
      pieceStart = i + 1;
    }
  });
  pieces.push({ start: pieceStart, end });
  return pieces.map((p) => trimRange(text, p.start, p.end)).filter((p) => p.end > p.start);
}

export function trimRange(text: string, start: number, end: number): { start: number; end: number } {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return { start, end };
}
