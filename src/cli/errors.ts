/**
 * Errors the user can fix (bad flags, unreadable input, unreachable targets). The CLI prints their
 * message as one line and exits with code 2; anything else is a bug and also exits 2, without a stack
 * trace unless ASYNC_DOCTOR_DEBUG is set.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const ExitCode = {
  clean: 0,
  findings: 1,
  usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0] ?? String(error);
  return String(error);
}
