/**
 * The MCP server: one McpServer per client session with the six tools, the resources (explain topics
 * and rule docs) and the prompts. Transports are in run-mcp.ts (stdio) and http-transport.ts.
 */
import { packageVersion } from "../util/package-root.ts";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerPrompts } from "./prompts.ts";
import { registerResources } from "./resources.ts";
import { RootProvider } from "./roots/root-provider.ts";
import { registerCleanBacktraceTool } from "./tools/clean-backtrace.ts";
import { registerConsoleDiagnoseTool } from "./tools/console-diagnose.ts";
import { registerConsoleSnapshotTool } from "./tools/console-snapshot.ts";
import { registerConsoleTaskDetailsTool } from "./tools/console-task-details.ts";
import { registerExplainTool } from "./tools/explain-rust-async.ts";
import { registerLintTool } from "./tools/lint-rust-async.ts";
import type { ToolContext } from "./tools/tool-kit.ts";

export interface McpServerOptions {
  /** `--root` directories (absolute or relative to the cwd). */
  roots: string[];
  /** Ask the client for its roots (stdio); HTTP sessions use `roots` only. */
  useClientRoots: boolean;
  /** Allow console targets other than loopback and Unix sockets. */
  allowRemote: boolean;
}

const version = packageVersion();

export function createMcpServer(options: McpServerOptions): McpServer {
  const server = new McpServer(
    { name: "async-doctor", title: "async-doctor", version },
    {
      capabilities: { tools: {}, resources: {}, prompts: {} },
      instructions:
        "async-doctor diagnoses async Rust (tokio). lint_rust_async finds pitfalls in source; console_snapshot, console_diagnose and console_task_details read tokio-console data (live loopback targets or recordings/captures); clean_backtrace turns panics into async call chains; explain_rust_async explains concepts or the state machine of an async fn at FILE:LINE. Results are paged: follow nextOffset. Files must be inside the allowed roots.",
    },
  );
  const roots = new RootProvider(server.server, options.roots, options.useClientRoots);
  const context: ToolContext = { guard: () => roots.guard(), allowRemote: options.allowRemote };
  registerLintTool(server, context);
  registerExplainTool(server, context);
  registerConsoleSnapshotTool(server, context);
  registerConsoleDiagnoseTool(server, context);
  registerConsoleTaskDetailsTool(server, context);
  registerCleanBacktraceTool(server, context);
  registerResources(server);
  registerPrompts(server);
  return server;
}
