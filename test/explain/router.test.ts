import { describe, expect, it } from "vitest";
import { TopicRouter, normaliseTerm } from "../../src/explain/router.ts";
import { loadTopics } from "../../src/explain/topics.ts";
import { routingCases } from "./routing-cases.ts";

const router = new TopicRouter(loadTopics());

describe("questions route to the right topic", () => {
  for (const [topic, questions] of Object.entries(routingCases)) {
    describe(topic, () => {
      for (const question of questions) {
        it(question, () => {
          const result = router.route(question);
          expect(result?.topic.id, `alternatives: ${JSON.stringify(result?.alternatives)}`).toBe(topic);
        });
      }
    });
  }
});

describe("the issue's six questions", () => {
  const six: [string, string][] = [
    ["How does async/await actually work in Rust?", "future-and-poll"],
    ["What is Pin and Unpin?", "pin-and-unpin"],
    ["My async code is slow — how do I profile it?", "profiling"],
    ["How do I use tokio-console?", "tokio-console"],
    ["I have a blocking call in async — what do I do?", "blocking-in-async"],
    ["How does select! work and what are its pitfalls?", "select"],
  ];
  for (const [question, topic] of six) {
    it(`${question} → ${topic} with a clear margin`, () => {
      const result = router.route(question)!;
      expect(result.topic.id).toBe(topic);
      expect(result.confidence).toBeGreaterThan(0.1);
      expect(result.alternatives.every((alt) => alt.score <= result.score)).toBe(true);
    });
  }
});

describe("router behaviour", () => {
  it("a topic id routes to itself with confidence 1", () => {
    for (const topic of loadTopics()) {
      const result = router.route(topic.id)!;
      expect(result.topic.id).toBe(topic.id);
      expect(result.confidence).toBe(1);
    }
  });

  it("an id written with spaces or underscores still routes exactly", () => {
    expect(router.route("pin and unpin")?.topic.id).toBe("pin-and-unpin");
    expect(router.route("future_not_send")?.confidence).toBe(1);
  });

  it("alternatives are other topics, best first, at most the requested number", () => {
    const result = router.route("cancel a task in a select loop", 4)!;
    expect(result.alternatives.length).toBeLessThanOrEqual(4);
    expect(result.alternatives.map((alt) => alt.id)).not.toContain(result.topic.id);
    const scores = result.alternatives.map((alt) => alt.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("confidence is the normalised margin between the best two scores", () => {
    const result = router.route("clone the waker before waking")!;
    expect(result.confidence).toBeLessThan(1);
    const second = result.alternatives[0]?.score ?? 0;
    expect(result.confidence).toBeCloseTo((result.score - second) / result.score, 1);
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it("a question with no topic words matches nothing", () => {
    expect(router.route("how do I do what")).toBeUndefined();
    expect(router.route("zebra giraffe")).toBeUndefined();
  });

  it("normalises plurals and -ing forms the same way on both sides", () => {
    expect(normaliseTerm("wakers")).toBe(normaliseTerm("waker"));
    expect(normaliseTerm("blocking")).toBe(normaliseTerm("block"));
    expect(normaliseTerm("the")).toBeNull();
  });
});

describe("programmatic api", () => {
  it("explainQuestion returns the JSON shape and listTopics the ids", async () => {
    const { explainQuestion, listTopics } = await import("../../src/explain/api.ts");
    const answer = explainQuestion("What is Pin and Unpin?")!;
    expect(answer.topic.id).toBe("pin-and-unpin");
    expect(answer.topic.body).toContain("Pin");
    expect(answer.alternatives.length).toBe(3);
    expect(explainQuestion("zebra giraffe")).toBeUndefined();
    expect(listTopics().map((topic) => topic.id)).toContain("select");
  });
});
