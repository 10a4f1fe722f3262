import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import { UsageError } from "../cli/errors.ts";
import { kindOf } from "../util/bounded-read.ts";

/** Folders that never hold sources worth linting, whatever .gitignore says. */
const alwaysSkipped = new Set(["target", ".git", "node_modules", ".hg", ".svn"]);

export interface RustInput {
  /** Path to read, or "-" for stdin. */
  path: string;
}

interface IgnoreScope {
  base: string;
  rules: Ignore;
}

/**
 * Expands the user's paths into .rs files: files are taken as given, folders are walked honouring
 * every .gitignore on the way down (and the ones above, up to the repository root), skipping
 * target/ and VCS folders. Missing paths, and named paths that are neither a file nor a folder (a FIFO,
 * a device, a socket: reading them could hang or never end), are usage errors; such `.rs` entries found
 * while walking are skipped and passed to `onSkipped`.
 */
export async function findRustFiles(paths: string[], onSkipped?: (file: string, reason: string) => void): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    if (given === "-") {
      files.push("-");
      continue;
    }
    let info;
    try {
      info = await stat(given);
    } catch {
      throw new UsageError(`no such file or directory: ${given}`);
    }
    if (info.isDirectory()) {
      const scopes = await ancestorIgnoreScopes(path.resolve(given));
      await walk(path.resolve(given), given, scopes, files, onSkipped);
    } else if (!info.isFile()) {
      throw new UsageError(`${given}: ${kindOf(info)}, not a regular file`);
    } else {
      files.push(given);
    }
  }
  return [...new Set(files)];
}

async function walk(absolute: string, shown: string, scopes: IgnoreScope[], out: string[], onSkipped?: (file: string, reason: string) => void): Promise<void> {
  const here = await loadIgnore(absolute);
  const active = here ? [...scopes, here] : scopes;
  let entries;
  try {
    entries = await readdir(absolute, { withFileTypes: true });
  } catch {
    return; // An unreadable folder is skipped like git would.
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const childAbsolute = path.join(absolute, entry.name);
    const childShown = path.join(shown, entry.name);
    const isDir = entry.isDirectory();
    if (isDir && alwaysSkipped.has(entry.name)) continue;
    if (isIgnored(active, childAbsolute, isDir)) continue;
    if (isDir) await walk(childAbsolute, childShown, active, out, onSkipped);
    else if (entry.name.endsWith(".rs")) {
      if (entry.isFile()) out.push(childShown);
      else if (!entry.isSymbolicLink()) onSkipped?.(childShown, `${entry.isFIFO() ? "a FIFO (named pipe)" : entry.isSocket() ? "a socket" : "a device"}, not a regular file`);
    }
  }
}

function isIgnored(scopes: IgnoreScope[], absolute: string, isDir: boolean): boolean {
  for (const scope of scopes) {
    const relative = path.relative(scope.base, absolute);
    if (!relative || relative.startsWith("..")) continue;
    if (scope.rules.ignores(isDir ? `${relative}/` : relative)) return true;
  }
  return false;
}

async function loadIgnore(dir: string): Promise<IgnoreScope | undefined> {
  const file = path.join(dir, ".gitignore");
  if (!existsSync(file)) return undefined;
  try {
    return { base: dir, rules: ignore().add(await readFile(file, "utf8")) };
  } catch {
    return undefined;
  }
}

/** .gitignore files above the starting folder apply too, up to the repository root. */
async function ancestorIgnoreScopes(start: string): Promise<IgnoreScope[]> {
  const scopes: IgnoreScope[] = [];
  let dir = path.dirname(start);
  while (dir !== path.dirname(dir)) {
    const scope = await loadIgnore(dir);
    if (scope) scopes.unshift(scope);
    if (existsSync(path.join(dir, ".git"))) break;
    dir = path.dirname(dir);
  }
  return scopes;
}

/** The folder of the nearest Cargo.toml above a file: the crate the file belongs to. */
export function crateRootOf(file: string, cache = new Map<string, string | undefined>()): string | undefined {
  let dir = path.dirname(path.resolve(file));
  const visited: string[] = [];
  while (true) {
    if (cache.has(dir)) {
      const found = cache.get(dir);
      for (const v of visited) cache.set(v, found);
      return found;
    }
    visited.push(dir);
    if (existsSync(path.join(dir, "Cargo.toml"))) {
      for (const v of visited) cache.set(v, dir);
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      for (const v of visited) cache.set(v, undefined);
      return undefined;
    }
    dir = parent;
  }
}
