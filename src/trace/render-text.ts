import pc from "picocolors";
import type { TraceResult } from "./analyse.ts";
import type { Frame, FrameClass, SourceLocation } from "./types.ts";

export interface TextOptions {
  color: boolean;
  /** Keep every frame instead of folding machinery into counted groups. */
  full: boolean;
}

const classLabel: Record<FrameClass, string> = {
  user: "user",
  dependency: "dependency",
  panic: "panic machinery",
  std: "std",
  start: "runtime start",
  glue: "future glue",
  runtime: "tokio runtime",
  unknown: "unresolved",
};

/** Shortens toolchain and registry paths: `/rustc/<hash>/library/core/…` → `<rust>/core/…`, `…/tokio-1.53.1/…` stays from the crate folder. */
export function shortPath(file: string): string {
  const rustc = /^\/rustc\/[0-9a-f]+\/library\/(.*)$/.exec(file);
  if (rustc) return `<rust>/${rustc[1]}`;
  const registry = /[\\/](?:\.cargo[\\/]registry[\\/]src[\\/][^\\/]+|usr[\\/]share[\\/]cargo[\\/]registry|\.cargo[\\/]git[\\/]checkouts)[\\/](.*)$/.exec(file);
  if (registry) return registry[1];
  return file;
}

function loc(l?: SourceLocation | { file?: string; line?: number; column?: number }): string {
  if (!l || !l.file) return "";
  return `${shortPath(l.file)}${l.line !== undefined ? `:${l.line}` : ""}${l.column !== undefined ? `:${l.column}` : ""}`;
}

function foldLabel(frames: Frame[]): string {
  const counts = new Map<FrameClass, number>();
  for (const f of frames) counts.set(f.class, (counts.get(f.class) ?? 0) + 1);
  const parts = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${n} ${classLabel[c]}`);
  return `${frames.length} frame${frames.length === 1 ? "" : "s"} folded (${parts.join(", ")})`;
}

/** What the trace model's bounds left out, in one line (undefined when nothing was). */
export function boundsNote(result: Pick<TraceResult, "bounds">): string | undefined {
  const b = result.bounds;
  if (!b) return undefined;
  const parts = [
    ...(b.framesDropped > 0 ? [`${b.framesDropped} frames beyond the cap per backtrace were counted, not kept (ASYNC_DOCTOR_TRACE_MAX_FRAMES)`] : []),
    ...(b.undemangled > 0 ? [`${b.undemangled} frames were left mangled: the log's demangled-text budget was spent (ASYNC_DOCTOR_TRACE_MAX_DEMANGLED_CHARS)`] : []),
    ...(b.linesCut > 0 ? [`${b.linesCut} overlong frame names were cut`] : []),
    ...(b.dumpsDropped > 0 ? [`${b.dumpsDropped} more task dumps were counted, not kept (ASYNC_DOCTOR_TRACE_MAX_DUMPS)`] : []),
  ];
  return parts.length > 0 ? parts.join("; ") : undefined;
}

export function renderText(result: TraceResult, options: TextOptions): string {
  const c = pc.createColors(options.color);
  const out: string[] = [];
  for (const { report, chain, notes } of result.panics) {
    const title =
      report.kind === "panic"
        ? `panic${report.thread !== undefined ? ` in thread '${report.thread}'` : ""}${report.location ? ` at ${loc(report.location)}` : ""}`
        : report.kind === "error"
          ? "error with backtrace"
          : `backtrace (${report.backtrace?.style ?? "?"} form, line ${report.inputLine})`;
    out.push(c.bold(c.red(`━━ ${title}`)) + (report.test ? c.dim(`  [test ${report.test}]`) : ""));
    if (report.message) for (const m of report.message.split("\n")) out.push(`   ${c.bold(m)}`);
    if (chain.length > 0) {
      out.push("");
      out.push(c.dim("   async chain, innermost first:"));
      chain.forEach((link, i) => {
        const where = loc(link);
        out.push(`   ${c.dim(`${i + 1}.`)} ${c.cyan(link.description)}${where ? `  ${c.dim(where)}` : ""}`);
        if (link.source) out.push(`        ${c.dim("│")} ${link.source}`);
        for (const f of link.lint ?? []) out.push(`        ${c.yellow(`⚠ ${f.rule}`)} ${f.message} ${c.dim(`(line ${f.line})`)}`);
      });
    }
    for (const note of notes) out.push(`   ${c.yellow("note:")} ${note}`);
    const frames = report.backtrace?.frames ?? [];
    if (frames.length > 0) {
      out.push("");
      out.push(c.dim(`   frames (${frames.length}${report.backtrace?.omitted ? `, ${report.backtrace.omitted} omitted by std` : ""}):`));
      let pending: Frame[] = [];
      const flush = () => {
        if (pending.length === 0) return;
        const first = pending[0].index;
        const last = pending[pending.length - 1].index;
        const range = first === last ? `${first}` : `${first}–${last}`;
        out.push(c.dim(`   ${range.padStart(7)}  ⋯ ${foldLabel(pending)}`));
        pending = [];
      };
      for (const f of frames) {
        if (f.folded && !options.full) {
          pending.push(f);
          continue;
        }
        flush();
        const where = loc(f.location);
        const name = f.class === "user" ? c.bold(f.demangled) : f.class === "dependency" ? c.dim(f.demangled) : options.full ? c.dim(f.demangled) : f.demangled;
        const tag = options.full ? c.dim(` [${classLabel[f.class]}]`) : "";
        out.push(`   ${String(f.index).padStart(7)}  ${name}${tag}${where ? `  ${c.dim(where)}` : ""}`);
      }
      flush();
      const dropped = report.backtrace?.dropped ?? 0;
      if (dropped > 0) out.push(c.dim(`         … ${dropped} frame${dropped === 1 ? "" : "s"} more (not kept: over ${frames.length} frames per backtrace, ASYNC_DOCTOR_TRACE_MAX_FRAMES)`));
    }
    out.push("");
  }
  for (const dump of result.dumps) {
    const cut = dump.namesCut ? "; names cut short by tokio were repaired where possible" : "";
    out.push(c.bold(c.magenta(`━━ task dump (${dump.source}, ${dump.tasks} task${dump.tasks === 1 ? "" : "s"}${cut})`)));
    for (const g of dump.groups) {
      out.push(`   ${c.bold(g.summary)}${g.taskIds.length > 0 ? c.dim(`  (task${g.taskIds.length === 1 ? "" : "s"} ${g.taskIds.join(", ")})`) : ""}`);
      let folded = 0;
      let depth = 0;
      g.chain.forEach((link) => {
        const hidden = !options.full && link.class !== "user" && link.class !== "dependency";
        if (hidden) {
          folded++;
          return;
        }
        const indent = "  ".repeat(Math.min(depth, 16));
        const fold = folded > 0 ? c.dim(`⋯${folded} `) : "";
        folded = 0;
        const name = link.class === "user" ? c.cyan(link.name) : c.dim(link.name);
        out.push(`      ${indent}${depth === 0 ? "╼" : "└╼"} ${fold}${name}${link.file ? `  ${c.dim(loc(link))}` : ""}`);
        depth++;
      });
    }
    out.push("");
  }
  const bounds = boundsNote(result);
  if (bounds) out.push(c.yellow(`note: ${bounds}`));
  for (const j of result.joinErrors) {
    const what = j.kind === "cancelled" ? "was cancelled" : `panicked${j.message ? `: ${j.message}` : ""}`;
    out.push(c.dim(`JoinError (line ${j.inputLine}): task ${j.taskId ?? "?"} ${what}`));
  }
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}
