import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { loadReplaySource } from "../../../src/console/serve/replay-source.ts";
import { startReplayServer, type ReplayServer, type ReplayServerOptions } from "../../../src/console/serve/replay-server.ts";
import { projectRoot, sharedFixture } from "../../support/shared.ts";

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


export const cliPath = path.join(projectRoot, "bin", "async-doctor.js");

export interface CliChild {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `node bin/async-doctor.js ARGS` with output collected. */
export function startCli(args: string[], options: { stdinPipe?: boolean } = {}): CliChild {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: projectRoot,
    stdio: [options.stdinPipe ? "pipe" : "ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs the CLI to completion (bounded). */
export async function runCli(args: string[], ms = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const c = startCli(args);
  const timer = setTimeout(() => c.child.kill("SIGKILL"), ms);
  const code = await c.exited;
  clearTimeout(timer);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

/** Waits (bounded) until `check` is true, polling. */
export async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts `console serve` as a child process and waits for its "serving … at ADDRESS" line. */
export async function serveChild(args: string[]): Promise<CliChild & { address: string }> {
  const c = startCli(["console", "serve", ...args]);
  let exitedEarly = false;
  void c.exited.then(() => (exitedEarly = true));
  await waitFor("console serve to listen", () => exitedEarly || / at (\S+) \(speed/.test(c.stderr()), 30_000);
  const match = / at (\S+) \(speed/.exec(c.stderr());
  if (!match) throw new Error(`console serve did not start: ${c.stderr()}`);
  return { ...c, address: match[1] };
}
