import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allRules } from "../../src/lint/rules/index.ts";
import { projectRoot } from "../support/shared.ts";

/**
 * docs/rules/<id>.md for every lint rule: the sections users rely on, the severity the rule really
 * has, and examples copied from the fixtures (which compile and whose findings are tested), so the
 * docs cannot drift into code that does not build or is not reported.
 */
const docsDir = path.join(projectRoot, "docs/rules");
const lintCases = path.join(projectRoot, "test/fixtures/rust/lint-cases/src");
const consoleCases = path.join(projectRoot, "test/fixtures/console-setup");

const requiredSections = [
  "## What it finds",
  "## What happens at run time",
  "## Bad",
  "## Good",
  "## What it deliberately does not report (known limits)",
  "## Suppressing it",
  "## Related",
];

/** Code without comments or indentation: how a doc line is matched against fixture lines. */
const normalize = (line: string) => line.replace(/\s*\/\/.*$/, "").trim();
const normalizeToml = (line: string) => line.replace(/\s*#.*$/, "").trim();

function section(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`);
  if (start === -1) return "";
  const next = text.indexOf("\n## ", start + heading.length + 2);
  return text.slice(start, next === -1 ? undefined : next);
}

function codeBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe("rule docs (docs/rules)", () => {
  it("has a page per rule and nothing else", () => {
    const pages = readdirSync(docsDir).filter((name) => name !== "README.md");
    expect(pages.sort()).toEqual(allRules.map((rule) => `${rule.id}.md`).sort());
  });

  it("README lists every rule with its default severity and summary", () => {
    const readme = readFileSync(path.join(docsDir, "README.md"), "utf8");
    for (const rule of allRules) {
      expect(readme).toContain(`| [\`${rule.id}\`](${rule.id}.md) | ${rule.defaultSeverity} | ${rule.summary} |`);
    }
  });

  for (const rule of allRules) {
    describe(rule.id, () => {
      const file = path.join(docsDir, `${rule.id}.md`);
      const text = existsSync(file) ? readFileSync(file, "utf8") : "";

      it("has the sections and the rule's real severity", () => {
        expect(text.startsWith(`# \`${rule.id}\``)).toBe(true);
        for (const heading of requiredSections) expect(text, heading).toContain(`\n${heading}\n`);
        expect(text).toContain(`**Default severity: ${rule.defaultSeverity}.**`);
        expect(section(text, "## Suppressing it")).toContain(`${rule.id} = "off"`);
      });

      if (rule.id === "console-setup") {
        it("takes its manifests from test/fixtures/console-setup", () => {
          const fixtureLines = new Set(filesUnder(consoleCases).flatMap((f) => readFileSync(f, "utf8").split("\n").map(normalizeToml)));
          const examples = [section(text, "## Bad"), section(text, "## Good")].flatMap((s) => codeBlocks(s, "toml"));
          expect(examples.length).toBeGreaterThanOrEqual(2);
          for (const line of examples.join("\n").split("\n").map(normalizeToml).filter(Boolean)) {
            expect(fixtureLines, `doc line not in a console-setup fixture: ${line}`).toContain(line);
          }
        });
        return;
      }

      it("takes its Rust examples from the lint-cases fixture, bad ones marked where reported", () => {
        const fixture = path.join(lintCases, `${rule.id.replaceAll("-", "_")}.rs`);
        const fixtureLines = new Set(readFileSync(fixture, "utf8").split("\n").map(normalize));
        const bad = codeBlocks(section(text, "## Bad"), "rust");
        const good = codeBlocks(section(text, "## Good"), "rust");
        expect(bad.length).toBeGreaterThan(0);
        expect(good.length).toBeGreaterThan(0);
        for (const line of [...bad, ...good].join("\n").split("\n").map(normalize).filter(Boolean)) {
          expect(fixtureLines, `doc line not in ${path.basename(fixture)}: ${line}`).toContain(line);
        }
        // Marked lines are exactly the fixture's annotated ones; good examples have none.
        const annotated = new Set(
          readFileSync(fixture, "utf8").split("\n").filter((l) => l.includes(`//~`) && l.includes(rule.id)).map(normalize),
        );
        const marked = bad.join("\n").split("\n").filter((l) => l.includes(`// ← `) && l.includes(rule.id));
        expect(marked.length).toBeGreaterThan(0);
        for (const line of marked) expect(annotated).toContain(normalize(line));
        expect(good.join("\n")).not.toContain("// ←");
      });
    });
  }
});
