import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { afterEach, describe, expect, it } from "vitest";
import { projectRoot } from "../support/shared.ts";
import { LspClient } from "./support/lsp-client.ts";
import { exampleCrate } from "./support/workspace.ts";

/**
 * Helix, Zed and VS Code cannot be installed here (not in Debian; Neovim and Emacs have their own
 * real-client tests). What can be checked: each config names async-doctor next to rust-analyzer, and
 * the settings each one sends are settings the server knows: it is started with exactly them and must
 * not report one as unknown or ill-typed.
 */
const editors = path.join(projectRoot, "editors");
const clients: LspClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.kill();
});

async function serverAccepts(initializationOptions: unknown): Promise<string[]> {
  const client = LspClient.start();
  clients.push(client);
  await client.initialize({ roots: [exampleCrate], initializationOptions });
  await client.waitFor(() => client.logs.some((line) => /indexed \d+ files/.test(line)), "first index");
  return client.logs.filter((line) => /setting/.test(line));
}

describe("editor configs", () => {
  it("Helix: rust keeps rust-analyzer and adds async-doctor `lsp`; its config is a valid settings object", async () => {
    const config = parseToml(readFileSync(path.join(editors, "helix/languages.toml"), "utf8")) as {
      "language-server": Record<string, { command: string; args: string[]; config: unknown }>;
      language: Array<{ name: string; "language-servers": string[] }>;
    };
    const server = config["language-server"]["async-doctor"]!;
    expect([server.command, ...server.args]).toEqual(["async-doctor", "lsp"]);
    expect(config.language.find((language) => language.name === "rust")!["language-servers"]).toEqual(["rust-analyzer", "async-doctor"]);
    expect(await serverAccepts(server.config)).toEqual([]);
  });

  it("Zed: the extension registers async-doctor for Rust, the settings list it beside rust-analyzer", async () => {
    const extension = parseToml(readFileSync(path.join(editors, "zed/extension.toml"), "utf8")) as { language_servers: Record<string, { languages: string[] }> };
    expect(extension.language_servers["async-doctor"]!.languages).toEqual(["Rust"]);
    const lib = readFileSync(path.join(editors, "zed/src/lib.rs"), "utf8");
    expect(lib).toMatch(/which\("async-doctor"\)/);
    expect(lib).toMatch(/args: vec!\["lsp"\.to_string\(\)\]/);
    const settings = JSON.parse(readFileSync(path.join(editors, "zed/settings.json"), "utf8")) as {
      languages: { Rust: { language_servers: string[] } };
      lsp: { "async-doctor": { initialization_options: unknown } };
    };
    expect(settings.languages.Rust.language_servers).toEqual(["rust-analyzer", "async-doctor", "..."]);
    expect(await serverAccepts(settings.lsp["async-doctor"].initialization_options)).toEqual([]);
  });

  it("VS Code: the extension's settings are the server's, with their defaults", async () => {
    const manifest = JSON.parse(readFileSync(path.join(editors, "vscode/package.json"), "utf8")) as {
      main: string;
      activationEvents: string[];
      contributes: { configuration: { properties: Record<string, { default: unknown }> } };
    };
    expect(manifest.activationEvents).toEqual(["onLanguage:rust"]);
    const extension = readFileSync(path.join(editors, "vscode", manifest.main), "utf8");
    expect(extension).toMatch(/language: "rust"/);
    const properties = manifest.contributes.configuration.properties;
    expect(properties["asyncDoctor.command"]!.default).toEqual(["async-doctor", "lsp"]);
    // The same object VS Code sends: every asyncDoctor.* setting, as initializationOptions and in didChangeConfiguration.
    const sent = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key.replace(/^asyncDoctor\./, ""), value.default]));
    for (const key of Object.keys(sent).filter((key) => key !== "command")) expect(extension).toContain(`config.get("${key}")`);
    expect(await serverAccepts(sent)).toEqual([]);
    expect(await serverAccepts({ debounceMs: "fast", colour: true })).toEqual([
      'async-doctor: setting debounceMs: expected milliseconds (0-60000), got "fast"',
      "async-doctor: unknown setting colour",
    ]);
  });
});
