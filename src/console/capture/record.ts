import fs from "node:fs";
import { decodeUpdate } from "../protocol/decode.ts";
import type { Task } from "../protocol/messages.ts";
import { LiveClient } from "../transport/live-client.ts";
import { parseTarget } from "../transport/target.ts";
import { taskMatcher, taskName } from "../transport/task-match.ts";
import { CaptureWriter } from "./writer.ts";

export interface RecordOptions {
  out: string;
  durationMs?: number;
  timeoutMs?: number;
  /** Task names or console ids (decimal) whose WatchTaskDetails streams are recorded too. */
  tasks?: string[];
  overwrite?: boolean;
  reconnect?: boolean;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface RecordSummary {
  out: string;
  target: string;
  sessions: number;
  updates: number;
  taskDetails: number;
  bytes: number;
  stoppedBy: string;
}

/**
 * `console record`: writes every WatchUpdates message (and WatchTaskDetails messages of the named tasks,
 * WatchState messages when the server has that RPC) to a capture file the moment it arrives. Tasks are
 * matched by `task.name` or console id as they appear in each session's updates.
 */
export async function recordCapture(targetText: string, options: RecordOptions): Promise<RecordSummary> {
  const target = parseTarget(targetText);
  const log = options.log ?? (() => {});
  const wanted = new Set(options.tasks ?? []);
  const matches = taskMatcher([...wanted]);
  const writer = CaptureWriter.create(options.out, { target: target.display, tool: "async-doctor", ...(wanted.size ? { tasks: [...wanted] } : {}) }, options.overwrite);
  const client = new LiveClient({ target, timeoutMs: options.timeoutMs ?? 10_000, reconnect: options.reconnect ?? true });
  let stoppedBy = "the stream ended";
  const stop = (why: string) => {
    stoppedBy = why;
    client.close();
  };
  options.signal?.addEventListener("abort", () => stop("interrupted"), { once: true });
  let durationTimer: NodeJS.Timeout | undefined;
  const summary = { sessions: 0, updates: 0, taskDetails: 0 };
  try {
    for await (const event of client.events()) {
      switch (event.type) {
        case "connected":
          summary.sessions = event.session;
          writer.event("connected", event.session);
          log(`recording ${event.target} to ${options.out}${event.session > 1 ? ` (session ${event.session})` : ""}`);
          if (options.durationMs !== undefined && !durationTimer) {
            durationTimer = setTimeout(() => stop(`duration reached`), options.durationMs);
          }
          break;
        case "update":
          writer.message("WatchUpdates", event.session, event.bytes);
          summary.updates++;
          if (wanted.size > 0) {
            let newTasks: Task[] = [];
            try {
              newTasks = decodeUpdate(event.bytes).taskUpdate?.newTasks ?? [];
            } catch (error) {
              // The raw bytes are on disk regardless; only the --task lookup misses this update.
              log(`cannot decode update ${summary.updates} to find --task names: ${(error as Error).message}`);
            }
            for (const task of newTasks) {
              if (task.id !== undefined && matches(task)) {
                log(`recording details of task ${task.id}${taskName(task) ? ` (${taskName(task)})` : ""}`);
                client.watchTaskDetails(task.id);
              }
            }
          }
          break;
        case "details":
          writer.message("WatchTaskDetails", event.session, event.bytes, event.task.toString());
          summary.taskDetails++;
          break;
        case "state":
          writer.message("WatchState", event.session, event.bytes);
          break;
        case "details-ended":
          log(`details of task ${event.task}: ${event.reason}`);
          break;
        case "disconnected":
          writer.event("ended", event.session, event.reason);
          log(`${event.reason}${event.retryInMs !== undefined ? `; reconnecting in ${event.retryInMs} ms` : ""}`);
          break;
        case "reset":
        case "state-unsupported":
          break;
      }
    }
  } catch (error) {
    if (durationTimer) clearTimeout(durationTimer);
    writer.close(`failed: ${(error as Error).message}`);
    // A capture that never got a message is only noise: remove it so a retry can use the same --out.
    if (summary.updates === 0) fs.rmSync(options.out, { force: true });
    throw error;
  }
  if (durationTimer) clearTimeout(durationTimer);
  writer.close(stoppedBy);
  return { out: options.out, target: target.display, ...summary, bytes: writer.bytes, stoppedBy };
}
