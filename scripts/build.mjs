#!/usr/bin/env node
// Compiles the TypeScript sources once into dist/ so the CLI starts from plain JavaScript (no tsx,
// no per-start transpile). esbuild bundles each entry with code splitting: every command's
// implementation stays a lazily imported chunk, and npm dependencies stay external (node_modules).
// Type checking is tsc's job (`npm run typecheck`); esbuild only strips types.
// A second build bundles the dashboard's single-page app (src/web/app, Preact + uPlot) for browsers into
// dist/web/app.js and app.css: everything inlined, no CDN, so `console web` and the offline report
// work without a network.
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
const web = await build({
  absWorkingDir: root,
  entryPoints: { app: "src/web/app/main.tsx" },
  outdir: path.join(outdir, "web"),
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["chrome110", "firefox110", "safari16"],
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: true,
  legalComments: "none",
  // The app imports the CLI's own filter language and table columns; their Node-only imports are never reached in a browser.
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
  metafile: true,
});
if (!quiet) {
  const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith(".js"));
  const appBytes = Object.entries(web.metafile.outputs).reduce((sum, [, o]) => sum + o.bytes, 0);
  process.stderr.write(`build: ${files.length} files in dist/, dashboard app ${Math.round(appBytes / 1024)} KiB in dist/web/ (${Math.round(performance.now() - started)} ms)\n`);
}
