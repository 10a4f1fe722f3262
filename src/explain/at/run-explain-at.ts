import { existsSync, statSync } from "node:fs";
import { UsageError } from "../../cli/errors.ts";
import { readSource } from "../../rust/read-source.ts";
import type { Finding } from "../../lint/finding.ts";
import { describeStateMachine, StateMachineError, type StateMachine } from "./state-machine.ts";
import { renderStateMachineJson, renderStateMachineMarkdown, renderStateMachineText } from "./render-at.ts";

export interface ExplainAtResult {
  /** The line asked about. */
  line: number;
  machine: StateMachine;
  findings: Finding[];
  /** Set when linting the file failed; the state machine is still reported. */
  lintError?: string;
}

export function parseTarget(target: string): { file: string; line: number } {
  const match = /^(.*?):(\d+)(?::\d+)?$/.exec(target);
  if (!match || !match[1]) throw new UsageError(`--at expects FILE:LINE, got "${target}"`);
  const line = Number.parseInt(match[2]!, 10);
  if (line < 1) throw new UsageError(`--at: line numbers start at 1, got ${line}`);
  return { file: match[1], line };
}

export async function explainAt(target: string): Promise<ExplainAtResult> {
  const { file, line } = parseTarget(target);
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`--at: no such file: ${file}`);
  const read = await readSource(file);
  if (!read.ok) throw new UsageError(`--at: ${read.path}: ${read.reason}`);
  let machine: StateMachine;
  try {
    machine = await describeStateMachine(read.file, line);
  } catch (error) {
    if (error instanceof StateMachineError) throw new UsageError(`--at ${target}: ${error.message}`);
    throw error;
  }
  let findings: Finding[] = [];
  let lintError: string | undefined;
  try {
    const { lintPaths } = await import("../../lint/api.ts");
    const result = await lintPaths([file]);
    findings = result.findings.filter(
      (finding) => finding.file === machine.file && finding.line >= machine.startLine && finding.line <= machine.endLine,
    );
  } catch (error) {
    lintError = error instanceof Error ? error.message.split("\n")[0] : String(error);
  }
  return { line, machine, findings, ...(lintError ? { lintError } : {}) };
}

export async function runExplainAt(target: string, format: string, color: boolean): Promise<number> {
  const result = await explainAt(target);
  if (format === "json") process.stdout.write(renderStateMachineJson(result));
  else if (format === "markdown") process.stdout.write(renderStateMachineMarkdown(result));
  else process.stdout.write(renderStateMachineText(result, color));
  return 0;
}
