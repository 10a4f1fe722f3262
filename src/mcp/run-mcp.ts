/** `async-doctor mcp`: serves the MCP server over stdio (default) or Streamable HTTP (`--http`). */
import { UsageError } from "../cli/errors.ts";
import { PathGuard } from "./roots/path-guard.ts";
import { createMcpServer } from "./server.ts";
import { serverLimits } from "./limits.ts";
import { BoundedStdioTransport } from "./stdio-transport.ts";
import { closeLintPool } from "./lint-service.ts";

export interface McpCommandOptions {
  http?: boolean;
  listen?: string;
  root: string[];
  allowRemote?: boolean;
  token?: string;
  allowOrigin: string[];
}

export async function runMcpCommand(options: McpCommandOptions): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (options.root.length > 0) {
    const guard = await PathGuard.create(options.root);
    if (guard.roots.length !== options.root.length) throw new UsageError(`--root: ${options.root.join(", ")}: every root must be an existing directory`);
  }
  const allowRemote = options.allowRemote === true;
  if (!options.http) {
    if (options.listen) throw new UsageError("--listen needs --http");
    const server = createMcpServer({ roots: options.root, useClientRoots: true, allowRemote });
    const transport = new BoundedStdioTransport(serverLimits().maxMessageBytes);
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
      // The client closed our stdin: let replies to requests that were already read go out first.
      process.stdin.once("end", () => setTimeout(() => process.stdout.write("", () => resolve()), 100));
    });
    await server.connect(transport);
    log(`async-doctor mcp: serving on stdio (roots: client's roots, else ${options.root.length > 0 ? options.root.join(", ") : "the current directory"})`);
    await closed;
    await server.close().catch(() => {});
    await closeLintPool();
    return 0;
  }
  const { startHttpServer } = await import("./http-transport.ts");
  const token = options.token ?? process.env.ASYNC_DOCTOR_MCP_TOKEN;
  const running = await startHttpServer({
    listen: options.listen ?? "127.0.0.1:8765",
    ...(token ? { token } : {}),
    allowedOrigins: options.allowOrigin,
    createServer: () => createMcpServer({ roots: options.root, useClientRoots: false, allowRemote }),
    log,
  });
  log(`async-doctor mcp: listening on ${running.url} (roots: ${options.root.length > 0 ? options.root.join(", ") : process.cwd()}${token ? "; bearer token required" : ""})`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await running.close();
  await closeLintPool();
  return 0;
}
