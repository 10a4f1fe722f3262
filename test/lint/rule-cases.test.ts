import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { lintPaths, type LintResult } from "../../src/lint/api.ts";
import { defaultConfig } from "../../src/lint/config.ts";
import { allRules } from "../../src/lint/rules/index.ts";
import { cargo, requireCargo, rustFixturesRoot } from "../support/rust.ts";
import { describeDifference, readAnnotations } from "./annotations.ts";

/**
 * test/fixtures/rust/lint-cases: one module per rule (src/<rule_id>.rs) with cases that must be
 * reported (`//~ rule-id` on the line where the finding starts) and look-alikes that must not
 * (`// ok: why`). The crate is real Rust: it must pass `cargo check`.
 */
const crateDir = path.join(rustFixturesRoot, "lint-cases");
const srcDir = path.join(crateDir, "src");
const haveCargo = requireCargo();

/** console-setup is about Cargo.toml and .cargo/config.toml; its cases are in test/fixtures/console-setup. */
const sourceRules = allRules.filter((rule) => rule.id !== "console-setup");
const moduleFile = (ruleId: string) => path.join(srcDir, `${ruleId.replaceAll("-", "_")}.rs`);

function cargoFailure(error: unknown): string {
  const e = error as { stderr?: string; message?: string };
  return e.stderr ?? e.message ?? String(error);
}

describe.skipIf(!haveCargo)("lint-cases crate", () => {
  it("passes cargo check", { timeout: 600_000 }, async () => {
    try {
      await cargo("lint-cases", ["check", "--offline", "--quiet"]);
    } catch (error) {
      expect.fail(`cargo check failed in ${crateDir}:\n${cargoFailure(error)}`);
    }
  });
});

describe("lint rule cases (test/fixtures/rust/lint-cases)", () => {
  let result: LintResult;
  const findingsIn = (file: string) => result.findings.filter((f) => path.resolve(f.file) === file);

  beforeAll(async () => {
    result = await lintPaths([crateDir], { config: defaultConfig });
  });

  it("has one module per source rule, each declared in lib.rs", () => {
    const lib = readFileSync(path.join(srcDir, "lib.rs"), "utf8");
    for (const rule of sourceRules) {
      const file = moduleFile(rule.id);
      expect(existsSync(file), `missing ${path.relative(crateDir, file)}`).toBe(true);
      expect(lib, `lib.rs does not declare the ${rule.id} module`).toMatch(new RegExp(`^pub mod ${rule.id.replaceAll("-", "_")};`, "m"));
    }
    const modules = readdirSync(srcDir).filter((name) => name.endsWith(".rs") && name !== "lib.rs");
    expect(modules.sort()).toEqual(sourceRules.map((rule) => path.basename(moduleFile(rule.id))).sort());
  });

  it("parses every file cleanly and reports nothing in lib.rs", () => {
    expect(result.notices).toEqual([]);
    expect(result.filesChecked).toBe(sourceRules.length + 1);
    expect(findingsIn(path.join(srcDir, "lib.rs"))).toEqual([]);
  });

  for (const rule of sourceRules) {
    describe(rule.id, () => {
      const file = moduleFile(rule.id);
      const name = path.relative(crateDir, file);

      it("reports exactly the annotated lines", () => {
        const annotations = readAnnotations(file);
        const difference = describeDifference(name, annotations.expected, findingsIn(file), annotations.severities);
        expect(difference, `findings differ from the //~ annotations:\n${difference}`).toBe("");
      });

      it("has at least 5 reported cases and 5 look-alikes", () => {
        const annotations = readAnnotations(file);
        expect(annotations.positivesByRule.get(rule.id) ?? 0, `//~ ${rule.id} cases in ${name}`).toBeGreaterThanOrEqual(5);
        expect(annotations.lookAlikes, `// ok: look-alikes in ${name}`).toBeGreaterThanOrEqual(5);
      });
    });
  }

  it("reports every source rule somewhere (no rule is silently dead)", () => {
    const seen = new Set(result.findings.map((f) => f.rule));
    for (const rule of sourceRules) expect(seen, rule.id).toContain(rule.id);
  });
});

describe("annotation reader", () => {
  it("reads several ids on one line and counts look-alikes", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const dir = await mkdtemp(path.join(tmpdir(), "lint-annotations-"));
    const file = path.join(dir, "x.rs");
    await writeFile(file, "fn a() {}\n    tokio::spawn(x); //~ unbounded-spawn detached-spawn:note\nlet y = 1; // ok: a plain let\n// no ok here\n");
    const annotations = readAnnotations(file);
    expect([...annotations.expected].sort()).toEqual(["2:detached-spawn", "2:unbounded-spawn"]);
    expect(annotations.lookAlikes).toBe(1);
    expect([...annotations.severities]).toEqual([["2:detached-spawn", "note"]]);
    const difference = describeDifference("x.rs", annotations.expected, [
      { rule: "detached-spawn", line: 2, column: 5, message: "m", severity: "warning" },
      { rule: "blocking-in-async", line: 3, column: 1, message: "extra one" },
    ] as never, annotations.severities);
    expect(difference).toContain("missing  x.rs:2  unbounded-spawn");
    expect(difference).toContain("extra    x.rs:3:1  blocking-in-async  extra one");
    expect(difference).toContain("severity x.rs:2:5  detached-spawn  is warning, expected note");
  });
});
