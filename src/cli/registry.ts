import type { Command } from "commander";

/**
 * Subcommands other than lint live in their own modules (src/cli/commands/<name>.ts), each exporting
 * `register(program, setExitCode)`. Loading them through this list keeps main.ts free of merge
 * conflicts while several capabilities grow side by side, and a missing module simply means that
 * capability is not built yet.
 */
const commandModules = ["console", "trace", "explain", "mcp"] as const;

export type SetExitCode = (code: number) => void;
export interface CommandModule {
  register(program: Command, setExitCode: SetExitCode): void;
}

export async function registerCommandsOf(program: Command, setExitCode: SetExitCode): Promise<void> {
  for (const name of commandModules) {
    let module: CommandModule;
    try {
      module = (await import(`./commands/${name}.ts`)) as CommandModule;
    } catch (error) {
      if (isModuleNotFound(error, name)) continue;
      throw error;
    }
    module.register(program, setExitCode);
  }
}

function isModuleNotFound(error: unknown, name: string): boolean {
  return (
    error instanceof Error &&
    "code" in error &&
    (error.code === "ERR_MODULE_NOT_FOUND" || error.code === "MODULE_NOT_FOUND") &&
    error.message.includes(`commands/${name}.ts`)
  );
}
