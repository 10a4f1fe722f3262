import type { Command } from "commander";
import type { SetExitCode } from "../registry.ts";

export function register(program: Command, setExitCode: SetExitCode): void {
  program
    .command("mcp")
    .description("serve async-doctor to coding agents over the Model Context Protocol (stdio by default; see docs/mcp.md)")
    .option("--http", "serve Streamable HTTP on /mcp instead of stdio", false)
    .option("--listen <addr>", "with --http: PORT or HOST:PORT (loopback unless a token is set)", undefined)
    .option("--root <dir>", "directory the tools may read (repeatable; stdio: used when the client has no roots; default: cwd)", collect, [] as string[])
    .option("--allow-remote", "allow console targets other than loopback and unix: sockets", false)
    .option("--token <token>", "with --http: require 'Authorization: Bearer TOKEN' (or set ASYNC_DOCTOR_MCP_TOKEN)")
    .option("--allow-origin <origin>", "with --http: also accept this browser Origin (repeatable; loopback origins are always accepted)", collect, [] as string[])
    .action(async (options) => {
      const { runMcpCommand } = await import("../../mcp/run-mcp.ts");
      setExitCode(await runMcpCommand(options));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
