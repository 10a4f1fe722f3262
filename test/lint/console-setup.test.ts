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
  /** Problems the one finding must name; empty when nothing may be reported. */
  problems: Array<"tokio_unstable" | "tracing">;
}

const cases: Case[] = [
  { folder: "no-tokio-unstable", problems: ["tokio_unstable"] },
  { folder: "no-tracing-feature", problems: ["tracing"] },
  { folder: "neither", problems: ["tokio_unstable", "tracing"] },
  { folder: "tokio-plain-version", problems: ["tracing"] },
  { folder: "rustflags-commented-out", problems: ["tokio_unstable"] },
  { folder: "workspace-inherited-no-tracing", manifest: "app/Cargo.toml", problems: ["tracing"] },
  { folder: "target-gated-no-tracing", problems: ["tracing"] },
  { folder: "target-specific-no-flag", problems: ["tokio_unstable"] },
  { folder: "correct", problems: [] },
  { folder: "target-gated-ok", problems: [] },
  { folder: "legacy-config-name", problems: [] },
  { folder: "no-console-subscriber", problems: [] },
  { folder: "tokio-not-direct", problems: [] },
  { folder: "workspace-inherited-ok", problems: [] },
  { folder: "workspace-member-adds-tracing", problems: [] },
];

const problemText = {
  tokio_unstable: /not built with `--cfg tokio_unstable`/,
  tracing: /tokio's `tracing` feature is not enabled/,
};

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
    expect(cases.filter((c) => c.problems.length > 0).length).toBeGreaterThanOrEqual(5);
    expect(cases.filter((c) => c.problems.length === 0).length).toBeGreaterThanOrEqual(5);
  });

  for (const testCase of cases) {
    const { folder, problems } = testCase;
    it(`${folder}: ${problems.length === 0 ? "not reported" : `reports missing ${problems.join(" and ")}`}`, async () => {
      const result = await lintFolder(folder);
      expect(result.notices).toEqual([]);
      expect(result.filesChecked).toBeGreaterThan(0);
      if (problems.length === 0) {
        expect(result.findings).toEqual([]);
        return;
      }
      // Nothing else in these tiny crates is worth a finding: exactly one console-setup finding.
      expect(result.findings.map((f) => f.rule)).toEqual(["console-setup"]);
      const finding = result.findings[0]!;
      const manifest = path.join(fixtures, folder, testCase.manifest ?? "Cargo.toml");
      expect(path.resolve(finding.file)).toBe(manifest);
      // The span is the console-subscriber line of the manifest.
      const lines = readFileSync(manifest, "utf8").split("\n");
      expect(lines[finding.line - 1]).toMatch(/^console-subscriber\b/);
      expect(finding.column).toBe(1);
      expect(finding.endColumn).toBe([...lines[finding.line - 1]!].length + 1);
      for (const problem of ["tokio_unstable", "tracing"] as const) {
        if (problems.includes(problem)) expect(finding.message).toMatch(problemText[problem]);
        else expect(finding.message).not.toMatch(problemText[problem]);
      }
      expect(finding.severity).toBe("warning");
      expect(finding.help).toMatch(/tokio_unstable/);
    });
  }

  it("accepts --cfg tokio_unstable from the RUSTFLAGS environment variable", async () => {
    process.env.RUSTFLAGS = "--cfg tokio_unstable";
    try {
      expect((await lintFolder("no-tokio-unstable")).findings).toEqual([]);
      // The missing tracing feature is still reported.
      const findings = (await lintFolder("neither")).findings;
      expect(findings).toHaveLength(1);
      expect(findings[0]!.message).toMatch(problemText.tracing);
      expect(findings[0]!.message).not.toMatch(problemText.tokio_unstable);
    } finally {
      delete process.env.RUSTFLAGS;
    }
  });

  it("is silenced by `[rules] console-setup = \"off\"`", async () => {
    const result = await lintPaths([path.join(fixtures, "neither")], { config: { ...defaultConfig, rules: { "console-setup": "off" } } });
    expect(result.findings).toEqual([]);
  });
});
