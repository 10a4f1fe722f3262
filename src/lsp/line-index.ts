import type { Position, Range } from "vscode-languageserver";

/**
 * Line starts of one analysed text, kept per indexed file instead of the text itself (4 bytes a line:
 * a 1M-line workspace costs 4 MB): findings carry UTF-16 offsets into the text that was analysed,
 * and LSP positions are (line, UTF-16 character), so the line starts are all a conversion needs.
 */
export class LineIndex {
  private constructor(private readonly starts: Uint32Array, readonly length: number) {}

  static of(text: string): LineIndex {
    let count = 1;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count++;
    const starts = new Uint32Array(count);
    let line = 1;
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts[line++] = i + 1;
    return new LineIndex(starts, text.length);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.starts[low]! };
  }

  range(startOffset: number, endOffset: number): Range {
    return { start: this.position(startOffset), end: this.position(Math.max(startOffset, endOffset)) };
  }

  /** UTF-16 offset of an LSP position (clamped to the text). */
  offset(position: Position): number {
    const start = this.starts[Math.min(Math.max(position.line, 0), this.starts.length - 1)]!;
    if (position.line >= this.starts.length) return this.length;
    const next = position.line + 1 < this.starts.length ? this.starts[position.line + 1]! - 1 : this.length;
    return Math.min(start + Math.max(position.character, 0), next);
  }
}

/**
 * A range from 1-based line and column counted in Unicode scalars (how findings in files that are not
 * indexed, like Cargo.toml, are located), converted to UTF-16 characters with the line's text.
 */
export function rangeFromLineColumns(lineText: (line: number) => string, line: number, column: number, endLine: number, endColumn: number): Range {
  return {
    start: { line: line - 1, character: utf16Column(lineText(line), column) },
    end: { line: endLine - 1, character: utf16Column(lineText(endLine), endColumn) },
  };
}

function utf16Column(text: string, column: number): number {
  let scalars = 0;
  let units = 0;
  for (const char of text) {
    if (scalars >= column - 1) break;
    scalars++;
    units += char.length;
  }
  return units + Math.max(0, column - 1 - scalars);
}
