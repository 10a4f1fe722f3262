/**
 * Spawn locations → source excerpts and the lint findings of the spawned code, for the Task detail view. Files
 * are read only inside the crate root named with `--crate` (checked after resolving symlinks, with the
 * MCP server's PathGuard): a location in the data (which the app under inspection controls) can never
 * make the server read anything else.
 */
import path from "node:path";
import { PathGuard } from "../../mcp/roots/path-guard.ts";
import { SourceFiles } from "../../trace/source-files.ts";
import type { LintFindingView, SourceExcerpt } from "../shared/api-types.ts";

const contextLines = 6;

export function parseLocation(location: string): { file: string; line: number; column: number } | undefined {
  const m = /^(.*?):(\d+)(?::(\d+))?$/.exec(location);
  return m ? { file: m[1]!, line: Number(m[2]), column: Number(m[3] ?? 1) } : undefined;
}

/**
 * 1-based [first, last] lines of the code a spawn location spawns: the parenthesised argument that opens
 * at or after line:column (`spawn(async { … })`, `Builder::new().spawn(fut)`), matched by brackets with
 * strings and line comments blanked. Undefined when no argument opens on that line.
 */
export function spawnedCodeRange(lines: readonly string[], line: number, column: number): [number, number] | undefined {
  const blank = (text: string) => text.replace(/"(?:[^"\\]|\\.)*"/g, (m) => " ".repeat(m.length)).replace(/\/\/.*$/, "");
  const first = blank(lines[line - 1] ?? "");
  const open = first.indexOf("(", Math.max(0, column - 1));
  if (open < 0) return undefined;
  let depth = 0;
  for (let l = line - 1; l < lines.length && l < line - 1 + 2000; l++) {
    const text = l === line - 1 ? first : blank(lines[l] ?? "");
    for (let i = l === line - 1 ? open : 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === "(" || ch === "{" || ch === "[") depth++;
      else if (ch === ")" || ch === "}" || ch === "]") {
        depth--;
        if (depth === 0) return [line, l + 1];
      }
    }
  }
  return undefined;
}

export class SourceExcerpts {
  private readonly files: SourceFiles | undefined;
  private guard: Promise<PathGuard> | undefined;
  private readonly findings = new Map<string, Promise<LintFindingView[]>>();

  constructor(private readonly crateRoot: string | undefined) {
    this.files = crateRoot ? new SourceFiles([crateRoot]) : undefined;
    this.guard = crateRoot ? PathGuard.create([crateRoot]) : undefined;
  }

  async excerpt(location: string): Promise<SourceExcerpt | null> {
    if (!location) return null;
    const loc = parseLocation(location);
    const none = (missing: string): SourceExcerpt => ({ location, file: null, firstLine: 0, lines: [], line: loc?.line ?? 0, missing, findings: [] });
    if (!loc) return none("the location has no line number");
    if (!this.files || !this.guard || !this.crateRoot) return none("start with --crate DIR to see the source of spawn locations");
    const resolved = this.files.resolve(loc.file);
    if (!resolved) return none(`${loc.file} is not under ${this.crateRoot}`);
    try {
      await (await this.guard).check(resolved, "file");
    } catch {
      return none(`${loc.file} is outside ${this.crateRoot}`);
    }
    const lines = this.files.lines(loc.file) ?? [];
    const first = Math.max(1, loc.line - contextLines);
    const last = Math.min(lines.length, loc.line + contextLines);
    const range = spawnedCodeRange(lines, loc.line, loc.column) ?? [loc.line, loc.line];
    const all = await this.lint(resolved);
    const mine = all.filter((f) => f.line >= range[0] && f.line <= range[1]);
    return {
      location,
      file: path.relative(this.crateRoot, resolved),
      firstLine: first,
      lines: lines.slice(first - 1, last),
      line: loc.line,
      missing: null,
      findings: mine,
    };
  }

  private lint(file: string): Promise<LintFindingView[]> {
    let cached = this.findings.get(file);
    if (!cached) {
      cached = (async () => {
        try {
          const { lintPaths } = await import("../../lint/api.ts");
          const result = await lintPaths([file]);
          return result.findings.map(({ rule, severity, line, column, message, help }) => ({ rule, severity, line, column, message, help }));
        } catch {
          return [];
        }
      })();
      this.findings.set(file, cached);
    }
    return cached;
  }
}
