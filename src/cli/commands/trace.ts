import { Option, type Command } from "commander";
import type { SetExitCode } from "../registry.ts";

export function register(program: Command, setExitCode: SetExitCode): void {
  const trace = program
    .command("trace")
    .description("turn panics, backtraces and task dumps into short async call chains ('-' or no file reads stdin)")
    .argument("[file]", "log file holding panics, backtraces or tokio task dumps; '-' for stdin")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--full", "keep every frame (no folding of runtime, std and glue frames)", false)
    .option("--root <dir>", "folder to resolve relative source paths against (repeatable; default: cwd)", collect, [] as string[])
    .option("--no-lint", "do not attach lint findings to user frames")
    .option("--no-color", "disable colour (NO_COLOR is honoured too)")
    .action(async (file: string | undefined, options: { format: "text" | "json"; full: boolean; root: string[]; lint: boolean; color?: boolean }) => {
      const { runTraceCommand } = await import("../../trace/run-trace-command.ts");
      setExitCode(await runTraceCommand(file, options));
    });
  trace
    .command("demangle")
    .description("demangle Rust symbols (legacy and v0), one output line per input line, like rustfilt")
    .argument("[symbols...]", "symbols or lines of text; none reads stdin")
    .option("--hash", "keep hashes and crate disambiguators (rustc-demangle's {} form, as c++filt prints)", false)
    .action(async (symbols: string[], options: { hash: boolean }) => {
      const { runDemangleCommand } = await import("../../trace/run-demangle-command.ts");
      setExitCode(await runDemangleCommand(symbols, options));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
