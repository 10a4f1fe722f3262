/**
 * `async-doctor doctor [PATH] [--target URL | --recording FILE] [--log FILE] [--out report.html]`: lints
 * the crate, checks the running app (for --duration) or a recording / capture / .grpc body, cleans a panic
 * log, correlates them, and writes one self-contained HTML report (the dashboard's app with the data
 * inlined: no network) plus the same findings as JSON beside it.
 */
import { existsSync, statSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../cli/errors.ts";
import { severityRank } from "../console/diagnose/types.ts";
import { parseDurationMs } from "../console/transport/duration.ts";
import { SourceFiles } from "../trace/source-files.ts";
import type { DoctorSections, ReportData } from "../web/shared/api-types.ts";
import { inlinedPage, loadAppAssets } from "../web/server/assets.ts";
import { openWebSource } from "../web/server/open-web-source.ts";
import { SourceExcerpts } from "../web/server/source-excerpt.ts";
import { SourceSession } from "../web/server/source-session.ts";
import { reportData } from "../web/report/report-data.ts";
import { correlate, type FileFinding } from "./correlate.ts";

export interface DoctorOptions {
  target?: string;
  recording?: string;
  log?: string;
  out: string;
  duration: string;
  failOn: "error" | "warning" | "never";
}

export async function runDoctorCommand(crate: string | undefined, options: DoctorOptions): Promise<number> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (options.target && options.recording) throw new UsageError("give either --target or --recording, not both");
  if (!options.out.endsWith(".html")) throw new UsageError(`--out ${options.out}: the report is HTML; give a name ending in .html`);
  const durationMs = parseDurationMs(options.duration, "--duration");
  const crateRoot = crate ?? ".";
  if (!existsSync(crateRoot)) throw new UsageError(`${crateRoot}: no such crate folder or file`);
  if (options.recording && !existsSync(options.recording)) throw new UsageError(`--recording ${options.recording}: no such file`);
  if (options.log && !existsSync(options.log)) throw new UsageError(`--log ${options.log}: no such file`);
  loadAppAssets();
  const rootDir = statSync(crateRoot).isDirectory() ? crateRoot : path.dirname(crateRoot);
  const sources = new SourceFiles([rootDir]);

  // 1. Static: lint the crate.
  const { lintPaths } = await import("../lint/api.ts");
  let lint: NonNullable<DoctorSections["lint"]>;
  try {
    const result = await lintPaths([crateRoot]);
    lint = {
      findings: result.findings.map(({ rule, severity, file, line, column, message, help }) => ({ rule, severity, file, line, column, message, help })),
      filesChecked: result.filesChecked,
      error: null,
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    lint = { findings: [], filesChecked: 0, error: error.message };
  }
  say(`doctor: lint: ${lint.error ?? `${lint.findings.length} finding(s) in ${lint.filesChecked} file(s)`}`);

  // 2. Runtime: the app live for --duration, or a recording.
  const sessions: SourceSession[] = [];
  const runtimeInput = options.target ?? options.recording;
  if (runtimeInput) {
    const source = await openWebSource(runtimeInput, say);
    const session = new SourceSession(0, source);
    const timer = source.kind === "live" ? setTimeout(() => void source.close(), durationMs) : undefined;
    if (source.kind === "live") say(`doctor: watching ${runtimeInput} for ${options.duration}`);
    await session.run();
    if (timer) clearTimeout(timer);
    if (session.error) throw new UsageError(`${runtimeInput}: ${session.error}`);
    if (session.state.updates === 0) throw new UsageError(`${runtimeInput}: no updates (is the app built with --cfg tokio_unstable and a console layer?)`);
    sessions.push(session);
    say(`doctor: runtime: ${session.diagnoses().diagnoses.length} diagnosis(es) in ${session.state.tasks.size} tasks`);
  }

  // 3. A panic log, cleaned into async chains with the findings of each frame's function.
  let panics: DoctorSections["panics"] = null;
  if (options.log) {
    const { analyseLog } = await import("../trace/analyse.ts");
    const { attachLintFindings } = await import("../trace/lint-findings.ts");
    const result = analyseLog(await readFile(options.log, "utf8"), { sources });
    await attachLintFindings(result, sources);
    panics = result.panics.map((p) => ({
      message: p.report.message ?? "",
      location: p.report.location ? `${p.report.location.file}:${p.report.location.line ?? "?"}` : null,
      thread: p.report.thread ?? null,
      frames: p.chain.map((link) => ({
        name: link.name,
        file: link.file ?? null,
        line: link.line ?? null,
        findings: (link.lint ?? []).map((f) => ({ rule: f.rule, severity: f.severity ?? "warning", line: f.line, column: f.column ?? 0, message: f.message, help: "" })),
      })),
    }));
    say(`doctor: log: ${panics.length} panic(s)`);
  }

  // 4. Correlate, and write the report and its JSON.
  const excerpts = new SourceExcerpts(rootDir);
  const data: ReportData = await reportData(`async-doctor doctor ${crateRoot}`, sessions, excerpts, null);
  const findings: FileFinding[] = lint.findings;
  const correlations = correlate(
    data.sources.map((s, i) => ({ source: i, list: s.diagnoses.diagnoses })),
    panics ?? [],
    findings,
    sources,
  );
  data.doctor = { crate: path.resolve(crateRoot), lint, panics, logFile: options.log ?? null, correlations };
  const jsonPath = options.out.replace(/\.html$/, ".json");
  const json = {
    crate: data.doctor.crate,
    lint,
    runtime: data.sources.map((s) => ({ source: { kind: s.info.kind, description: s.info.description, limitations: s.info.limitations }, diagnoses: s.diagnoses.diagnoses, summary: s.diagnoses.summary })),
    panics,
    correlations,
  };
  try {
    await writeFile(options.out, inlinedPage(data.title, data));
    await writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  } catch (error) {
    throw new UsageError(`cannot write the report: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  say(`doctor: ${correlations.length} correlation(s); wrote ${options.out} and ${jsonPath}`);
  process.stdout.write(`${JSON.stringify({ report: options.out, json: jsonPath, findings: lint.findings.length, diagnoses: json.runtime.reduce((n, r) => n + r.diagnoses.length, 0), panics: panics?.length ?? 0, correlations: correlations.length })}\n`);
  if (options.failOn === "never") return 0;
  const limit = severityRank[options.failOn];
  const runtimeHit = json.runtime.some((r) => r.diagnoses.some((d) => severityRank[d.severity] >= limit));
  const lintHit = lint.findings.some((f) => (f.severity === "error" ? 2 : 1) >= limit);
  return runtimeHit || lintHit || (panics?.length ?? 0) > 0 ? 1 : 0;
}
