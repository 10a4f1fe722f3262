/**
 * Turns the `target` of a console tool into something safe to open: a data file inside the allowed
 * roots (recording, capture, .grpc body), or a live console-subscriber on loopback or a Unix socket.
 * Remote hosts are refused unless the server runs with --allow-remote; host names other than
 * `localhost` are not resolved (a name could point anywhere), so they count as remote.
 */
import { readdir } from "node:fs/promises";
import { isIP } from "node:net";
import path from "node:path";
import { looksLikeLiveTarget, parseTarget } from "../console/transport/target.ts";
import { limits } from "./limits.ts";
import type { PathGuard } from "./roots/path-guard.ts";
import { ToolInputError } from "./tools/tool-kit.ts";

export type ResolvedConsoleTarget = { kind: "file"; path: string; size: number } | { kind: "live"; target: string };

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || h === "0:0:0:0:0:0:0:1" || /^::ffff:127\./.test(h);
  return false;
}

export async function resolveConsoleTarget(given: string, guard: PathGuard, allowRemote: boolean): Promise<ResolvedConsoleTarget> {
  if (looksLikeLiveTarget(given) && !/\.(jsonl|grpc|capture|cap|bin|json)$/i.test(given)) {
    const target = parseTarget(given);
    if (target.kind === "tcp" && !allowRemote && !isLoopbackHost(target.host)) {
      throw new ToolInputError(`${given}: only loopback (127.0.0.1, ::1, localhost) and unix: targets are allowed; the server owner can pass --allow-remote`);
    }
    if (target.kind === "unix") {
      // A Unix socket is a path like any other: it must be inside the roots (any socket on the machine,
      // and whether a path exists, are not the client's business).
      const socket = await guard.check(target.path, "socket");
      if (socket.kind !== "socket") throw new ToolInputError(`${given}: not a Unix socket`);
      return { kind: "live", target: `unix:${socket.real}` };
    }
    return { kind: "live", target: given };
  }
  const file = await guard.check(given, "file");
  if (file.size > limits.maxConsoleFileBytes) throw new ToolInputError(`${given}: ${file.size} bytes is over the ${limits.maxConsoleFileBytes}-byte limit for console data files`);
  await checkSiblings(file.real, guard);
  return { kind: "file", path: file.real, size: file.size };
}

/**
 * A `.grpc` body is read with the files beside it (`<name>.meta.json`, `<name>.taskdetails.*.grpc`);
 * those must not be symlinks out of the roots either.
 */
async function checkSiblings(real: string, guard: PathGuard): Promise<void> {
  const m = /^(.*?)(\.watchupdates)?\.grpc$/.exec(path.basename(real));
  if (!m) return;
  const dir = path.dirname(real);
  for (const name of await readdir(dir)) {
    if (!name.startsWith(`${m[1]}.`) || name === path.basename(real)) continue;
    await guard.check(path.join(dir, name)).catch(() => {
      throw new ToolInputError(`${path.join(dir, name)}: a companion of ${path.basename(real)} leads outside the allowed roots`);
    });
  }
}

export function observeMs(durationMs: number | undefined): number {
  return Math.min(durationMs ?? limits.defaultObserveMs, limits.maxObserveMs);
}

/** How long to wait for a live target's first update: long enough for a slow app, short for a typo. */
export function connectTimeoutMs(observe: number): number {
  return Math.max(3_000, Math.min(observe, 10_000));
}
