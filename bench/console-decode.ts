/**
 * Decode speed of src/console/protocol on the real kitchen-sink WatchUpdates fixture (13 messages,
 * 275 KB, console-subscriber 0.1.8). Run: node --import tsx bench/console-decode.ts
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { decodeUpdate } from "../src/console/protocol/decode.ts";
import { splitGrpcFrames } from "../src/console/protocol/grpc-frames.ts";
import { sharedFixture } from "../test/support/shared.ts";
import { reportBench } from "./lib/report.ts";

const bytes = readFileSync(sharedFixture("console", "kitchen-sink.watchupdates.grpc"));
const frames = splitGrpcFrames(bytes);

function best(rounds: number, body: () => number): number {
  let bestMbs = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const n = body();
    bestMbs = Math.max(bestMbs, n / 1e6 / ((performance.now() - t0) / 1000));
  }
  return bestMbs;
}

const splitMbs = best(5, () => {
  for (let i = 0; i < 20; i++) splitGrpcFrames(bytes);
  return 20 * bytes.length;
});
const decodeMbs = best(5, () => {
  let n = 0;
  for (let i = 0; i < 20; i++) for (const f of frames) n += (decodeUpdate(f), f.length);
  return n;
});
console.log(`machine: ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, node ${process.version}`);
console.table([
  { step: "split gRPC frames", "MB/s": splitMbs.toFixed(0) },
  { step: "decodeUpdate", "MB/s": decodeMbs.toFixed(1), "msg/s (avg 21 KB)": ((decodeMbs * 1e6) / (bytes.length / frames.length)).toFixed(0) },
]);
reportBench({
  title: "console: decoding WatchUpdates",
  baseline: "splitting the same bytes into gRPC frames (the floor)",
  method: "wall time, best of 5 rounds of 20 passes over the real kitchen-sink WatchUpdates fixture (13 messages, 275 KB)",
  tables: [
    {
      columns: ["step", "MB/s", "messages/s"],
      rows: [
        ["split gRPC frames", splitMbs.toFixed(0), "—"],
        ["decodeUpdate", decodeMbs.toFixed(1), ((decodeMbs * 1e6) / (bytes.length / frames.length)).toFixed(0)],
      ],
    },
  ],
});
