import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sharedFixture } from "../../support/shared.ts";
import { decodeDurationHistogram, decodeHdrHistogram, HistogramDecodeError } from "../../../src/console/histogram/duration-histogram.ts";
import { decodeTaskDetails } from "../../../src/console/protocol/decode.ts";
import { splitGrpcFrames } from "../../../src/console/protocol/grpc-frames.ts";

const dir = path.dirname(sharedFixture("console", "README.md"));

/**
 * Independent reading of the counts, straight from docs/shared console-protocol.md §5: ZigZag LEB128
 * counts (negative = run of zeros), index → value with 2 significant figures and lowest 1.
 */
function referenceBuckets(raw: Uint8Array): { value: number; count: number }[] {
  const payload = (raw[4] << 24) | (raw[5] << 16) | (raw[6] << 8) | raw[7];
  let p = 40;
  let idx = 0;
  const out: { value: number; count: number }[] = [];
  while (p < 40 + payload) {
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < 9; i++) {
      const b = BigInt(raw[p++]);
      if (i === 8) {
        v |= b << shift;
        break;
      }
      v |= (b & 0x7fn) << shift;
      shift += 7n;
      if ((b & 0x80n) === 0n) break;
    }
    const n = Number((v >> 1n) ^ -(v & 1n));
    if (n < 0) {
      idx += -n;
      continue;
    }
    if (n > 0) {
      let bucket = (idx >> 7) - 1;
      let sub = (idx & 127) + 128;
      if (bucket < 0) {
        sub -= 128;
        bucket = 0;
      }
      out.push({ value: sub * 2 ** bucket, count: n });
    }
    idx++;
  }
  return out;
}

describe("HdrHistogram V2 decoding (hdr-histogram-js) on the real TaskDetails bytes", () => {
  const files = readdirSync(dir).filter((f) => f.includes(".taskdetails.") && f.endsWith(".grpc"));
  it("finds the fixtures (kitchen-sink, kitchen-sink-stock: blocker and self-waker; late-connect: blocker)", () => expect(files.length).toBe(5));
  for (const file of files) {
    it(`${file}: every message's buckets agree with the reference reading`, () => {
      const frames = splitGrpcFrames(readFileSync(path.join(dir, file)));
      let lastCount = 0;
      for (const frame of frames) {
        const details = decodeTaskDetails(frame);
        expect(details.histogram).toBeDefined();
        const summary = decodeDurationHistogram(details.histogram!);
        const ref = referenceBuckets(details.histogram!.rawHistogram);
        expect(summary.buckets.map((b) => ({ value: b.low, count: b.count }))).toEqual(ref);
        expect(summary.count).toBe(ref.reduce((a, b) => a + b.count, 0));
        expect(summary.maxValue).toBe(1_000_000_000);
        // histograms are cumulative over the task's life
        expect(summary.count).toBeGreaterThanOrEqual(lastCount);
        lastCount = summary.count;
      }
    });
  }

  it("blocker: 3 polls in the ~300 ms bucket and 1 in the bucket starting at 15 680 ns (fixture README)", () => {
    const frames = splitGrpcFrames(readFileSync(sharedFixture("console", "kitchen-sink.taskdetails.blocker.grpc")));
    const last = decodeDurationHistogram(decodeTaskDetails(frames[frames.length - 1]).histogram!);
    expect(last.buckets.map((b) => [b.low, b.count])).toEqual([
      [15680, 1],
      [299892736, 3],
    ]);
    // polls from kitchen-sink.md: blocker has 4 polls
    expect(last.count).toBe(4);
    // percentiles are the highest value equivalent to the bucket: 15680 + 64 - 1, and (143+1)·2^21 − 1
    expect(last.percentiles[10]).toBe(15743);
    expect(last.percentiles[50]).toBe(301989887);
    expect(last.min).toBe(15680);
    expect(last.max).toBe(301989887);
  });

  it("self-waker: 1005 polls (kitchen-sink.md) by the end", () => {
    const frames = splitGrpcFrames(readFileSync(sharedFixture("console", "kitchen-sink.taskdetails.self-waker.grpc")));
    const last = decodeDurationHistogram(decodeTaskDetails(frames[frames.length - 1]).histogram!);
    expect(last.count).toBe(1005);
  });

  it("rejects bytes that are not an uncompressed V2 histogram", () => {
    expect(() => decodeHdrHistogram(new Uint8Array(10))).toThrow(HistogramDecodeError);
    const compressedCookie = new Uint8Array(48);
    new DataView(compressedCookie.buffer).setUint32(0, 0x1c849314);
    expect(() => decodeHdrHistogram(compressedCookie)).toThrow(/cookie/);
  });
});

it("does not modify the bytes it decodes (the library byte-swaps its input in place)", () => {
  const raw = Buffer.from("HISTEwAAAAMAAAAAAAAAAgAAAAAAAAABAAAAADuaygA/8AAAAAAAAJ0sBg==", "base64");
  const before = Buffer.from(raw);
  decodeHdrHistogram(raw);
  expect(raw.equals(before)).toBe(true);
});
