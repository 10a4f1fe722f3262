import { Command, CommanderError } from "commander";
import { ExitCode, UsageError, describeError } from "./errors.ts";
import { registerLint } from "./commands/lint.ts";
import { register as registerConsole } from "./commands/console.ts";
import { register as registerTrace } from "./commands/trace.ts";
import { register as registerExplain } from "./commands/explain.ts";
import { register as registerMcp } from "./commands/mcp.ts";
import { register as registerDoctor } from "./commands/doctor.ts";
import { register as registerLsp } from "./commands/lsp.ts";
import { packageVersion } from "../util/package-root.ts";

/** Runs the CLI and returns the process exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("async-doctor")
    .description("Diagnose async Rust: lint source, read tokio-console data, clean async backtraces, explain internals.")
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  let exitCode: number = ExitCode.clean;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  // Command modules only declare options; each action imports its implementation lazily.
  for (const register of [registerLint, registerConsole, registerTrace, registerExplain, registerMcp, registerDoctor, registerLsp]) register(program, setExitCode);

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version come through here with exit code 0.
      return error.exitCode === 0 ? ExitCode.clean : ExitCode.usage;
    }
    process.stderr.write(`async-doctor: error: ${describeError(error)}\n`);
    if (!(error instanceof UsageError) && process.env.ASYNC_DOCTOR_DEBUG && error instanceof Error) {
      process.stderr.write(`${error.stack}\n`);
    }
    return ExitCode.usage;
  }
}
