/**
 * Whole-command measurement for benchmarks: each command runs as its own process under GNU time
 * (`/usr/bin/time`, Debian package `time`), which reports the child's CPU time (user + system), wall time
 * and peak RSS; the commands of one comparison run interleaved (A B C, A B C, …) so a change of load on
 * the shared machine hits all of them alike, and the figures are medians over the runs.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const gnuTime = "/usr/bin/time";

export function haveGnuTime(): boolean {
  return existsSync(gnuTime);
}

export interface CommandSpec {
  label: string;
  command: string;
  args: string[];
  /** File given to the command as stdin (default: nothing, /dev/null). */
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Exit codes that count as success (default [0]). */
  okCodes?: number[];
}

export interface Sample {
  /** user + system CPU seconds of the command (children included, as GNU time reports them). */
  cpu: number;
  wall: number;
  maxRssMb: number;
}

/** Runs one command to completion (stdout discarded) and returns its resources; throws if it fails. */
export function measureCommand(spec: CommandSpec): Sample {
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-time-"));
  const report = path.join(dir, "time.txt");
  const stdin = openSync(spec.stdin ?? "/dev/null", "r");
  try {
    const run = spawnSync(gnuTime, ["-f", "%U %S %e %M", "-o", report, spec.command, ...spec.args], {
      stdio: [stdin, "ignore", "pipe"],
      env: spec.env ?? process.env,
      cwd: spec.cwd,
      maxBuffer: 64 * 1024 * 1024,
    });
    const ok = spec.okCodes ?? [0];
    if (run.status === null || !ok.includes(run.status)) {
      throw new Error(`${spec.label}: exit ${run.status ?? run.signal}: ${run.stderr.toString().trim().split("\n").slice(-3).join(" | ")}`);
    }
    // GNU time writes "Command exited with non-zero status N" before the figures when the exit is not 0.
    const last = readFileSync(report, "utf8").trim().split("\n").pop()!;
    const [user, system, wall, rssKb] = last.split(" ").map(Number);
    return { cpu: user! + system!, wall: wall!, maxRssMb: rssKb! / 1024 };
  } finally {
    closeSync(stdin);
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Summary {
  label: string;
  runs: number;
  /** Medians. */
  cpu: number;
  wall: number;
  maxRssMb: number;
  /** Spread of the CPU samples, for the shared machine's noise. */
  cpuMin: number;
  cpuMax: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs every command `runs` times, interleaved, after `warmup` untimed rounds (file cache, disk), and
 * returns the medians per command in the order given.
 */
export function interleaved(specs: CommandSpec[], runs: number, warmup = 1, onRound?: (round: number) => void): Summary[] {
  for (let w = 0; w < warmup; w++) for (const spec of specs) measureCommand(spec);
  const samples = specs.map(() => [] as Sample[]);
  for (let r = 0; r < runs; r++) {
    specs.forEach((spec, i) => samples[i]!.push(measureCommand(spec)));
    onRound?.(r + 1);
  }
  return specs.map((spec, i) => {
    const s = samples[i]!;
    const cpus = s.map((x) => x.cpu);
    return {
      label: spec.label,
      runs,
      cpu: median(cpus),
      wall: median(s.map((x) => x.wall)),
      maxRssMb: median(s.map((x) => x.maxRssMb)),
      cpuMin: Math.min(...cpus),
      cpuMax: Math.max(...cpus),
    };
  });
}

/** CPU seconds of this process spent in `body` (for in-process figures). */
export function cpuSeconds(body: () => void): number {
  const before = process.cpuUsage();
  body();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

export const seconds = (s: number) => `${s.toFixed(2)} s`;
export const megabytes = (mb: number) => `${mb.toFixed(0)} MB`;
export const ratio = (r: number) => `${r.toFixed(2)}×`;
