/** The machine a benchmark ran on, for the record next to its figures. */
import { readFileSync } from "node:fs";
import os from "node:os";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export function machine(): Machine {
  let osName = `${os.type()} ${os.release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"));
    if (pretty) osName = pretty[1]!;
  } catch {
    // not Linux: the kernel name will do
  }
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: osName,
    node: process.version,
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpu} × ${m.cores}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}`;
}

/** 1-minute load average, one decimal. */
export function load(): number {
  return Math.round(os.loadavg()[0]! * 10) / 10;
}
