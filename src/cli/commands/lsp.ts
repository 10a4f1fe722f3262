import type { Command } from "commander";
import type { SetExitCode } from "../registry.ts";

export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command("lsp")
    .description("language server for editors (stdio): async-doctor's findings while you type, fixes, hovers on .await and select! (see docs/editors.md)")
    .option("--stdio", "talk LSP over stdin/stdout (the default and only transport; accepted because clients pass it)")
    .action(async () => {
      const { runLspCommand } = await import("../../lsp/run-lsp.ts");
      setExitCode(await runLspCommand());
    });
}
