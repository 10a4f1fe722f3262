import { readFileSync } from "node:fs";
import type { Finding } from "../../src/lint/finding.ts";

/**
 * Expectations written in a fixture file: `//~ rule-id` at the end of a line means a finding of that
 * rule must start on that line (several ids may follow, separated by spaces or commas); `rule-id:note`
 * (or `:warning`, `:error`) also fixes its severity. A comment starting `// ok:` marks a look-alike that
 * must not be reported.
 */
export interface Annotations {
  expected: Set<string>;
  /** `line:rule` → the severity the annotation demands. */
  severities: Map<string, string>;
  lookAlikes: number;
  positivesByRule: Map<string, number>;
}

const expectation = /\/\/~\s*([a-z][a-z-]*(?::[a-z]+)?(?:[\s,]+[a-z][a-z-]*(?::[a-z]+)?)*)\s*$/;
const lookAlike = /\/\/\s*ok:/;

export function readAnnotations(file: string): Annotations {
  const expected = new Set<string>();
  const severities = new Map<string, string>();
  const positivesByRule = new Map<string, number>();
  let lookAlikes = 0;
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, index) => {
      const match = expectation.exec(text);
      if (match) {
        for (const item of match[1]!.split(/[\s,]+/).filter(Boolean)) {
          const [rule, severity] = item.split(":") as [string, string | undefined];
          expected.add(`${index + 1}:${rule}`);
          if (severity) severities.set(`${index + 1}:${rule}`, severity);
          positivesByRule.set(rule, (positivesByRule.get(rule) ?? 0) + 1);
        }
      }
      if (lookAlike.test(text)) lookAlikes++;
    });
  return { expected, severities, lookAlikes, positivesByRule };
}

/** `line:rule` of each finding. */
export function findingKeys(findings: Finding[]): Set<string> {
  return new Set(findings.map((f) => `${f.line}:${f.rule}`));
}

/** A readable difference between expected and actual `line:rule` sets and severities ("" when equal). */
export function describeDifference(file: string, expected: Set<string>, findings: Finding[], severities = new Map<string, string>()): string {
  const actual = findingKeys(findings);
  const byLine = (a: string, b: string) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || (a < b ? -1 : 1);
  const missing = [...expected].filter((k) => !actual.has(k)).sort(byLine);
  const extra = findings.filter((f) => !expected.has(`${f.line}:${f.rule}`));
  const lines: string[] = [];
  for (const key of missing) lines.push(`  missing  ${file}:${key.replace(":", "  ")}`);
  for (const f of extra) lines.push(`  extra    ${file}:${f.line}:${f.column}  ${f.rule}  ${f.message}`);
  for (const f of findings) {
    const want = severities.get(`${f.line}:${f.rule}`);
    if (want && want !== f.severity) lines.push(`  severity ${file}:${f.line}:${f.column}  ${f.rule}  is ${f.severity}, expected ${want}`);
  }
  return lines.join("\n");
}
