/**
 * Issue #14: time linear in nesting depth. Doubling the input may at most ~2.5× the time (3× allowed
 * for noise on a shared machine), with absolute bounds that keep the test from flaking: a doubled run
 * under 400 ms passes whatever the ratio. Before the fix, 10 000 nested fns took 43 s (5 000: 7 s).
 */
import { describe, expect, it } from "vitest";
import { lintText } from "../../src/lint/api.ts";
import { nestedClosures, nestedFns, nestedJoins } from "./hostile-inputs.ts";

async function bestOf(runs: number, text: string): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await lintText(text, "nested.rs");
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

async function expectLinear(make: (n: number) => string, n: number): Promise<void> {
  await bestOf(1, make(n / 4)); // warm-up
  const small = await bestOf(2, make(n));
  const large = await bestOf(2, make(2 * n));
  expect(large, `n=${n}: ${small.toFixed(0)} ms, 2n: ${large.toFixed(0)} ms`).toBeLessThan(Math.max(3 * small, 400));
  expect(large).toBeLessThan(20_000);
}

describe("linear time in nesting", () => {
  it("nested closures", () => expectLinear(nestedClosures, 5000), 120_000);
  it("nested fns", () => expectLinear(nestedFns, 2500), 120_000);
  it("nested macros (bounded re-parsing)", () => expectLinear(nestedJoins, 1000), 120_000);
});
