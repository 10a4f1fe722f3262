import { parentPort, workerData } from "node:worker_threads";
import { readSource } from "../rust/read-source.ts";
import { parserInstancesCreated } from "../rust/parser.ts";
import { UsageError } from "../cli/errors.ts";
import { activeRules } from "./engine.ts";
import { lintFileIsolated } from "./isolated-file.ts";
import type { LintConfig } from "./config.ts";
import type { WorkerRequest, WorkerResponse } from "./parallel.ts";
import type { PoolRequest, PoolResponse } from "./lint-pool.ts";

/**
 * Two kinds of worker share this entry: the CLI's batch workers (parallel.ts: pass 1 of given files with
 * one config) and the MCP server's pool workers (lint-pool.ts: whole jobs, both passes).
 */
if ((workerData as { mode?: string }).mode === "pool") {
  const { lintPaths, lintText } = await import("./api.ts");
  parentPort!.on("message", async ({ id, job }: PoolRequest) => {
    const before = parserInstancesCreated();
    const post = (response: PoolResponse) => parentPort!.postMessage(response);
    try {
      const options = { ...(job.rules && job.rules.length > 0 ? { rules: job.rules } : {}), ...(job.config ? { config: job.config } : {}) };
      const result =
        job.kind === "text"
          ? await lintText(job.text, job.fileName, options)
          : await lintPaths(job.files, { ...options, onProgress: (done, total) => post({ id, kind: "progress", done, total }) });
      post({ id, kind: "result", result, recycle: parserInstancesCreated() > Math.max(before, 1) });
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      post({ id, kind: "error", message, usage: error instanceof UsageError, recycle: parserInstancesCreated() > Math.max(before, 1) });
    }
  });
} else {
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
}
