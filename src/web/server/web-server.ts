/**
 * `console web`'s HTTP server: the app's page and assets, a JSON API over the sources' sessions, and a
 * Server-Sent Events stream of change notices. Security as `mcp --http` (src/util/http-guard.ts, the same
 * code): loopback by default (another address needs a token), Host and Origin checked on every request,
 * optional token (Authorization: Bearer, or once as ?token= on the page, which sets an HttpOnly
 * SameSite=Strict cookie so that the page's own requests and EventSource carry it), a strict
 * Content-Security-Policy (scripts, styles and connections from this origin only), GET only, and no file
 * access beyond the sources named on the command line and the --crate root.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { UsageError } from "../../cli/errors.ts";
import { checkRequest, parseListen, requireTokenOffLoopback, sameSecret } from "../../util/http-guard.ts";
import { loadAppAssets, servedPage } from "./assets.ts";
import type { SourceExcerpts } from "./source-excerpt.ts";
import type { SourceSession } from "./source-session.ts";
import { diagnosesView } from "./views/diagnoses.ts";
import { resourcesView } from "./views/resources.ts";
import { taskDetail } from "./views/task-detail.ts";
import { taskTable } from "./views/task-table.ts";
import { clockShift, pollTimelineBinary, pollTimelineView, sampledTimelineView } from "./views/timeline.ts";

export interface WebServerOptions {
  listen: string;
  token?: string | undefined;
  allowedOrigins: string[];
  sessions: SourceSession[];
  excerpts: SourceExcerpts;
  /** Builds the offline report of the current sources (GET /api/report.html). */
  report(): Promise<string>;
  log(line: string): void;
}

export interface RunningWebServer {
  url: string;
  close(): Promise<void>;
}

const maxEventStreams = 32;
const tokenCookie = "async_doctor_token";

export const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function securityHeaders(res: ServerResponse): void {
  res.setHeader("content-security-policy", contentSecurityPolicy);
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "no-referrer");
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("cache-control", "no-store");
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) }).end(text);
}

