import path from "node:path";
import { InputRefused, readFileBounded, readStreamBounded } from "../util/bounded-read.ts";
import { formatBytes, inputLimits } from "../util/input-limits.ts";
import { SourceFile } from "./source-file.ts";

export type ReadResult = { ok: true; file: SourceFile } | { ok: false; path: string; reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function displayPathOf(file: string, cwd = process.cwd()): string {
  if (file === "-") return file;
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : absolute;
}

/**
 * Reads one source within the input policy (src/util/input-limits.ts): unreadable, too large,
 * non-regular (FIFO, device, socket), binary and non-UTF-8 inputs come back as a reason, never a throw
 * and never a hang.
 */
export async function readSource(file: string, stdinName = "<stdin>"): Promise<ReadResult> {
  const limits = inputLimits();
  let bytes: Buffer;
  try {
    bytes =
      file === "-"
        ? await readStreamBounded(process.stdin, limits.maxStdinBytes, "ASYNC_DOCTOR_MAX_STDIN_BYTES")
        : await readFileBounded(file, limits.maxFileBytes, "ASYNC_DOCTOR_MAX_FILE_BYTES");
  } catch (error) {
    if (!(error instanceof InputRefused)) throw error;
    return { ok: false, path: file === "-" ? stdinName : displayPathOf(file), reason: error.message };
  }
  return decodeSource(file === "-" ? stdinName : file, bytes, file === "-" ? stdinName : displayPathOf(file));
}

export function decodeSource(file: string, bytes: Uint8Array, displayPath = displayPathOf(file)): ReadResult {
  const maxBytes = inputLimits().maxFileBytes;
  if (bytes.length > maxBytes) {
    return { ok: false, path: displayPath, reason: `file too large (${bytes.length} bytes; the limit is ${formatBytes(maxBytes)}, ASYNC_DOCTOR_MAX_FILE_BYTES)` };
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
