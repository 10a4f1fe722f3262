/**
 * The guidance review's rows (test/fixtures/reviews/guidance-review.md), each checked: the corrected
 * text is where the wrong one was, the topic cites the source, and the claim itself holds when run
 * against Debian's tokio 1.24.2 (test/fixtures/rust/guidance-claims) wherever it can be run here.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTopics } from "../../src/explain/topics.ts";
import { projectRoot } from "../support/shared.ts";
import { cargo, fixtureBinary, requireCargo, rustFixturesRoot, rustTargetDir } from "../support/rust.ts";
import { reviewClaims, type ClaimCheck } from "./review-claims.ts";

const run = promisify(execFile);
const haveCargo = requireCargo();
const claimsCrate = path.join(rustFixturesRoot, "guidance-claims");
const review = readFileSync(path.join(projectRoot, "test/fixtures/reviews/guidance-review.md"), "utf8");
const topics = loadTopics();
const examples = new Map(topics.flatMap((topic) => topic.examples.map((example) => [example.name, example] as const)));
const checks = (kind: ClaimCheck["kind"]) => reviewClaims.flatMap((claim) => claim.checks.filter((check) => check.kind === kind).map((check) => ({ row: claim.row, check })));

function failure(error: unknown): string {
  const e = error as { stderr?: string; stdout?: string; message?: string };
  return `${e.stdout ?? ""}${e.stderr ?? e.message ?? String(error)}`;
}

describe("every review row has a claim entry", () => {
  it("the review's table has rows 1…32 and the claims list each once", () => {
    const rows = [...review.matchAll(/^\| (\d+) \| /gm)].map((match) => Number(match[1]));
    expect(rows).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(reviewClaims.map((claim) => claim.row)).toEqual(rows);
  });

  it("every row has at least one check, and a row without an executable one says why", () => {
    for (const claim of reviewClaims) {
      expect(claim.checks.length, `row ${claim.row}`).toBeGreaterThan(0);
      for (const check of claim.checks) if (check.kind === "source-only") expect(check.why.length).toBeGreaterThan(10);
    }
  });
});

describe("the wrong statements are gone and the corrections are in place", () => {
  for (const claim of reviewClaims) {
    if (!claim.files.length && !claim.citedBy) continue;
    it(`row ${claim.row}`, () => {
      for (const { file, absent = [], present = [] } of claim.files) {
        const text = readFileSync(path.join(projectRoot, file), "utf8");
        for (const pattern of absent) expect(text, `${file} still says ${pattern}`).not.toMatch(pattern);
        for (const pattern of present) expect(text, `${file} lacks ${pattern}`).toMatch(pattern);
      }
      for (const id of claim.citedBy ?? []) {
        const topic = topics.find((candidate) => candidate.id === id)!;
        expect(
          topic.links.some((link) => link.review_rows.includes(claim.row)),
          `topic ${id} cites no source for row ${claim.row}`,
        ).toBe(true);
      }
    });
  }
});

describe("topic examples named as evidence exist with the right mode (examples.test.ts builds them)", () => {
  for (const { row, check } of checks("topic-example")) {
    if (check.kind !== "topic-example") continue;
    it(`row ${row}: ${check.name}`, () => {
      expect(examples.get(check.name)?.mode).toBe(check.mode);
    });
  }
});

describe("real-data fixtures agree", () => {
  for (const { row, check } of checks("fixture-lacks")) {
    if (check.kind !== "fixture-lacks") continue;
    it(`row ${row}: ${check.why}`, () => {
      const text = readFileSync(path.join(projectRoot, check.file), "utf8");
      expect(text.length).toBeGreaterThan(1000);
      expect(text).not.toContain(check.text);
    });
  }
});

describe.skipIf(!haveCargo)("the claims hold against Debian's tokio 1.24.2", () => {
  let buildFailure: string | undefined;
  beforeAll(async () => {
    try {
      await cargo(claimsCrate, ["build", "--bins", "--quiet"]);
    } catch (error) {
      buildFailure = failure(error);
    }
  });

  it("the claims programs build", () => {
    expect(buildFailure).toBeUndefined();
  });

  for (const { row, check } of checks("run")) {
    if (check.kind !== "run") continue;
    it(
      `row ${row}: ${check.program}`,
      { retry: check.program.startsWith("row15") ? 2 : 0 }, // needs the scheduler to move the task at least once
      async () => {
        const { stdout } = await run(fixtureBinary(check.program), [], { timeout: 60_000, env: { ...process.env, RUST_BACKTRACE: "0" } });
        for (const pattern of check.stdout) expect(stdout).toMatch(pattern);
      },
    );
  }

  for (const { row, check } of checks("compile-fail")) {
    if (check.kind !== "compile-fail") continue;
    it(`row ${row}: ${check.example} does not compile`, async () => {
      let stderr = "";
      try {
        await cargo(claimsCrate, ["check", "--example", check.example, "--message-format", "short"]);
      } catch (error) {
        stderr = failure(error);
      }
      expect(stderr, "it compiled").toMatch(/error/);
      if (check.code) expect(stderr).toContain(check.code);
      expect(stderr).toContain(check.text);
    }, 300_000);
  }

  for (const { row, check } of checks("compile-fail-without-tokio-unstable")) {
    if (check.kind !== "compile-fail-without-tokio-unstable") continue;
    it(`row ${row}: ${check.example} does not compile without --cfg tokio_unstable`, async () => {
      let stderr = "";
      try {
        // An empty RUSTFLAGS replaces the shared config's `--cfg tokio_unstable`; a target dir of its own
        // keeps the shared one's tokio builds intact.
        await run("cargo", ["check", "--example", check.example, "--message-format", "short"], {
          cwd: path.join(claimsCrate, "without-tokio-unstable"),
          env: { ...process.env, RUSTFLAGS: "", CARGO_TARGET_DIR: path.join(rustTargetDir, "without-tokio-unstable") },
          maxBuffer: 64 * 1024 * 1024,
        });
      } catch (error) {
        stderr = failure(error);
      }
      expect(stderr, "it compiled").toContain(check.code);
      expect(stderr).toContain(check.text);
    }, 300_000);
  }

  it("rows 6 and 8: console-subscriber's tokio features reach the app's tokio (cargo feature unification)", async () => {
    const { stdout } = await cargo(path.join(claimsCrate, "feature-unification"), ["tree", "-p", "app", "-e", "normal", "-f", "{p} [{f}]", "--prefix", "none"]);
    const appOwn = readFileSync(path.join(claimsCrate, "feature-unification/app/Cargo.toml"), "utf8");
    expect(appOwn).not.toMatch(/tracing/); // the app does not ask for it…
    const tokio = stdout.split("\n").find((line) => line.startsWith("tokio v"));
    expect(tokio).toMatch(/\btracing\b/); // …and gets it anyway
  }, 120_000);
});
