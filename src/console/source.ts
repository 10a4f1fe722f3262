/**
 * The one interface through which every source of tokio-console data feeds the state model:
 * recordings (.jsonl), raw WatchUpdates bodies (.grpc), capture files, and a live gRPC connection.
 *
 * A source is an async iterable of items in stream order. An item carries either one `Update` (from
 * WatchUpdates, or synthesised from a recording) or one `TaskDetails` (from WatchTaskDetails). The first
 * update of a live or .grpc source is the server's full snapshot; later ones are deltas (see
 * docs/console.md). Consumers must use `update.now` as "now", never `receivedAt`.
 */
import type { TaskDetails, Update } from "./protocol/messages.ts";

export type SourceItem =
  | {
      /** When the client received it: ms since the Unix epoch on the client's clock (for files: as recorded, or the app's `now`). */
      receivedAt: number;
      update: Update;
      taskDetails?: undefined;
      /** Set on the first update of a new connection (possibly a new app process): discard the state built so far. */
      reset?: boolean;
    }
  | {
      receivedAt: number;
      taskDetails: TaskDetails;
      update?: undefined;
      reset?: undefined;
    };

export type SourceKind = "live" | "grpc" | "recording" | "capture";

export interface ConsoleSource extends AsyncIterable<SourceItem> {
  readonly kind: SourceKind;
  /** For messages: a file path or a target URL. */
  readonly description: string;
  /**
   * What this source cannot provide (e.g. a recording has no locations, resources, async ops,
   * histograms or dropped-event counts). Shown to users so that absent data is not read as "none".
   */
  readonly limitations?: readonly string[];
  /** Stops the source early (closes the connection / file). Iteration then ends. */
  close?(): Promise<void>;
}

export interface OpenSourceOptions {
  /** Live sources: stop after this long (ms) of streaming; files ignore it. */
  durationMs?: number;
  /** Live sources: give up connecting after this long (ms). */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Contract for the live client ("live" owns src/console/transport/**): the snapshot command opens a
 * non-file TARGET (`http://host:port`, `host:port`, `unix:/path`) with
 * `(await import("./transport/live-source.ts")).openLiveSource(target, options)`.
 * The source yields the first (snapshot) update at once and then deltas until `durationMs`, the
 * signal, or `close()`. Connection failures are `UsageError`s (exit 2).
 */
export interface LiveSourceModule {
  openLiveSource(target: string, options: OpenSourceOptions): Promise<ConsoleSource>;
}

/**
 * Contract for capture files ("live" owns src/console/capture/**): the snapshot command checks
 * `(await import("./capture/capture-source.ts")).isCaptureFile(firstBytes)` on files that are neither a
 * recording nor a raw gRPC body, then opens them with `openCaptureSource(path, options)`.
 */
export interface CaptureSourceModule {
  isCaptureFile(head: Uint8Array): boolean;
  openCaptureSource(path: string, options: OpenSourceOptions): Promise<ConsoleSource>;
}
