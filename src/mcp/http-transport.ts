/**
 * `async-doctor mcp --http`: Streamable HTTP on `/mcp` (the SDK's StreamableHTTPServerTransport, one
 * session per client with its own McpServer). What this file adds around the SDK:
 * - the guards shared with `console web` (src/util/http-guard.ts): loopback by default, a token to bind
 *   anything else, Host (DNS rebinding) and Origin checks (plus --allow-origin), optional bearer token;
 * - request bodies capped (limits.maxHttpBodyBytes) and parsed here, so malformed JSON gets a JSON-RPC
 *   parse error; sessions capped, and closed after 30 minutes without a request.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { UsageError } from "../cli/errors.ts";
import { checkRequest, parseListen, requireTokenOffLoopback } from "../util/http-guard.ts";


export const maxHttpBodyBytes = 16 * 1024 * 1024;
const maxSessions = 64;
/** Sessions with no request for this long are closed (clients that never send DELETE). */
const sessionIdleMs = 30 * 60_000;

export interface HttpOptions {
  /** "PORT", "HOST:PORT" or "[::1]:PORT"; default 127.0.0.1:0 would pick a free port. */
  listen: string;
  token?: string;
  allowedOrigins: string[];
  createServer(): McpServer;
  log(line: string): void;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

function reject(res: ServerResponse, status: number, message: string, code = -32000): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

async function readBody(req: IncomingMessage): Promise<{ ok: true; body: unknown } | { ok: false; status: number; message: string; code: number }> {
  const tooBig = { ok: false as const, status: 413, message: `request body over ${maxHttpBodyBytes} bytes`, code: -32600 };
  const chunks: Buffer[] = [];
  let size = 0;
  // An oversized body is read and dropped (up to 4× the limit) so the client gets the 413 instead of a
  // reset connection; beyond that the connection is cut.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 4 * maxHttpBodyBytes) return tooBig;
    if (size <= maxHttpBodyBytes) chunks.push(chunk as Buffer);
  }
  if (size > maxHttpBodyBytes) return tooBig;
  try {
    return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: false, status: 400, message: "Parse error: the body is not JSON", code: -32700 };
  }
}

export async function startHttpServer(options: HttpOptions): Promise<RunningHttpServer> {
  const { host, port } = parseListen(options.listen);
  requireTokenOffLoopback(options.listen, host, options.token, "ASYNC_DOCTOR_MCP_TOKEN or --token");
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer; lastSeen: number }>();
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) {
      if (now - session.lastSeen > sessionIdleMs) {
        sessions.delete(id);
        void session.transport.close().catch(() => {});
        void session.server.close().catch(() => {});
      }
    }
  }, 60_000);
  sweeper.unref();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== "/mcp") return reject(res, 404, "not found: the MCP endpoint is /mcp");
    const denied = checkRequest(req, { listenHost: host, token: options.token, allowedOrigins: options.allowedOrigins });
    if (denied) {
      if (denied.status === 401) res.setHeader("www-authenticate", 'Bearer realm="async-doctor"');
      return reject(res, denied.status, denied.message);
    }
    const sessionId = req.headers["mcp-session-id"];
    const existing = typeof sessionId === "string" ? sessions.get(sessionId) : undefined;
    if (existing) existing.lastSeen = Date.now();
    if (req.method === "POST") {
      const parsed = await readBody(req);
      if (!parsed.ok) {
        if (parsed.status === 413) res.setHeader("connection", "close");
        return reject(res, parsed.status, parsed.message, parsed.code);
      }
      if (existing) return existing.transport.handleRequest(req, res, parsed.body);
      if (sessionId !== undefined) return reject(res, 404, "unknown or expired session: initialize again", -32001);
      if (!isInitializeRequest(parsed.body)) return reject(res, 400, "bad request: no session; the first request must be initialize", -32600);
      if (sessions.size >= maxSessions) return reject(res, 503, "too many sessions: close one (DELETE /mcp) and retry");
      const server = options.createServer();
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, { transport, server, lastSeen: Date.now() });
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
  http.requestTimeout = 0; // observation windows and SSE streams are long-lived
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
