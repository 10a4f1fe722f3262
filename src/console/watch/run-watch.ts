import { decodeState, decodeTaskDetails, decodeUpdate } from "../protocol/decode.ts";
import { Temporality } from "../protocol/messages.ts";
import { parseDurationMs } from "../transport/duration.ts";
import { LiveClient } from "../transport/live-client.ts";
import { parseTarget } from "../transport/target.ts";
import { taskMatcher } from "../transport/task-match.ts";
import { renderFrame, type SortKey } from "./frame.ts";
import { ConsoleState } from "../model/console-state.ts";
import { detailLines, taskRows } from "./task-rows.ts";
import { diagnose } from "../diagnose/engine.ts";
import { TimelineBuilder } from "../diagnose/timeline.ts";
import { watchDiagnoses, type WatchDiagnosis } from "./diagnosis-lines.ts";

export interface WatchCommandOptions {
  timeout: string;
  sort: SortKey;
  color?: boolean;
  /** Task names or ids whose WatchTaskDetails (poll-time histograms) are shown. */
  task?: string[];
}

const sortCycle: SortKey[] = ["state", "busy", "polls", "id", "name"];

/**
 * `console watch`: a refreshing task table, with the current `console check` diagnoses under it. On a terminal it uses the alternate screen and raw keys
 * (q / Ctrl-C quit, s cycles the sort); otherwise it prints one frame per update.
 */
export async function runWatchCommand(targetText: string, options: WatchCommandOptions): Promise<number> {
  const target = parseTarget(targetText);
  const timeoutMs = parseDurationMs(options.timeout, "--timeout");
  const out = process.stdout;
  const tty = Boolean(out.isTTY);
  const color = options.color !== false && !process.env.NO_COLOR && tty;
  const client = new LiveClient({ target, timeoutMs });
  const table = new ConsoleState();
  let sort = options.sort;
  const wanted = options.task ?? [];
  const matches = taskMatcher(wanted);
  const detailed = new Set<bigint>();
  let status = "connecting…";
  let session = 0;
  let temporality: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastDraw = 0;
  let pauseNote = "";
  // The same updates feed `console check`'s timeline builder (it is incremental), so the diagnoses under
  // the table are the ones `console check` would report on this session so far.
  let timeline = new TimelineBuilder();
  let diagnosed = -1;
  let detailsSeen = 0;
  let diagnoses: WatchDiagnosis[] = [];
  const currentDiagnoses = (): WatchDiagnosis[] => {
    // Recomputed only when an update or details arrived since the last frame (not on keys or resizes).
    const seen = timeline.timeline.updateTimes.length + detailsSeen;
    if (seen !== diagnosed) {
      diagnosed = seen;
      diagnoses = timeline.timeline.updateTimes.length > 0 ? watchDiagnoses(diagnose(timeline.timeline).diagnoses) : [];
    }
    return diagnoses;
  };

  const draw = () => {
    timer = undefined;
    lastDraw = Date.now();
    const lines = renderFrame({
      target: target.display,
      status: status + pauseNote,
      session,
      updates: table.updates,
      droppedEvents: table.droppedEventsTotal,
      rows: taskRows(table),
      details: detailLines(table, detailed),
      diagnoses: currentDiagnoses(),
      sort,
      width: tty ? out.columns || 120 : 160,
      height: tty ? out.rows || 40 : 60,
      color,
      ...(temporality ? { temporality } : {}),
    });
    if (tty) out.write(`\x1b[H\x1b[2J${lines.join("\r\n")}`);
    else out.write(`${lines.join("\n")}\n\n`);
  };
  // At most ten frames a second, however fast updates come.
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(draw, Math.max(0, 100 - (Date.now() - lastDraw)));
  };

  const stdin = process.stdin;
  const onKey = (data: Buffer) => {
    const key = data.toString("utf8");
    if (key === "q" || key === "Q" || key === "\u0003" || key === "\u001b") void client.shutdown();
    else if (key === "p") {
      // Pause/Resume act on the app for every client: only on this explicit key, and undone on quit.
      const action = client.pausedByUs ? client.resume() : client.pause();
      action.then(
        () => {
          pauseNote = client.pausedByUs ? "  [paused by you: p resumes]" : "";
          schedule();
        },
        (error: Error) => {
          pauseNote = `  [pause/resume failed: ${error.message}]`;
          schedule();
        },
      );
    }
    else if (key === "s") {
      sort = sortCycle[(sortCycle.indexOf(sort) + 1) % sortCycle.length];
      schedule();
    }
  };
  const onSignal = () => void client.shutdown();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  if (tty) {
    out.write("\x1b[?1049h\x1b[?25l");
    out.on("resize", schedule);
    if (stdin.isTTY) {
      stdin.setRawMode(true);
      stdin.resume();
      stdin.on("data", onKey);
    }
  }
  try {
    for await (const event of client.events()) {
      switch (event.type) {
        case "connected":
          session = event.session;
          status = "connected";
          break;
        case "reset":
          table.reset();
          detailed.clear();
          timeline = new TimelineBuilder();
          diagnosed = -1;
          break;
        case "update": {
          const update = decodeUpdate(event.bytes);
          table.applyUpdate(update);
          timeline.add({ receivedAt: Date.now(), update });
          if (wanted.length > 0) {
            for (const task of update.taskUpdate?.newTasks ?? []) {
              if (task.id !== undefined && matches(task) && !detailed.has(task.id)) {
                detailed.add(task.id);
                client.watchTaskDetails(task.id);
              }
            }
          }
          break;
        }
        case "details": {
          const taskDetails = decodeTaskDetails(event.bytes);
          table.applyTaskDetails(taskDetails);
          timeline.add({ receivedAt: Date.now(), taskDetails });
          detailsSeen++;
          break;
        }
        case "state":
          temporality = decodeState(event.bytes).temporality === Temporality.PAUSED ? "paused" : "live";
          break;
        case "disconnected":
          status = `disconnected (${event.reason})${event.retryInMs !== undefined ? `, reconnecting in ${event.retryInMs} ms` : ""}`;
          break;
        default:
          continue;
      }
      schedule();
    }
    if (timer) {
      clearTimeout(timer);
      draw();
    }
  } finally {
    if (timer) clearTimeout(timer);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (tty) {
      out.off("resize", schedule);
      out.write("\x1b[?25h\x1b[?1049l");
      if (stdin.isTTY) {
        stdin.off("data", onKey);
        stdin.setRawMode(false);
        stdin.pause();
      }
    }
  }
  return 0;
}
