/**
 * Reading an input whole, within a size limit, without ever blocking on something that is not a file.
 * A FIFO, a device (`/dev/zero`), a socket or a directory named as input is refused by what `fstat`
 * says about the opened descriptor; it is opened with O_NONBLOCK so opening a FIFO with no writer
 * cannot hang. Nothing is read past the limit.
 */
import { constants, type Stats } from "node:fs";
import { open } from "node:fs/promises";
import { formatBytes } from "./input-limits.ts";

/** An input refused by the policy; `message` is one line in the user's words (without the path). */
export class InputRefused extends Error {
  override readonly name = "InputRefused";
}

export function kindOf(info: Stats): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isSocket()) return "a socket";
  return "not a regular file";
}

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  if (code === "ELOOP") return "too many symbolic links";
  return `cannot read (${code ?? "error"})`;
}

/** Reads a regular file of at most `maxBytes`, or throws InputRefused saying why not. */
export async function readFileBounded(file: string, maxBytes: number, limitName: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new InputRefused(describeOpenError(error));
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new InputRefused(`${kindOf(info)}, not a regular file`);
    if (info.size > maxBytes) throw new InputRefused(`file too large (${info.size} bytes; the limit is ${formatBytes(maxBytes)}, ${limitName})`);
    // The file may grow while it is read: read at most one byte over the limit to notice.
    const buffer = Buffer.allocUnsafe(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) {
        if (length > maxBytes) throw new InputRefused(`file too large (over ${formatBytes(maxBytes)}, ${limitName})`);
        break;
      }
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof InputRefused) throw error;
    throw new InputRefused(describeOpenError(error));
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Reads a stream (stdin) whole, stopping with InputRefused as soon as it passes `maxBytes`. */
export async function readStreamBounded(stream: AsyncIterable<unknown>, maxBytes: number, limitName: string, what = "stdin"): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    if (size > maxBytes) throw new InputRefused(`${what} is over the limit of ${formatBytes(maxBytes)} (${limitName})`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, size);
}
