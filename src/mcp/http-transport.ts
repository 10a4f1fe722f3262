/**
 * `async-doctor mcp --http`: Streamable HTTP on `/mcp` (the SDK's StreamableHTTPServerTransport, one
 * session per client with its own McpServer). What this file adds around the SDK:
 * - loopback by default; binding another address needs a bearer token;
 * - Host header checked against the listen address (DNS rebinding), Origin checked (browsers: only
 *   http(s)://localhost|127.0.0.1|[::1] on any port, plus --allow-origin);
 * - optional bearer token (`Authorization: Bearer …`, compared in constant time);
 * - request bodies capped (ASYNC_DOCTOR_MCP_MAX_MESSAGE_BYTES, checked on Content-Length before reading
 *   and again while reading) and parsed here, so malformed JSON gets a JSON-RPC parse error;
 * - sessions capped in all and per client address, closed after ASYNC_DOCTOR_MCP_SESSION_IDLE_MS without
 *   a request; when the cap is reached, the session idle longest (and idle at least
 *   ASYNC_DOCTOR_MCP_EVICTABLE_IDLE_MS, with no request in flight) makes room, so clients that open
 *   sessions and walk away cannot lock others out;
 * - connections capped in all and per client address; headers and bodies must arrive in time.
 */
import { randomUUID, timingSafeEqual, createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { UsageError } from "../cli/errors.ts";
import { isLoopbackHost } from "./console-target.ts";
import { serverLimits, type ServerLimits } from "./limits.ts";
import { formatBytes } from "../util/input-limits.ts";

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  lastSeen: number;
  client: string;
  /** Requests being handled (a session with one in flight is never evicted). */
  inFlight: number;
}

export interface HttpOptions {
  /** "PORT", "HOST:PORT" or "[::1]:PORT"; default 127.0.0.1:0 would pick a free port. */
  listen: string;
  token?: string;
  allowedOrigins: string[];
  createServer(): McpServer;
  log(line: string): void;
  /** Server bounds (default: from the environment). */
  limits?: ServerLimits;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(text.trim());
  if (!m) throw new UsageError(`bad --listen '${text}': expected PORT or HOST:PORT, e.g. 127.0.0.1:8765`);
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`bad --listen '${text}': port out of range`);
  return { host: (m[1] ?? "127.0.0.1").replace(/^\[|\]$/g, ""), port };
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function reject(res: ServerResponse, status: number, message: string, code = -32000): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

