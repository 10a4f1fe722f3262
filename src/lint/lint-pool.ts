/**
 * One pool of lint worker threads for a long-running process (the MCP server), shared by every
 * session and request, with a bounded queue. Each job runs whole in one worker (snippet or paths,
 * both passes), so:
 * - the server's event loop never runs a lint: other sessions keep being served;
 * - a job over its time budget, or cancelled, is stopped by terminating its worker (the only way to
 *   stop synchronous parsing), and a fresh worker takes its place;
 * - a worker whose parser had to be recreated (WASM abort) is replaced after the job, which frees the
 *   dead instance's memory with the thread.
 * The CLI's one-shot parallel lint (parallel.ts) keeps its own batch workers.
 */
import { Worker } from "node:worker_threads";
import type { LintConfig } from "./config.ts";
import type { LintResult } from "./api.ts";

export type LintJob =
  | { kind: "text"; text: string; fileName: string; rules?: string[]; config?: LintConfig }
  | { kind: "paths"; files: string[]; rules?: string[]; config?: LintConfig };

export interface PoolRequest {
  id: number;
  job: LintJob;
}

export type PoolResponse =
  | { id: number; kind: "progress"; done: number; total: number }
  | { id: number; kind: "result"; result: LintResult; recycle: boolean }
  | { id: number; kind: "error"; message: string; usage: boolean; recycle: boolean };

/** A job that failed in a way the client can act on (its input, the budget, a busy server). */
export class LintJobError extends Error {
  override readonly name = "LintJobError";
}

export interface RunOptions {
  budgetMs: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

interface Pending {
  id: number;
  job: LintJob;
  options: RunOptions;
  resolve(result: LintResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  job?: Pending;
  timer?: NodeJS.Timeout;
}

function workerEntry(): URL {
  return import.meta.url.endsWith(".ts") ? new URL("./worker-entry.js", import.meta.url) : new URL("./lint-worker.js", import.meta.url);
}

export class LintPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    readonly size: number,
    readonly maxQueued: number,
    /** Heap cap of each worker (MiB): a job that needs more fails alone. */
    private readonly heapMb = 1024,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  run(job: LintJob, options: RunOptions): Promise<LintResult> {
    if (this.closed) return Promise.reject(new LintJobError("the server is shutting down"));
    if (options.signal?.aborted) return Promise.reject(new LintJobError("cancelled"));
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(new LintJobError(`the server is busy (${this.queue.length} lint calls waiting, ASYNC_DOCTOR_MCP_MAX_QUEUED_LINTS); retry shortly`));
    }
    return new Promise<LintResult>((resolve, reject) => {
      const pending: Pending = { id: this.nextId++, job, options, resolve, reject };
      const onAbort = () => this.cancel(pending, new LintJobError("cancelled"));
      options.signal?.addEventListener("abort", onAbort, { once: true });
      const settle = <T>(f: (value: T) => void) => (value: T) => {
        options.signal?.removeEventListener("abort", onAbort);
        f(value);
      };
      pending.resolve = settle(resolve);
      pending.reject = settle(reject);
      this.queue.push(pending);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new LintJobError("the server is shutting down"));
    await Promise.all(this.slots.splice(0).map((slot) => this.stop(slot)));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.job = pending;
      slot.timer = setTimeout(
        () => this.cancel(pending, new LintJobError(`lint stopped: over the time budget of ${Math.round(pending.options.budgetMs / 1000)} s (ASYNC_DOCTOR_MCP_REQUEST_BUDGET_MS); lint fewer files at a time`)),
        pending.options.budgetMs,
      );
      slot.worker.postMessage({ id: pending.id, job: pending.job } satisfies PoolRequest);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(workerEntry(), { workerData: { mode: "pool" }, resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
    worker.unref();
    const slot: Slot = { worker };
    worker.on("message", (response: PoolResponse) => {
      const pending = slot.job;
      if (!pending || pending.id !== response.id) return;
      if (response.kind === "progress") {
        pending.options.onProgress?.(response.done, response.total);
        return;
      }
      this.finish(slot);
      if (response.kind === "result") pending.resolve(response.result);
      else pending.reject(response.usage ? new LintJobError(response.message) : new Error(response.message));
      if (response.recycle) this.replace(slot);
      this.dispatch();
    });
    worker.on("error", (error) => this.crashed(slot, error));
    worker.on("exit", () => this.crashed(slot, new Error("lint worker exited")));
    this.slots.push(slot);
    return slot;
  }

  /** A worker died under a job (out of heap, a crash): the job fails alone, the slot gets a new worker. */
  private crashed(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    const pending = slot.job;
    this.finish(slot);
    if (pending) {
      const outOfMemory = /out of memory|ERR_WORKER_OUT_OF_MEMORY/i.test(`${(error as NodeJS.ErrnoException).code ?? ""} ${error.message}`);
      pending.reject(new LintJobError(outOfMemory ? `lint stopped: it needed more than ${this.heapMb} MiB of memory; lint fewer files at a time` : `lint failed: ${error.message}`));
    }
    if (!this.closed) this.dispatch();
  }

  private cancel(pending: Pending, error: Error): void {
    const queued = this.queue.indexOf(pending);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      pending.reject(error);
      return;
    }
    const slot = this.slots.find((s) => s.job === pending);
    if (!slot) return;
    this.finish(slot);
    pending.reject(error);
    this.replace(slot);
    this.dispatch();
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
  }

  private replace(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index !== -1) this.slots.splice(index, 1);
    void this.stop(slot);
  }

  private async stop(slot: Slot): Promise<void> {
    slot.worker.removeAllListeners("exit");
    slot.worker.removeAllListeners("error");
    slot.worker.on("error", () => {});
    await slot.worker.terminate().catch(() => {});
  }
}
