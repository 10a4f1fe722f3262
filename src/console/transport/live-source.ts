import { UsageError } from "../../cli/errors.ts";
import { decodeTaskDetails, decodeUpdate } from "../protocol/decode.ts";
import type { ConsoleSource, OpenSourceOptions, SourceItem } from "../source.ts";
import { LiveClient, type LiveEvent } from "./live-client.ts";
import { parseTarget } from "./target.ts";

/**
 * A live console-subscriber as a ConsoleSource (the contract in src/console/source.ts). The promise
 * resolves once the first (snapshot) update has arrived, so connection failures surface from
 * `openLiveSource` as UsageErrors. After a reconnect the first update carries `reset: true`: rebuild the
 * state from it. `watchTaskDetails(id)` adds TaskDetails items for a task of the current session.
 */
export type LiveSourceItem = SourceItem & { session: number; reset?: true };

export interface LiveSource extends ConsoleSource {
  [Symbol.asyncIterator](): AsyncIterator<LiveSourceItem>;
  close(): Promise<void>;
  watchTaskDetails(task: bigint): void;
  /** Whether the server has WatchState (undefined until known). */
  readonly hasWatchState: boolean | undefined;
}

export interface LiveSourceOptions extends OpenSourceOptions {
  /** Reconnect when the stream ends (default true). */
  reconnect?: boolean;
  /** Progress lines (connected, disconnected, retrying) for stderr. */
  log?: (line: string) => void;
}

export async function openLiveSource(targetText: string, options: LiveSourceOptions = {}): Promise<LiveSource> {
  const target = parseTarget(targetText);
  const client = new LiveClient({
    target,
    timeoutMs: options.connectTimeoutMs ?? 10_000,
    reconnect: options.reconnect ?? true,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const events = client.events()[Symbol.asyncIterator]();
  let hasWatchState: boolean | undefined;
  let timer: NodeJS.Timeout | undefined;
  const log = options.log ?? (() => {});

  // Wait for the snapshot so that "cannot connect" is reported by openLiveSource itself.
  const pending: LiveEvent[] = [];
  for (;;) {
    const next = await events.next();
    if (next.done) throw new UsageError(`${target.display}: stopped before the first update`);
    pending.push(next.value);
    if (next.value.type === "update") break;
  }
  if (options.durationMs !== undefined) timer = setTimeout(() => client.close(), options.durationMs);

  async function* items(): AsyncGenerator<LiveSourceItem> {
    let resetPending = false;
    try {
      for (;;) {
        let event: LiveEvent;
        if (pending.length > 0) event = pending.shift()!;
        else {
          const next = await events.next();
          if (next.done) return;
          event = next.value;
        }
        switch (event.type) {
          case "connected":
            log(`connected to ${event.target}${event.session > 1 ? ` (reconnect #${event.session - 1})` : ""}`);
            break;
          case "reset":
            resetPending = true;
            break;
          case "disconnected":
            log(`${event.reason}${event.retryInMs !== undefined ? `; reconnecting in ${event.retryInMs} ms` : ""}`);
            break;
          case "state-unsupported":
            hasWatchState = false;
            break;
          case "state":
            hasWatchState = true;
            break;
          case "update": {
            const item: LiveSourceItem = { receivedAt: event.receivedAt, update: decodeUpdate(event.bytes), session: event.session };
            if (resetPending) item.reset = true;
            resetPending = false;
            yield item;
            break;
          }
          case "details":
            yield { receivedAt: event.receivedAt, taskDetails: decodeTaskDetails(event.bytes), session: event.session };
            break;
          case "details-ended":
            break;
        }
      }
    } finally {
      if (timer) clearTimeout(timer);
      client.close();
    }
  }

  return {
    kind: "live",
    description: target.display,
    get hasWatchState() {
      return hasWatchState;
    },
    watchTaskDetails: (task: bigint) => client.watchTaskDetails(task),
    [Symbol.asyncIterator]: () => items(),
    close: async () => {
      if (timer) clearTimeout(timer);
      client.close();
    },
  };
}