function originAllowed(origin: string, allowed: string[]): boolean {
  if (allowed.includes(origin)) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

function hostAllowed(hostHeader: string | undefined, listenHost: string): boolean {
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

async function readBody(req: IncomingMessage, maxBytes: number): Promise<{ ok: true; body: unknown } | { ok: false; status: number; message: string; code: number }> {
  const tooBig = { ok: false as const, status: 413, message: `request body over the ${formatBytes(maxBytes)} limit (ASYNC_DOCTOR_MCP_MAX_MESSAGE_BYTES)`, code: -32600 };
  const announced = Number(req.headers["content-length"]);
  if (Number.isFinite(announced) && announced > maxBytes) return tooBig;
  const chunks: Buffer[] = [];
  let size = 0;
  // An oversized body is read and dropped (up to 4× the limit) so the client gets the 413 instead of a
  // reset connection; beyond that the connection is cut.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 4 * maxBytes) return tooBig;
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  if (size > maxBytes) return tooBig;
  try {
    return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: false, status: 400, message: "Parse error: the body is not JSON", code: -32700 };
  }
}

export async function startHttpServer(options: HttpOptions): Promise<RunningHttpServer> {
  const { host, port } = parseListen(options.listen);
  if (!isLoopbackHost(host) && !options.token) {
    throw new UsageError(`--listen ${options.listen} is not a loopback address: set a bearer token (ASYNC_DOCTOR_MCP_TOKEN or --token) to expose the server`);
  }
  const bounds: ServerLimits = options.limits ?? serverLimits();
  const sessions = new Map<string, Session>();
  const closeSession = (id: string, session: Session) => {
    sessions.delete(id);
    void session.transport.close().catch(() => {});
    void session.server.close().catch(() => {});
  };
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) {
      if (session.inFlight === 0 && now - session.lastSeen > bounds.sessionIdleMs) closeSession(id, session);
    }
  }, Math.min(60_000, Math.max(1000, bounds.sessionIdleMs / 4)));
  sweeper.unref();
  /** Makes room for a new session of `client`: false when every candidate is busy or recently used. */
  const roomFor = (client: string): boolean => {
    const mine = [...sessions].filter(([, s]) => s.client === client);
    const full = sessions.size >= bounds.maxSessions ? [...sessions] : mine.length >= bounds.maxSessionsPerClient ? mine : undefined;
    if (!full) return true;
    const now = Date.now();
    let oldest: [string, Session] | undefined;
    for (const entry of full) {
      const [, s] = entry;
      if (s.inFlight === 0 && now - s.lastSeen >= bounds.evictableIdleMs && (!oldest || s.lastSeen < oldest[1].lastSeen)) oldest = entry;
    }
    if (!oldest) return false;
    closeSession(oldest[0], oldest[1]);
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/mcp") return reject(res, 404, "not found: the MCP endpoint is /mcp");
    if (!hostAllowed(req.headers.host, host)) return reject(res, 403, "forbidden: bad Host header");
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, options.allowedOrigins)) return reject(res, 403, `forbidden: origin ${origin} is not allowed`);
    if (options.token) {
      const auth = req.headers.authorization ?? "";
      const m = /^Bearer\s+(.+)$/i.exec(auth);
      if (!m || !sameSecret(m[1]!.trim(), options.token)) {
        res.setHeader("www-authenticate", 'Bearer realm="async-doctor"');
        return reject(res, 401, "unauthorized: missing or wrong bearer token");
      }
    }
    const sessionId = req.headers["mcp-session-id"];
    const existing = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
    if (existing) existing.lastSeen = Date.now();
    const client = req.socket.remoteAddress ?? "?";
    if (req.method === "POST") {
      const parsed = await readBody(req, bounds.maxMessageBytes);
      if (!parsed.ok) {
        if (parsed.status === 413) res.setHeader("connection", "close");
        return reject(res, parsed.status, parsed.message, parsed.code);
      }
      if (existing) {
        existing.inFlight++;
        res.once("close", () => {
          existing.inFlight--;
          existing.lastSeen = Date.now();
        });
        return existing.transport.handleRequest(req, res, parsed.body);
      }
      if (sessionId !== undefined) return reject(res, 404, "unknown or expired session: initialize again", -32001);
      if (!isInitializeRequest(parsed.body)) return reject(res, 400, "bad request: no session; the first request must be initialize", -32600);
      if (!roomFor(client)) {
        res.setHeader("retry-after", String(Math.ceil(bounds.evictableIdleMs / 1000) || 1));
        return reject(res, 503, "too many sessions, all in use: close one (DELETE /mcp) or retry later");
      }
      const server = options.createServer();
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, { transport, server, lastSeen: Date.now(), client, inFlight: 0 });
        },
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await server.connect(transport);
      return transport.handleRequest(req, res, parsed.body);
    }
    if (req.method === "GET" || req.method === "DELETE") {
      if (!existing) return reject(res, sessionId === undefined ? 400 : 404, "bad request: missing or unknown mcp-session-id", -32001);
      // An open GET (SSE) stream does not keep a session from being evicted: an idle client holding
      // streams open is exactly what must not lock others out. Only POSTs in flight count.
      return existing.transport.handleRequest(req, res);
    }
    res.setHeader("allow", "GET, POST, DELETE");
    return reject(res, 405, "method not allowed");
  };

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log(`mcp http: ${error instanceof Error ? error.message : String(error)}`);
      reject(res, 500, "internal error", -32603);
    });
  });
  // requestTimeout bounds receiving a request (headers and body), not the response: SSE streams and
  // observation windows are not cut by it.
  http.headersTimeout = bounds.headersTimeoutMs;
  http.requestTimeout = bounds.bodyTimeoutMs;
  http.maxConnections = bounds.maxConnections;
  const perClient = new Map<string, number>();
  http.on("connection", (socket) => {
    const address = socket.remoteAddress ?? "?";
    const open = (perClient.get(address) ?? 0) + 1;
    if (open > bounds.maxConnectionsPerClient) {
      socket.destroy();
      return;
    }
    perClient.set(address, open);
    socket.once("close", () => {
      const left = (perClient.get(address) ?? 1) - 1;
      if (left <= 0) perClient.delete(address);
      else perClient.set(address, left);
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", (error: NodeJS.ErrnoException) => reject(new UsageError(`cannot listen on ${options.listen}: ${error.code ?? error.message}`)));
    http.listen(port, host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/mcp`,
    async close() {
      clearInterval(sweeper);
      for (const { transport, server } of sessions.values()) {
        await transport.close().catch(() => {});
        await server.close().catch(() => {});
      }
      sessions.clear();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
    },
  };
}
