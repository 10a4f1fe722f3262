import { UsageError } from "../../cli/errors.ts";

/** Where a console-subscriber listens: a TCP host:port (h2c) or a Unix socket path. */
export type ConsoleTarget =
  | { kind: "tcp"; host: string; port: number; display: string }
  | { kind: "unix"; path: string; display: string };

export const defaultTarget = "http://127.0.0.1:6669";

/** True when the argument names a live endpoint rather than a file: `http://…`, `host:port`, `unix:PATH`. */
export function looksLikeLiveTarget(text: string): boolean {
  if (/^https?:\/\//i.test(text) || text.startsWith("unix:")) return true;
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(text);
}

/** Parses `http://HOST:PORT`, `HOST:PORT`, `[::1]:PORT`, `:PORT` and `unix:PATH` (also `unix://PATH`). */
export function parseTarget(text: string | undefined): ConsoleTarget {
  const raw = (text ?? defaultTarget).trim();
  if (raw.startsWith("unix:")) {
    let path = raw.slice("unix:".length);
    if (path.startsWith("//")) path = path.slice(2); // unix:///abs/path
    if (!path) throw new UsageError(`bad target '${raw}': unix: needs a socket path`);
    return { kind: "unix", path, display: `unix:${path}` };
  }
  if (/^https:\/\//i.test(raw)) {
    throw new UsageError(`bad target '${raw}': TLS is not supported; console-subscriber serves plain http (h2c)`);
  }
  const withScheme = /^http:\/\//i.test(raw) ? raw : `http://${raw.startsWith(":") ? `127.0.0.1${raw}` : raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`bad target '${raw}': expected http://HOST:PORT, HOST:PORT or unix:PATH`);
  }
  if (url.pathname !== "/" && url.pathname !== "") {
    throw new UsageError(`bad target '${raw}': a console target has no path`);
  }
  const port = url.port ? Number(url.port) : 6669;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UsageError(`bad target '${raw}': bad port`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return { kind: "tcp", host, port, display: `http://${url.hostname}:${port}` };
}
