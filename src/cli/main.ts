import { Command, CommanderError } from "commander";
import { ExitCode, UsageError, describeError } from "./errors.ts";
import { registerLint } from "./commands/lint.ts";
import { registerCommandsOf } from "./registry.ts";

/** Runs the CLI and returns the process exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name("async-doctor")
    .description("Diagnose async Rust: lint source, read tokio-console data, clean async backtraces, explain internals.")
    .version(await packageVersion())
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  let exitCode: number = ExitCode.clean;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  registerLint(program, setExitCode);
  await registerCommandsOf(program, setExitCode);

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

async function packageVersion(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const raw = await readFile(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(raw) as { version: string }).version;
}
