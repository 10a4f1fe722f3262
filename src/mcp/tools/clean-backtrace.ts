/** `clean_backtrace`: panics, backtraces, JoinErrors and task dumps → short async call chains. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { readFileBounded } from "../../util/bounded-read.ts";
import { z } from "zod";
import { analyseLog, isEmpty } from "../../trace/analyse.ts";
import { attachLintFindings } from "../../trace/lint-findings.ts";
import { renderJson } from "../../trace/render-json.ts";
import { SourceFiles } from "../../trace/source-files.ts";
import { limits, utf8Bytes } from "../limits.ts";
import { escapeControl, escapeControlLine } from "../../util/escape-control.ts";
import type { PathGuard } from "../roots/path-guard.ts";
import { boundedString, guarded, ok, page, pageInput, pageOutput, progressReporter, readOnlyAnnotations, ToolInputError, type ToolContext } from "./tool-kit.ts";
import { realpathSync } from "node:fs";

/**
 * Source lookup confined to the roots: the trace capability reads the source lines of user frames, and
 * a log may name any absolute path (`/etc/shadow:1`), so every resolved file is checked.
 */
class GuardedSourceFiles extends SourceFiles {
  constructor(private readonly guard: PathGuard) {
    super(guard.roots);
  }
  override resolve(file: string): string | undefined {
    const found = super.resolve(file);
    if (!found) return undefined;
    try {
      return this.guard.contains(realpathSync(found)) ? found : undefined;
    } catch {
      return undefined;
    }
  }
}

export const backtraceOutputSchema = {
  summary: z.object({ panics: z.number().int(), dumps: z.number().int(), joinErrors: z.number().int() }),
  panics: z.array(
    z.looseObject({
      kind: z.string(),
      thread: z.string().nullable(),
      message: z.string().nullable(),
      location: z.unknown(),
      chain: z.array(z.looseObject({ kind: z.string(), name: z.string() })),
      frameCount: z.number().int(),
      userFrames: z.number().int(),
    }),
  ),
  dumps: z.array(z.looseObject({ tasks: z.unknown(), groups: z.array(z.unknown()) })).describe("task dumps (first page of groups)"),
  joinErrors: z.array(z.unknown()),
  ...pageOutput,
};

type PanicJson = Record<string, unknown> & { message: string | null; chain: { kind: string; name: string; file: string | null; line: number | null }[]; frames: { class: string; folded: boolean }[] };

export function registerCleanBacktraceTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "clean_backtrace",
    {
      title: "Clean an async Rust backtrace",
      description:
        "Turn Rust panics, RUST_BACKTRACE output, JoinErrors and tokio task dumps (inline text or a log file inside the allowed roots) into short async call chains: the panic message and location, then the user's async fns in order with runtime/std/glue frames folded, source lines and lint findings on user frames. Full frame lists only with includeFrames. Panics are paged (offset/limit).",
      inputSchema: {
        text: z.string().optional().describe(`log text (at most ${limits.maxLogBytes} bytes)`),
        file: boundedString().optional().describe("or a log file inside the allowed roots"),
        includeFrames: z.boolean().optional().describe("also return every frame of each panic (default false: only the chain)"),
        lint: z.boolean().optional().describe("attach lint findings to user frames (default true)"),
        ...pageInput,
      },
      outputSchema: backtraceOutputSchema,
      annotations: { ...readOnlyAnnotations, openWorldHint: false },
    },
    (args, extra) =>
      guarded(async () => {
        if ((args.text === undefined) === (args.file === undefined)) throw new ToolInputError("give either text (the log) or file (a log file), not both and not neither");
        const guard = await context.guard();
        let text: string;
        if (args.file !== undefined) {
          const file = await guard.check(args.file, "file");
          if (file.size > limits.maxLogBytes) throw new ToolInputError(`${args.file}: ${file.size} bytes is over the ${limits.maxLogBytes}-byte limit; cut the log around the panic`);
          text = (await readFileBounded(file.real, limits.maxLogBytes, "the clean_backtrace log limit").catch((error: Error) => {
            throw new ToolInputError(`${args.file}: ${error.message}`);
          })).toString("utf8");
        } else {
          text = args.text!;
          if (utf8Bytes(text) > limits.maxLogBytes) throw new ToolInputError(`text is over the ${limits.maxLogBytes}-byte limit; cut the log around the panic`);
        }
        const report = progressReporter(extra);
        report(0, 2, "parsing the log");
        const sources = new GuardedSourceFiles(guard);
        const result = analyseLog(text, { sources });
        if (isEmpty(result)) throw new ToolInputError(`no panic, backtrace, JoinError or task dump found in ${args.file ?? "the text"}`);
        if (args.lint !== false && guard.roots.length > 0) {
          report(1, 2, "linting user frames");
          await attachLintFindings(result, sources);
        }
        report(2, 2, "done");
        const doc = JSON.parse(renderJson(result)) as { panics: PanicJson[]; dumps: (Record<string, unknown> & { groups: unknown[] })[]; joinErrors: unknown[] };
        const p = page(doc.panics, args.offset, args.limit);
        const limit = args.limit ?? limits.defaultPageSize;
        const panics = p.items.map(({ frames, ...rest }) => ({
          ...rest,
          frameCount: frames.length,
          userFrames: frames.filter((f) => f.class === "user").length,
          ...(args.includeFrames ? { frames } : {}),
        }));
        const dumps = doc.dumps.map((d) => ({ ...d, groups: d.groups.slice(0, limit), groupCount: d.groups.length }));
        const structured = {
          summary: { panics: doc.panics.length, dumps: doc.dumps.length, joinErrors: doc.joinErrors.length },
          panics,
          dumps,
          joinErrors: doc.joinErrors.slice(0, limit),
          offset: p.offset,
          total: p.total,
          nextOffset: p.nextOffset,
        };
        const lines = [`${doc.panics.length} panic(s), ${doc.dumps.length} task dump(s), ${doc.joinErrors.length} JoinError(s).`];
        for (const panic of p.items) {
          lines.push(escapeControl(`panic: ${panic.message ?? "(no message)"}`));
          for (const link of panic.chain) lines.push(escapeControlLine(`  ${link.kind} ${link.name}${link.file ? ` (${link.file}:${link.line ?? "?"})` : ""}`));
        }
        if (p.nextOffset !== null) lines.push(`Showing ${p.items.length} of ${p.total} panics; call again with offset=${p.nextOffset} for more.`);
        return ok(lines.join("\n"), structured);
      }, extra),
  );
}
