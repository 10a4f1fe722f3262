/**
 * Spawn locations → source excerpts and the lint findings of that code, for the Task detail view. Files
 * are read only inside the crate root named with `--crate` (checked after resolving symlinks, with the
 * MCP server's PathGuard): a location in the data (which the app under inspection controls) can never
 * make the server read anything else.
 */
import path from "node:path";
import { PathGuard } from "../../mcp/roots/path-guard.ts";
import { fnRange } from "../../trace/lint-findings.ts";
import { SourceFiles } from "../../trace/source-files.ts";
import type { LintFindingView, SourceExcerpt } from "../shared/api-types.ts";

const contextLines = 6;

export function parseLocation(location: string): { file: string; line: number } | undefined {
  const m = /^(.*?):(\d+)(?::\d+)?$/.exec(location);
  return m ? { file: m[1]!, line: Number(m[2]) } : undefined;
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
    const range = fnRange(lines, loc.line) ?? [first, last];
    const all = await this.lint(resolved);
    const mine = all.filter((f) => (f.line >= range[0] && f.line <= range[1]) || (f.line >= first && f.line <= last));
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
