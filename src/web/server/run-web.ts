/**
 * `async-doctor console web [TARGET|FILE…]`: opens every source, starts the dashboard server, prints its
 * URL on stderr (and opens a browser with --open), and runs until Ctrl-C.
 */
import { spawn } from "node:child_process";
import { inlinedPage, loadAppAssets } from "./assets.ts";
import { openWebSource, type WebSource } from "./open-web-source.ts";
import { reportData } from "../report/report-data.ts";
import { SourceExcerpts } from "./source-excerpt.ts";
import { SourceSession } from "./source-session.ts";
import { startWebServer } from "./web-server.ts";

export interface WebCommandOptions {
  listen: string;
  open?: boolean;
  token?: string;
  allowOrigin: string[];
  crate?: string;
}

export async function runWebCommand(targets: string[], options: WebCommandOptions): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (targets.length === 0) targets = ["http://127.0.0.1:6669"];
  loadAppAssets(); // fail before opening anything when the app is not built
  const token = options.token ?? process.env.ASYNC_DOCTOR_WEB_TOKEN;
  const sources: WebSource[] = [];
  try {
    for (const target of targets) sources.push(await openWebSource(target, log));
  } catch (error) {
    await Promise.all(sources.map((s) => s.close().catch(() => {})));
    throw error;
  }
  const sessions = sources.map((source, i) => new SourceSession(i, source));
  const excerpts = new SourceExcerpts(options.crate);
  const server = await startWebServer({
    listen: options.listen,
    token,
    allowedOrigins: options.allowOrigin,
    sessions,
    excerpts,
    report: async () => inlinedPage("async-doctor report", await reportData("async-doctor console web", sessions, excerpts, null)),
    log,
  });
  for (const s of sessions) void s.run();
  const shown = token ? `${server.url}?token=${encodeURIComponent(token)}` : server.url;
  log(`console web: ${shown} (${sessions.map((s) => `${s.source.kind} ${s.source.description}`).join(", ")}); Ctrl-C stops`);
  if (options.open) openBrowser(shown, log);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await server.close();
  await Promise.all(sessions.map((s) => s.close().catch(() => {})));
  return 0;
}

/** The platform's URL opener, with the URL as one argument (never through a shell). */
function openBrowser(url: string, log: (line: string) => void): void {
  const [command, args] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["explorer.exe", [url]] : ["xdg-open", [url]];
  try {
    const child = spawn(command, args, { stdio: "ignore", detached: true });
    child.on("error", () => log(`could not start ${command}; open ${url} yourself`));
    child.unref();
  } catch {
    log(`could not start ${command}; open ${url} yourself`);
  }
}

