/**
 * Browser tests of the dashboard: Debian's chromium driven by playwright-core (no browser download: the
 * machine has no internet), the real CLI as child processes (`console web`, `console serve`), and PNG
 * checks of the screenshots they save under test-artifacts/.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { projectRoot } from "../support/shared.ts";

export const bin = path.join(projectRoot, "bin/async-doctor.js");
export const chromiumPath = "/usr/bin/chromium";
export const artifactsDir = path.join(projectRoot, "test-artifacts", "web");

/** In CI a missing chromium fails the browser tests; on a developer machine they are skipped. */
export function requireChromium(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CI) throw new Error(`${chromiumPath} missing in CI: .ci/run installs Debian's chromium`);
  return false;
}

export async function launchBrowser(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), "ad-chromium-")), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Collects the page's console errors and uncaught exceptions. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

export interface Child {
  process: ChildProcess;
  url: string;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts the CLI and waits for the first http://… URL on stderr after `marker` (e.g. "console web: "). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, marker = ""): Promise<Child> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: projectRoot, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from async-doctor ${args.join(" ")}: ${text}`)), 60_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (!text.includes(marker)) return;
      const m = /(https?:\/\/[\w.-]+:\d+)\/?[\s),;?]/.exec(text.slice(Math.max(0, text.indexOf(marker))));
      if (m) {
        clearTimeout(timer);
        resolve({
          process: child,
          url: `${m[1]}/`,
          stderr: () => text,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once("exit", () => done());
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`async-doctor ${args.join(" ")} exited with ${code}: ${text}`));
    });
  });
}

export interface PixelStats {
  width: number;
  height: number;
  /** Pixels that differ from the most common colour (the background). */
  foreground: number;
  colours: number;
}

export function pngStats(png: Buffer): PixelStats {
  const image = PNG.sync.read(png);
  const counts = new Map<number, number>();
  for (let i = 0; i < image.data.length; i += 4) {
    const key = (image.data[i]! << 16) | (image.data[i + 1]! << 8) | image.data[i + 2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const background = Math.max(...counts.values());
  return { width: image.width, height: image.height, foreground: image.width * image.height - background, colours: counts.size };
}

/** Saves a screenshot under test-artifacts/web and returns its pixel statistics. */
export function saveScreenshot(name: string, png: Buffer): PixelStats {
  mkdirSync(artifactsDir, { recursive: true });
  writeFileSync(path.join(artifactsDir, name), png);
  return pngStats(png);
}
