import { describe, expect, it } from "vitest";
import { Backoff } from "../../../src/console/transport/backoff.ts";
import { parseDurationMs } from "../../../src/console/transport/duration.ts";
import { looksLikeLiveTarget, parseTarget } from "../../../src/console/transport/target.ts";
import { encodeTaskDetailsRequest, taskDetailsRequestId } from "../../../src/console/serve/request-id.ts";

describe("parseTarget", () => {
  it("defaults to the console-subscriber address", () => {
    expect(parseTarget(undefined)).toMatchObject({ kind: "tcp", host: "127.0.0.1", port: 6669 });
  });
  it("reads http URLs, host:port, :port, IPv6 and unix sockets", () => {
    expect(parseTarget("http://localhost:7000")).toMatchObject({ kind: "tcp", host: "localhost", port: 7000 });
    expect(parseTarget("10.0.0.2:6670")).toMatchObject({ kind: "tcp", host: "10.0.0.2", port: 6670 });
    expect(parseTarget(":6671")).toMatchObject({ kind: "tcp", host: "127.0.0.1", port: 6671 });
    expect(parseTarget("[::1]:6672")).toMatchObject({ kind: "tcp", host: "::1", port: 6672 });
    expect(parseTarget("unix:/tmp/app.sock")).toMatchObject({ kind: "unix", path: "/tmp/app.sock" });
    expect(parseTarget("unix:///tmp/app.sock")).toMatchObject({ kind: "unix", path: "/tmp/app.sock" });
  });
  it("rejects TLS, paths and bad ports with a usage error", () => {
    expect(() => parseTarget("https://x:1")).toThrow(/TLS/);
    expect(() => parseTarget("http://x:1/path")).toThrow(/no path/);
    expect(() => parseTarget("x:99999")).toThrow(/bad/);
  });
  it("tells live targets from files", () => {
    expect(looksLikeLiveTarget("http://127.0.0.1:6669")).toBe(true);
    expect(looksLikeLiveTarget("localhost:6669")).toBe(true);
    expect(looksLikeLiveTarget("unix:/run/app.sock")).toBe(true);
    expect(looksLikeLiveTarget("capture.adcap")).toBe(false);
    expect(looksLikeLiveTarget("./dir/kitchen-sink.watchupdates.grpc")).toBe(false);
  });
});

describe("Backoff", () => {
  it("grows exponentially, stays within [step/2, step] and is capped", () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    expect([low.next(), low.next(), low.next(), low.next(), low.next(), low.next()]).toEqual([50, 100, 200, 400, 500, 500]);
    const high = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
    expect([high.next(), high.next(), high.next(), high.next(), high.next()]).toEqual([100, 200, 400, 800, 1000]);
  });
  it("starts over after reset", () => {
    const b = new Backoff({ initialMs: 100, random: () => 1 });
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(100);
  });
});

describe("parseDurationMs", () => {
  it("reads units and bare seconds", () => {
    expect(parseDurationMs("250ms")).toBe(250);
    expect(parseDurationMs("1.5s")).toBe(1500);
    expect(parseDurationMs("2m")).toBe(120_000);
    expect(parseDurationMs("3")).toBe(3000);
    expect(() => parseDurationMs("soon")).toThrow(/bad duration/);
  });
});

describe("TaskDetailsRequest", () => {
  it("encodes like the fixture request and round-trips 64-bit ids exactly", () => {
    // kitchen-sink.taskdetails.blocker.meta.json: request_body_hex 00000000040a020809 (id 9)
    expect(Buffer.from(encodeTaskDetailsRequest(9n)).toString("hex")).toBe("0a020809");
    const big = 695806417306648600n;
    expect(taskDetailsRequestId(encodeTaskDetailsRequest(big))).toBe(big);
    expect(taskDetailsRequestId(new Uint8Array(0))).toBeUndefined();
  });
});
