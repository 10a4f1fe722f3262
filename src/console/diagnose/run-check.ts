/** `async-doctor console check`: read console data, run the runtime rules, print, exit 1 on findings. */
import { UsageError } from "../../cli/errors.ts";
import { runtimeRules } from "../rules/index.ts";
import { diagnose, failsAt } from "./engine.ts";
import { formatJson, formatText, type CheckReport } from "./format.ts";
import { openCheckSource } from "./open-check-source.ts";
import { parseRuleOptions, parseThresholdValue } from "./options.ts";
import { buildTimeline } from "./timeline.ts";

export interface CheckCommandOptions {
  duration?: string;
  format: "text" | "json";
  failOn: "error" | "warning" | "never";
  allow: string[];
  set: string[];
  recordingInterval?: string;
}

const durationSpec = { name: "duration", unit: "duration", default: 0, why: "" } as const;

export async function checkConsole(target: string, options: CheckCommandOptions): Promise<{ report: CheckReport; exitCode: number }> {
  const ruleOptions = parseRuleOptions(runtimeRules, options.allow, options.set);
  const durationMs = options.duration ? parseThresholdValue(durationSpec, options.duration, "--duration") / 1e6 : undefined;
  const recordingIntervalMs = options.recordingInterval
    ? parseThresholdValue(durationSpec, options.recordingInterval, "--recording-interval") / 1e6
    : undefined;
  if (!["text", "json"].includes(options.format)) throw new UsageError(`--format ${options.format}: expected text or json`);
  const source = await openCheckSource(target, { durationMs, recordingIntervalMs });
  const timeline = await buildTimeline(source.items);
  if (timeline.updateTimes.length === 0) throw new UsageError(`${source.description}: no updates (is the app built with --cfg tokio_unstable and a console layer?)`);
  const result = diagnose(timeline, ruleOptions);
  const report: CheckReport = { ...result, source: { kind: source.kind, description: source.description, limitations: source.limitations } };
  return { report, exitCode: failsAt(result, options.failOn) ? 1 : 0 };
}

export async function runCheckCommand(target: string, options: CheckCommandOptions): Promise<number> {
  const { report, exitCode } = await checkConsole(target, options);
  process.stdout.write(options.format === "json" ? formatJson(report) : formatText(report));
  return exitCode;
}
