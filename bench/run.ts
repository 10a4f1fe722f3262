/**
 * `npm run bench [-- NAME…] [--list] [--no-write] [--timeout-min 60]`: runs every benchmark and regenerates
 * its section of docs/benchmarks.md (bench/README.md has the convention).
 *
 * A benchmark is a package.json script named `bench:NAME`; each runs in its own process, one after the
 * other (they would disturb each other's figures), and prints its result block (bench/lib/report.ts).
 * Each result replaces the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in the doc (or
 * is appended with those markers); everything outside the markers is hand-written and kept. A bench that
 * fails or is skipped keeps its previous section; one without a result block gets its raw output.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describeMachine, load, machine } from "./lib/machine.ts";
import { resultMarker, type BenchResult, type BenchTable } from "./lib/report.ts";

const root = path.resolve(import.meta.dirname, "..");
const docPath = path.join(root, "docs", "benchmarks.md");
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const timeoutArg = args.indexOf("--timeout-min");
const timeoutMin = timeoutArg >= 0 ? Number(args[timeoutArg + 1]) : 60;
const only = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--timeout-min");

const scripts = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
const benches = Object.keys(scripts)
  .filter((k) => k.startsWith("bench:"))
  .map((k) => k.slice("bench:".length));
if (flag("list")) {
  for (const name of benches) console.log(`${name}\t${scripts[`bench:${name}`]}`);
  process.exit(0);
}
const unknown = only.filter((n) => !benches.includes(n));
if (unknown.length > 0) {
  process.stderr.write(`bench: no package script bench:${unknown[0]} (npm run bench -- --list)\n`);
  process.exit(2);
}
const selected = only.length > 0 ? benches.filter((b) => only.includes(b)) : benches;

interface Outcome {
  name: string;
  status: "ok" | "raw" | "skipped" | "failed";
  block?: string;
  detail?: string;
}

function runScript(name: string): Promise<{ code: number | null; stdout: string; seconds: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn("npm", ["run", "--silent", `bench:${name}`], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      stdout += chunk.toString();
    });
    const timer = setTimeout(() => {
      process.stderr.write(`bench: ${name} over ${timeoutMin} min, stopped\n`);
      child.kill("SIGTERM");
    }, timeoutMin * 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, seconds: (performance.now() - started) / 1000 });
    });
  });
}

function cell(value: string | number): string {
  return String(value).replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function table(t: BenchTable): string {
  const lines = [`| ${t.columns.map(cell).join(" | ")} |`, `|${t.columns.map(() => "---").join("|")}|`, ...t.rows.map((r) => `| ${r.map(cell).join(" | ")} |`)];
  return `${t.caption ? `${t.caption}:\n\n` : ""}${lines.join("\n")}`;
}

function runLine(loadBefore: number, loadAfter: number, seconds: number): string {
  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  return `Run ${when} UTC on ${describeMachine(machine())}; load average ${loadBefore} → ${loadAfter} (1 min; the machine may be shared, so CPU time is the figure to trust); ${Math.round(seconds)} s.`;
}

function render(name: string, result: BenchResult, run: string): string {
  const parts = [`### ${result.title} (\`npm run bench:${name}\`)`, `_${run}_`, `Baseline: ${result.baseline}. Method: ${result.method}.`];
  for (const t of result.tables) parts.push(table(t));
  if (result.targets && result.targets.length > 0) {
    parts.push(table({ caption: "Targets", columns: ["target", "goal", "measured", "met"], rows: result.targets.map((t) => [t.what, t.target, t.measured, t.met ? "yes" : "**no**"]) }));
  }
  if (result.notes && result.notes.length > 0) parts.push(result.notes.map((n) => `- ${n}`).join("\n"));
  return parts.join("\n\n");
}

function renderRaw(name: string, stdout: string, run: string): string {
  const tail = stdout.trim().split("\n").slice(-60).join("\n");
  return [`### ${name} (\`npm run bench:${name}\`)`, `_${run}_`, "This bench prints no result block (bench/README.md); its output:", "```", tail, "```"].join("\n\n");
}

const outcomes: Outcome[] = [];
for (const name of selected) {
  process.stderr.write(`\n=== bench:${name} (${scripts[`bench:${name}`]})\n`);
  const loadBefore = load();
  const { code, stdout, seconds } = await runScript(name);
  const run = runLine(loadBefore, load(), seconds);
  if (code !== 0) {
    outcomes.push({ name, status: "failed", detail: `exit ${code}` });
    continue;
  }
  const marked = stdout.split("\n").filter((l) => l.startsWith(resultMarker));
  if (marked.length === 0) {
    outcomes.push({ name, status: "raw", block: renderRaw(name, stdout, run) });
    continue;
  }
  let result: BenchResult;
  try {
    result = JSON.parse(marked[marked.length - 1]!.slice(resultMarker.length)) as BenchResult;
  } catch (error) {
    outcomes.push({ name, status: "failed", detail: `unreadable result block: ${(error as Error).message}` });
    continue;
  }
  if (result.skipped) outcomes.push({ name, status: "skipped", detail: result.skipped });
  else outcomes.push({ name, status: "ok", block: render(name, result, run) });
}

/** Replaces (or appends) each bench's section between its markers; the rest of the doc is kept. */
function updateDoc(doc: string, blocks: Array<{ name: string; block: string }>): string {
  let out = doc;
  for (const { name, block } of blocks) {
    const begin = `<!-- bench:${name} -->`;
    const end = `<!-- /bench:${name} -->`;
    const section = `${begin}\n${block}\n${end}`;
    const a = out.indexOf(begin);
    const b = out.indexOf(end);
    if (a >= 0 && b > a) out = out.slice(0, a) + section + out.slice(b + end.length);
    else out = `${out.trimEnd()}\n\n${section}\n`;
  }
  return out;
}

const blocks = outcomes.filter((o) => o.block !== undefined).map((o) => ({ name: o.name, block: o.block! }));
if (!flag("no-write") && blocks.length > 0) {
  writeFileSync(docPath, updateDoc(readFileSync(docPath, "utf8"), blocks));
  process.stderr.write(`\nbench: ${blocks.length} section(s) of docs/benchmarks.md regenerated\n`);
}
process.stderr.write("\n");
for (const o of outcomes) process.stderr.write(`${o.status.padEnd(8)} bench:${o.name}${o.detail ? `: ${o.detail}` : ""}\n`);
process.exit(outcomes.some((o) => o.status === "failed") ? 1 : 0);
