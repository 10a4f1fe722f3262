/** One Rust source text with the path users see and fast offset → line/column lookup. */
export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column counted in Unicode scalar values, as rustc and cargo report them. */
  column: number;
}

export class SourceFile {
  private lineStarts: number[] | undefined;

  constructor(
    /** Path as given or found on disk (absolute or relative), used to read and write the file. */
    readonly path: string,
    /** Path shown in reports: relative to the current directory when it is under it. */
    readonly displayPath: string,
    readonly text: string,
  ) {}

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = this.text.indexOf("\n"); i !== -1; i = this.text.indexOf("\n", i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  /** `offset` is a UTF-16 index into `text` (what web-tree-sitter reports for JS strings). */
  position(offset: number): Position {
    const starts = this.starts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    const lineStart = starts[low]!;
    return { line: low + 1, column: this.columnsBefore(low, lineStart, offset) + 1 };
  }

  /** Per long line: code points before every 4096th UTF-16 unit, so a column costs O(4096), not O(line). */
  private checkpoints: Map<number, number[]> | undefined;

  private columnsBefore(line: number, lineStart: number, offset: number): number {
    const step = 4096;
    if (offset - lineStart <= step) return codePointLength(this.text, lineStart, offset);
    this.checkpoints ??= new Map();
    let marks = this.checkpoints.get(line);
    if (!marks) this.checkpoints.set(line, (marks = [0]));
    const index = Math.floor((offset - lineStart) / step);
    while (marks.length <= index) {
      const from = lineStart + (marks.length - 1) * step;
      // A surrogate pair split by a checkpoint counts once, on the side of its high half.
      const to = this.text.charCodeAt(from + step - 1) >= 0xd800 && this.text.charCodeAt(from + step - 1) <= 0xdbff ? from + step + 1 : from + step;
      marks.push(marks[marks.length - 1]! + codePointLength(this.text, from, to) - (to - (from + step)));
    }
    return marks[index]! + codePointLength(this.text, lineStart + index * step, offset);
  }

  /** The text of a 1-based line without its line break. */
  lineText(line: number): string {
    const starts = this.starts();
    const start = starts[line - 1];
    if (start === undefined) return "";
    const end = starts[line] ?? this.text.length + 1;
    return this.text.slice(start, end - 1).replace(/\r$/, "");
  }

  /** UTF-16 offset of a 1-based line's start. */
  lineOffset(line: number): number {
    return this.starts()[line - 1] ?? this.text.length;
  }

  get lineCount(): number {
    return this.starts().length;
  }
}

export function codePointLength(text: string, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one scalar value.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < end) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
