import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";

describe("async-doctor mcp (command line)", () => {
  it("serves stdio until stdin closes, then exits 0 with only protocol on stdout", async () => {
    const { code, stdout, stderr } = await runCli(["mcp"], { input: "" });
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/serving on stdio/);
  });

  it("answers a JSON-RPC initialize written to stdin", async () => {
    const init = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } } };
    const { code, stdout } = await runCli(["mcp"], { input: `${JSON.stringify(init)}\n` });
    expect(code).toBe(0);
    const reply = JSON.parse(stdout.trim().split("\n")[0]!) as { id: number; result: { serverInfo: { name: string }; capabilities: Record<string, unknown> } };
    expect(reply.id).toBe(1);
    expect(reply.result.serverInfo.name).toBe("async-doctor");
    expect(Object.keys(reply.result.capabilities)).toEqual(expect.arrayContaining(["tools", "resources", "prompts"]));
  });

  it("survives malformed lines on stdin and answers the next request", async () => {
    const init = { jsonrpc: "2.0", id: 7, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } } };
    const garbage = ["{not json", JSON.stringify({ jsonrpc: "2.0", method: 42 }), "[]", "null"].join("\n");
    const { code, stdout } = await runCli(["mcp"], { input: `${garbage}\n${JSON.stringify(init)}\n` });
    expect(code).toBe(0);
    const replies = stdout.trim().split("\n").map((line) => JSON.parse(line) as { id?: number; result?: unknown });
    expect(replies.find((r) => r.id === 7)?.result).toBeDefined();
  });

  it("bad options are usage errors (exit 2, one line)", async () => {
    for (const args of [["mcp", "--listen", "127.0.0.1:0"], ["mcp", "--root", "/no/such/dir"], ["mcp", "--http", "--listen", "nonsense:port"]]) {
      const { code, stderr } = await runCli(args);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
  });
});
