/**
 * Rule precision on real code (issue #12): lints public async workspaces and lists, per rule, the findings
 * in non-test code, with the verdicts read by hand (bench/data/rule-precision-labels.json) turned into a
 * precision per rule. A stop-gap until bench/real-code.ts (issue #11) lands; its output is the same table.
 *
 *   node --import tsx bench/rule-precision.ts CORPUS_DIR [--rule ID]… [--out DIR] [--labels FILE]
 *
 * CORPUS_DIR holds one folder per repository (a snapshot, e.g. `git archive` of the `fetch` tool's mirror;
 * nothing of it is copied into this project). `--out` (default: a temp dir) receives findings.jsonl with
 * every non-test finding, for reading by hand; unlabelled ones are listed at the end.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { lintPaths } from "../src/lint/api.ts";
import { defaultConfig } from "../src/lint/config.ts";
import { allRules } from "../src/lint/rules/index.ts";
import { withRustTree, type SyntaxNode } from "../src/rust/parser.ts";
import { attributesOf, walkTree } from "../src/rust/syntax.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const labelsIndex = process.argv.indexOf("--labels");
const labelsFile = labelsIndex >= 0 ? path.resolve(process.argv[labelsIndex + 1]!) : path.join(here, "data/rule-precision-labels.json");

const args = process.argv.slice(2);
const corpus = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const verdict = (label: string | undefined) => (label === undefined ? undefined : label === "true");
if (!corpus || !existsSync(corpus)) {
  process.stderr.write("usage: rule-precision.ts CORPUS_DIR [--rule ID]… [--out DIR]\n");
  process.exit(2);
}
const only = args.flatMap((a, i) => (args[i - 1] === "--rule" ? [a] : []));
const outIndex = args.indexOf("--out");
const outDir = outIndex >= 0 ? args[outIndex + 1]! : mkdtempSync(path.join(os.tmpdir(), "rule-precision-"));
mkdirSync(outDir, { recursive: true });

/** "true" or "false: why", keyed `repo|rule|file:line`. */
const labels: Record<string, string> = existsSync(labelsFile) ? JSON.parse(readFileSync(labelsFile, "utf8")) : {};

