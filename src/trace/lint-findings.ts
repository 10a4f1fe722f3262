import path from "node:path";
import type { TraceResult } from "./analyse.ts";
import type { LintFinding } from "./async-chain.ts";
import type { SourceFiles } from "./source-files.ts";

/**
 * Attaches `lint` findings to each user frame of a chain: findings in the same file, inside the function
 * that contains the frame's await point. The lint engine lives in src/lint/ (another area); it is loaded
 * lazily through `src/lint/api.ts` (`lintPaths(paths)` → `{ findings }`); when that module or function is
 * missing the hook does nothing and the chain has no findings.
 */
export async function attachLintFindings(result: TraceResult, sources: SourceFiles): Promise<void> {
  const files = new Map<string, string>();
  for (const p of result.panics) for (const link of p.chain) if (link.file) {
    const resolved = sources.resolve(link.file);
    if (resolved) files.set(link.file, resolved);
  }
  if (files.size === 0) return;
  // The streaming CLI calls this once per panic: files already linted for this source set are not again.
  let cache = linted.get(sources);
  if (!cache) linted.set(sources, (cache = new Map()));
  const missing = [...new Set(files.values())].filter((f) => !cache.has(f));
  if (missing.length > 0) {
    const lintFiles = await loadLintApi();
    if (!lintFiles) return;
    let found: Array<LintFinding & { file: string }>;
    try {
      found = await lintFiles(missing);
    } catch {
      return;
    }
    for (const file of missing) cache.set(file, found.filter((f) => sameFile(f.file, file)));
  }
  const findings = [...new Set(files.values())].flatMap((f) => cache.get(f) ?? []);
  for (const p of result.panics) {
    for (const link of p.chain) {
      if (!link.file || link.line === undefined) continue;
      const resolved = files.get(link.file);
      const lines = sources.lines(link.file);
      if (!resolved || !lines) continue;
      const range = fnRange(lines, link.line);
      if (!range) continue;
      const mine = findings.filter((f) => sameFile(f.file, resolved) && f.line >= range[0] && f.line <= range[1]);
      if (mine.length > 0) link.lint = mine.map(({ rule, message, line, column, severity }) => ({ rule, message, line, column, severity }));
    }
  }
}

const linted = new WeakMap<SourceFiles, Map<string, Array<LintFinding & { file: string }>>>();

type LintFiles = (paths: string[]) => Promise<Array<LintFinding & { file: string }>>;

async function loadLintApi(): Promise<LintFiles | undefined> {
  try {
    const api = (await import(/* optional */ "../lint/api" + ".ts")) as Record<string, unknown>;
    const fn = api.lintPaths ?? api.lintFiles;
    if (typeof fn !== "function") return undefined;
    return async (paths) => {
      const out = (await (fn as (p: string[]) => unknown)(paths)) as unknown;
      const list = Array.isArray(out) ? out : ((out as { findings?: unknown[] })?.findings ?? []);
      return list as Array<LintFinding & { file: string }>;
    };
  } catch {
    return undefined;
  }
}

function sameFile(a: string, b: string): boolean {
  const ra = path.resolve(a);
  const rb = path.resolve(b);
  return ra === rb || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

/** 1-based [start, end] lines of the fn whose body contains `line` (brace matching from the `fn` line). */
export function fnRange(lines: readonly string[], line: number): [number, number] | undefined {
  let start = -1;
  for (let l = line - 1; l >= 0 && line - l < 400; l--) {
    if (/^\s*(pub(\([^)]*\))?\s+)?(async\s+)?(unsafe\s+)?fn\s/.test(lines[l] ?? "")) {
      start = l;
      break;
    }
  }
  if (start < 0) return undefined;
  let depth = 0;
  let opened = false;
  for (let l = start; l < lines.length; l++) {
    for (const ch of (lines[l] ?? "").replace(/"(?:[^"\\]|\\.)*"/g, "").replace(/\/\/.*$/, "")) {
      if (ch === "{") {
        depth++;
        opened = true;
      } else if (ch === "}") depth--;
    }
    if (opened && depth <= 0) return l + 1 >= line ? [start + 1, l + 1] : undefined;
  }
  return undefined;
}
