/** Prompts: ready-made starting points that tell the agent which tools to use and in what order. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

function user(text: string) {
  return { messages: [{ role: "user" as const, content: { type: "text" as const, text } }] };
}

export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    "diagnose_slow_tokio_app",
    {
      title: "Diagnose a slow or stuck tokio app",
      description: "Find why a tokio app is slow or stuck, from a live console-subscriber or a recording/capture, plus its source.",
      argsSchema: {
        target: z.string().optional().describe("console target (http://127.0.0.1:6669, unix:PATH) or a recording/capture file"),
        source: z.string().optional().describe("the crate's folder, to lint"),
        symptom: z.string().optional().describe("what the user sees, e.g. 'requests hang after a few minutes'"),
      },
    },
    ({ target, source, symptom }) =>
      user(
        [
          `My tokio app is slow or stuck${symptom ? `: ${symptom}` : ""}. Please diagnose it.`,
          "",
          "Steps:",
          `1. Call console_diagnose with target ${target ? `"${target}"` : "(the app's console-subscriber, default http://127.0.0.1:6669, or a recording)"} to get runtime diagnoses (lost wakers, blocking polls, self-wake spins, scheduling delay, leaks, lock contention).`,
          "2. Call console_snapshot on the same target, sorted by busy or sched, with a small limit, to see the busiest and most delayed tasks.",
          "3. For each suspicious task, call console_task_details to see its poll-time histogram and how its counters changed over time.",
          `4. Call lint_rust_async on ${source ? `"${source}"` : "the crate's source folder"} and match findings (blocking-in-async, guard-across-await, pending-without-waker, …) to the tasks' spawn locations.`,
          "5. For each rule that fired, read its documentation resource (async-doctor://rules/<id> or async-doctor://runtime-rules/<id>) or call explain_rust_async.",
          "",
          "Report: the most likely cause first, with the evidence (numbers, task names, file:line), then the fix.",
        ].join("\n"),
      ),
  );
  server.registerPrompt(
    "review_async_code",
    {
      title: "Review this async code",
      description: "Review async Rust code for blocking, cancellation, locking and spawning pitfalls.",
      argsSchema: {
        code: z.string().optional().describe("the code to review (inline)"),
        path: z.string().optional().describe("or a file/folder inside the allowed roots"),
      },
    },
    ({ code, path }) =>
      user(
        [
          "Please review this async Rust code.",
          "",
          `1. Call lint_rust_async with ${code ? "code set to the snippet below" : path ? `paths ["${path}"]` : "the paths to review"}.`,
          "2. For each finding, explain the problem in the context of this code and propose a concrete fix; read async-doctor://rules/<id> for the rule's rationale.",
          "3. For async fns whose futures are large or !Send, call explain_rust_async with at=FILE:LINE to see what is held across each .await.",
          "4. Also look for what the linter cannot see: cancellation safety of select! branches, unbounded channels, missing timeouts, shutdown handling.",
          ...(code ? ["", "```rust", code, "```"] : []),
        ].join("\n"),
      ),
  );
  server.registerPrompt(
    "explain_panic",
    {
      title: "Explain this panic",
      description: "Turn a Rust panic, backtrace, JoinError or tokio task dump into the async call chain that led to it and explain it.",
      argsSchema: {
        log: z.string().optional().describe("the panic output or log text"),
        file: z.string().optional().describe("or a log file inside the allowed roots"),
      },
    },
    ({ log, file }) =>
      user(
        [
          "Please explain this panic and how to fix it.",
          "",
          `1. Call clean_backtrace with ${log ? "text set to the log below" : file ? `file "${file}"` : "the log text or file"}: it returns the panic message, location and the short async call chain (runtime and std frames folded), with lint findings on user frames.`,
          "2. Read the user frames of the chain in the source; if a lint finding is attached, read its rule documentation.",
          "3. If the panic is about a runtime (\"Cannot start a runtime from within a runtime\", \"cannot block the current thread\"), call explain_rust_async with the message as question.",
          "4. Explain the cause in plain words and propose the fix.",
          ...(log ? ["", "```text", log, "```"] : []),
        ].join("\n"),
      ),
  );
}
