import { isIdentChar, scanTopLevel, splitTopLevel, trimRange } from "./token-scanner.ts";

/** A piece of macro text, by UTF-16 offsets into the text that was scanned. */
export interface TextRange {
  start: number;
  end: number;
}

export interface SelectBranch {
  /** Absent for `else`, `complete` and `default` branches. */
  pattern?: TextRange;
  future?: TextRange;
  precondition?: TextRange;
  handler: TextRange;
  /** "else" (tokio), "complete"/"default" (futures) or undefined for an ordinary branch. */
  special?: "else" | "complete" | "default";
}

export interface SelectBody {
  biased: boolean;
  branches: SelectBranch[];
}

/**
 * Reads the body of `tokio::select!` / `futures::select!` (the text between the outer delimiters):
 * `biased;`? then `pattern = future (, if precondition)? => handler` branches and `else => handler`.
 */
export function parseSelectBody(text: string, start: number, end: number): SelectBody {
  const branches: SelectBranch[] = [];
  let i = skipSpaceAndCommas(text, start, end);
  let biased = false;
  if (text.startsWith("biased", i) && !isIdentChar(text[i + 6])) {
    const semicolon = skipSpace(text, i + 6, end);
    if (text[semicolon] === ";") {
      biased = true;
      i = semicolon + 1;
    }
  }
  while ((i = skipSpaceAndCommas(text, i, end)) < end) {
    const special = (["else", "complete", "default"] as const).find(
      (word) => text.startsWith(word, i) && !isIdentChar(text[i + word.length]) && text.startsWith("=>", skipSpace(text, i + word.length, end)),
    );
    if (special) {
      const arrow = skipSpace(text, i + special.length, end);
      const handler = readHandler(text, arrow + 2, end);
      branches.push({ special, handler });
      i = handler.next;
      continue;
    }
    const eq = findTopLevel(text, i, end, (j) => text[j] === "=" && isPlainEquals(text, j));
    if (eq === undefined) break;
    const arrow = findTopLevel(text, eq + 1, end, (j) => text[j] === "=" && text[j + 1] === ">");
    if (arrow === undefined) break;
    let futureEnd = arrow;
    let precondition: TextRange | undefined;
    const comma = findTopLevel(text, eq + 1, arrow, (j) => {
      if (text[j] !== ",") return false;
      const k = skipSpace(text, j + 1, arrow);
      return text.startsWith("if", k) && !isIdentChar(text[k + 2]);
    });
    if (comma !== undefined) {
      futureEnd = comma;
      const ifStart = skipSpace(text, comma + 1, arrow) + 2;
      precondition = trimRange(text, ifStart, arrow);
    }
    const handler = readHandler(text, arrow + 2, end);
    branches.push({
      pattern: trimRange(text, i, eq),
      future: trimRange(text, eq + 1, futureEnd),
      precondition,
      handler: handler,
    });
    i = handler.next;
  }
  return { biased, branches: branches.map(({ handler, ...rest }) => ({ ...rest, handler: { start: handler.start, end: handler.end } })) };
}

/** `join!(a, b)` / `try_join!(a, b)`: the future expressions (a leading `biased;` is skipped). */
export function parseJoinBody(text: string, start: number, end: number): TextRange[] {
  let i = skipSpace(text, start, end);
  if (text.startsWith("biased", i)) {
    const semicolon = skipSpace(text, i + 6, end);
    if (text[semicolon] === ";") i = semicolon + 1;
  }
  return splitTopLevel(text, i, end);
}

function readHandler(text: string, from: number, end: number): TextRange & { next: number } {
  const start = skipSpace(text, from, end);
  if (text[start] === "{") {
    let close = end;
    // The block ends at its matching brace; scanTopLevel reports depth-0 characters after it.
    scanTopLevel(text, start, end, (j) => {
      if (j > start) {
        close = j;
        return false;
      }
      return true;
    });
    // close is the first top-level character after the block (or end); find the brace before it.
    let blockEnd = close;
    while (blockEnd > start && text[blockEnd - 1] !== "}") blockEnd--;
    const afterBlock = skipSpace(text, blockEnd, end);
    // `{ .. }.method()` is still an expression handler: continue to the next comma then.
    if (afterBlock < end && (text[afterBlock] === "." || text[afterBlock] === "?")) return readExpressionHandler(text, start, end);
    // A block handler needs no comma before the next branch.
    return { start, end: blockEnd, next: text[afterBlock] === "," ? afterBlock + 1 : afterBlock };
  }
  return readExpressionHandler(text, start, end);
}

function readExpressionHandler(text: string, start: number, end: number): TextRange & { next: number } {
  const comma = findTopLevel(text, start, end, (j) => text[j] === ",");
  const range = trimRange(text, start, comma ?? end);
  return { ...range, next: comma === undefined ? end : comma + 1 };
}

function isPlainEquals(text: string, j: number): boolean {
  const before = text[j - 1];
  const after = text[j + 1];
  if (after === "=" || after === ">") return false;
  if (before && "=!<>+-*/%^&|".includes(before)) return false;
  if (before === "." && text[j - 2] === ".") return false;
  return true;
}

function findTopLevel(text: string, start: number, end: number, test: (index: number) => boolean): number | undefined {
  let found: number | undefined;
  scanTopLevel(text, start, end, (j) => {
    if (test(j)) {
      found = j;
      return false;
    }
    return true;
  });
  return found;
}

function skipSpace(text: string, i: number, end: number): number {
  while (i < end && /\s/.test(text[i]!)) i++;
  // Comments between tokens are whitespace too.
  if (text.startsWith("//", i)) {
    const newline = text.indexOf("\n", i);
    return skipSpace(text, newline === -1 ? end : newline + 1, end);
  }
  return i;
}

function skipSpaceAndCommas(text: string, i: number, end: number): number {
  for (;;) {
    const j = skipSpace(text, i, end);
    if (text[j] === ",") i = j + 1;
    else return j;
  }
}
