#!/usr/bin/env node
// Compiles the TypeScript sources once into dist/ so the CLI starts from plain JavaScript (no tsx,
// no per-start transpile). esbuild bundles each entry with code splitting: every command's
// implementation stays a lazily imported chunk, and npm dependencies stay external (node_modules).
// Type checking is tsc's job (`npm run typecheck`); esbuild only strips types.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "dist");
const quiet = process.argv.includes("--quiet");

rmSync(outdir, { recursive: true, force: true });
const started = performance.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    // The CLI: bin/async-doctor.js imports dist/main.js.
    main: "src/cli/main.ts",
    // Worker threads start from their own entry (src/lint/parallel.ts points at it).
    "lint-worker": "src/lint/lint-worker.ts",
  },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  // Flat: every chunk sits beside lint-worker.js, so `new URL("./lint-worker.js", import.meta.url)` finds it.
  chunkNames: "[name]-[hash]",
  logLevel: "warning",
  metafile: true,
});
if (!quiet) {
  const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith(".js"));
  process.stderr.write(`build: ${files.length} files in dist/ (${Math.round(performance.now() - started)} ms)\n`);
}
