import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  createMessageConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgressCreateRequest,
  RegistrationRequest,
  type ClientCapabilities,
  type InitializeResult,
  type MessageConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from "vscode-languageserver-protocol/node";
import { projectRoot } from "../../support/shared.ts";

export interface ClientOptions {
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** Workspace folders (absolute paths); none: a client with no folder open. */
  roots?: string[];
  cwd?: string;
}

/**
 * A real LSP client over stdio (vscode-languageserver-protocol's client side) talking to
 * `async-doctor lsp` started from the compiled CLI, the way an editor starts it. Keeps every
 * notification the server sends, so tests can wait for the ones they expect.
 */
export class LspClient {
  readonly connection: MessageConnection;
  readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  readonly progress: Array<{ token: string | number; value: unknown }> = [];
  readonly registrations: unknown[] = [];
  readonly logs: string[] = [];
  stderr = "";
  exitCode: number | null | undefined;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.on("exit", (code) => {
      this.exitCode = code;
      this.notify();
    });
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const list = this.diagnostics.get(params.uri) ?? [];
      list.push(params);
      this.diagnostics.set(params.uri, list);
      this.notify();
    });
    this.connection.onNotification("window/logMessage", (params: { message: string }) => {
      this.logs.push(params.message);
      this.notify();
    });
    this.connection.onNotification("window/showMessage", (params: { message: string }) => {
      this.logs.push(`showMessage: ${params.message}`);
      this.notify();
    });
    // Progress for tokens nobody registered a handler for: the server-created work-done tokens.
    this.connection.onUnhandledProgress((params) => {
      this.progress.push(params);
      this.notify();
    });
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    this.connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
    });
    this.connection.onRequest("workspace/diagnostic/refresh", () => {
      this.logs.push("refresh");
      this.notify();
      return null;
    });
    this.connection.listen();
  }

  static start(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): LspClient {
    const child = spawn(process.execPath, [path.join(projectRoot, "bin/async-doctor.js"), "lsp", "--stdio"], {
      cwd: options.cwd ?? projectRoot,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    return new LspClient(child);
  }

  async initialize(options: ClientOptions = {}): Promise<InitializeResult> {
    const roots = options.roots ?? [];
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: roots[0] ? pathToFileURL(roots[0]).href : null,
      workspaceFolders: roots.map((root) => ({ uri: pathToFileURL(root).href, name: path.basename(root) })),
      capabilities: options.capabilities ?? {},
      initializationOptions: options.initializationOptions,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  open(file: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: pathToFileURL(file).href, languageId: "rust", version, text },
    });
  }

  change(file: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: pathToFileURL(file).href, version },
      contentChanges: changes,
    });
  }

  /** Resolves when `ready()` holds, re-checked on every message from the server; fails after `ms`. */
  waitFor<T>(ready: () => T | undefined | false, what: string, ms = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = ready();
        if (value !== undefined && value !== false) {
          this.listeners.delete(check);
          clearTimeout(timer);
          resolve(value);
        } else if (this.exitCode !== undefined) {
          this.listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`server exited (${this.exitCode}) while waiting for ${what}; stderr: ${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out waiting for ${what}; logs: ${this.logs.join(" | ")}; stderr: ${this.stderr}`));
      }, ms);
      this.listeners.add(check);
      check();
    });
  }

  /** The next diagnostics for a file that satisfy `accept` (counting from publication number `after`). */
  waitForDiagnostics(file: string, accept: (params: PublishDiagnosticsParams) => boolean, after = 0, ms?: number): Promise<PublishDiagnosticsParams> {
    const uri = pathToFileURL(file).href;
    return this.waitFor(() => (this.diagnostics.get(uri) ?? []).slice(after).find(accept), `diagnostics for ${file}`, ms);
  }

  publications(file: string): number {
    return (this.diagnostics.get(pathToFileURL(file).href) ?? []).length;
  }

  async shutdown(): Promise<number | null> {
    if (this.exitCode === undefined) {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
      await this.waitFor(() => this.exitCode !== undefined, "exit", 10_000);
    }
    this.connection.dispose();
    return this.exitCode ?? null;
  }

  kill(): void {
    if (this.exitCode === undefined) this.child.kill();
    this.connection.dispose();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
