#!/usr/bin/env node
// The sources are TypeScript run through tsx, so a fresh clone works after `npm install` with no build step.
import { register } from "tsx/esm/api";

// `async-doctor … | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv);
