import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { sharedFixture } from "../../support/shared.ts";
import { decodeState, decodeTaskDetails, decodeUpdate, encodeTaskDetails, encodeUpdate, ProtocolDecodeError } from "../../../src/console/protocol/decode.ts";
import { encodeState } from "../../../src/console/protocol/encode.ts";
import { GrpcFrameDecoder, GrpcFrameError, encodeGrpcFrame, splitGrpcFrames } from "../../../src/console/protocol/grpc-frames.ts";
import { normaliseState, normaliseTaskDetails, normaliseUpdate } from "./oracle.ts";

const dir = path.dirname(sharedFixture("console", "README.md"));
const grpcFiles = readdirSync(dir).filter((f) => f.endsWith(".grpc"));

interface Meta {
  message_count: number;
  total_bytes: number;
  messages: { offset: number; length: number }[];
}

describe("decoder agrees with the independent oracle on every fixture message", () => {
  it("finds the fixtures", () => {
    expect(grpcFiles.length).toBeGreaterThanOrEqual(6);
  });
  for (const file of grpcFiles) {
    it(file, () => {
      const bytes = readFileSync(path.join(dir, file));
      const base = file.replace(/\.grpc$/, "");
      const meta = JSON.parse(readFileSync(path.join(dir, `${base}.meta.json`), "utf8")) as Meta;
      const oracle = readFileSync(path.join(dir, `${base}.decoded.jsonl`), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      const frames = splitGrpcFrames(bytes);
      expect(frames.length).toBe(meta.message_count);
      expect(frames.length).toBe(oracle.length);
      frames.forEach((frame, i) => {
        // frame boundaries agree with the capture's own accounting
        expect(frame.byteOffset - bytes.byteOffset).toBe(meta.messages[i].offset + 5);
        expect(frame.length).toBe(meta.messages[i].length);
        const normalised = file.includes(".watchupdates.") ? normaliseUpdate(decodeUpdate(frame)) : normaliseTaskDetails(decodeTaskDetails(frame));
        expect(normalised, `message #${i}`).toEqual(oracle[i]);
      });
    });
  }
});

describe("encoder", () => {
  for (const file of grpcFiles) {
    it(`re-encodes ${file} byte for byte (prost field order and default rules)`, () => {
      const frames = splitGrpcFrames(readFileSync(path.join(dir, file)));
      for (const frame of frames) {
        const again = file.includes(".watchupdates.") ? encodeUpdate(decodeUpdate(frame)) : encodeTaskDetails(decodeTaskDetails(frame));
        expect(Buffer.from(again).equals(Buffer.from(frame))).toBe(true);
      }
    });
  }

  it("keeps ids above 2^53 exact, and i64 zigzag values", () => {
    const big = 18446744073709551615n;
    const update = {
      now: { seconds: 1795635741, nanos: 5 },
      taskUpdate: {
        newTasks: [{ id: 695806417306648600n, kind: 1, fields: [{ strName: "x", i64Val: -9223372036854775808n }, { strName: "y", u64Val: big }], parents: [big] }],
        statsUpdate: new Map([[695806417306648600n, { wakes: 3, wakerClones: 2, wakerDrops: 1, selfWakes: 1 }]]),
        droppedEvents: 7,
      },
    };
    const back = decodeUpdate(encodeUpdate(update));
    expect(back.taskUpdate?.newTasks[0].id).toBe(695806417306648600n);
    expect(back.taskUpdate?.newTasks[0].parents).toEqual([big]);
    expect(back.taskUpdate?.newTasks[0].fields[0].i64Val).toBe(-9223372036854775808n);
    expect(back.taskUpdate?.newTasks[0].fields[1].u64Val).toBe(big);
    expect(back.taskUpdate?.statsUpdate.get(695806417306648600n)?.wakes).toBe(3);
    expect(back.taskUpdate?.droppedEvents).toBe(7);
  });

  it("State round-trips", () => {
    expect(normaliseState(decodeState(encodeState({ temporality: 1 })))).toEqual({ temporality: "PAUSED" });
    expect(decodeState(new Uint8Array(0))).toEqual({ temporality: 0 });
  });
});

describe("decoder robustness", () => {
  it("skips unknown fields of every skippable wire type", () => {
    // Update { 99: varint 1, 98: fixed64, 97: bytes "ab", 96: fixed32, 1: now{seconds 5} }
    const bytes = new Uint8Array([0x98, 0x06, 0x01, 0x91, 0x06, 1, 2, 3, 4, 5, 6, 7, 8, 0x8a, 0x06, 2, 0x61, 0x62, 0x85, 0x06, 1, 2, 3, 4, 0x0a, 0x02, 0x08, 0x05]);
    expect(decodeUpdate(bytes).now).toEqual({ seconds: 5, nanos: 0 });
  });
  it("rejects garbage with ProtocolDecodeError", () => {
    expect(() => decodeUpdate(new TextEncoder().encode('{"v":1}\n{"Spawn":{}}'))).toThrow(ProtocolDecodeError);
    expect(() => decodeUpdate(new Uint8Array([0x12, 0x10, 0x0a]))).toThrow(ProtocolDecodeError);
    expect(() => decodeUpdate(new Uint8Array([0x0f]))).toThrow(ProtocolDecodeError);
  });
});

describe("gRPC frames", () => {
  const bytes = readFileSync(sharedFixture("console", "kitchen-sink.watchupdates.grpc"));
  const whole = splitGrpcFrames(bytes);

  it("reassembles the same messages from arbitrary chunkings", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 70000 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const d = new GrpcFrameDecoder();
        const out: Uint8Array[] = [];
        let p = 0;
        let i = 0;
        while (p < bytes.length) {
          const n = sizes[i++ % sizes.length];
          out.push(...d.push(bytes.subarray(p, p + n)).map((f) => f.message));
          p += n;
        }
        d.end();
        expect(out.length).toBe(whole.length);
        out.forEach((m, k) => expect(Buffer.from(m).equals(Buffer.from(whole[k]))).toBe(true));
      }),
      { numRuns: 30 },
    );
  });

  it("handles byte-at-a-time input, empty messages and messages over 4 MiB", () => {
    const big = new Uint8Array(5 * 1024 * 1024).fill(7);
    const stream = Buffer.concat([encodeGrpcFrame(new Uint8Array(0)), encodeGrpcFrame(big), encodeGrpcFrame(new Uint8Array([1, 2]))]);
    const d = new GrpcFrameDecoder();
    const out: Uint8Array[] = [];
    for (let p = 0; p < 20; p++) out.push(...d.push(stream.subarray(p, p + 1)).map((f) => f.message));
    out.push(...d.push(stream.subarray(20)).map((f) => f.message));
    expect(out.map((m) => m.length)).toEqual([0, big.length, 2]);
    expect(d.atBoundary).toBe(true);
  });

  it("reports a truncated stream and a bad flag", () => {
    const d = new GrpcFrameDecoder();
    d.push(bytes.subarray(0, 100));
    expect(d.atBoundary).toBe(false);
    expect(() => d.end()).toThrow(GrpcFrameError);
    expect(() => splitGrpcFrames(new Uint8Array([7, 0, 0, 0, 0]))).toThrow(GrpcFrameError);
  });
});
