import { readFile } from "node:fs/promises";
import { UsageError } from "../cli/errors.ts";
import { analyseLog, isEmpty } from "./analyse.ts";
import { attachLintFindings } from "./lint-findings.ts";
import { renderJson } from "./render-json.ts";
import { renderText } from "./render-text.ts";
import { SourceFiles } from "./source-files.ts";
import { demangleInText } from "./demangle/index.ts";

export interface TraceCommandOptions {
  format: "text" | "json";
  full: boolean;
  root: string[];
  color?: boolean;
  lint: boolean;
}

export async function readInput(input: string | undefined): Promise<string> {
  if (input === undefined || input === "-") {
    if (input === undefined && process.stdin.isTTY) throw new UsageError("trace: give a log file, or pipe a log into stdin ('-')");
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  try {
    return await readFile(input, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`trace: cannot read ${input}${code ? ` (${code})` : ""}`);
  }
}

function useColor(option: boolean | undefined): boolean {
  if (option === false) return false;
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR) return true;
  return process.stdout.isTTY === true;
}

/** `async-doctor trace [FILE]`: 0 when something was recognised, 2 for unreadable or unrecognisable input. */
export async function runTraceCommand(input: string | undefined, options: TraceCommandOptions): Promise<number> {
  const text = await readInput(input);
  const sources = new SourceFiles(options.root.length > 0 ? options.root : [process.cwd()]);
  const result = analyseLog(text, { sources });
  if (isEmpty(result)) throw new UsageError(`trace: no panic, backtrace, JoinError or task dump found in ${input ?? "stdin"}`);
  if (options.lint) await attachLintFindings(result, sources);
  process.stdout.write(options.format === "json" ? renderJson(result) : renderText(result, { color: useColor(options.color), full: options.full }));
  return 0;
}

export interface DemangleCommandOptions {
  hash: boolean;
}

/** `async-doctor trace demangle [SYMBOL...]`: one output line per input line, like rustfilt. */
export async function runDemangleCommand(symbols: string[], options: DemangleCommandOptions): Promise<number> {
  const opts = { hash: options.hash };
  if (symbols.length > 0) {
    process.stdout.write(symbols.map((s) => demangleInText(s, opts)).join("\n") + "\n");
    return 0;
  }
  if (process.stdin.isTTY) throw new UsageError("trace demangle: give symbols as arguments or pipe them into stdin, one per line");
  let rest = "";
  const out: string[] = [];
  const flush = () => {
    if (out.length > 0) process.stdout.write(out.join(""));
    out.length = 0;
  };
  for await (const chunk of process.stdin) {
    rest += (chunk as Buffer).toString("utf8");
    const lines = rest.split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) out.push(`${demangleInText(line, opts)}\n`);
    if (out.length > 4096) flush();
  }
  if (rest !== "") out.push(`${demangleInText(rest, opts)}\n`);
  flush();
  return 0;
}
