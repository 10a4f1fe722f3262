import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTopics } from "../../src/explain/topics.ts";
import { syntaxErrorLines } from "../../src/explain/rust-syntax.ts";
import { cargo, fixtureBinary, requireCargo } from "../support/rust.ts";
import { exampleCrateDir, writeExampleCrate } from "./example-crate.ts";

const run = promisify(execFile);
const examples = loadTopics().flatMap((topic) => topic.examples);
const haveCargo = requireCargo();
const byMode = (mode: string) => examples.filter((example) => example.mode === mode);

function cargoFailure(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  return e.stderr ?? e.message ?? String(error);
}

describe.skipIf(!haveCargo)("topic examples compile against Debian's tokio", () => {
  // Cargo runs in hooks (hookTimeout 10 min): a cold CI machine first compiles tokio and friends,
  // which can take longer than one test's timeout while other test files run beside it.
  let checkFailure: string | undefined;
  beforeAll(async () => {
    writeExampleCrate(examples);
    try {
      await cargo(exampleCrateDir, ["check", "--bins", "--message-format", "short", "--quiet"]);
    } catch (error) {
      checkFailure = cargoFailure(error);
    }
  });

  it("every check/run example passes cargo check", () => {
    expect(checkFailure, `cargo check failed:\n${checkFailure}`).toBeUndefined();
  });

  describe("run examples print what the topic says", () => {
    beforeAll(async () => {
      const names = byMode("run").flatMap((example) => ["--bin", example.name]);
      if (names.length) await cargo(exampleCrateDir, ["build", "--quiet", ...names]);
    });
    for (const example of byMode("run")) {
      it(`${example.topicId}.md:${example.line} (${example.name})`, async () => {
        const { stdout } = await run(fixtureBinary(example.name), [], {
          timeout: 30_000,
          env: { ...process.env, RUST_BACKTRACE: "0" },
        });
        expect(stdout.trimEnd()).toBe(example.expectedOutput!.trimEnd());
      });
    }
  });

  describe("compile_fail examples are rejected by rustc", () => {
    for (const example of byMode("compile_fail")) {
      it(`${example.topicId}.md:${example.line} (${example.name})`, async () => {
        let stderr = "";
        try {
          await cargo(exampleCrateDir, ["check", "--example", example.name, "--message-format", "short"]);
        } catch (error) {
          stderr = cargoFailure(error);
        }
        expect(stderr, "the example compiled although it is marked compile_fail").toMatch(/error/);
        if (example.errorCode) expect(stderr).toContain(example.errorCode);
        if (example.expectedError) expect(stderr).toContain(example.expectedError);
      }, 300_000);
    }
  });
});

describe("newer-tokio and external examples at least parse", () => {
  it("tree-sitter rejects broken Rust (the check below can fail)", async () => {
    expect(await syntaxErrorLines("fn main() { let x = ; }")).not.toEqual([]);
  });
  for (const example of [...byMode("newer-tokio"), ...byMode("external")]) {
    const needs = example.minTokio ? `tokio >= ${example.minTokio}` : `needs ${example.needs}`;
    it(`${example.topicId}.md:${example.line} (${example.name}, ${needs})`, async () => {
      expect(await syntaxErrorLines(example.code)).toEqual([]);
    });
  }
});

it("the examples are spread over the topics", () => {
  expect(examples.length).toBeGreaterThan(0);
  expect(path.basename(exampleCrateDir)).toBe("explain-examples");
});
