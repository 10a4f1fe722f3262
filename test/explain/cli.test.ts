import { describe, expect, it } from "vitest";
import { loadTopics } from "../../src/explain/topics.ts";
import { runCli } from "../support/cli.ts";

let stdout = "";
let stderr = "";

/** Runs the real CLI; NO_COLOR is set by runCli. */
async function explain(...args: string[]): Promise<number> {
  const result = await runCli(["explain", ...args]);
  stdout = result.stdout;
  stderr = result.stderr;
  return result.code;
}

describe("async-doctor explain", () => {
  it("--list prints every topic id and title", async () => {
    expect(await explain("--list")).toBe(0);
    for (const topic of loadTopics()) expect(stdout).toContain(topic.id);
    expect(stdout.trim().split("\n")).toHaveLength(loadTopics().length);
  });

  it("--list --format json", async () => {
    expect(await explain("--list", "--format", "json")).toBe(0);
    const parsed = JSON.parse(stdout) as { topics: { id: string; title: string }[] };
    expect(parsed.topics.map((topic) => topic.id)).toEqual(loadTopics().map((topic) => topic.id));
  });

  it("json output has the documented shape", async () => {
    expect(await explain("--format", "json", "How does select! work and what are its pitfalls?")).toBe(0);
    const parsed = JSON.parse(stdout) as {
      kind: string;
      topic: { id: string; title: string; body: string; lintRules: string[]; links: { title: string; url: string }[]; examples: { code: string }[] };
      confidence: number;
      alternatives: { id: string; title: string; score: number }[];
    };
    expect(parsed.kind).toBe("topic");
    expect(parsed.topic.id).toBe("select");
    expect(parsed.topic.links.some((link) => link.url.includes("read_until"))).toBe(true);
    expect(parsed.topic.title).toMatch(/select!/);
    expect(parsed.topic.body).toContain("cancel-safe");
    expect(parsed.topic.lintRules).toContain("select-cancel-unsafe");
    expect(parsed.confidence).toBeGreaterThan(0);
    expect(parsed.alternatives.length).toBeGreaterThan(0);
    expect(parsed.alternatives[0]).toEqual({ id: expect.any(String), title: expect.any(String), score: expect.any(Number) });
  });

  it("json bodies hide the compiled-only example lines and the CI info strings", async () => {
    expect(await explain("-f", "json", "select")).toBe(0);
    const body = (JSON.parse(stdout) as { topic: { body: string } }).topic.body;
    expect(body).not.toMatch(/```rust (check|run|compile_fail)/);
    expect(body).not.toMatch(/^# /m);
  });

  it("words without quotes form one question", async () => {
    expect(await explain("what", "is", "pin", "and", "unpin", "--no-color")).toBe(0);
    expect(stdout).toContain("Pin and Unpin");
    expect(stdout).toContain("lint rules");
  });

  it("text output without colour has no escape codes, labels wrong examples and shows expected output", async () => {
    expect(await explain("hand-written-future", "--no-color")).toBe(0);
    expect(stdout).not.toContain("\u001b[");
    expect(stdout).toContain("✗ wrong:");
    expect(stdout).toContain("prints:");
    expect(stdout).toContain("fired after at least 50 ms: true");
  });

  it("markdown output is plain CommonMark with a related section", async () => {
    expect(await explain("tokio-console", "--format", "markdown")).toBe(0);
    expect(stdout.startsWith("# tokio-console")).toBe(true);
    expect(stdout).toContain("## Related");
    expect(stdout).toContain("docs/rules/console-setup.md");
    expect(stdout).toContain("```toml");
  });

  it("a match below confidence 1 names the alternatives", async () => {
    expect(await explain("--no-color", "cancel", "a", "task")).toBe(0);
    expect(stdout).toMatch(/with confidence \d\.\d\d; other topics: /);
  });

  it("a rule id shows the rule's page (lint and runtime), in every format", async () => {
    expect(await explain("select-cancel-unsafe", "--no-color")).toBe(0);
    expect(stdout.startsWith("`select-cancel-unsafe`: non-cancel-safe")).toBe(true);
    expect(stdout).toContain("Lint rule (async-doctor lint), docs/rules/select-cancel-unsafe.md");
    expect(stdout).toMatch(/see also +explain select/);
    expect(await explain("lost-waker", "--format", "markdown")).toBe(0);
    expect(stdout).toContain("*Runtime rule (async-doctor console check), docs/runtime-rules/lost-waker.md.*");
    expect(await explain("-f", "json", "lint:blocking-in-async")).toBe(0);
    const parsed = JSON.parse(stdout) as { kind: string; rule: { id: string; kind: string; file: string; body: string; topics: string[] } };
    expect(parsed.kind).toBe("rule");
    expect(parsed.rule).toMatchObject({ id: "blocking-in-async", kind: "lint", file: "docs/rules/blocking-in-async.md" });
    expect(parsed.rule.topics).toContain("blocking-in-async");
  });

  it("a bare id shared by a topic and a rule is the topic", async () => {
    expect(await explain("blocking-in-async", "-f", "json")).toBe(0);
    expect((JSON.parse(stdout) as { kind: string }).kind).toBe("topic");
  });

  it("no good topic: the nearest topics on stdout, exit 1", async () => {
    expect(await explain("what is the borrow checker", "--no-color")).toBe(1);
    expect(stdout).toMatch(/^No topic answers this well \(confidence 0\.\d\d\)\. Nearest topics:\n {2}explain [a-z-]+ /);
    expect(await explain("-f", "json", "what is the borrow checker")).toBe(1);
    const parsed = JSON.parse(stdout) as { kind: string; confidence: number; nearest: { id: string }[] };
    expect(parsed.kind).toBe("no-good-topic");
    expect(parsed.nearest.length).toBeGreaterThan(0);
  });

  it("text output lists the topic's sources", async () => {
    expect(await explain("tokio-console", "--no-color")).toBe(0);
    expect(stdout).toMatch(/\nsources\n[\s\S]*feature unification: https:\/\/doc\.rust-lang\.org\/cargo/i);
  });

  it("no question is a usage error (exit 2)", async () => {
    expect(await explain()).toBe(2);
    expect(stderr).toContain("explain needs a topic or a question");
  });

  it("a question that matches nothing is a usage error", async () => {
    expect(await explain("zebra giraffe")).toBe(2);
    expect(stderr).toContain("no topic matches");
  });

  it("a bad --alternatives value is a usage error", async () => {
    expect(await explain("pin", "--alternatives", "many")).toBe(2);
  });
});
