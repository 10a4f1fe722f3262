import { UsageError } from "../../cli/errors.ts";
import { loadReplaySource } from "./replay-source.ts";
import { startReplayServer, type AtEnd, type Fault, type Listen, type ReplayServer } from "./replay-server.ts";

export interface ServeCommandOptions {
  listen: string;
  speed: string;
  atEnd: AtEnd;
  session?: string;
  fault?: Fault;
  killAfter?: string;
}

/** `console serve FILE`: runs until SIGINT/SIGTERM. */
export async function runServeCommand(file: string, options: ServeCommandOptions): Promise<number> {
  const listen = parseListen(options.listen);
  const speed = parseSpeed(options.speed);
  const session = options.session === undefined ? undefined : positiveInt(options.session, "--session");
  const killAfter = options.killAfter === undefined ? undefined : positiveInt(options.killAfter, "--kill-after");
  const source = await loadReplaySource(file, session === undefined ? {} : { session });
  if ("host" in listen && !isLoopback(listen.host)) {
    process.stderr.write(`async-doctor: warning: serving on ${listen.host}, which is not loopback: anyone who can reach it can read this capture\n`);
  }
  let server: ReplayServer;
  try {
    server = await startReplayServer(source, {
      listen,
      speed,
      atEnd: options.atEnd,
      ...(options.fault ? { fault: options.fault } : {}),
      ...(killAfter !== undefined ? { killAfter } : {}),
      log: (line) => process.stderr.write(`async-doctor: ${line}\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UsageError(`cannot listen on ${options.listen}: address in use (another console-subscriber or serve?)`);
    if (code === "EACCES") throw new UsageError(`cannot listen on ${options.listen}: permission denied`);
    throw error;
  }
  process.stderr.write(`async-doctor: serving ${source.description} at ${server.address} (speed ${speed === 0 ? "max" : `${speed}x`}); Ctrl-C stops\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  return 0;
}

/** `PORT`, `HOST:PORT`, `[V6]:PORT` or `unix:PATH`; the host defaults to 127.0.0.1. */
export function parseListen(text: string): Listen {
  if (text.startsWith("unix:")) {
    const path = text.slice(5).replace(/^\/\//, "");
    if (!path) throw new UsageError(`bad --listen '${text}': unix: needs a path`);
    return { path };
  }
  const match = /^(?:(\[[^\]]+\]|[^:]*):)?(\d{1,5})$/.exec(text.trim());
  if (!match) throw new UsageError(`bad --listen '${text}': expected PORT, HOST:PORT or unix:PATH`);
  const port = Number(match[2]);
  if (port > 65535) throw new UsageError(`bad --listen '${text}': port out of range`);
  const host = (match[1] || "127.0.0.1").replace(/^\[|\]$/g, "");
  return { host, port };
}

function parseSpeed(text: string): number {
  if (text === "max" || text === "0") return 0;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`bad --speed '${text}': expected a positive number (2 = twice as fast) or 'max'`);
  return value;
}

function positiveInt(text: string, what: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`bad ${what} '${text}': expected a positive integer`);
  return value;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}
