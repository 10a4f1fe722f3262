import path from "node:path";
import pc from "picocolors";
import type { LintCommandOptions } from "../cli/commands/lint.ts";
import { ExitCode } from "../cli/errors.ts";
import { lintPaths } from "./api.ts";
import { applyFixes } from "./apply-fixes.ts";
import { severityRank } from "./finding.ts";
import { allRules } from "./rules/index.ts";
import { SourceLines } from "./reporters/source-lines.ts";
import { renderText } from "./reporters/text.ts";
import { renderJson, summarize } from "./reporters/json.ts";
import { renderSarif } from "./reporters/sarif.ts";
import { renderCargoJson } from "./reporters/cargo-json.ts";

export interface RunLintOptions extends LintCommandOptions {
  stdinFilename: string;
  listRules?: boolean;
}

function useColor(option: boolean | undefined): boolean {
  if (option === false || "NO_COLOR" in process.env) return false;
  if ("FORCE_COLOR" in process.env) return true;
  return process.stdout.isTTY === true;
}

export async function runLintCommand(paths: string[], options: RunLintOptions): Promise<number> {
  if (options.listRules) {
    for (const rule of allRules) process.stdout.write(`${rule.id.padEnd(26)} ${rule.defaultSeverity.padEnd(8)} ${rule.summary}\n`);
    return ExitCode.clean;
  }
  const showProgress = options.progress !== false && process.stderr.isTTY === true;
  const started = performance.now();
  const result = await lintPaths(paths.length === 0 ? ["."] : paths, {
    rules: options.rule,
    configPath: options.config,
    stdinName: options.stdinFilename,
    jobs: options.jobs,
    onProgress: showProgress
      ? (done, total) => {
          if (total >= 100 && (done % 25 === 0 || done === total)) process.stderr.write(`\rasync-doctor: linted ${done}/${total} files`);
          if (total >= 100 && done === total) process.stderr.write("\n");
        }
      : undefined,
  });
  let findings = result.findings;
  if (options.fix) {
    const applied = await applyFixes(findings, (file) => path.resolve(file));
    if (applied.fixes > 0) {
      process.stderr.write(`async-doctor: applied ${applied.fixes} fix${applied.fixes === 1 ? "" : "es"} in ${applied.files} file${applied.files === 1 ? "" : "s"}\n`);
      findings = findings.filter((f) => f.fix?.applicability !== "machine-applicable");
    }
  }
  const lines = new SourceLines(result.inMemorySources);
  const summary = summarize(findings, result.notices, result.filesChecked, result.linesChecked);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  switch (options.format) {
    case "json":
      process.stdout.write(renderJson(findings, summary));
      break;
    case "sarif": {
      const { version } = (await import("../../package.json", { with: { type: "json" } })).default as { version: string };
      process.stdout.write(renderSarif(findings, lines, version));
      break;
    }
    case "cargo-json":
      process.stdout.write(renderCargoJson(findings, lines));
      break;
    default: {
      const color = useColor(options.color);
      const c = pc.createColors(color);
      const counts = `${summary.errors} error${summary.errors === 1 ? "" : "s"}, ${summary.warnings} warning${summary.warnings === 1 ? "" : "s"}${summary.notes > 0 ? `, ${summary.notes} note${summary.notes === 1 ? "" : "s"}` : ""}`;
      const fixable = summary.fixable > 0 ? ` (${summary.fixable} fixable with --fix)` : "";
      const line = `${findings.length === 0 ? c.green("no async pitfalls found") : c.bold(counts + fixable)} in ${summary.files} file${summary.files === 1 ? "" : "s"} (${summary.lines} lines, ${seconds}s)`;
      process.stdout.write(renderText(findings, result.notices, lines, line, { color }));
    }
  }
  if (options.format !== "text") {
    for (const notice of result.notices) process.stderr.write(`async-doctor: ${notice.file}${notice.line ? `:${notice.line}:${notice.column}` : ""}: ${notice.message}\n`);
  }
  const threshold = severityRank[options.failOn];
  return findings.some((f) => severityRank[f.severity] >= threshold) ? ExitCode.findings : ExitCode.clean;
}
