import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintPaths } from "../../src/lint/api.ts";
import { defaultConfig } from "../../src/lint/config.ts";
import { projectRoot } from "../support/shared.ts";

/**
 * test/fixtures/console-setup/<case>/: small crates (never built) whose Cargo.toml and
 * .cargo/config(.toml) are right or wrong for tokio-console. The folders sit outside
 * test/fixtures/rust on purpose: that folder's .cargo/config.toml sets tokio_unstable for every crate below it.
 */
const fixtures = path.join(projectRoot, "test/fixtures/console-setup");

interface Case {
  folder: string;
  /** The manifest holding console-subscriber (relative to the folder). */
  manifest?: string;
  /** Whether the one finding (missing `--cfg tokio_unstable`) is expected. */
  reported: boolean;
  /** What the message must also say: the init call it names, the feature that enables the dependency. */
  mentions?: RegExp[];
}

const cases: Case[] = [
  { folder: "no-tokio-unstable", reported: true, mentions: [/started at .*src\/main\.rs:3 \(`console_subscriber::init\(\)`\)/] },
  { folder: "neither", reported: true },
  { folder: "rustflags-commented-out", reported: true },
  { folder: "target-specific-no-flag", reported: true },
  { folder: "optional-ungated-init", reported: true, mentions: [/when the `console` feature is enabled/, /ConsoleLayer::builder/] },
  // console-subscriber depends on tokio with the `tracing` feature and cargo unifies features: never missing.
  { folder: "no-tracing-feature", reported: false },
  { folder: "tokio-plain-version", reported: false },
  { folder: "workspace-inherited-no-tracing", manifest: "app/Cargo.toml", reported: false },
  { folder: "target-gated-no-tracing", reported: false },
  { folder: "optional-gated-init", reported: false },
  { folder: "correct", reported: false },
  { folder: "target-gated-ok", reported: false },
  { folder: "legacy-config-name", reported: false },
  { folder: "no-console-subscriber", reported: false },
  { folder: "tokio-not-direct", reported: false },
  { folder: "workspace-inherited-ok", reported: false },
  { folder: "workspace-member-adds-tracing", reported: false },
];

async function lintFolder(folder: string) {
  return lintPaths([path.join(fixtures, folder)], { config: defaultConfig });
}

describe("console-setup on fixture crates (test/fixtures/console-setup)", () => {
  // The rule also honours RUSTFLAGS from the environment; the cases must not depend on the caller's.
  const savedRustflags = process.env.RUSTFLAGS;
  beforeAll(() => {
    delete process.env.RUSTFLAGS;
  });
  afterAll(() => {
    if (savedRustflags === undefined) delete process.env.RUSTFLAGS;
    else process.env.RUSTFLAGS = savedRustflags;
  });

  it("covers at least 5 reported and 5 clean set-ups", () => {
    expect(cases.filter((c) => c.reported).length).toBeGreaterThanOrEqual(5);
    expect(cases.filter((c) => !c.reported).length).toBeGreaterThanOrEqual(5);
  });

  for (const testCase of cases) {
    const { folder, reported } = testCase;
    it(`${folder}: ${reported ? "reports the missing --cfg tokio_unstable" : "not reported"}`, async () => {
      const result = await lintFolder(folder);
      expect(result.notices).toEqual([]);
      expect(result.filesChecked).toBeGreaterThan(0);
      if (!reported) {
        expect(result.findings).toEqual([]);
        return;
      }
      // Nothing else in these tiny crates is worth a finding: exactly one console-setup finding.
      expect(result.findings.map((f) => f.rule)).toEqual(["console-setup"]);
      const finding = result.findings[0]!;
      const manifest = path.join(fixtures, folder, testCase.manifest ?? "Cargo.toml");
      expect(path.resolve(finding.file)).toBe(manifest);
      // The span is the console-subscriber line of a dependency table, never `[features]`.
      const lines = readFileSync(manifest, "utf8").split("\n");
      expect(lines[finding.line - 1]).toMatch(/^console-subscriber\s*=/);
      expect(lines.slice(0, finding.line - 1).reverse().find((l) => l.startsWith("["))).toMatch(/dependencies\]$/);
      expect(finding.column).toBe(1);
      expect(finding.endColumn).toBe([...lines[finding.line - 1]!].length + 1);
      // What really happens without the flag: console-subscriber's layer asserts it and panics at start-up.
      expect(finding.message).toMatch(/not built with `--cfg tokio_unstable`/);
      expect(finding.message).toMatch(/panics at start-up/);
      expect(finding.message).not.toMatch(/no tasks|tracing` feature is not enabled/);
      for (const mention of testCase.mentions ?? []) expect(finding.message).toMatch(mention);
      expect(finding.severity).toBe("warning");
      expect(finding.help).toMatch(/tokio_unstable/);
    });
  }

  it("accepts --cfg tokio_unstable from the RUSTFLAGS environment variable", async () => {
    process.env.RUSTFLAGS = "--cfg tokio_unstable";
    try {
      expect((await lintFolder("no-tokio-unstable")).findings).toEqual([]);
      expect((await lintFolder("neither")).findings).toEqual([]);
    } finally {
      delete process.env.RUSTFLAGS;
    }
  });

  it("is silenced by `[rules] console-setup = \"off\"`", async () => {
    const result = await lintPaths([path.join(fixtures, "neither")], { config: { ...defaultConfig, rules: { "console-setup": "off" } } });
    expect(result.findings).toEqual([]);
  });
});
