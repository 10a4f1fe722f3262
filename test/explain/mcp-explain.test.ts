/**
 * The MCP tool explain_rust_async over the real stdio server: the answers the explain router added
 * (rule pages, "no good topic", topic sources) reach MCP clients with the tool's output schema.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../support/shared.ts";
import { call, connectStdio, textOf, type Connected } from "../mcp/support.ts";

let c: Connected;

beforeAll(async () => {
  c = await connectStdio({ args: ["--root", path.join(projectRoot, "test/fixtures/rust/lint-cases")] });
}, 120_000);

afterAll(async () => {
  await c?.close();
});

describe("explain_rust_async", () => {
  it("a rule id gives the rule's page", async () => {
    const r = await call(c.client, "explain_rust_async", { topic: "select-cancel-unsafe" });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ kind: "rule", confidence: 1, rule: { id: "select-cancel-unsafe", kind: "lint" } });
    expect(r.structuredContent!.rule.body).toContain("## What it finds");
    const runtime = await call(c.client, "explain_rust_async", { question: "runtime:lost-waker" });
    expect(runtime.structuredContent).toMatchObject({ kind: "rule", rule: { id: "lost-waker", kind: "runtime" } });
  });

  it("a question no topic answers well gives the nearest topics, not a topic", async () => {
    const r = await call(c.client, "explain_rust_async", { question: "what is the borrow checker" });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent!.kind).toBe("no-good-topic");
    expect(r.structuredContent!.nearest.length).toBeGreaterThan(0);
    expect(textOf(r)).toMatch(/^No topic answers "what is the borrow checker" well/);
  });

  it("a topic carries its sources and a calibrated confidence", async () => {
    const r = await call(c.client, "explain_rust_async", { question: "why does my interval tick immediately" });
    expect(r.structuredContent).toMatchObject({ kind: "topic", topic: { id: "time" } });
    expect(r.structuredContent!.topic.links.some((link: { url: string }) => link.url.includes("interval"))).toBe(true);
    expect(r.structuredContent!.confidence).toBeGreaterThan(0.5);
    expect(r.structuredContent!.confidence).toBeLessThan(1);
  });
});
