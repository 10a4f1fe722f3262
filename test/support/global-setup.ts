import { execFileSync } from "node:child_process";
import path from "node:path";
import { projectRoot } from "./shared.ts";

/**
 * The CLI tests run bin/async-doctor.js, which starts from the compiled dist/. Building here (esbuild,
 * well under a second) makes every run test the current sources, never a stale build.
 */
export default function setup(): void {
  execFileSync(process.execPath, [path.join(projectRoot, "scripts/build.mjs"), "--quiet"], { stdio: "inherit" });
}
