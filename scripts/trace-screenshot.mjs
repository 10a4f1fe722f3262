/**
 * Takes the screenshot in docs/exports.md: a `console export --format chrome-trace` trace opened in
 * Chromium's own trace viewer (the DevTools Performance panel, served by Chromium itself on its remote
 * debugging port; chrome://tracing is disabled in current builds). Needs Debian's chromium and
 * playwright-core, which is not a project dependency: `npm install --no-save playwright-core`.
 * Run: node scripts/trace-screenshot.mjs TRACE.json OUT.png
 * The clicks are coordinates in a 1600×1000 window (the panel draws tracks on a canvas).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const [file, out] = process.argv.slice(2);
if (!file || !out) {
  process.stderr.write("usage: node scripts/trace-screenshot.mjs TRACE.json OUT.png\n");
  process.exit(2);
}
const profile = mkdtempSync(path.join(os.tmpdir(), "trace-shot-"));
writeFileSync(path.join(profile, "Local State"), JSON.stringify({ internal_only_uis_enabled: true }));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  viewport: { width: 1600, height: 1000 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--remote-debugging-port=9333", "--remote-allow-origins=*"],
});
try {
  const page = await ctx.newPage();
  await page.goto(`http://127.0.0.1:9333/devtools/trace_app.html`, { timeout: 15000 });
  // Without a debugging target the frontend shows a "Debugging connection was closed" card: close it,
  // open the Performance panel and its "Load profile" file chooser (Ctrl+O); retried while the UI settles.
  let loaded = false;
  for (let attempt = 0; attempt < 5 && !loaded; attempt++) {
    await page.waitForTimeout(2000);
    await page.mouse.click(933, 462);
    await page.keyboard.press("Escape");
    await page.getByText("Performance", { exact: true }).first().click({ force: true });
    await page.waitForTimeout(1000);
    const chooser = page.waitForEvent("filechooser", { timeout: 5000 }).catch(() => undefined);
    await page.keyboard.press("Control+o");
    const fc = await chooser;
    if (fc) {
      await fc.setFiles(file);
      loaded = true;
    }
  }
  if (!loaded) throw new Error("could not open the Performance panel's file chooser");
  await page.waitForTimeout(12000);
  await page.mouse.click(1571, 77); // close the shortcuts card
  await page.waitForTimeout(500);
  for (const y of [191, 171, 129]) {
    await page.mouse.click(250, y);
    await page.waitForTimeout(800);
  }
  for (const y of [272, 250, 209, 188, 167, 146]) {
    await page.mouse.click(260, y);
    await page.waitForTimeout(600);
  }
  // Zoom into the first ~5 s (blocker's polls, self-waker's spin, the lock contention, the burst).
  await page.mouse.move(700, 300);
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press("w");
    await page.waitForTimeout(250);
  }
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("a");
    await page.waitForTimeout(120);
  }
  await page.waitForTimeout(1000);
  await page.mouse.move(800, 980);
  await page.screenshot({ path: out });
} finally {
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
}
