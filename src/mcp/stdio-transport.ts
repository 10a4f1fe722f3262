/**
 * MCP over stdio (newline-delimited JSON-RPC), written here instead of the SDK's StdioServerTransport
 * because that one buffers a line before checking its size (10 MiB, then it closes the transport and the
 * server exits 0 without a word), drops malformed lines without an answer, and re-concatenates its
 * buffer on every chunk (quadratic in the line length). Here:
 * - a line's size is checked as its chunks arrive; past `maxMessageBytes` the rest of the line is
 *   skipped, never buffered, and the client gets a JSON-RPC error (-32600) with the request id when it
 *   can be read from the line's start;
 * - a line that is not JSON gets a parse error (-32700), one that is JSON but not a JSON-RPC message an
 *   invalid-request error (-32600); the server keeps serving.
 */
import process from "node:process";
import type { Readable, Writable } from "node:stream";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { JSONRPCMessageSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { formatBytes } from "../util/input-limits.ts";

type Id = string | number | null;

export class BoundedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private chunks: Buffer[] = [];
  private size = 0;
  /** The current line passed the limit: its bytes are dropped until the newline. */
  private skipping = false;
  /** The first bytes of an oversized line, to find its id. */
  private head = "";
  private closed = false;

  constructor(
    readonly maxMessageBytes: number,
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
  ) {}

  private readonly onData = (chunk: Buffer) => {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      this.take(chunk.subarray(start, end));
      if (newline === -1) return;
      this.endLine();
      start = newline + 1;
    }
  };

  private readonly onError = (error: Error) => this.onerror?.(error);

  async start(): Promise<void> {
    this.stdin.on("data", this.onData);
    this.stdin.on("error", this.onError);
  }

  private take(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.skipping) return;
    if (this.size + piece.length > this.maxMessageBytes) {
      this.head = Buffer.concat([...this.chunks, piece.subarray(0, 256)]).subarray(0, 256).toString("utf8");
      this.chunks = [];
      this.size = 0;
      this.skipping = true;
      return;
    }
    this.chunks.push(piece);
    this.size += piece.length;
  }

  private endLine(): void {
    if (this.skipping) {
      this.skipping = false;
      const id = idFromStart(this.head);
      this.head = "";
      void this.reply(id, -32600, `message over the ${formatBytes(this.maxMessageBytes)} limit (ASYNC_DOCTOR_MCP_MAX_MESSAGE_BYTES); send less per call, e.g. a path instead of inline text`);
      return;
    }
    const line = Buffer.concat(this.chunks, this.size).toString("utf8").replace(/\r$/, "");
    this.chunks = [];
    this.size = 0;
    if (line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      void this.reply(idFromStart(line.slice(0, 256)), -32700, "Parse error: the line is not JSON");
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      const id = typeof json === "object" && json !== null && "id" in json ? (json as { id: unknown }).id : null;
      void this.reply(typeof id === "string" || typeof id === "number" ? id : null, -32600, "Invalid Request: not a JSON-RPC 2.0 message");
      return;
    }
    this.onmessage?.(parsed.data);
  }

  private reply(id: Id, code: number, message: string): Promise<void> {
    return this.write(`${JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } })}\n`);
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.write(`${JSON.stringify(message)}\n`);
  }

  private write(text: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.stdout.write(text)) resolve();
      else this.stdout.once("drain", resolve);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off("data", this.onData);
    this.stdin.off("error", this.onError);
    if (this.stdin.listenerCount("data") === 0) this.stdin.pause();
    this.chunks = [];
    this.onclose?.();
  }
}

/** The `"id": …` of a JSON-RPC request, read from the first bytes of its line (it usually comes early). */
function idFromStart(start: string): Id {
  const m = /"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")/.exec(start);
  if (!m) return null;
  if (m[1]!.startsWith('"')) {
    try {
      return JSON.parse(m[1]!) as string;
    } catch {
      return null;
    }
  }
  return Number(m[1]);
}
