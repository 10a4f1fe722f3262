import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ListRootsRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { pathToFileURL } from "node:url";
import { projectRoot } from "../support/shared.ts";

export const bin = path.join(projectRoot, "bin/async-doctor.js");

export interface Connected {
  client: Client;
  close(): Promise<void>;
  stderr(): string;
}

/** Starts `async-doctor mcp` as a child process and connects the SDK client over stdio. */
export async function connectStdio(options: { args?: string[]; cwd?: string; clientRoots?: string[] } = {}): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, "mcp", ...(options.args ?? [])],
    cwd: options.cwd ?? projectRoot,
    env: { ...(process.env as Record<string, string>), NO_COLOR: "1" },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: "async-doctor-test", version: "0.0.0" }, { capabilities: options.clientRoots ? { roots: { listChanged: true } } : {} });
  if (options.clientRoots) {
    const roots = options.clientRoots;
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: roots.map((r) => ({ uri: pathToFileURL(r).href, name: path.basename(r) })) }));
  }
  await client.connect(transport);
  return { client, close: () => client.close(), stderr: () => stderr };
}

/** Starts `async-doctor mcp --http --listen 127.0.0.1:0` and returns its URL (printed on stderr). */
export async function startHttpServerProcess(args: string[] = [], env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [bin, "mcp", "--http", "--listen", "127.0.0.1:0", ...args], {
    cwd: projectRoot,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`mcp --http did not start: ${text}`)), 20_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const m = /listening on (http:\/\/\S+\/mcp)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on("exit", () => {
      clearTimeout(timer);
      reject(new Error(`mcp --http exited: ${text}`));
    });
  });
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export async function connectHttp(url: string, headers: Record<string, string> = {}): Promise<Connected> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: "async-doctor-test", version: "0.0.0" });
  await client.connect(transport);
  return {
    client,
    close: async () => {
      await transport.terminateSession().catch(() => {});
      await client.close();
    },
    stderr: () => "",
  };
}

/** Calls a tool and returns its result typed loosely. */
export async function call(client: Client, name: string, args: Record<string, unknown>, options: { onprogress?: (p: { progress: number; total?: number }) => void } = {}): Promise<CallToolResult & { structuredContent?: Record<string, any> }> {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000, ...(options.onprogress ? { onprogress: options.onprogress } : {}) })) as CallToolResult & {
    structuredContent?: Record<string, any>;
  };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}
