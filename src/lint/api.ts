import { findRustFiles } from "../rust/crate-walker.ts";
import { availableParallelism } from "node:os";
import { displayPathOf, readSource } from "../rust/read-source.ts";
import { SourceFile } from "../rust/source-file.ts";
import type { Finding, FileNotice } from "./finding.ts";
import { activeRules, checkCrates, finalizeFindings, type FileResult } from "./engine.ts";
import { lintFileIsolated } from "./isolated-file.ts";
import { lintFilesInWorkers } from "./parallel.ts";

/** Below this many files, starting workers costs more than it saves. */
const parallelThreshold = 64;
import { defaultConfig, loadConfig, type LintConfig } from "./config.ts";
import { ruleIds } from "./rules/index.ts";
import type { FileFacts } from "./facts.ts";
import { UsageError } from "../cli/errors.ts";

export interface LintOptions {
  rules?: string[];
  config?: LintConfig;
  /** Config file to read (otherwise found upward from the first path). */
  configPath?: string;
  stdinName?: string;
  onProgress?: (done: number, total: number) => void;
  /** Worker threads for pass 1; by default one per core when there are many files, else none. */
  jobs?: number;
}

export interface LintResult {
  findings: Finding[];
  notices: FileNotice[];
  filesChecked: number;
  linesChecked: number;
  config: LintConfig;
  /** Texts that are not on disk (stdin, snippets), for reporters that show source lines. */
  inMemorySources: Map<string, string>;
}

/** The one entry point of linting: paths (files, folders, "-") in, sorted findings out. */
export async function lintPaths(paths: string[], options: LintOptions = {}): Promise<LintResult> {
  for (const id of options.rules ?? []) {
    if (!ruleIds.has(id)) throw new UsageError(`unknown rule '${id}' (see \`async-doctor lint --list-rules\`)`);
  }
  const notices: FileNotice[] = [];
  const files = await findRustFiles(paths, (file, reason) => notices.push({ file: displayPathOf(file), kind: "skipped", message: reason }));
  const firstPath = paths.find((p) => p !== "-") ?? ".";
  const config = options.config ?? (await loadConfig(options.configPath, firstPath, ruleIds));
  const rules = activeRules(config, options.rules);
  const findings: Finding[] = [];
  const facts: FileFacts[] = [];
  const crateRoots = new Map<string, string | undefined>();
  const inMemorySources = new Map<string, string>();
  let lines = 0;
  let done = 0;
  const take = (result: FileResult) => {
    findings.push(...result.findings);
    notices.push(...result.notices);
    facts.push(result.facts);
    lines += result.facts.lines;
  };
  const jobs = options.jobs ?? (files.length >= parallelThreshold ? availableParallelism() : 1);
  const onDisk = files.filter((file) => file !== "-");
  if (jobs > 1 && onDisk.length >= 2) {
    await lintFilesInWorkers(onDisk, config, options.rules ?? [], jobs, (file, result, skipped) => {
      done++;
      if (result) take(result);
      else notices.push({ file: displayPathOf(file), kind: "skipped", message: skipped ?? "skipped" });
      options.onProgress?.(done, files.length);
    });
  }
  for (const file of jobs > 1 && onDisk.length >= 2 ? files.filter((f) => f === "-") : files) {
    const read = await readSource(file, options.stdinName);
    done++;
    if (!read.ok) {
      notices.push({ file: read.path, kind: "skipped", message: read.reason });
      continue;
    }
    if (file === "-") inMemorySources.set(read.file.displayPath, read.file.text);
    const linted = await lintFileIsolated(read.file, config, rules, crateRoots);
    if (linted.ok) take(linted.result);
    else notices.push({ file: read.file.displayPath, kind: "skipped", message: linted.reason });
    options.onProgress?.(done, files.length);
    // Let the event loop breathe between files so progress output and signals are handled.
    if (done % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  findings.push(...(await checkCrates(facts, config, rules)));
  return { findings: finalizeFindings(findings, facts, config), notices, filesChecked: facts.length, linesChecked: lines, config, inMemorySources };
}

/** Lints one in-memory snippet (for agents and MCP): the file name is only for reports. */
export async function lintText(text: string, fileName = "<snippet>.rs", options: LintOptions = {}): Promise<LintResult> {
  const config = options.config ?? defaultConfig;
  const rules = activeRules(config, options.rules);
  const source = new SourceFile(fileName.startsWith("<") ? fileName : `<${fileName}>`, fileName, text);
  const linted = await lintFileIsolated(source, config, rules);
  if (!linted.ok) throw new UsageError(`${fileName}: ${linted.reason}`);
  const result = linted.result;
  const crateFindings = await checkCrates([result.facts], config, rules);
  return {
    findings: finalizeFindings([...result.findings, ...crateFindings], [result.facts], config),
    notices: result.notices,
    filesChecked: 1,
    linesChecked: result.facts.lines,
    config,
    inMemorySources: new Map([[fileName, text]]),
  };
}
