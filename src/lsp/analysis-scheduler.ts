interface DocumentState {
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  again: boolean;
  waiters: Array<() => void>;
}

/**
 * Per-document debounce with coalescing: a change (re)starts a short timer; when it fires the
 * document is analysed from its latest text. At most one analysis per document runs at a time;
 * changes that arrive meanwhile are folded into one more run after it. So a fast typist costs one
 * analysis per pause (or per analysis time, if typing outpaces it), never one per keystroke queued.
 */
export class AnalysisScheduler {
  private readonly documents = new Map<string, DocumentState>();

  constructor(
    private delayMs: number,
    private readonly analyse: (key: string) => Promise<void>,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  setDelay(delayMs: number): void {
    this.delayMs = delayMs;
  }

  schedule(key: string, delayMs = this.delayMs): void {
    const state = this.state(key);
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => this.start(key), delayMs);
  }

  /** Whether an analysis is waiting or running for any document. */
  get busy(): boolean {
    for (const state of this.documents.values()) if (state.timer || state.running) return true;
    return false;
  }

  /** Resolves once the document has no analysis waiting or running. */
  settled(key: string): Promise<void> {
    const state = this.documents.get(key);
    if (!state || (!state.timer && !state.running)) return Promise.resolve();
    return new Promise((resolve) => state.waiters.push(resolve));
  }

  forget(key: string): void {
    const state = this.documents.get(key);
    if (state?.timer) clearTimeout(state.timer);
    if (state) delete state.timer;
    if (state && !state.running) this.release(key, state);
  }

  dispose(): void {
    for (const key of [...this.documents.keys()]) this.forget(key);
  }

  private state(key: string): DocumentState {
    let state = this.documents.get(key);
    if (!state) {
      state = { again: false, waiters: [] };
      this.documents.set(key, state);
    }
    return state;
  }

  private start(key: string): void {
    const state = this.state(key);
    delete state.timer;
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = this.analyse(key)
      .catch((error: unknown) => this.onError(key, error))
      .finally(() => {
        delete state.running;
        if (state.again) {
          state.again = false;
          this.start(key);
        } else if (!state.timer) this.release(key, state);
      });
  }

  private release(key: string, state: DocumentState): void {
    const waiters = state.waiters.splice(0);
    this.documents.delete(key);
    for (const resolve of waiters) resolve();
  }
}
