import { Option, type Command } from "commander";
import type { SetExitCode } from "../registry.ts";

/** `async-doctor doctor`: lint + runtime check + panic log in one self-contained HTML report (and JSON). */
export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command("doctor")
    .description("lint the crate, check the running app or a recording, clean a panic log, correlate them, and write one offline HTML report plus JSON")
    .argument("[path]", "crate folder (or file) to lint", ".")
    .option("--target <url>", "a live console-subscriber to watch (http://HOST:PORT, HOST:PORT, unix:PATH)")
    .option("--recording <file>", "a recording (.jsonl), capture file or raw .grpc WatchUpdates body instead of a live target")
    .option("--log <file>", "a log with panics and backtraces to clean and correlate")
    .option("-o, --out <file>", "the HTML report to write (the JSON goes beside it, .json)", "async-doctor-report.html")
    .option("-d, --duration <duration>", "how long to watch a live --target", "10s")
    .addOption(new Option("--fail-on <level>", "exit 1 when a finding or diagnosis is at or above this severity, or a panic is found").choices(["error", "warning", "never"]).default("warning"))
    .action(async (path: string | undefined, options) => {
      const { runDoctorCommand } = await import("../../doctor/run-doctor.ts");
      setExitCode(await runDoctorCommand(path, options));
    });
}
