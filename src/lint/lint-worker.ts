import { parentPort, workerData } from "node:worker_threads";
import { readSource } from "../rust/read-source.ts";
import { activeRules } from "./engine.ts";
import { lintFileIsolated } from "./isolated-file.ts";
import type { LintConfig } from "./config.ts";
import type { WorkerRequest, WorkerResponse } from "./parallel.ts";

const { config, only } = workerData as { config: LintConfig; only: string[] };
const rules = activeRules(config, only);
const crateRoots = new Map<string, string | undefined>();

parentPort!.on("message", async (request: WorkerRequest) => {
  const response: WorkerResponse = { id: request.id, results: [] };
  for (const file of request.files) {
    const read = await readSource(file);
    if (!read.ok) {
      response.results.push({ file, skipped: read.reason });
      continue;
    }
    const linted = await lintFileIsolated(read.file, config, rules, crateRoots);
    response.results.push(linted.ok ? { file, result: linted.result } : { file, skipped: linted.reason });
  }
  parentPort!.postMessage(response);
});
