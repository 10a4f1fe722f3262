/**
 * One source on the dashboard: consumes its SourceItems into the CLI's own models — a ConsoleState (what
 * `console snapshot` shows) and the diagnosis timeline (what `console check` diagnoses) — plus, for
 * recordings, the exact poll timeline. Views are computed from these on request; listeners hear about
 * changes (at most a few times a second) and push a notice to the browsers.
 *
 * Time travel (file sources): every SourceItem is kept, so the table "as of" time T is the state model
 * fed the updates up to T. Live sources keep no items, and bound the diagnosis history to a window.
 */
import { diagnose, type DiagnoseResult } from "../../console/diagnose/engine.ts";
import { TimelineBuilder } from "../../console/diagnose/timeline.ts";
import { ConsoleState } from "../../console/model/console-state.ts";
import type { SourceItem } from "../../console/source.ts";
import type { PollTimeline } from "../../console/timeline/poll-timeline.ts";
import type { LiveNotice, SourceInfo } from "../shared/api-types.ts";
import { forgetEndedTasks, trimTimeline } from "./history-window.ts";
import type { WebSource } from "./open-web-source.ts";
import { TableTracker } from "./views/task-table.ts";

export interface SessionOptions {
  /** Live sources: diagnosis history kept (ns). */
  historyNs: number;
  /** Live sources: completed tasks kept in the table this long after they end (ns). */
  retentionNs: number;
  /** Minimum spacing of change notices (ms). */
  noticeMs: number;
  /** Minimum spacing of diagnosis runs while a source streams (ms). */
  diagnoseEveryMs: number;
}

export const defaultSessionOptions: SessionOptions = { historyNs: 10 * 60e9, retentionNs: 60e9, noticeMs: 250, diagnoseEveryMs: 2000 };

const nullable = (n: number): number | null => (Number.isNaN(n) ? null : n);

export class SourceSession {
  state = new ConsoleState();
  timelineBuilder = new TimelineBuilder();
  pollTimeline: PollTimeline | undefined;
  tableTracker = new TableTracker();
  version = 0;
  done = false;
  error: string | null = null;
  private readonly items: SourceItem[] = [];
  private readonly listeners = new Set<(notice: LiveNotice) => void>();
  private noticeTimer: NodeJS.Timeout | undefined;
  private lastNoticeAt = 0;
  private diagnosed: { version: number; at: number; result: DiagnoseResult } | undefined;
  private travel: { at: number; state: ConsoleState; next: number } | undefined;
  private firstNow = Number.NaN;

  constructor(
    readonly index: number,
    readonly source: WebSource,
    private readonly options: SessionOptions = defaultSessionOptions,
  ) {}

  get keepsItems(): boolean {
    return this.source.kind !== "live";
  }

  /** Reads the source to its end (files) or until closed (live). Never throws: errors are kept for the page. */
  async run(): Promise<void> {
    try {
      if (this.source.recordingPath) {
        const { readPollTimeline } = await import("../../console/timeline/poll-collector.ts");
        this.pollTimeline = await readPollTimeline(this.source.recordingPath);
      }
      for await (const item of this.source.items) this.add(item);
    } catch (error) {
      this.error = error instanceof Error ? error.message.split("\n")[0]! : String(error);
    }
    this.done = true;
    this.changed(true);
  }

  add(item: SourceItem): void {
    if (item.reset === true) {
      this.state.reset();
      this.tableTracker = new TableTracker();
      this.items.length = 0;
      this.travel = undefined;
      this.firstNow = Number.NaN;
    }
    if (item.update) this.state.applyUpdate(item.update);
    else this.state.applyTaskDetails(item.taskDetails);
    this.timelineBuilder.add(item);
    if (item.update && Number.isNaN(this.firstNow)) this.firstNow = this.state.now;
    if (this.keepsItems) this.items.push(item);
    else if (item.update && this.state.updates % 60 === 0) {
      this.state.prune(this.options.retentionNs);
      trimTimeline(this.timelineBuilder.timeline, this.options.historyNs);
      forgetEndedTasks(this.timelineBuilder.timeline, this.options.historyNs);
    }
    this.changed(false);
  }

  onNotice(listener: (notice: LiveNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notice(): LiveNotice {
    return { index: this.index, version: this.version, updates: this.state.updates, now: nullable(this.state.now), done: this.done, error: this.error };
  }

  private changed(immediately: boolean): void {
    this.version++;
    if (this.noticeTimer) return;
    const wait = immediately ? 0 : Math.max(0, this.lastNoticeAt + this.options.noticeMs - Date.now());
    this.noticeTimer = setTimeout(() => {
      this.noticeTimer = undefined;
      this.lastNoticeAt = Date.now();
      const notice = this.notice();
      for (const listener of this.listeners) listener(notice);
    }, wait);
    this.noticeTimer.unref();
  }

  info(): SourceInfo {
    const now = nullable(this.state.now);
    return {
      index: this.index,
      label: this.source.label,
      kind: this.source.kind,
      description: this.source.description,
      limitations: this.source.limitations,
      updates: this.state.updates,
      now,
      anchorSeconds: this.state.clock.seconds ?? null,
      done: this.done,
      error: this.error,
      hasPolls: this.pollTimeline !== undefined,
      canTimeTravel: this.keepsItems,
      range: now === null || Number.isNaN(this.firstNow) ? null : [this.firstNow, now],
      version: this.version,
    };
  }

  /**
   * The runtime rules over everything seen so far: cached per version, and while a source is still
   * streaming recomputed at most every `diagnoseEveryMs` (they walk every task's history).
   */
  diagnoses(): DiagnoseResult {
    const d = this.diagnosed;
    const fresh = d !== undefined && (d.version === this.version || (!this.done && Date.now() - d.at < this.options.diagnoseEveryMs));
    if (!fresh) this.diagnosed = { version: this.version, at: Date.now(), result: diagnose(this.timelineBuilder.timeline) };
    return this.diagnosed!.result;
  }

  /** The state model as of `at` (file sources), fed forward from a cached earlier state when possible. */
  stateAt(at: number | undefined): ConsoleState {
    if (at === undefined || !this.keepsItems || !(at < this.state.now)) return this.state;
    if (!this.travel || this.travel.at > at) this.travel = { at: Number.NEGATIVE_INFINITY, state: new ConsoleState(), next: 0 };
    const t = this.travel;
    while (t.next < this.items.length) {
      const item = this.items[t.next]!;
      if (item.update && t.state.updates > 0 && t.state.clock.of(item.update.now) > at) break;
      if (item.update) t.state.applyUpdate(item.update);
      else t.state.applyTaskDetails(item.taskDetails);
      t.next++;
    }
    t.at = at;
    return t.state;
  }

  async close(): Promise<void> {
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    this.listeners.clear();
    await this.source.close();
  }
}
