import { Worker } from "node:worker_threads";
import type { LintConfig } from "./config.ts";
import type { FileResult } from "./engine.ts";

export interface WorkerRequest {
  id: number;
  files: string[];
}

export interface WorkerResponse {
  id: number;
  results: Array<{ file: string; result?: FileResult; skipped?: string }>;
}

/**
 * The compiled CLI (dist/) starts workers from the bundled dist/lint-worker.js, next to the chunk
 * this code is in; from the TypeScript sources (tests, tsx) worker-entry.js registers tsx first.
 */
function workerEntry(): URL {
  return import.meta.url.endsWith(".ts") ? new URL("./worker-entry.js", import.meta.url) : new URL("./lint-worker.js", import.meta.url);
}

/**
 * Pass 1 on worker threads: each worker parses and checks batches of files and returns plain
 * findings and facts (trees never cross threads). Batches keep messages few and workers busy.
 */
export async function lintFilesInWorkers(
  files: string[],
  config: LintConfig,
  only: string[],
  jobs: number,
  onResult: (file: string, result: FileResult | undefined, skipped: string | undefined) => void,
): Promise<void> {
  const batchSize = 16;
  const batches: string[][] = [];
  for (let i = 0; i < files.length; i += batchSize) batches.push(files.slice(i, i + batchSize));
  let next = 0;
  const workers = Array.from({ length: Math.min(jobs, batches.length) }, () => new Worker(workerEntry(), { workerData: { config, only } }));
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= batches.length) {
                resolve();
                return;
              }
              const id = next++;
              worker.postMessage({ id, files: batches[id]! } satisfies WorkerRequest);
            };
            worker.on("message", (response: WorkerResponse) => {
              for (const item of response.results) onResult(item.file, item.result, item.skipped);
              feed();
            });
            worker.on("error", reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
