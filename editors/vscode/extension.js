// The whole VS Code extension: start `async-doctor lsp` for Rust files with vscode-languageclient.
// rust-analyzer keeps running; this adds async-doctor's findings, fixes, hovers and inlay hints.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** Settings sent to the server: every asyncDoctor.* setting except the command itself. */
function serverSettings() {
  const config = vscode.workspace.getConfiguration("asyncDoctor");
  return {
    inlayHints: config.get("inlayHints"),
    debounceMs: config.get("debounceMs"),
    crateCheckDelayMs: config.get("crateCheckDelayMs"),
    diagnostics: config.get("diagnostics"),
  };
}

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("asyncDoctor").get("command");
  client = new LanguageClient(
    "asyncDoctor",
    "async-doctor",
    { command, args, transport: TransportKind.stdio },
    {
      documentSelector: [{ scheme: "file", language: "rust" }],
      initializationOptions: serverSettings(),
      // Settings changes reach the server as workspace/didChangeConfiguration { asyncDoctor: … }.
      synchronize: { configurationSection: "asyncDoctor" },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
