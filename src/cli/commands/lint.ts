import { InvalidArgumentError, Option, type Command } from "commander";
import type { SetExitCode } from "../registry.ts";

export interface LintCommandOptions {
  format: "text" | "json" | "sarif" | "cargo-json";
  rule: string[];
  fix: boolean;
  failOn: "error" | "warning" | "note" | "never";
  config?: string;
  color?: boolean;
  progress?: boolean;
  jobs?: number;
}

export function registerLint(program: Command, setExitCode: SetExitCode): void {
  program
    .command("lint")
    .description("find async pitfalls in Rust source (files, folders, crates, workspaces; '-' reads stdin)")
    .argument("[paths...]", "files or folders to lint; '-' for stdin", ["."])
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json", "sarif", "cargo-json"]).default("text"))
    .option("-r, --rule <id>", "run only this rule (repeatable)", collect, [] as string[])
    .option("--fix", "apply the fixes that are certainly correct, in place", false)
    .addOption(new Option("--fail-on <level>", "exit 1 when a finding is at or above this severity").choices(["error", "warning", "note", "never"]).default("warning"))
    .option("-c, --config <file>", "config file (default: async-doctor.toml or [package.metadata.async-doctor] found upward)")
    .option("--stdin-filename <name>", "file name to report for code read from stdin", "<stdin>")
    .option("--no-color", "disable colour (NO_COLOR is honoured too)")
    .option("--no-progress", "do not print progress on stderr")
    .option("-j, --jobs <n>", "worker threads (default: one per core for 64+ files)", (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
      return n;
    })
    .option("--list-rules", "list the rules with their default severity and exit")
    .action(async (paths: string[], options: LintCommandOptions & { stdinFilename: string; listRules?: boolean }) => {
      const { runLintCommand } = await import("../../lint/run-lint-command.ts");
      setExitCode(await runLintCommand(paths, options));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