function fail(res: ServerResponse, status: number, message: string): void {
  if (!res.headersSent) sendJson(res, status, { error: message });
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === tokenCookie) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const { host, port } = parseListen(options.listen);
  requireTokenOffLoopback(options.listen, host, options.token, "ASYNC_DOCTOR_WEB_TOKEN or --token");
  const streams = new Set<ServerResponse>();
  const tableCache = new WeakMap<SourceSession, { key: string; text: string }>();
  const sessionOf = (text: string | undefined) => {
    const i = Number(text);
    return Number.isInteger(i) ? options.sessions[i] : undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    securityHeaders(res);
    const url = new URL(req.url ?? "/", "http://localhost");
    const queryToken = url.searchParams.get("token") ?? undefined;
    const denied = checkRequest(req, {
      listenHost: host,
      token: options.token,
      allowedOrigins: options.allowedOrigins,
      extraToken: (r) => cookieToken(r) ?? queryToken,
    });
    if (denied) {
      if (denied.status === 401) res.setHeader("www-authenticate", 'Bearer realm="async-doctor"');
      return fail(res, denied.status, denied.message);
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return fail(res, 405, "method not allowed");
    }
    const parts = url.pathname.split("/").filter(Boolean);

    if (url.pathname === "/" || url.pathname === "/index.html") {
      if (options.token && queryToken !== undefined && sameSecret(queryToken, options.token)) {
        res.setHeader("set-cookie", `${tokenCookie}=${encodeURIComponent(queryToken)}; HttpOnly; SameSite=Strict; Path=/`);
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(servedPage("async-doctor console web"));
      return;
    }
    if (url.pathname === "/assets/app.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(loadAppAssets().js);
      return;
    }
    if (url.pathname === "/assets/app.css") {
      res.writeHead(200, { "content-type": "text/css; charset=utf-8" }).end(loadAppAssets().css);
      return;
    }
    if (url.pathname === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (parts[0] !== "api") return fail(res, 404, "not found");

    if (parts[1] === "sources" && parts.length === 2) return sendJson(res, 200, options.sessions.map((s) => s.info()));
    if (parts[1] === "events" && parts.length === 2) return eventStream(req, res);
    if (parts[1] === "report.html" && parts.length === 2) {
      const html = await options.report();
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-disposition": 'attachment; filename="async-doctor-report.html"' }).end(html);
      return;
    }
    if (parts[1] !== "s") return fail(res, 404, "not found");
    const session = sessionOf(parts[2]);
    if (!session) return fail(res, 404, `no source ${parts[2] ?? ""}`);
    const meta = { source: session.index, version: session.version };
    switch (parts[3]) {
      case "tasks": {
        const atText = url.searchParams.get("at");
        const at = atText === null || atText === "" ? undefined : Number(atText);
        if (at !== undefined && !Number.isFinite(at)) return fail(res, 400, "at: expected ns on the source's clock");
        if (at !== undefined) return sendJson(res, 200, taskTable(session.stateAt(at), { ...meta, at }));
        const since = Number(url.searchParams.get("since") ?? 0);
        if (!Number.isInteger(since)) return fail(res, 400, "since: expected a version number");
        // Every open page asks on every update: serialise once per (version, since).
        const cacheKey = `${session.version}:${since}`;
        let cached = tableCache.get(session);
        if (cached?.key !== cacheKey) {
          cached = { key: cacheKey, text: JSON.stringify(session.tableTracker.changesSince(session.state, meta, since)) };
          tableCache.set(session, cached);
        }
        return sendJsonText(res, 200, cached.text);
      }
      case "diagnoses":
        return sendJson(res, 200, diagnosesView(session.diagnoses(), session.timelineBuilder.timeline, meta));
      case "resources":
        return sendJson(res, 200, resourcesView(session.state, { ...meta, kind: session.source.kind }));
      case "task": {
        const key = decodeURIComponent(parts[4] ?? "");
        const detail = await taskDetail(session, key, options.excerpts);
        return detail ? sendJson(res, 200, detail) : fail(res, 404, `no task ${key}`);
      }
      case "timeline": {
        const polls = session.pollTimeline;
        const shift = polls ? clockShift(polls, session.state.clock.seconds) : 0;
        if (parts[4] === "bin") {
          if (!polls) return fail(res, 404, "this source has no poll timeline (only recordings do)");
          const body = pollTimelineBinary(polls, shift);
          res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length }).end(body);
          return;
        }
        return sendJson(res, 200, polls ? pollTimelineView(polls, shift, meta) : sampledTimelineView(session.timelineBuilder.timeline, meta));
      }
      default:
        return fail(res, 404, "not found");
    }
  };

  function eventStream(req: IncomingMessage, res: ServerResponse): void {
    if (streams.size >= maxEventStreams) return fail(res, 503, "too many open dashboards");
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", connection: "keep-alive" });
    res.write(": async-doctor\n\n");
    streams.add(res);
    const send = (notice: unknown) => res.write(`event: notice\ndata: ${JSON.stringify(notice)}\n\n`);
    for (const s of options.sessions) send(s.notice());
    const unsubscribe = options.sessions.map((s) => s.onNotice(send));
    const heartbeat = setInterval(() => res.write(": ping\n\n"), 15_000);
    heartbeat.unref();
    const stop = () => {
      clearInterval(heartbeat);
      for (const u of unsubscribe) u();
      streams.delete(res);
    };
    req.on("close", stop);
    res.on("error", stop);
  }

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log(`console web: ${error instanceof Error ? error.message : String(error)}`);
      fail(res, 500, "internal error");
    });
  });
  http.requestTimeout = 0; // event streams are long-lived
  await new Promise<void>((resolve, reject) => {
    http.once("error", (error: NodeJS.ErrnoException) => reject(new UsageError(`cannot listen on ${options.listen}: ${error.code ?? error.message}`)));
    http.listen(port, host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/`,
    async close() {
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
    },
  };
}
