import { UsageError } from "../../cli/errors.ts";
import { parseDurationMs } from "../transport/duration.ts";
import { recordCapture } from "./record.ts";

export interface RecordCommandOptions {
  out?: string;
  duration?: string;
  timeout: string;
  task: string[];
  force: boolean;
  reconnect: boolean;
}

/** `console record TARGET --out FILE`: prints a JSON summary on stdout; Ctrl-C stops cleanly. */
export async function runRecordCommand(target: string, options: RecordCommandOptions): Promise<number> {
  if (!options.out) throw new UsageError("console record needs --out FILE");
  const durationMs = options.duration === undefined ? undefined : parseDurationMs(options.duration, "--duration");
  const timeoutMs = parseDurationMs(options.timeout, "--timeout");
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const summary = await recordCapture(target, {
      out: options.out,
      ...(durationMs !== undefined ? { durationMs } : {}),
      timeoutMs,
      tasks: options.task,
      overwrite: options.force,
      reconnect: options.reconnect,
      signal: abort.signal,
      log: (line) => process.stderr.write(`async-doctor: ${line}\n`),
    });
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new UsageError(`${options.out} exists; pass --force to overwrite it`);
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(`cannot create ${options.out}: no such directory`);
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
