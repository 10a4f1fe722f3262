/**
 * Trace events from a stream of console updates (captures, raw .grpc bodies, a live window), which carry
 * cumulative counters per task, not individual events. What they pin down exactly is written as such:
 * spawn (created_at) and drop (dropped_at) instants, the last poll of each update interval as a slice
 * (last_poll_started … last_poll_ended, with the interval's poll count and busy time in its args), the
 * last wake of each interval as an instant (with the interval's wake count), and a poll still running at
 * the end. Other polls of an interval have no timestamps in this data and are not drawn: the slice count
 * of a task is at most its polls (a recording gives every poll; see docs/exports.md).
 */
import type { Field, Task, TaskStats, Timestamp } from "../protocol/messages.ts";
import type { SourceItem } from "../source.ts";
import type { TraceOutput } from "./trace-output.ts";
import type { TrackLayout, TrackTask } from "./tracks.ts";

interface TaskTrack extends TrackTask {
  createdAt: number;
  droppedAt: number;
  polls: number;
  busy: number;
  wakes: number;
  lastWake: number;
  /** Start of the last poll drawn (NaN: none yet). */
  drawnPollStart: number;
  runningSince: number;
  declared: boolean;
}

function fieldText(f: Field): string {
  return f.strVal ?? f.debugVal ?? (f.u64Val !== undefined ? String(f.u64Val) : f.i64Val !== undefined ? String(f.i64Val) : f.boolVal !== undefined ? String(f.boolVal) : "");
}

function locationText(loc: Task["location"]): string {
  if (!loc?.file) return "";
  return [loc.file, loc.line, loc.column].filter((p) => p !== undefined).join(":");
}

export class UpdateTrace {
  /** The current identity of each span id. */
  private readonly byId = new Map<bigint, TaskTrack>();
  private seq = 0;
  anchorSeconds: number | undefined;
  now = Number.NaN;
  counts = { polls: 0, wakeInstants: 0, spawns: 0, drops: 0 };

  /** Task identities seen. */
  get tasks(): number {
    return this.seq;
  }

  constructor(
    private readonly out: TraceOutput,
    private readonly tracks: TrackLayout,
    private readonly seqBase = 0,
  ) {}

  rel(t: Timestamp | undefined): number {
    if (t === undefined) return Number.NaN;
    this.anchorSeconds ??= t.seconds;
    return (t.seconds - this.anchorSeconds) * 1e9 + t.nanos;
  }

  add(item: SourceItem): void {
    const update = item.update;
    if (!update) return;
    if (update.now) this.now = this.rel(update.now);
    const tu = update.taskUpdate;
    if (!tu) return;
    for (const task of tu.newTasks) if (task.id !== undefined) this.announce(task);
    for (const [id, stats] of tu.statsUpdate) this.stats(id, stats);
  }

  private announce(task: Task): void {
    const id = task.id!;
    const old = this.byId.get(id);
    // Re-announced (a fresh snapshot after reconnecting, a late connect's second snapshot) while alive:
    // the same identity. A new identity is recognised by its created_at in `stats`.
    if (old && Number.isNaN(old.droppedAt)) return;
    const fields = new Map<string, string>();
    for (const f of task.fields) if (f.strName !== undefined) fields.set(f.strName, fieldText(f));
    const tokio = fields.get("task.id");
    this.byId.set(id, {
      seq: this.seqBase + ++this.seq,
      id,
      tokioId: tokio !== undefined && /^\d+$/.test(tokio) ? BigInt(tokio) : undefined,
      name: fields.get("task.name") ?? "",
      kind: fields.get("kind") ?? (task.kind === 1 ? "blocking" : "task"),
      location: locationText(task.location) || (fields.get("spawn.location") ?? ""),
      fields,
      createdAt: Number.NaN,
      droppedAt: Number.NaN,
      polls: 0,
      busy: 0,
      wakes: 0,
      lastWake: Number.NaN,
      drawnPollStart: Number.NaN,
      runningSince: Number.NaN,
      declared: false,
    });
  }

  private stats(id: bigint, s: TaskStats): void {
    let t = this.byId.get(id);
    if (!t) return;
    const createdAt = this.rel(s.createdAt);
    if (t.declared && !Number.isNaN(createdAt) && !Number.isNaN(t.createdAt) && createdAt !== t.createdAt) {
      // The span id was reused by a new task announced in the same update as the old one's last stats.
      t = { ...t, seq: this.seqBase + ++this.seq, declared: false, polls: 0, busy: 0, wakes: 0, lastWake: Number.NaN, drawnPollStart: Number.NaN, runningSince: Number.NaN, droppedAt: Number.NaN };
      this.byId.set(id, t);
    }
    const pid = this.tracks.pidOf(t.kind);
    if (!t.declared) {
      t.declared = true;
      t.createdAt = createdAt;
      this.tracks.declare(t);
      if (!Number.isNaN(createdAt)) {
        const args: Record<string, string> = { span_id: String(t.id) };
        for (const [k, v] of t.fields) args[k] = v;
        if (t.location) args.location = t.location;
        this.out.instant(pid, t.seq, "spawn", "task", createdAt, args);
        this.counts.spawns++;
      }
    }
    const poll = s.pollStats;
    const polls = poll?.polls ?? 0;
    const busy = (poll?.busyTime?.seconds ?? 0) * 1e9 + (poll?.busyTime?.nanos ?? 0);
    const started = this.rel(poll?.lastPollStarted);
    const ended = this.rel(poll?.lastPollEnded);
    if (!Number.isNaN(started) && !Number.isNaN(ended) && ended >= started && !(started <= t.drawnPollStart)) {
      this.out.slice(pid, t.seq, "poll", "poll", started, ended - started, {
        polls_in_interval: polls - t.polls,
        busy_ms_in_interval: Math.round((busy - t.busy) / 1e3) / 1e3,
        only_last_poll_timed: polls - t.polls > 1,
      });
      this.counts.polls++;
      t.drawnPollStart = started;
    }
    t.runningSince = !Number.isNaN(started) && (Number.isNaN(ended) || started > ended) ? started : Number.NaN;
    const lastWake = this.rel(s.lastWake);
    if (!Number.isNaN(lastWake) && !(lastWake <= t.lastWake)) {
      this.out.instant(pid, t.seq, "wake", "wake", lastWake, { wakes_in_interval: s.wakes - t.wakes, self_wakes_total: s.selfWakes });
      this.counts.wakeInstants++;
      t.lastWake = lastWake;
    }
    t.polls = polls;
    t.busy = busy;
    t.wakes = s.wakes;
    const droppedAt = this.rel(s.droppedAt);
    if (!Number.isNaN(droppedAt) && Number.isNaN(t.droppedAt)) {
      t.droppedAt = droppedAt;
      this.out.instant(pid, t.seq, "drop", "task", droppedAt, { polls });
      this.counts.drops++;
    }
  }

  /** End of input: polls still running are drawn up to the last update's `now`. */
  finish(): void {
    for (const t of this.byId.values()) {
      if (!t.declared || Number.isNaN(t.runningSince) || !Number.isNaN(t.droppedAt) || !(this.now >= t.runningSince)) continue;
      if (t.runningSince <= t.drawnPollStart) continue;
      this.out.slice(this.tracks.pidOf(t.kind), t.seq, "poll (still running at the end)", "poll", t.runningSince, this.now - t.runningSince, { running: true });
      this.counts.polls++;
    }
  }
}
