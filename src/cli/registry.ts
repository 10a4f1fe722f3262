import type { Command } from "commander";

export type SetExitCode = (code: number) => void;

/** Each command module (src/cli/commands/<name>.ts) declares its options and imports its implementation lazily. */
export type RegisterCommand = (program: Command, setExitCode: SetExitCode) => void;
