import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { cargo, fixtureBinary } from "../../support/rust.ts";

const run = promisify(execFile);

/** Scenarios of test/fixtures/rust/console-scenarios (one per runtime diagnosis, plus healthy). */
export const scenarioNames = [
  "healthy",
  "blocking-poll",
  "never-yielded",
  "lost-waker",
  "self-wake-spin",
  "scheduling-delay",
  "task-leak",
  "waker-leak",
  "lock-contention",
] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export interface ScenarioRun {
  name: ScenarioName;
  /** Path of the recording the program wrote (TOKIO_CONSOLE_RECORD_PATH). */
  recordingPath: string;
  /** The recording's text. */
  recording: string;
  /** What the program measured itself (its stdout JSON line, `facts`). */
  facts: Record<string, unknown>;
  elapsedMs: number;
}

/** Builds the fixture crate (release); returns the wall time of the cargo call in ms. */
export async function buildScenarios(): Promise<number> {
  const started = performance.now();
  await cargo("console-scenarios", ["build", "--release", "--quiet"]);
  return performance.now() - started;
}

/** Runs one scenario program and reads its recording. Scenarios run one at a time (timing-sensitive). */
export async function runScenario(name: ScenarioName, dir = mkdtempSync(path.join(os.tmpdir(), "console-scenarios-"))): Promise<ScenarioRun> {
  const recordingPath = path.join(dir, `${name}.recording.jsonl`);
  const { stdout } = await run(fixtureBinary("console-scenarios", "release"), ["--scenario", name], {
    env: { ...process.env, TOKIO_CONSOLE_RECORD_PATH: recordingPath },
    timeout: 30_000,
  });
  const line = stdout.trim().split("\n").at(-1) ?? "{}";
  const parsed = JSON.parse(line) as { facts: Record<string, unknown>; elapsed_ms: number };
  return { name, recordingPath, recording: readFileSync(recordingPath, "utf8"), facts: parsed.facts, elapsedMs: parsed.elapsed_ms };
}
