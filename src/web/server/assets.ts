/**
 * The single-page app's built files (dist/web/app.js and app.css, bundled by scripts/build.mjs from
 * src/web/app/ with esbuild: no CDN, works offline) and the HTML page around them, for the server and
 * for the offline report (which inlines them).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../../cli/errors.ts";
import { packageRoot } from "../../util/package-root.ts";

export interface AppAssets {
  js: string;
  css: string;
}

let cached: AppAssets | undefined;

export function appAssetsDir(): string {
  return path.join(packageRoot, "dist", "web");
}

export function loadAppAssets(): AppAssets {
  if (cached) return cached;
  const dir = appAssetsDir();
  const js = path.join(dir, "app.js");
  const css = path.join(dir, "app.css");
  if (!existsSync(js) || !existsSync(css)) throw new UsageError(`the dashboard is not built (${js} is missing): run \`npm run build\``);
  cached = { js: readFileSync(js, "utf8"), css: readFileSync(css, "utf8") };
  return cached;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page served by `console web`: the app loads its data from /api. */
export function servedPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body><div id="app"></div></body>
</html>
`;
}

/**
 * A self-contained page: the app's script and styles inlined, its data embedded as JSON (with `<` escaped
 * so that no string in the data can close the script element).
 */
export function inlinedPage(title: string, data: unknown): string {
  const assets = loadAppAssets();
  const json = JSON.stringify(data).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'">
<title>${escapeHtml(title)}</title>
<style>${assets.css.replace(/<\/style/gi, "<\\/style")}</style>
</head>
<body><div id="app"></div>
<script type="application/json" id="async-doctor-data">${json}</script>
<script>${assets.js.replace(/<\/script/gi, "<\\/script")}</script>
</body>
</html>
`;
}
