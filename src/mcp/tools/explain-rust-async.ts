/** `explain_rust_async`: an explain topic (by id or question), or the state machine of the async fn at file:line. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { explainAt, parseTarget } from "../../explain/at/run-explain-at.ts";
import { renderStateMachineJson } from "../../explain/at/render-at.ts";
import { topicJson } from "../../explain/render/json.ts";
import { ruleJson } from "../../explain/render/route.ts";
import { TopicRouter } from "../../explain/router.ts";
import { loadTopics } from "../../explain/topics.ts";
import { lintInPool } from "../lint-service.ts";
import { configInsideRoots } from "../lint-config.ts";
import { topicUri } from "../resources.ts";
import { limits } from "../limits.ts";
import { boundedString, guarded, ok, readOnlyAnnotations, ToolInputError, type ToolContext } from "./tool-kit.ts";

export const explainOutputSchema = {
  kind: z.enum(["topic", "rule", "no-good-topic", "state-machine"]),
  topic: z
    .object({
      id: z.string(),
      title: z.string(),
      summary: z.string(),
      uri: z.string().describe("resource URI of the full topic"),
      body: z.string().describe("the explanation, Markdown"),
      lintRules: z.array(z.string()),
      runtimeRules: z.array(z.string()),
      relatedTopics: z.array(z.string()),
      commands: z.array(z.unknown()),
      examples: z.array(z.looseObject({ name: z.string() })).describe("present when includeExamples is true"),
      exampleCount: z.number().int(),
      links: z.array(z.object({ title: z.string(), url: z.string() })).optional().describe("sources the topic relies on"),
    })
    .optional(),
  rule: z
    .looseObject({ id: z.string(), kind: z.enum(["lint", "runtime"]), title: z.string(), summary: z.string(), body: z.string().describe("the rule's page, Markdown") })
    .optional()
    .describe("kind rule: a lint or runtime rule's documentation page"),
  confidence: z
    .number()
    .optional()
    .describe("1 for an exact topic or rule id; for a question, the calibrated probability that the topic is the right one (below the bound the answer is no-good-topic)"),
  alternatives: z.array(z.looseObject({ id: z.string(), title: z.string() })).optional(),
  nearest: z.array(z.looseObject({ id: z.string(), title: z.string() })).optional().describe("kind no-good-topic: the closest topics"),
  stateMachine: z
    .looseObject({
      file: z.string(),
      function: z.looseObject({ kind: z.string(), name: z.string().nullable().optional(), startLine: z.number(), endLine: z.number() }),
      awaits: z.array(z.unknown()),
      findings: z.array(z.unknown()),
    })
    .optional(),
};

export function registerExplainTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "explain_rust_async",
    {
      title: "Explain async Rust",
      description:
        "Explain async Rust internals. Give `topic` (an id such as future-and-poll, wakers, select, pin-and-unpin; see resources async-doctor://topics/<id>; a lint or runtime rule id such as select-cancel-unsafe or lint:blocking-in-async gives that rule's page), or a free-text `question` (routed to the best topic, with alternatives; kind no-good-topic with the nearest topics when no topic is likely enough), or `at` = FILE:LINE of an async fn/block inside the allowed roots to get the state machine the compiler builds (await points, locals held across each, !Send values, lint findings inside).",
      inputSchema: {
        topic: z.string().max(128).optional().describe("topic id"),
        question: z.string().max(limits.maxStringLength).optional().describe("free-text question, e.g. 'why does my MutexGuard make the future !Send'"),
        at: boundedString().optional().describe("FILE:LINE inside the allowed roots"),
        includeExamples: z.boolean().optional().describe("include the topic's code examples (default false)"),
        alternatives: z.number().int().min(0).max(10).optional().describe("how many other matching topics to list (default 3)"),
      },
      outputSchema: explainOutputSchema,
      annotations: { ...readOnlyAnnotations, openWorldHint: false },
    },
    (args, extra) =>
      guarded(async (signal) => {
        const given = [args.topic, args.question, args.at].filter((v) => v !== undefined && v.trim() !== "");
        if (given.length !== 1) throw new ToolInputError("give exactly one of topic (an id), question (free text) or at (FILE:LINE)");
        if (args.at) {
          const { file, line } = parseTarget(args.at);
          const guard = await context.guard();
          const real = await guard.check(file, "file");
          const result = await explainAt(`${real.real}:${line}`);
          const machine = JSON.parse(renderStateMachineJson(result)) as Record<string, unknown> & { function: { kind: string; name?: string | null; startLine: number; endLine: number }; awaits: unknown[]; findings: unknown[]; lintError?: string };
          const fn = machine.function;
          // The findings inside, linted again with the config found inside the roots (explainAt looks
          // upward without bound, and its lint error could quote a file outside them).
          delete machine.lintError;
          try {
            const lint = await lintInPool({ kind: "paths", files: [real.real], config: await configInsideRoots(real.real, guard) }, signal);
            machine.findings = lint.findings
              .filter((f) => f.line >= fn.startLine && f.line <= fn.endLine)
              .map(({ rule, severity, line, column, message, help }) => ({ rule, severity, line, column, message, help }));
          } catch (error) {
            machine.findings = [];
            machine.lintError = error instanceof Error ? error.message.split("\n")[0]! : String(error);
          }
          const summary = `${fn.kind} ${fn.name ?? ""} (lines ${fn.startLine}-${fn.endLine}): ${machine.awaits.length} await point(s), ${machine.findings.length} lint finding(s) inside.`;
          return ok(summary, { kind: "state-machine", stateMachine: machine });
        }
        const topics = loadTopics();
        const router = new TopicRouter(topics);
        let found = args.topic ? topics.find((t) => t.id === args.topic!.trim()) : undefined;
        let confidence = 1;
        let alternatives: { id: string; title: string; score?: number }[] = [];
        if (!found) {
          const asked = (args.topic ?? args.question)!.trim();
          const routed = router.route(asked, args.alternatives ?? 3);
          if (!routed) throw new ToolInputError(`no topic matches "${args.topic ?? args.question}"; topics: ${topics.map((t) => t.id).join(", ")}`);
          if (routed.kind === "rule") {
            const rule = ruleJson(routed.rule, routed.alternatives);
            return ok(`${rule.kind === "lint" ? "Lint" : "Runtime"} rule ${rule.id}: ${rule.summary}\n\n${rule.body}`, { kind: "rule", rule, confidence: 1, alternatives: routed.alternatives });
          }
          if (routed.kind === "no-good-topic") {
            const text = `No topic answers "${asked}" well (confidence ${routed.confidence.toFixed(2)}). Nearest topics: ${routed.nearest.map((t) => `${t.id} (${t.title})`).join(", ")}.`;
            return ok(text, { kind: "no-good-topic", confidence: routed.confidence, nearest: routed.nearest });
          }
          found = routed.topic;
          confidence = routed.confidence;
          alternatives = routed.alternatives;
        }
        const json = topicJson(found);
        const topic = {
          id: json.id,
          title: json.title,
          summary: json.summary,
          uri: topicUri(json.id),
          body: json.body,
          lintRules: json.lintRules ?? [],
          runtimeRules: json.runtimeRules ?? [],
          relatedTopics: json.relatedTopics ?? [],
          commands: json.commands ?? [],
          examples: args.includeExamples ? json.examples : [],
          exampleCount: json.examples.length,
          links: json.links,
        };
        const text = `${topic.title} (${topic.id}, confidence ${confidence.toFixed(2)}): ${topic.summary}${alternatives.length ? `\nAlso relevant: ${alternatives.map((a) => a.id).join(", ")}` : ""}\n\n${topic.body}`;
        return ok(text, { kind: "topic", topic, confidence, alternatives });
      }, extra),
  );
}
