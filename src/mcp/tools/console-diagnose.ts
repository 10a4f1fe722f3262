/** `console_diagnose`: the runtime rules of `console check` over a live target or a recording/capture. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { diagnose } from "../../console/diagnose/engine.ts";
import { parseRuleOptions } from "../../console/diagnose/options.ts";
import { readConsoleTimeline } from "../console-data.ts";
import { runtimeRules } from "../../console/rules/index.ts";
import { observeMs, resolveConsoleTarget } from "../console-target.ts";
import { limits } from "../limits.ts";
import { runtimeRuleUri } from "../resources.ts";
import { countBy, guarded, ok, page, pageInput, pageOutput, readOnlyAnnotations, ToolInputError, withTimedProgress, type ToolContext } from "./tool-kit.ts";
import { durationInput, sourceSchema, targetInput } from "./console-snapshot.ts";

const ruleIds = runtimeRules.map((r) => r.id);

export const diagnoseOutputSchema = {
  summary: z.looseObject({
    errors: z.number().int(),
    warnings: z.number().int(),
    infos: z.number().int(),
    tasks: z.number().int(),
    updates: z.number().int(),
    droppedEvents: z.number(),
    byRule: z.record(z.string(), z.number().int()),
    rulesRun: z.array(z.string()),
    notApplicable: z.array(z.object({ rule: z.string(), reason: z.string() })),
  }),
  source: sourceSchema,
  diagnoses: z.array(
    z.looseObject({
      rule: z.string(),
      severity: z.enum(["error", "warning", "info"]),
      confidence: z.string(),
      task: z.looseObject({ id: z.string(), name: z.string() }).nullable(),
      message: z.string(),
      help: z.string(),
      evidence: z.record(z.string(), z.unknown()),
      docs: z.string().describe("resource URI of the rule's documentation"),
    }),
  ),
  ...pageOutput,
};

export function registerConsoleDiagnoseTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "console_diagnose",
    {
      title: "Diagnose a tokio app's runtime behaviour",
      description: `Run the runtime diagnoses of \`console check\` (${ruleIds.join(", ")}) on a live console-subscriber observed for durationMs, or on a recording/capture file. Returns counts by severity and rule, and one page of diagnoses (rule, severity, confidence, task, message, help, evidence numbers). Rule docs: async-doctor://runtime-rules/<id>.`,
      inputSchema: {
        target: targetInput,
        durationMs: durationInput,
        allow: z.array(z.enum(ruleIds as [string, ...string[]])).max(ruleIds.length).optional().describe("rules not to run"),
        set: z.array(z.string().max(128)).max(32).optional().describe("threshold overrides, e.g. 'blocking-poll.threshold=50ms'"),
        severity: z.enum(["error", "warning", "info"]).optional().describe("only diagnoses of this severity in the page"),
        ...pageInput,
      },
      outputSchema: diagnoseOutputSchema,
      annotations: { ...readOnlyAnnotations, openWorldHint: true },
    },
    (args, extra) =>
      guarded(async () => {
        const target = await resolveConsoleTarget(args.target, await context.guard(), context.allowRemote);
        const windowMs = observeMs(args.durationMs);
        if (target.kind === "live" && windowMs < 100) throw new ToolInputError("durationMs: observe a live target for at least 100 ms");
        // As `console check` does (run-check.ts): rule options first, then the timeline, then the engine.
        const ruleOptions = parseRuleOptions(runtimeRules, args.allow ?? [], args.set ?? []);
        const read = () => readConsoleTimeline(target, windowMs, extra.signal);
        const { timeline, source } = target.kind === "live" ? await withTimedProgress(extra, windowMs, `observing ${target.target}`, read) : await read();
        const report = { ...diagnose(timeline, ruleOptions), source };
        const shown = report.diagnoses.filter((d) => !args.severity || d.severity === args.severity);
        const p = page(shown, args.offset, args.limit ?? limits.defaultPageSize);
        const summary = { ...report.summary, byRule: countBy(report.diagnoses, (d) => d.rule) };
        const structured = {
          summary,
          source: { ...report.source, limitations: [...report.source.limitations] },
          diagnoses: p.items.map((d) => ({ ...d, docs: runtimeRuleUri(d.rule) })),
          offset: p.offset,
          total: p.total,
          nextOffset: p.nextOffset,
        };
        const lines = [
          `${report.diagnoses.length} diagnosis(es): ${summary.errors} error, ${summary.warnings} warning, ${summary.infos} info over ${summary.tasks} tasks and ${summary.updates} updates.`,
          ...p.items.map((d) => `${d.severity}[${d.rule}]${d.task ? ` task ${d.task.id}${d.task.name ? ` '${d.task.name}'` : ""}` : ""} (${d.confidence}): ${d.message}`),
        ];
        if (p.nextOffset !== null) lines.push(`Showing ${p.items.length} of ${p.total}; call again with offset=${p.nextOffset} for more.`);
        for (const na of summary.notApplicable) lines.push(`not checked: ${na.rule}: ${na.reason}`);
        return ok(lines.join("\n"), structured);
      }, extra),
  );
}
