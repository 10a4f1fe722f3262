/**
 * Worker utilisation per update interval: how many runtime worker threads were busy polling async tasks,
 * on average, between two updates (Σ busy time gained by non-blocking tasks ÷ interval), and how many
 * workers the runtime has (its worker-thread tasks).
 *
 * The one place the exports and the metrics get utilisation from. The runtime engineer is adding a
 * per-update utilisation view to the console model (src/console/diagnose/runtime-view.ts on their
 * branch); when it lands this class should become a thin adapter over it, so that there is one
 * computation. Until then this keeps the computation small and self-contained.
 */
import type { Field, Timestamp } from "../protocol/messages.ts";
import type { SourceItem } from "../source.ts";
import { isRuntimeWorker } from "./tracks.ts";

export interface UtilisationPoint {
  /** Start of the interval (relative ns on the app's clock). */
  from: number;
  to: number;
  /** Average number of workers busy polling async tasks in [from, to]. */
  busyWorkers: number;
  /** Worker threads of the runtime, when known (multi-thread runtime with its worker tasks seen). */
  workers: number | undefined;
}

interface TaskBusy {
  async: boolean;
  worker: boolean;
  busy: number;
  runningSince: number;
  dropped: boolean;
}

function text(f: Field): string {
  return f.strVal ?? f.debugVal ?? (f.u64Val !== undefined ? String(f.u64Val) : "");
}

export class WorkerUtilisation {
  private readonly tasks = new Map<bigint, TaskBusy>();
  private busySum = 0;
  private previous: { now: number; busy: number } | undefined;
  private anchor: number | undefined;
  workers = 0;

  private rel(t: Timestamp | undefined): number {
    if (t === undefined) return Number.NaN;
    this.anchor ??= t.seconds;
    return (t.seconds - this.anchor) * 1e9 + t.nanos;
  }

  /** Sets the anchor (Unix seconds) that relative times count from, to share a clock with the caller. */
  setAnchor(seconds: number): void {
    this.anchor ??= seconds;
  }

  /** Feeds one item; returns the utilisation of the interval that this update closes. */
  add(item: SourceItem): UtilisationPoint | undefined {
    if (item.reset) {
      this.tasks.clear();
      this.busySum = 0;
      this.previous = undefined;
      this.workers = 0;
    }
    const update = item.update;
    if (!update?.now) return undefined;
    const now = this.rel(update.now);
    const tu = update.taskUpdate;
    for (const task of tu?.newTasks ?? []) {
      if (task.id === undefined) continue;
      const fields = new Map(task.fields.map((f) => [f.strName ?? "", text(f)]));
      const kind = fields.get("kind") ?? "task";
      const worker = isRuntimeWorker({ kind, fields });
      const old = this.tasks.get(task.id);
      if (old && !old.dropped) continue; // re-announced (a late connect's second snapshot): keep its busy time
      this.tasks.set(task.id, { async: kind === "task" || kind === "local", worker, busy: 0, runningSince: Number.NaN, dropped: false });
      if (worker) this.workers++;
    }
    for (const [id, stats] of tu?.statsUpdate ?? []) {
      const t = this.tasks.get(id);
      if (!t) continue;
      const poll = stats.pollStats;
      const busy = (poll?.busyTime?.seconds ?? 0) * 1e9 + (poll?.busyTime?.nanos ?? 0);
      if (t.async) this.busySum += busy - t.busy;
      t.busy = busy;
      const started = this.rel(poll?.lastPollStarted);
      const ended = this.rel(poll?.lastPollEnded);
      t.runningSince = !Number.isNaN(started) && (Number.isNaN(ended) || started > ended) ? started : Number.NaN;
      if (stats.droppedAt && !t.dropped) {
        t.dropped = true;
        if (t.worker) this.workers--;
      }
    }
    let busy = this.busySum;
    for (const t of this.tasks.values()) if (t.async && !Number.isNaN(t.runningSince) && !t.dropped) busy += Math.max(0, now - t.runningSince);
    const prev = this.previous;
    this.previous = { now, busy };
    // A dropped task's busy time stays in busySum; its record is no longer needed.
    for (const [id, t] of this.tasks) if (t.dropped) this.tasks.delete(id);
    if (!prev || !(now > prev.now)) return undefined;
    return { from: prev.now, to: now, busyWorkers: Math.max(0, busy - prev.busy) / (now - prev.now), workers: this.workers > 0 ? this.workers : undefined };
  }
}
