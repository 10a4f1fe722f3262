import { Option, type Command } from "commander";
import type { SetExitCode } from "../registry.ts";

export interface ExplainCommandOptions {
  format: "text" | "markdown" | "json";
  list?: boolean;
  at?: string;
  alternatives: string;
  color?: boolean;
}

export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command("explain")
    .description("explain async Rust internals: a topic id, a free-text question, or --at FILE:LINE for your own async fn")
    .argument("[question...]", "topic id or question (quotes optional)")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "markdown", "json"]).default("text"))
    .option("-l, --list", "list the topics")
    .option("--at <file:line>", "explain the async fn or block at FILE:LINE as the state machine the compiler builds")
    .option("--alternatives <n>", "how many other matching topics to show", "3")
    .option("--no-color", "disable colour (NO_COLOR is honoured too)")
    .action(async (question: string[], options: ExplainCommandOptions) => {
      const { runExplainCommand } = await import("../../explain/run-explain-command.ts");
      setExitCode(await runExplainCommand(question, options));
    });
}
