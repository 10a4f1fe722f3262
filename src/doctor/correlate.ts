/**
 * Where the static and the runtime views meet: a runtime diagnosis whose task was spawned in code that
 * `lint` flags, and a panic whose async chain runs through flagged code. For a diagnosis, findings count
 * when they lie in the spawned code (the argument of the spawn call at the task's spawn location); for a
 * panic frame, inside the function around the frame's line (or within a few lines when no fn encloses it).
 */
import path from "node:path";
import { fnRange } from "../trace/lint-findings.ts";
import type { SourceFiles } from "../trace/source-files.ts";
import type { DiagnosisView, DoctorSections, LintFindingView } from "../web/shared/api-types.ts";
import { parseLocation, spawnedCodeRange } from "../web/server/source-excerpt.ts";

export type FileFinding = LintFindingView & { file: string };
const nearbyLines = 12;

/** Findings in the code at `file:line[:column]`: the spawned expression (`spawn`), or the enclosing fn (`frame`). */
export function findingsAround(
  location: { file: string; line: number; column?: number },
  what: "spawn" | "frame",
  findings: readonly FileFinding[],
  sources: SourceFiles,
  cwd = process.cwd(),
): FileFinding[] {
  const resolved = sources.resolve(location.file);
  if (!resolved) return [];
  const lines = sources.lines(location.file) ?? [];
  const range = what === "spawn" ? spawnedCodeRange(lines, location.line, location.column ?? 1) : fnRange(lines, location.line);
  const [from, to] = range ?? [location.line - nearbyLines, location.line + nearbyLines];
  return findings.filter((f) => path.resolve(cwd, f.file) === path.resolve(resolved) && f.line >= from && f.line <= to);
}

export function correlate(
  diagnoses: { source: number; list: DiagnosisView[] }[],
  panics: NonNullable<DoctorSections["panics"]>,
  findings: readonly FileFinding[],
  sources: SourceFiles,
): DoctorSections["correlations"] {
  const out: DoctorSections["correlations"] = [];
  for (const { source, list } of diagnoses) {
    for (const d of list) {
      const where = d.task?.location;
      const loc = where ? parseLocation(where) : undefined;
      if (!loc || !where) continue;
      const who = d.task!.name ? `'${d.task!.name}'` : `task ${d.task!.id}`;
      for (const finding of findingsAround(loc, "spawn", findings, sources)) {
        out.push({ kind: "diagnosis", title: `${d.rule} on ${who}`, where, finding, source, taskKey: d.taskKey });
      }
    }
  }
  for (const p of panics) {
    for (const frame of p.frames) {
      if (!frame.file || frame.line === null) continue;
      for (const finding of findingsAround({ file: frame.file, line: frame.line }, "frame", findings, sources)) {
        out.push({ kind: "panic", title: `panic '${p.message}' through ${frame.name}`, where: `${frame.file}:${frame.line}`, finding, source: null, taskKey: null });
      }
    }
  }
  return out;
}
