import type { TraceResult } from "./analyse.ts";
import type { PanicAnalysis } from "./async-chain.ts";
import type { DumpAnalysis } from "./dump-analysis.ts";

/**
 * `--format json`: `{"panics":[{"thread","message","location","chain":[…],"frames":[…]}],"dumps":[…]}`.
 * Frames are always all there (`folded` says what the text output hides).
 */
export function renderJson(result: TraceResult): string {
  const panics = result.panics.map(panicJson);
  const dumps = result.dumps.map(dumpJson);
  return `${JSON.stringify({ panics, dumps, joinErrors: result.joinErrors, ...(hasBounds(result) ? { bounds: result.bounds } : {}) }, null, 2)}\n`;
}

function hasBounds(result: TraceResult): boolean {
  const b = result.bounds;
  return b !== undefined && b.framesDropped + b.undemangled + b.linesCut + b.dumpsDropped > 0;
}

/** One panic's JSON object (the streaming CLI writes them one by one). */
export function panicJson({ report, chain, notes }: PanicAnalysis) {
  return {
    kind: report.kind,
    thread: report.thread ?? null,
    threadId: report.threadId ?? null,
    message: report.message ?? null,
    location: report.location ?? null,
    test: report.test ?? null,
    headerStyle: report.headerStyle,
    backtraceStyle: report.backtrace?.style ?? null,
    omittedFrames: report.backtrace?.omitted ?? 0,
    droppedFrames: report.backtrace?.dropped ?? 0,
    chain: chain.map((l) => ({
      kind: l.kind,
      name: l.name,
      description: l.description,
      file: l.file ?? null,
      line: l.line ?? null,
      column: l.column ?? null,
      frame: l.frame,
      source: l.source ?? null,
      lint: l.lint ?? [],
    })),
    frames: (report.backtrace?.frames ?? []).map((f) => ({
      index: f.index,
      name: f.name,
      demangled: f.demangled,
      address: f.address ?? null,
      file: f.location?.file ?? null,
      line: f.location?.line ?? null,
      column: f.location?.column ?? null,
      class: f.class,
      folded: f.folded,
    })),
    notes,
  };
}

function dumpJson(d: DumpAnalysis) {
  return {
    source: d.source,
    namesCut: d.namesCut,
    tasks: d.tasks,
    groups: d.groups.map((g) => ({
      count: g.count,
      taskIds: g.taskIds,
      summary: g.summary,
      waitingAt: g.waitingAt,
      inFunction: g.inFunction ?? null,
      at: g.at ?? null,
      branches: g.branches,
      chain: g.chain.map((c) => ({
        name: c.name,
        printedName: c.printedName,
        repaired: c.repaired,
        class: c.class,
        file: c.file ?? null,
        line: c.line ?? null,
        column: c.column ?? null,
      })),
    })),
  };
}
