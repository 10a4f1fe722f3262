import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** Source files larger than this are not read for source lines (hand-written Rust files are far smaller). */
const maxSourceBytes = 4 * 1024 * 1024;
/** Source bytes read for one trace. */
const maxTotalBytes = 64 * 1024 * 1024;

/**
 * Finds the source files that frames point at. Paths in traces are relative to the program's working
 * directory (`./src/lib.rs`), absolute on the machine that ran it (`/home/dev/app/src/lib.rs`), or in the
 * toolchain/registries. A relative path is tried under each root; an absolute path that does not exist
 * here is retried by dropping leading components under each root (`src/lib.rs`).
 */
export class SourceFiles {
  private readonly cache = new Map<string, string[] | null>();
  private readonly resolved = new Map<string, string | null>();
  private bytesRead = 0;

  constructor(private readonly roots: readonly string[]) {}

  resolve(file: string): string | undefined {
    const hit = this.resolved.get(file);
    if (hit !== undefined) return hit ?? undefined;
    const found = this.lookup(file);
    this.resolved.set(file, found ?? null);
    return found;
  }

  private lookup(file: string): string | undefined {
    if (file.startsWith("/rustc/")) return undefined;
    const normal = file.replace(/\\/g, "/");
    const isFile = (p: string) => {
      try {
        return existsSync(p) && statSync(p).isFile();
      } catch {
        return false;
      }
    };
    if (path.isAbsolute(normal) && isFile(normal)) return normal;
    const parts = normal.replace(/^\.\//, "").split("/").filter((p) => p !== "" && p !== ".");
    for (let drop = path.isAbsolute(normal) ? 1 : 0; drop < parts.length; drop++) {
      const rel = parts.slice(drop).join("/");
      for (const root of this.roots) {
        const candidate = path.join(root, rel);
        if (isFile(candidate)) return candidate;
      }
      if (drop >= 6) break;
    }
    return undefined;
  }

  lines(file: string): string[] | undefined {
    const resolved = this.resolve(file);
    if (!resolved) return undefined;
    const cached = this.cache.get(resolved);
    if (cached !== undefined) return cached ?? undefined;
    let lines: string[] | null = null;
    try {
      // A frame may name any file (a log is input): only regular source-sized files are read, and at
      // most `maxTotalBytes` per trace, so a frame naming a huge file cannot stall the process.
      const info = statSync(resolved);
      if (info.isFile() && info.size <= maxSourceBytes && this.bytesRead + info.size <= maxTotalBytes) {
        this.bytesRead += info.size;
        lines = readFileSync(resolved, "utf8").split("\n");
      }
    } catch {
      lines = null;
    }
    this.cache.set(resolved, lines);
    return lines ?? undefined;
  }

  line(file: string, line: number | undefined): string | undefined {
    if (line === undefined) return undefined;
    const all = this.lines(file);
    return all?.[line - 1]?.replace(/\r$/, "");
  }
}

export type EnclosingKind = "async fn" | "fn" | "async block" | "closure";

export interface Enclosing {
  kind: EnclosingKind;
  /** For fns: the fn's name. */
  fnName?: string;
  /** The innermost enclosing fn's name (for blocks and closures). */
  inFn?: string;
}

function stripLine(line: string): string {
  // Drop line comments and the contents of simple string and char literals so braces inside them do not count.
  return line
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/'(?:[^'\\]|\\.)'/g, "' '")
    .replace(/\/\/.*$/, "");
}

/**
 * The innermost construct that encloses a position: scans backwards for the unmatched `{` and looks at
 * what opens it (`async move {`, `|x| {`, `async fn f(…) {`, `fn f(…) {`); `if`/`match`/`loop` blocks are
 * skipped. A rough lexical scan, not a parser: good for the one-construct-per-line code of real programs.
 */
export function enclosingConstruct(lines: readonly string[], line: number, column = 1): Enclosing | undefined {
  let depth = 0;
  let found: Enclosing | undefined;
  for (let l = line - 1; l >= 0 && line - l < 400; l--) {
    let text = stripLine(lines[l] ?? "");
    if (l === line - 1) text = text.slice(0, Math.max(0, column - 1));
    for (let c = text.length - 1; c >= 0; c--) {
      const ch = text[c];
      if (ch === "}") depth++;
      else if (ch === "{") {
        if (depth > 0) {
          depth--;
          continue;
        }
        const before = text.slice(0, c);
        const opener = classifyOpener(before, lines, l);
        if (!opener) continue;
        if (!found) {
          found = opener;
          if (opener.kind === "fn" || opener.kind === "async fn") return found;
        } else if (opener.kind === "fn" || opener.kind === "async fn") {
          found.inFn = opener.fnName;
          return found;
        }
      }
    }
  }
  return found;
}

function classifyOpener(before: string, lines: readonly string[], lineIndex: number): Enclosing | undefined {
  const b = before.trimEnd();
  if (/\basync(\s+move)?$/.test(b)) return { kind: "async block" };
  if (/\|[^|]*\|(\s*->\s*[^{]+)?$/.test(b) || /\|\|(\s*->\s*[^{]+)?$/.test(b)) return { kind: "closure" };
  // A fn signature may span lines: join a few lines back.
  let sig = b;
  for (let k = 1; k <= 8 && !/\bfn\s/.test(sig); k++) sig = `${stripLine(lines[lineIndex - k] ?? "")} ${sig}`;
  const fn = /\b(async\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?fn\s+([A-Za-z_][A-Za-z0-9_]*)[^;{}]*$/.exec(sig);
  if (fn) return { kind: fn[1] ? "async fn" : "fn", fnName: fn[2] };
  return undefined;
}
