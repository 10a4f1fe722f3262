#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm install` runs through `prepare`).
// A source checkout without dist/ (or ASYNC_DOCTOR_FROM_SOURCE=1) runs the TypeScript through tsx.
import { existsSync } from "node:fs";

// `async-doctor … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const compiled = new URL("../dist/main.js", import.meta.url);
let main;
if (!process.env.ASYNC_DOCTOR_FROM_SOURCE && existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  const tsx = await import("tsx/esm/api").catch(() => undefined);
  if (!tsx) {
    process.stderr.write("async-doctor: error: dist/ is missing; run `npm run build` (or `npm install`) first\n");
    process.exit(2);
  }
  tsx.register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv);
