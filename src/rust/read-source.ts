import { readFile } from "node:fs/promises";
import path from "node:path";
import { SourceFile } from "./source-file.ts";

/** Files above this size are skipped: generated code of this size is not hand-written async logic. */
export const maxSourceBytes = 8 * 1024 * 1024;

export type ReadResult = { ok: true; file: SourceFile } | { ok: false; path: string; reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function displayPathOf(file: string, cwd = process.cwd()): string {
  if (file === "-") return file;
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : absolute;
}

/** Reads one source; unreadable, huge, binary and non-UTF-8 files come back as a reason, never a throw. */
export async function readSource(file: string, stdinName = "<stdin>"): Promise<ReadResult> {
  let bytes: Buffer;
  try {
    bytes = file === "-" ? await readStdin() : await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, path: file, reason: code === "EACCES" ? "permission denied" : `cannot read (${code ?? "error"})` };
  }
  return decodeSource(file === "-" ? stdinName : file, bytes, file === "-" ? stdinName : displayPathOf(file));
}

export function decodeSource(file: string, bytes: Uint8Array, displayPath = displayPathOf(file)): ReadResult {
  if (bytes.length > maxSourceBytes) {
    return { ok: false, path: displayPath, reason: `file too large (${bytes.length} bytes; limit ${maxSourceBytes})` };
  }
  if (bytes.includes(0)) return { ok: false, path: displayPath, reason: "binary file (contains NUL bytes)" };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, path: displayPath, reason: "not valid UTF-8" };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, file: new SourceFile(file, displayPath, text) };
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
