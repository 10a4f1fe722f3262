/**
 * async-doctor capture files (docs/capture-format.md): JSON Lines, one record per line, each line written
 * with a single write call and terminated by "\n". A line without its "\n" is a record cut by a kill and
 * is ignored on read.
 */
export const captureMagic = "asyncDoctorCapture";
export const captureVersion = 1;

export type CaptureRpc = "WatchUpdates" | "WatchTaskDetails" | "WatchState";

export interface CaptureHeader {
  asyncDoctorCapture: 1;
  /** The console target that was recorded, e.g. "http://127.0.0.1:6669". */
  target: string;
  /** Wall-clock time of t = 0 (the recorder's clock, not the app's). */
  startedAt: string;
  tool?: string;
  /** Task ids (decimal) or names whose details were requested. */
  tasks?: string[];
}

/** One received message: the raw protobuf bytes (without the 5-byte gRPC prefix). */
export interface CaptureMessage {
  kind: "message";
  /** Milliseconds since startedAt when the message's last byte arrived. */
  t: number;
  /** Connection number, 1-based; it grows on every reconnect. A new session starts with a fresh snapshot. */
  session: number;
  rpc: CaptureRpc;
  /** For WatchTaskDetails: the task's console id (decimal string, 64-bit exact). */
  task?: string;
  bytes: Uint8Array;
}

export interface CaptureEvent {
  kind: "event";
  t: number;
  session?: number;
  event: "connected" | "ended" | "stopped";
  /** Why a session ended or the recording stopped. */
  reason?: string;
}

export type CaptureRecord = CaptureMessage | CaptureEvent;

/** What a line looks like on disk. */
export interface CaptureLine {
  t: number;
  s?: number;
  rpc?: CaptureRpc;
  task?: string;
  b64?: string;
  event?: CaptureEvent["event"];
  reason?: string;
}
