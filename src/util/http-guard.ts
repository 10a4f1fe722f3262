/**
 * The guards every local HTTP server of async-doctor puts in front of its routes (`mcp --http`,
 * `console web`): loopback by default, a bearer token required to bind anything else, the Host header
 * checked against the listen address (DNS rebinding), the Origin checked (browsers: only
 * http(s)://localhost|127.0.0.1|[::1] on any port, plus explicitly allowed origins), and an optional
 * bearer token compared in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { UsageError } from "../cli/errors.ts";

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || h === "0:0:0:0:0:0:0:1" || /^::ffff:127\./.test(h);
  return false;
}

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(text.trim());
  if (!m) throw new UsageError(`bad --listen '${text}': expected PORT or HOST:PORT, e.g. 127.0.0.1:8765`);
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`bad --listen '${text}': port out of range`);
  return { host: (m[1] ?? "127.0.0.1").replace(/^\[|\]$/g, ""), port };
}

/** A non-loopback bind is refused unless a token protects it. */
export function requireTokenOffLoopback(listen: string, host: string, token: string | undefined, tokenHint: string): void {
  if (!isLoopbackHost(host) && !token) {
    throw new UsageError(`--listen ${listen} is not a loopback address: set a bearer token (${tokenHint}) to expose the server`);
  }
}

export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  if (allowed.includes(origin)) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

export function hostAllowed(hostHeader: string | undefined, listenHost: string): boolean {
  if (!hostHeader) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${hostHeader}`).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return false;
  }
  if (isLoopbackHost(listenHost)) return isLoopbackHost(hostname);
  return true; // a non-loopback bind requires a token, which is the protection there
}

export interface GuardOptions {
  /** The host the server listens on (from parseListen). */
  listenHost: string;
  token?: string | undefined;
  allowedOrigins: readonly string[];
  /**
   * Where else a token may come from besides `Authorization: Bearer` (e.g. a `token` query parameter or
   * cookie, for browsers that cannot set headers on EventSource). Returns undefined when absent.
   */
  extraToken?(req: IncomingMessage): string | undefined;
}

export type GuardFailure = { status: 401 | 403; message: string };

/** Checks Host, Origin and token; returns the failure to send, or undefined when the request may go on. */
export function checkRequest(req: IncomingMessage, options: GuardOptions): GuardFailure | undefined {
  if (!hostAllowed(req.headers.host, options.listenHost)) return { status: 403, message: "forbidden: bad Host header" };
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(origin, options.allowedOrigins)) return { status: 403, message: `forbidden: origin ${origin} is not allowed` };
  if (options.token) {
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
    const given = m ? m[1]!.trim() : options.extraToken?.(req);
    if (given === undefined || !sameSecret(given, options.token)) return { status: 401, message: "unauthorized: missing or wrong bearer token" };
  }
  return undefined;
}
