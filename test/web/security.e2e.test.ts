/**
 * `console web`'s guards, as `mcp --http`'s (the same code, src/util/http-guard.ts): DNS rebinding (Host),
 * foreign Origin, the token (header, the ?token= page visit and its cookie), a non-loopback bind without
 * a token, strict CSP, GET only, and no way to name a file through the API.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { sharedFixture } from "../support/shared.ts";
import { startCli, type Child } from "./support.ts";

const recording = sharedFixture("console", "kitchen-sink.recording.jsonl");
const token = "web-token-5678";
let open: Child;
let guarded: Child;

beforeAll(async () => {
  [open, guarded] = await Promise.all([
    startCli(["console", "web", recording, "--listen", "127.0.0.1:0"], {}, "console web: "),
    startCli(["console", "web", recording, "--listen", "127.0.0.1:0"], { ASYNC_DOCTOR_WEB_TOKEN: token }, "console web: "),
  ]);
}, 60_000);

afterAll(async () => {
  await open?.stop();
  await guarded?.stop();
});

/** A raw request (fetch does not let a test set Host). */
function raw(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("console web security", () => {
  it("serves the page with a strict Content-Security-Policy and no-sniff", async () => {
    const page = await raw(open.url);
    expect(page.status).toBe(200);
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe");
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    expect(page.body).toContain('<script src="/assets/app.js"');
  });

  it("refuses a DNS-rebinding Host and a foreign Origin, accepts loopback origins", async () => {
    const rebinding = await raw(`${open.url}api/sources`, { host: "attacker.example:80" });
    expect(rebinding.status).toBe(403);
    expect(rebinding.body).toContain("Host");
    const foreign = await raw(`${open.url}api/sources`, { origin: "https://attacker.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain("origin");
    const local = await raw(`${open.url}api/sources`, { origin: "http://localhost:3000" });
    expect(local.status).toBe(200);
    expect(JSON.parse(local.body)[0].kind).toBe("recording");
  });

  it("requires the token when one is set: header, ?token= on the page and then its cookie", async () => {
    expect((await raw(`${guarded.url}api/sources`)).status).toBe(401);
    expect((await raw(`${guarded.url}api/sources`, { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await raw(`${guarded.url}api/sources`, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await raw(`${guarded.url}?token=wrong`)).status).toBe(401);
    const visit = await raw(`${guarded.url}?token=${token}`);
    expect(visit.status).toBe(200);
    const cookie = String(visit.headers["set-cookie"]);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const withCookie = await raw(`${guarded.url}api/events`.replace("events", "sources"), { cookie: cookie.split(";")[0]! });
    expect(withCookie.status).toBe(200);
    expect(guarded.stderr()).toContain(`?token=${token}`);
  });

  it("allows GET only and exposes no file paths", async () => {
    expect((await raw(`${open.url}api/sources`, {}, "POST")).status).toBe(405);
    expect((await raw(`${open.url}api/s/0/task/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await raw(`${open.url}assets/../package.json`)).status).toBe(404);
    expect((await raw(`${open.url}api/s/7/tasks`)).status).toBe(404);
  });

  it("refuses a non-loopback address without a token, and bad input with one line and exit 2", async () => {
    const exposed = await runCli(["console", "web", recording, "--listen", "0.0.0.0:0"]);
    expect(exposed.code).toBe(2);
    expect(exposed.stderr).toMatch(/not a loopback address: set a bearer token/);
    const missing = await runCli(["console", "web", "no-such-file.jsonl", "--listen", "127.0.0.1:0"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    const badListen = await runCli(["console", "web", recording, "--listen", "nope:x"]);
    expect(badListen.code).toBe(2);
    expect(badListen.stderr).toContain("bad --listen");
  });
});
