/** `lint_rust_async`: lint Rust files/folders inside the roots, or an inline snippet. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { configInsideRoots } from "../lint-config.ts";
import type { LintResult } from "../../lint/api.ts";
import { lintInPool } from "../lint-service.ts";
import { escapeControlLine } from "../../util/escape-control.ts";
import { toJsonFinding } from "../../lint/reporters/json.ts";
import { ruleIds } from "../../lint/rules/index.ts";
import { findRustFiles } from "../../rust/crate-walker.ts";
import { limits, utf8Bytes } from "../limits.ts";
import { boundedString, countBy, guarded, ok, page, pageInput, pageOutput, progressReporter, readOnlyAnnotations, ToolInputError, type ToolContext } from "./tool-kit.ts";

const findingSchema = z.looseObject({
  rule: z.string(),
  severity: z.enum(["error", "warning"]),
  file: z.string(),
  line: z.number(),
  column: z.number(),
  message: z.string(),
  help: z.string(),
});

export const lintOutputSchema = {
  summary: z.object({
    files: z.number().int(),
    lines: z.number().int(),
    errors: z.number().int(),
    warnings: z.number().int(),
    byRule: z.record(z.string(), z.number().int()),
    bySeverity: z.record(z.string(), z.number().int()),
    notices: z.number().int().describe("files skipped or with syntax errors"),
  }),
  findings: z.array(findingSchema),
  notices: z.array(z.looseObject({ file: z.string(), kind: z.string(), message: z.string() })).describe("the first 10 notices"),
  ...pageOutput,
};

export function registerLintTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "lint_rust_async",
    {
      title: "Lint async Rust",
      description:
        "Find async pitfalls (blocking calls in async, guards held across .await, cancel-unsafe select!, unawaited futures, …) in Rust files, folders, crates or workspaces inside the allowed roots, or in an inline code snippet. Returns counts by rule and severity and one page of findings (file, line, rule, message, help); page with offset/nextOffset. Rule docs: resources async-doctor://rules/<id>.",
      inputSchema: {
        paths: z.array(boundedString()).max(limits.maxPaths).optional().describe("files or folders to lint (relative to the first root, or absolute inside a root)"),
        code: z.string().optional().describe(`inline Rust source to lint instead of paths (at most ${limits.maxSnippetBytes} bytes)`),
        fileName: z.string().max(256).optional().describe("name to report for the inline snippet (default snippet.rs)"),
        rules: z.array(z.string().max(64)).max(64).optional().describe("run only these rule ids"),
        severity: z.enum(["error", "warning"]).optional().describe("only findings of this severity in the page (the summary counts all)"),
        rule: z.string().max(64).optional().describe("only findings of this rule in the page (the summary counts all)"),
        ...pageInput,
      },
      outputSchema: lintOutputSchema,
      annotations: { ...readOnlyAnnotations, openWorldHint: false },
    },
    (args, extra) =>
      guarded(async (signal) => {
        const hasPaths = args.paths !== undefined && args.paths.length > 0;
        if (hasPaths === (args.code !== undefined)) throw new ToolInputError("give either paths (files or folders) or code (an inline snippet), not both and not neither");
        for (const id of [...(args.rules ?? []), ...(args.rule ? [args.rule] : [])]) {
          if (!ruleIds.has(id)) throw new ToolInputError(`unknown rule '${id}'; known rules: ${[...ruleIds].join(", ")}`);
        }
        const rules = args.rules && args.rules.length > 0 ? args.rules : undefined;
        let result: LintResult;
        if (args.code !== undefined) {
          if (utf8Bytes(args.code) > limits.maxSnippetBytes) throw new ToolInputError(`code is over the ${limits.maxSnippetBytes}-byte limit; save it to a file inside a root and pass paths instead`);
          result = await lintInPool({ kind: "text", text: args.code, fileName: args.fileName ?? "snippet.rs", rules }, signal);
        } else {
          const guard = await context.guard();
          const real: string[] = [];
          for (const p of args.paths!) real.push((await guard.check(p)).real);
          const files = await findRustFiles(real);
          if (files.length > limits.maxLintFiles) throw new ToolInputError(`${files.length} Rust files is over the limit of ${limits.maxLintFiles}; lint a crate or folder at a time`);
          if (files.length === 0) throw new ToolInputError(`no .rs files in ${args.paths!.join(", ")}`);
          const report = progressReporter(extra);
          const config = await configInsideRoots(real[0]!, guard);
          result = await lintInPool({ kind: "paths", files, rules, config }, signal, (done, total) => report(done, total, `linted ${done} of ${total} files`));
        }
        const all = result.findings;
        const shown = all.filter((f) => (!args.severity || f.severity === args.severity) && (!args.rule || f.rule === args.rule));
        const p = page(shown, args.offset, args.limit);
        const summary = {
          files: result.filesChecked,
          lines: result.linesChecked,
          errors: all.filter((f) => f.severity === "error").length,
          warnings: all.filter((f) => f.severity === "warning").length,
          byRule: countBy(all, (f) => f.rule),
          bySeverity: countBy(all, (f) => f.severity),
          notices: result.notices.length,
        };
        const structured = {
          summary,
          findings: p.items.map(toJsonFinding),
          notices: result.notices.slice(0, 10),
          offset: p.offset,
          total: p.total,
          nextOffset: p.nextOffset,
        };
        const top = Object.entries(summary.byRule)
          .sort((a, b) => b[1] - a[1])
          .map(([rule, n]) => `${rule} ×${n}`)
          .join(", ");
        const lines = [
          `${all.length} finding(s) (${summary.errors} error, ${summary.warnings} warning) in ${summary.files} file(s)${top ? `: ${top}` : ""}.`,
          ...p.items.map((f) => escapeControlLine(`${f.file}:${f.line}:${f.column} ${f.severity}[${f.rule}] ${f.message}`)),
        ];
        if (p.nextOffset !== null) lines.push(`Showing ${p.items.length} of ${p.total}; call again with offset=${p.nextOffset} for more.`);
        return ok(lines.join("\n"), structured);
      }, extra),
  );
}
