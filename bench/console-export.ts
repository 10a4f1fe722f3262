/**
 * Trace export speed and memory: a generated console-subscriber recording (default 5 million events:
 * 2 runtime worker threads, a few thousand tasks alive at a time, wakes, self-wakes, waker clones/drops,
 * task churn) is ingested into the state model (what `console snapshot` does) and exported with
 * `console export` (both formats, with the diagnoses and utilisation), each in a fresh child process so
 * that CPU time and peak RSS are its own. Goal (issue #18): export ≤ 3× the ingest time, bounded memory.
 * Run: node --import tsx bench/console-export.ts [events=5000000] [rounds=1]
 *      node --import tsx bench/console-export.ts --generate FILE [events]   (only write the recording)
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);

async function child(mode: string, file: string): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let detail: unknown;
  if (mode === "ingest") {
    const { ConsoleState } = await import("../src/console/model/console-state.ts");
    const { openRecordingSource } = await import("../src/console/recording/recording-source.ts");
    const state = new ConsoleState();
    for await (const item of openRecordingSource(file)) if (item.update) state.applyUpdate(item.update);
    detail = { tasks: [...state.allTasks()].length };
  } else {
    const { exportTrace } = await import("../src/console/export/run-export.ts");
    const out = `${file}.${mode}`;
    const s = await exportTrace(file, { format: mode === "perfetto" ? "perfetto" : "chrome-trace", out });
    detail = { polls: s.polls, flows: s.flows, diagnoses: s.diagnoses, outMB: Math.round(s.bytes / 1e6) };
    rmSync(out);
  }
  const c = process.cpuUsage(c0);
  process.stdout.write(`${JSON.stringify({ cpu: (c.user + c.system) / 1e6, wall: (performance.now() - t0) / 1e3, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), detail })}\n`);
}

/** Writes the recording with one buffered writer; ids above 2^53 for most tasks, like real span ids. */
function generateRecording(file: string, target: number): { events: number; tasks: number } {
  const fd = openSync(file, "w");
  let buf = '{"v":1}\n';
  let events = 0;
  let ns = 0;
  const sec0 = 1_795_635_741;
  const stamp = (step: number) => {
    ns += step;
    return `"at":{"secs_since_epoch":${sec0 + Math.floor(ns / 1e9)},"nanos_since_epoch":${ns % 1e9}}`;
  };
  const line = (text: string) => {
    buf += `${text}\n`;
    events++;
    if (buf.length >= 1 << 22) {
      writeSync(fd, buf);
      buf = "";
    }
  };
  let spawned = 0;
  const spanId = (n: number) => (n % 4 === 0 ? String(n + 100) : ((BigInt(n % 7 + 1) << 52n) + BigInt(n)).toString());
  const spawn = (fields: string) => {
    const id = spanId(++spawned);
    line(`{"Spawn":{"id":${id},${stamp(3_000)},"fields":[${fields},{"name":"task.id","value":${spawned}}]}}`);
    return id;
  };
  const launch = '{"name":"fn","value":"tokio::runtime::scheduler::multi_thread::worker::Launch::launch::{{closure}}"}';
  for (let w = 0; w < 2; w++) {
    const id = spawn(`{"name":"kind","value":"blocking"},{"name":"task.name","value":""},${launch}`);
    line(`{"Enter":{"id":${id},${stamp(1_000)}}}`);
  }
  const live: { id: string; left: number; spin: boolean }[] = [];
  const names = ["conn", "handler", "flush", "tick", ""];
  while (live.length < 3000) live.push({ id: spawn(`{"name":"kind","value":"task"},{"name":"task.name","value":"${names[spawned % 5]}"}`), left: 10 + (spawned % 30), spin: spawned % 50 === 0 });
  let i = 0;
  while (events < target) {
    i = (i * 7 + 13) % live.length;
    const t = live[i]!;
    line(`{"Waker":{"id":${t.id},"op":"Clone",${stamp(2_000)}}}`);
    line(`{"Waker":{"id":${t.id},"op":{"Wake":{"self_wake":false}},${stamp(9_000)}}}`);
    line(`{"Enter":{"id":${t.id},${stamp(4_000)}}}`);
    if (t.spin) line(`{"Waker":{"id":${t.id},"op":{"WakeByRef":{"self_wake":true}},${stamp(500)}}}`);
    line(`{"Exit":{"id":${t.id},${stamp(15_000)}}}`);
    if (--t.left === 0) {
      line(`{"Close":{"id":${t.id},${stamp(1_000)}}}`);
      live[i] = { id: spawn(`{"name":"kind","value":"task"},{"name":"task.name","value":"${names[spawned % 5]}"}`), left: 10 + (spawned % 30), spin: spawned % 50 === 0 };
    }
  }
  writeSync(fd, buf);
  closeSync(fd);
  return { events, tasks: spawned };
}

function run(mode: string, file: string): { cpu: number; wall: number; maxRssMB: number; detail: unknown } {
  const out = execFileSync(process.execPath, ["--import", "tsx", self, "--child", mode, file], { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split("\n").at(-1)!) as { cpu: number; wall: number; maxRssMB: number; detail: unknown };
}

if (process.argv[2] === "--child") {
  await child(process.argv[3]!, process.argv[4]!);
} else if (process.argv[2] === "--generate") {
  // Only write the recording (for profiling): --generate FILE [events]
  console.log(generateRecording(process.argv[3]!, Number(process.argv[4] ?? 5_000_000)));
} else {
  const target = Number(process.argv[2] ?? 5_000_000);
  const rounds = Number(process.argv[3] ?? 1);
  const dir = mkdtempSync(path.join(os.tmpdir(), "async-doctor-export-bench-"));
  const file = path.join(dir, "big.recording.jsonl");
  try {
    const gen = generateRecording(file, target);
    console.log(`machine: ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    console.log(`recording: ${gen.events} events, ${gen.tasks} tasks, ${(statSync(file).size / 1e6).toFixed(0)} MB`);
    const rows = [];
    for (let r = 0; r < rounds; r++) {
      const ingest = run("ingest", file);
      const json = run("chrome-trace", file);
      const perfetto = run("perfetto", file);
      rows.push({
        round: r,
        "ingest cpu s": ingest.cpu.toFixed(1),
        "ingest RSS MB": ingest.maxRssMB,
        "json cpu s": json.cpu.toFixed(1),
        "json ×ingest": (json.cpu / ingest.cpu).toFixed(2),
        "json RSS MB": json.maxRssMB,
        "perfetto cpu s": perfetto.cpu.toFixed(1),
        "perfetto ×ingest": (perfetto.cpu / ingest.cpu).toFixed(2),
        "perfetto RSS MB": perfetto.maxRssMB,
      });
      console.log(JSON.stringify({ json: json.detail, perfetto: perfetto.detail }));
    }
    console.table(rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