/** Test, bench, example and test-support code by path (`tests/`, `test_util/`, `*_test.rs`…). */
const testPath = /(^|\/)(tests?|benches|examples|fuzz|test[-_]utils?|test[-_]support|testing|integration|interop[-_]tests?)(\/|$)|(^|\/)(tests?|test_\w+|\w+_tests?)\.rs$/;
/** `#[test]`, `#[tokio::test]`, `#[cfg(test)]`, `#[cfg(all(test, …))]` (not `not(test)`). */
const testAttribute = /^((\w+::)*test\b|bench\b|quickcheck\b|proptest\b|cfg\s*\((?!.*not\s*\(\s*test\b).*\btest\b)/;

/** Byte ranges of test-only items in a file: `#[cfg(test)]` modules and `#[test]`-like fns. */
async function testRanges(file: string): Promise<Array<[number, number]>> {
  const text = readFileSync(file, "utf8");
  if (!/#\[\s*(cfg\s*\(.*\btest\b|[\w:]*test\b)|\bmod\s+(tests?|\w+_tests?|test_\w+)\b/.test(text)) return [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  return withRustTree(text, (tree) => {
    const ranges: Array<[number, number]> = [];
    walkTree(tree.rootNode, (node: SyntaxNode) => {
      if (node.type !== "mod_item" && node.type !== "function_item" && node.type !== "impl_item") return true;
      const name = node.type === "mod_item" ? node.childForFieldName("name")?.text ?? "" : "";
      if (attributesOf(node).some((a) => testAttribute.test(a)) || /^(tests?|\w+_tests?|test_\w+)$/.test(name)) {
        ranges.push([node.startPosition.row + 1, node.endPosition.row + 1]);
        return false;
      }
      return true;
    });
    return ranges;
  });
}

interface Row {
  repo: string;
  rule: string;
  file: string;
  line: number;
  severity: string;
  message: string;
  label?: string;
}

const repos = readdirSync(corpus).filter((name) => statSync(path.join(corpus, name)).isDirectory()).sort();
const rows: Row[] = [];
const totals = new Map<string, { all: number; test: number }>();
let lines = 0;
let cpuMs = 0;
for (const repo of repos) {
  const root = path.join(corpus, repo);
  const cpu = process.cpuUsage();
  const result = await lintPaths([root], { config: defaultConfig, rules: only.length > 0 ? only : undefined, jobs: 1 });
  const used = process.cpuUsage(cpu);
  cpuMs += (used.user + used.system) / 1000;
  lines += result.linesChecked;
  const rangesByFile = new Map<string, Array<[number, number]>>();
  for (const finding of result.findings) {
    const absolute = path.resolve(finding.file);
    const relative = path.relative(root, absolute);
    let ranges = rangesByFile.get(absolute);
    if (!ranges) {
      ranges = finding.file.endsWith(".rs") ? await testRanges(absolute) : [];
      rangesByFile.set(absolute, ranges);
    }
    const inTest = testPath.test(relative) || ranges.some(([from, to]) => finding.line >= from && finding.line <= to);
    const total = totals.get(finding.rule) ?? { all: 0, test: 0 };
    total.all++;
    if (inTest) total.test++;
    totals.set(finding.rule, total);
    if (inTest) continue;
    const key = `${repo}|${finding.rule}|${relative}:${finding.line}`;
    rows.push({ repo, rule: finding.rule, file: relative, line: finding.line, severity: finding.severity, message: finding.message, label: labels[key] });
  }
  process.stderr.write(`${repo}: ${result.filesChecked} files, ${result.linesChecked} lines, ${result.findings.length} findings, ${(used.user / 1e6).toFixed(1)} s CPU\n`);
}

writeFileSync(path.join(outDir, "findings.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");

console.log(`corpus: ${corpus} (${repos.join(", ")}); ${lines.toLocaleString("en-US")} lines; lint CPU ${(cpuMs / 1000).toFixed(1)} s`);
console.log("");
const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(0)} % (${part}/${whole})` : "–");
console.log("| rule | all findings | in test code | non-test | non-test error+warning | precision (error+warning) | non-test notes | precision (notes) | precision (all) |");
console.log("|---|---|---|---|---|---|---|---|---|");
const sum = { all: 0, test: 0, nonTest: 0, strong: 0, strongTrue: 0, strongLabelled: 0, notes: 0, notesTrue: 0, notesLabelled: 0 };
for (const rule of allRules) {
  const total = totals.get(rule.id) ?? { all: 0, test: 0 };
  const mine = rows.filter((r) => r.rule === rule.id);
  const strong = mine.filter((r) => r.severity !== "note");
  const notes = mine.filter((r) => r.severity === "note");
  const labelled = (list: Row[]) => list.filter((r) => verdict(r.label) !== undefined);
  const correct = (list: Row[]) => list.filter((r) => verdict(r.label) === true);
  sum.all += total.all;
  sum.test += total.test;
  sum.nonTest += mine.length;
  sum.strong += strong.length;
  sum.strongTrue += correct(strong).length;
  sum.strongLabelled += labelled(strong).length;
  sum.notes += notes.length;
  sum.notesTrue += correct(notes).length;
  sum.notesLabelled += labelled(notes).length;
  console.log(`| \`${rule.id}\` | ${total.all} | ${total.test} | ${mine.length} | ${strong.length} | ${percent(correct(strong).length, labelled(strong).length)} | ${notes.length} | ${percent(correct(notes).length, labelled(notes).length)} | ${percent(correct(mine).length, labelled(mine).length)} |`);
}
console.log(`| all | ${sum.all} | ${sum.test} | ${sum.nonTest} | ${sum.strong} | ${percent(sum.strongTrue, sum.strongLabelled)} | ${sum.notes} | ${percent(sum.notesTrue, sum.notesLabelled)} | ${percent(sum.strongTrue + sum.notesTrue, sum.strongLabelled + sum.notesLabelled)} |`);
const unlabelled = rows.filter((r) => r.label === undefined);
if (unlabelled.length > 0) {
  console.log(`\n${unlabelled.length} non-test findings without a verdict (add them to ${path.relative(process.cwd(), labelsFile)}):`);
  for (const r of unlabelled) console.log(`  "${r.repo}|${r.rule}|${r.file}:${r.line}"  ${r.severity}  ${r.message.slice(0, 160)}`);
}
const falseOnes = rows.filter((r) => verdict(r.label) === false);
if (falseOnes.length > 0) {
  console.log(`\nfalse findings:`);
  for (const r of falseOnes) console.log(`  ${r.repo}|${r.rule}|${r.file}:${r.line}  ${r.label}`);
}
console.log(`\nfindings: ${path.join(outDir, "findings.jsonl")}`);
