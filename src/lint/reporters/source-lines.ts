import { readFileSync } from "node:fs";

/** Lines of reported files, read lazily once per file (trees are long gone when reports are printed). */
export class SourceLines {
  private readonly cache = new Map<string, string[] | undefined>();

  constructor(inMemory: Map<string, string> = new Map()) {
    for (const [file, text] of inMemory) this.cache.set(file, text.split("\n"));
  }

  line(file: string, line: number): string | undefined {
    if (!this.cache.has(file)) {
      try {
        this.cache.set(file, readFileSync(file, "utf8").split("\n"));
      } catch {
        this.cache.set(file, undefined);
      }
    }
    return this.cache.get(file)?.[line - 1]?.replace(/\r$/, "");
  }

  /** UTF-8 byte offset of a 1-based line/column (cargo's spans are byte offsets). */
  byteOffset(file: string, line: number, column: number): number {
    if (!this.cache.has(file)) this.line(file, 1);
    const lines = this.cache.get(file);
    if (!lines) return 0;
    let bytes = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) bytes += Buffer.byteLength(lines[i]!, "utf8") + 1;
    const text = lines[line - 1] ?? "";
    return bytes + Buffer.byteLength([...text].slice(0, column - 1).join(""), "utf8");
  }
}
