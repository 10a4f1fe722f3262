/**
 * Confines file access to the allowed roots. Every path a client sends is resolved (relative paths
 * against the first root), then passed through realpath, so `..` segments and symlinks — in the path
 * itself or in any parent folder — are followed before the containment check. Roots are realpath'd too.
 *
 * Only the named path is checked: the Rust crate walker (src/rust/crate-walker.ts) does not follow
 * symlinks inside folders, so a folder inside a root cannot lead outside it.
 */
import { realpath, stat } from "node:fs/promises";
import path from "node:path";

export class PathAccessError extends Error {
  override readonly name = "PathAccessError";
}

export interface GuardedPath {
  /** The real path (symlinks resolved). */
  real: string;
  kind: "file" | "directory" | "socket";
  size: number;
}

export class PathGuard {
  private constructor(readonly roots: readonly string[]) {}

  /** Roots must exist; each is realpath'd. An empty list allows nothing. */
  static async create(roots: readonly string[]): Promise<PathGuard> {
    const real: string[] = [];
    for (const root of roots) {
      try {
        const resolved = await realpath(path.resolve(root));
        if (!real.includes(resolved)) real.push(resolved);
      } catch {
        // A root that does not exist (or cannot be read) grants nothing.
      }
    }
    return new PathGuard(real);
  }

  /** True when `realPath` (already resolved) is a root or inside one. */
  contains(realPath: string): boolean {
    return this.roots.some((root) => {
      const rel = path.relative(root, realPath);
      return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
    });
  }

  /**
   * Resolves a client-given path and checks it exists inside a root. Throws PathAccessError otherwise,
   * with one message for "missing" and "outside" (a symlink out of a root to a missing target must not
   * tell more than one to an existing target). Sockets are accepted only when `expect` asks for one.
   */
  async check(given: string, expect?: "file" | "directory" | "socket"): Promise<GuardedPath> {
    if (this.roots.length === 0) throw new PathAccessError("no roots are allowed: start the server with --root DIR, or expose roots from the client");
    if (given.includes("\0")) throw new PathAccessError("path contains a NUL byte");
    const absolute = path.isAbsolute(given) ? path.normalize(given) : path.resolve(this.roots[0]!, given);
    let real: string;
    try {
      real = await realpath(absolute);
    } catch {
      throw this.outside(given);
    }
    if (!this.contains(real)) throw this.outside(given);
    const info = await stat(real);
    const kind = info.isDirectory() ? "directory" : info.isFile() ? "file" : info.isSocket() && expect === "socket" ? "socket" : undefined;
    if (!kind) throw new PathAccessError(`${given}: not a regular file or directory`);
    if (expect && kind !== expect) throw new PathAccessError(`${given}: is a ${kind}, expected a ${expect}`);
    return { real, kind, size: info.size };
  }

  private outside(given: string): PathAccessError {
    return new PathAccessError(`${given}: no such file or directory, or outside the allowed roots (${this.roots.join(", ")}); pass an existing path inside them or start the server with --root`);
  }
}
