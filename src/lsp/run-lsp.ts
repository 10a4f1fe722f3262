/** `async-doctor lsp`: the language server over stdio (the only transport editors need here). */
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from "vscode-languageserver/node";
import { startLanguageServer } from "./server.ts";

export async function runLspCommand(): Promise<number> {
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  // One failed request or notification must not end the editor's session: log it and go on.
  process.on("unhandledRejection", (reason) => connection.console.error(`async-doctor: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));
  startLanguageServer(connection);
  // The connection ends the process itself on `exit` (0 after `shutdown`, else 1) or when stdin closes.
  await new Promise<void>((resolve) => connection.onExit(resolve));
  return 0;
}
