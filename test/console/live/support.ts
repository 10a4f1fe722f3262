import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { loadReplaySource } from "../../../src/console/serve/replay-source.ts";
import { startReplayServer, type ReplayServer, type ReplayServerOptions } from "../../../src/console/serve/replay-server.ts";
import { sharedFixture } from "../../support/shared.ts";

export const kitchenSink = () => sharedFixture("console", "kitchen-sink.watchupdates.grpc");

/** The fixture's messages, split by hand (independent of the code under test). */
export function fixtureMessages(file: string): Buffer[] {
  const body = fs.readFileSync(file);
  const out: Buffer[] = [];
  for (let p = 0; p < body.length; ) {
    const len = body.readUInt32BE(p + 1);
    out.push(body.subarray(p + 5, p + 5 + len));
    p += 5 + len;
  }
  return out;
}

/** Starts a replay server in-process on an ephemeral loopback port. */
export async function serveInProcess(file: string, options: Partial<ReplayServerOptions> = {}): Promise<ReplayServer> {
  const source = await loadReplaySource(file);
  return startReplayServer(source, { listen: { host: "127.0.0.1", port: 0 }, speed: 0, ...options });
}

/** A TCP server that accepts connections and never says anything. */
export async function silentTcpServer(): Promise<{ address: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ad-live-"));
}

/** Writes raw gRPC frames to a .grpc file (no meta: one message per second when replayed). */
export function writeGrpcFile(file: string, messages: Uint8Array[]): void {
  const parts: Buffer[] = [];
  for (const m of messages) {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(m.length, 1);
    parts.push(head, Buffer.from(m));
  }
  fs.writeFileSync(file, Buffer.concat(parts));
}

/** Runs `fn` with a deadline so no test loop can hang. */
export async function withDeadline<T>(ms: number, what: string, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
