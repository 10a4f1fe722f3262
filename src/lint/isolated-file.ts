/**
 * One file's pass 1 with its failures kept to that file: a crash of the WASM parser (the instance is
 * recreated for the next file), a file over the time budget, a stack overflow on absurd nesting, or a
 * bug in a rule becomes one notice for this file, and the run goes on with the others.
 */
import { isParserCrash, discardParserAfter, ParserFailure } from "../rust/parser.ts";
import type { SourceFile } from "../rust/source-file.ts";
import type { LintConfig } from "./config.ts";
import { lintSourceFile, type FileResult } from "./engine.ts";
import type { LintRule } from "./rule.ts";

export type IsolatedResult = { ok: true; result: FileResult } | { ok: false; reason: string };

export async function lintFileIsolated(source: SourceFile, config: LintConfig, rules: LintRule[], crateRoots?: Map<string, string | undefined>): Promise<IsolatedResult> {
  try {
    return { ok: true, result: await lintSourceFile(source, config, rules, crateRoots) };
  } catch (error) {
    return { ok: false, reason: failureReason(error) };
  }
}

export function failureReason(error: unknown): string {
  if (error instanceof ParserFailure) return `not checked: ${error.message}`;
  if (isParserCrash(error)) return `not checked: ${discardParserAfter(error)}`;
  if (error instanceof RangeError && /call stack/i.test(error.message)) return "not checked: nested too deeply to analyse";
  const message = error instanceof Error ? error.message : String(error);
  return `not checked: internal error (${message.split("\n")[0]})`;
}
