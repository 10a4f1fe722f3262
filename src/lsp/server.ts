import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  LSPErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type FileEvent,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceDocumentDiagnosticReport,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { packageVersion } from "../util/package-root.ts";
import { AnalysisScheduler } from "./analysis-scheduler.ts";
import { codeActions, fixAllKind } from "./code-actions/code-actions.ts";
import { watchConfigFiles, type ConfigWatch } from "./config-watcher.ts";
import { findingDiagnostic, noticeDiagnostic } from "./diagnostics.ts";
import { withDocumentModel } from "./document-model.ts";
import { awaitHover, type HoverPart } from "./hover/await-hover.ts";
import { findingHover } from "./hover/finding-hover.ts";
import { selectHover } from "./hover/select-hover.ts";
import { awaitMarkers } from "./inlay-hints.ts";
import { LineIndex, rangeFromLineColumns } from "./line-index.ts";
import { defaultSettings, readSettings, type ServerSettings } from "./settings.ts";
import { WorkspaceIndex, type Scope } from "./workspace-index.ts";

/** Files whose change may change the config or the crate facts that are not in .rs files. */
const configNames = new Set(["async-doctor.toml", "Cargo.toml"]);

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, "request cancelled");
}

/** Waits for `promise` unless the client cancels the request first (then answers RequestCancelled). */
function cancellable<T>(promise: Promise<T>, token: CancellationToken): Promise<T> {
  if (token.isCancellationRequested) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const subscription = token.onCancellationRequested(() => {
      subscription.dispose();
      reject(cancelled());
    });
    promise.then(
      (value) => {
        subscription.dispose();
        if (token.isCancellationRequested) reject(cancelled());
        else resolve(value);
      },
      (error: unknown) => {
        subscription.dispose();
        reject(error);
      },
    );
  });
}

function isRustDocument(uri: string, languageId?: string): boolean {
  return uri.startsWith("file:") && (languageId === "rust" || uri.endsWith(".rs"));
}

interface ClientSupport {
  pull: boolean;
  pullRefresh: boolean;
  progress: boolean;
  watchedFiles: boolean;
  documentChanges: boolean;
  inlayHintRefresh: boolean;
  workspaceFolders: boolean;
}

/**
 * `async-doctor lsp`: diagnostics for unsaved buffers on every (debounced) change, with the
 * workspace index kept in memory (WorkspaceIndex), code actions, hovers on `.await`, `select!` and
 * findings, and opt-in inlay hints at await points. Runs next to rust-analyzer: it reports only
 * async-doctor's findings and leaves compiler errors to the compiler.
 */
export function startLanguageServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const log = (message: string) => connection.console.log(message);
  let settings: ServerSettings = defaultSettings;
  let support: ClientSupport = { pull: false, pullRefresh: false, progress: false, watchedFiles: false, documentChanges: false, inlayHintRefresh: false, workspaceFolders: false };
  let mode: "push" | "pull" = "push";
  let index: WorkspaceIndex | undefined;
  let indexing: Promise<void> = Promise.resolve();
  let indexingCount = 0;
  let configWatch: ConfigWatch | undefined;
  const shownConfigErrors = new Set<string>();
  /** Per file: the last diagnostics sent (push) or answered (pull), as a signature. */
  const published = new Map<string, string>();
  const workspaceWaiters: Array<() => void> = [];
  let crateTimer: NodeJS.Timeout | undefined;

  const fileOf = (uri: string) => fileURLToPath(uri);
  const uriOf = (file: string) => documents.get(pathToFileURL(file).href)?.uri ?? pathToFileURL(file).href;

  const scheduler = new AnalysisScheduler(
    defaultSettings.debounceMs,
    async (file) => {
      const document = documents.get(uriOf(file));
      if (!document || !index) return;
      const touched = await index.updateBuffer(file, document.getText(), document.version);
      publish(touched, file);
      if (index.hasDirtyCrates) scheduleCrateCheck();
    },
    (file, error) => log(`async-doctor: analysing ${file} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  );

  // --- diagnostics -----------------------------------------------------------------------------

  function lineTextReader(file: string): (line: number) => string {
    const document = documents.get(uriOf(file));
    let lines: string[] | undefined;
    return (line) => {
      if (!lines) {
        try {
          lines = (document?.getText() ?? readFileSync(file, "utf8")).split(/\r?\n/);
        } catch {
          lines = [];
        }
      }
      return lines[line - 1] ?? "";
    };
  }

  function diagnosticsFor(file: string): { diagnostics: Diagnostic[]; version: number | undefined } {
    if (!index) return { diagnostics: [], version: undefined };
    const { findings, notices } = index.diagnosticsOf(file);
    const lines = index.linesOf(file);
    const lineText = lineTextReader(file);
    const diagnostics: Diagnostic[] = [];
    for (const finding of findings) {
      const range = lines && file.endsWith(".rs")
        ? lines.range(finding.startOffset, finding.endOffset)
        : rangeFromLineColumns(lineText, finding.line, finding.column, finding.endLine, finding.endColumn);
      diagnostics.push(findingDiagnostic(finding, range));
    }
    for (const notice of notices) {
      const line = notice.line ?? 1;
      const diagnostic = noticeDiagnostic(notice, rangeFromLineColumns(lineText, line, notice.column ?? 1, line, notice.column ?? 1));
      if (diagnostic) diagnostics.push(diagnostic);
    }
    return { diagnostics, version: index.analysedVersion(file) };
  }

  const signatureOf = (diagnostics: Diagnostic[]) => createHash("sha1").update(JSON.stringify(diagnostics)).digest("hex");

  /**
   * Sends the diagnostics of files whose diagnostics changed; `analysed`, a buffer just analysed, is
   * always sent (with its new version), so the client knows its findings are current.
   */
  function publish(files: Iterable<string>, analysed?: string): void {
    let changedElsewhere = false;
    for (const file of files) {
      const { diagnostics, version } = diagnosticsFor(file);
      const signature = signatureOf(diagnostics);
      const forced = file === analysed && mode === "push";
      if (!forced && (published.get(file) === signature || (diagnostics.length === 0 && !published.has(file)))) continue;
      published.set(file, signature);
      if (mode === "push") {
        void connection.sendDiagnostics({ uri: uriOf(file), ...(version !== undefined ? { version } : {}), diagnostics });
      } else {
        changedElsewhere = true;
      }
    }
    if (mode === "pull" && changedElsewhere) {
      for (const wake of workspaceWaiters.splice(0)) wake();
      if (support.pullRefresh) void connection.languages.diagnostics.refresh();
    }
  }

  function scheduleCrateCheck(): void {
    if (crateTimer) clearTimeout(crateTimer);
    crateTimer = setTimeout(() => {
      crateTimer = undefined;
      // Typing or indexing goes first; the whole-crate pass waits for a quiet moment.
      if (scheduler.busy || indexingCount > 0) return scheduleCrateCheck();
      void index?.recheckDirtyCrates().then(publish, (error: unknown) => log(`async-doctor: crate check failed: ${String(error)}`));
    }, settings.crateCheckDelayMs);
  }

  // --- indexing --------------------------------------------------------------------------------

  function reportConfigErrors(scopes: readonly Scope[]): void {
    for (const scope of scopes) {
      if (!scope.configError || shownConfigErrors.has(scope.configError)) continue;
      shownConfigErrors.add(scope.configError);
      // A notification, not showErrorMessage's request: the server asks nothing back.
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `async-doctor: ${scope.configError} (using the default config until it is fixed)` });
    }
  }

  /** Indexes scopes with `$/progress` (when the client shows progress), then publishes. */
  function indexWithProgress(scopes: readonly Scope[], title: string): Promise<void> {
    if (!index || scopes.length === 0) return indexing;
    const target = index;
    indexingCount++;
    const run = async () => {
      const started = performance.now();
      const progress = support.progress ? await connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
      progress?.begin(title, 0, "finding Rust files", false);
      let lastReport = 0;
      const touched = await target.indexScopes(scopes, (done, total) => {
        const now = performance.now();
        if (now - lastReport < 200 && done < total) return;
        lastReport = now;
        progress?.report(Math.floor((done / Math.max(total, 1)) * 100), done < total ? `${done}/${total} files` : "checking crates");
      });
      progress?.done();
      log(`async-doctor: indexed ${target.fileCount} files (${target.lineCount} lines) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      publish([...touched, ...published.keys()]);
    };
    indexing = indexing.then(run).catch((error: unknown) => log(`async-doctor: indexing failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)).finally(() => {
      indexingCount--;
    });
    return indexing;
  }

  async function onFileEvents(changes: FileEvent[]): Promise<void> {
    if (!index) return;
    const target = index;
    const names = changes.map((change) => ({ ...change, file: fileOf(change.uri) }));
    if (names.some((change) => configNames.has(path.basename(change.file)))) {
      const manifestsMoved = names.some((change) => path.basename(change.file) === "Cargo.toml" && change.type !== FileChangeType.Changed);
      const changed = await target.reloadConfigs();
      reportConfigErrors(changed);
      for (const scope of changed) if (!scope.configError) log(`async-doctor: config reloaded for ${scope.root}${scope.config.source ? ` (${scope.config.source})` : ""}`);
      // A new or removed Cargo.toml moves files between crates: index again from scratch.
      const scopes = manifestsMoved ? target.scopeList : changed;
      if (scopes.length > 0) void indexWithProgress(scopes, "async-doctor: re-indexing (config changed)");
      else {
        target.markAllCratesDirty();
        scheduleCrateCheck();
      }
    }
    if (names.some((change) => change.file.endsWith(path.join(".cargo", "config.toml")))) {
      target.markAllCratesDirty();
      scheduleCrateCheck();
    }
    const touched = new Set<string>();
    for (const change of names) {
      if (!change.file.endsWith(".rs") || documents.get(change.uri) || !target.scopeFor(change.file)) continue;
      const result = change.type === FileChangeType.Deleted ? new Set(target.removeFile(change.file)) : await target.reloadFromDisk(change.file);
      for (const file of result) touched.add(file);
    }
    if (touched.size > 0) {
      publish(touched);
      scheduleCrateCheck();
    }
  }

  // --- lifecycle -------------------------------------------------------------------------------

  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    const warn = (message: string) => log(`async-doctor: ${message}`);
    settings = readSettings(params.initializationOptions, defaultSettings, warn, { nestedOnly: false });
    scheduler.setDelay(settings.debounceMs);
    const capabilities = params.capabilities;
    support = {
      pull: capabilities.textDocument?.diagnostic !== undefined,
      pullRefresh: capabilities.workspace?.diagnostics?.refreshSupport === true,
      progress: capabilities.window?.workDoneProgress === true,
      watchedFiles: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      documentChanges: capabilities.workspace?.workspaceEdit?.documentChanges === true,
      inlayHintRefresh: capabilities.workspace?.inlayHint?.refreshSupport === true,
      workspaceFolders: capabilities.workspace?.workspaceFolders === true,
    };
    mode = settings.diagnostics === "pull" || (settings.diagnostics === "auto" && support.pull) ? (support.pull ? "pull" : "push") : "push";
    index = new WorkspaceIndex({
      jobs: settings.jobs,
      openBuffer: (file) => {
        const document = documents.get(uriOf(file));
        return document ? { text: document.getText(), version: document.version } : undefined;
      },
      log,
    });
    const roots = params.workspaceFolders?.map((folder) => fileOf(folder.uri)) ?? (params.rootUri ? [fileOf(params.rootUri)] : params.rootPath ? [params.rootPath] : []);
    for (const root of roots) await index.addRoot(root);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        ...(mode === "pull" ? { diagnosticProvider: { identifier: "async-doctor", interFileDependencies: true, workspaceDiagnostics: true } } : {}),
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, fixAllKind], resolveProvider: false },
        hoverProvider: true,
        inlayHintProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: "async-doctor", version: packageVersion() },
    };
  });

  connection.onInitialized(() => {
    if (!index) return;
    const target = index;
    reportConfigErrors(target.scopeList);
    if (support.watchedFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: "**/*.rs" }, { globPattern: "**/async-doctor.toml" }, { globPattern: "**/Cargo.toml" }, { globPattern: "**/.cargo/config.toml" }],
      });
    } else {
      // The client watches nothing for us: watch the config files ourselves.
      configWatch = watchConfigFiles(() => target.scopeList.map((scope) => ({ root: scope.root, source: scope.config.source })), (files) => void onFileEvents(files.map((file) => ({ uri: pathToFileURL(file).href, type: FileChangeType.Changed }))));
    }
    if (support.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(async (event) => {
        const removed = event.removed.flatMap((folder) => target.removeRoot(fileOf(folder.uri)));
        publish(removed);
        const added: Scope[] = [];
        for (const folder of event.added) {
          const scope = await target.addRoot(fileOf(folder.uri));
          if (scope) added.push(scope);
        }
        reportConfigErrors(added);
        configWatch?.refresh();
        void indexWithProgress(added, "async-doctor: indexing");
      });
    }
    void indexWithProgress(target.scopeList, "async-doctor: indexing");
  });

  connection.onShutdown(() => {
    scheduler.dispose();
    if (crateTimer) clearTimeout(crateTimer);
    configWatch?.close();
  });

  connection.onDidChangeConfiguration((params) => {
    const before = settings.inlayHints;
    settings = readSettings(params.settings, settings, (message) => log(`async-doctor: ${message}`), { nestedOnly: true });
    scheduler.setDelay(settings.debounceMs);
    if (before !== settings.inlayHints && support.inlayHintRefresh) void connection.languages.inlayHint.refresh();
  });

  connection.onDidChangeWatchedFiles((params) => void onFileEvents(params.changes));

  // --- documents -------------------------------------------------------------------------------

  documents.onDidChangeContent((event) => {
    if (!isRustDocument(event.document.uri, event.document.languageId) || !index) return;
    const file = fileOf(event.document.uri);
    const target = index;
    // A file outside every workspace folder brings its crate into the index.
    void target.scopeForOpenedFile(file).then(({ scope, created }) => {
      if (created) void indexWithProgress([scope], "async-doctor: indexing");
    });
    scheduler.schedule(file);
  });

  documents.onDidClose((event) => {
    if (!isRustDocument(event.document.uri, event.document.languageId) || !index) return;
    const file = fileOf(event.document.uri);
    scheduler.forget(file);
    // Unsaved changes are gone with the buffer: the disk is the truth again.
    void index.reloadFromDisk(file).then((touched) => {
      publish(touched);
      scheduleCrateCheck();
    });
  });

  // --- pull diagnostics --------------------------------------------------------------------------

  connection.languages.diagnostics.on(async (params, token) => {
    const file = fileOf(params.textDocument.uri);
    await cancellable(scheduler.settled(file), token);
    const { diagnostics } = diagnosticsFor(file);
    const resultId = signatureOf(diagnostics);
    published.set(file, resultId);
    if (params.previousResultId === resultId) return { kind: "unchanged", resultId };
    return { kind: "full", resultId, items: diagnostics };
  });

  connection.languages.diagnostics.onWorkspace(async (params, token) => {
    await cancellable(indexing, token);
    const previous = new Map(params.previousResultIds.map((entry) => [entry.uri, entry.value]));
    const reports = (): WorkspaceDocumentDiagnosticReport[] => {
      const files = new Set([...index!.filesWithDiagnostics(), ...[...previous.keys()].map(fileOf)]);
      const items: WorkspaceDocumentDiagnosticReport[] = [];
      for (const file of files) {
        const uri = uriOf(file);
        if (documents.get(uri)) continue; // open buffers are pulled one by one
        const { diagnostics, version } = diagnosticsFor(file);
        const resultId = signatureOf(diagnostics);
        published.set(file, resultId);
        items.push(previous.get(uri) === resultId ? { kind: "unchanged", uri, resultId, version: version ?? null } : { kind: "full", uri, resultId, version: version ?? null, items: diagnostics });
      }
      return items;
    };
    let items = reports();
    // Nothing new for a client that already has every result: hold the request until something changes.
    if (previous.size > 0 && items.every((item) => item.kind === "unchanged")) {
      await cancellable(new Promise<void>((resolve) => workspaceWaiters.push(resolve)), token);
      items = reports();
    }
    return { items };
  });

  // --- code actions, hover, inlay hints ------------------------------------------------------------

  /** The document at its analysed version, or undefined when it is not open or changed since. */
  async function analysedDocument(uri: string, token: CancellationToken): Promise<{ document: TextDocument; file: string } | undefined> {
    const document = documents.get(uri);
    if (!document || !index || !isRustDocument(uri, document.languageId)) return undefined;
    const file = fileOf(uri);
    await cancellable(scheduler.settled(file), token);
    return index.analysedVersion(file) === document.version ? { document, file } : undefined;
  }

  connection.onCodeAction(async (params, token) => {
    const found = await analysedDocument(params.textDocument.uri, token);
    if (!found || !index) return [];
    const { document, file } = found;
    const lines = index.linesOf(file)!;
    return codeActions({
      file,
      uri: document.uri,
      version: document.version,
      text: document.getText(),
      lines,
      findings: index.diagnosticsOf(file).findings,
      start: document.offsetAt(params.range.start),
      end: document.offsetAt(params.range.end),
      diagnostics: params.context.diagnostics,
      ...(params.context.only ? { only: params.context.only } : {}),
      crateRoot: index.crateFactsOf(file)[0]?.crateRoot,
      documentChanges: support.documentChanges,
    });
  });

  connection.onHover(async (params, token) => {
    const document = documents.get(params.textDocument.uri);
    if (!document || !index || !isRustDocument(document.uri, document.languageId)) return null;
    const file = fileOf(document.uri);
    const target = index;
    const text = document.getText();
    const offset = document.offsetAt(params.position);
    const crateFns = (name: string) => target.crateFactsOf(file).flatMap((facts) => facts.functions.filter((fn) => fn.name === name));
    const parts = await withDocumentModel(file, text, (model) => [awaitHover(model, offset), selectHover(model, offset, crateFns)]);
    if (token.isCancellationRequested) throw cancelled();
    const found = await analysedDocument(document.uri, token);
    const onFinding = found && found.document.version === document.version ? findingHover(target.diagnosticsOf(file).findings, offset) : undefined;
    const shown = [...parts, onFinding].filter((part): part is HoverPart => part !== undefined);
    if (shown.length === 0) return null;
    const primary = shown[0]!;
    return {
      contents: { kind: "markdown", value: shown.map((part) => part.markdown).join("\n\n---\n\n") },
      range: { start: document.positionAt(primary.startOffset), end: document.positionAt(primary.endOffset) },
    };
  });

  connection.languages.inlayHint.on(async (params, token) => {
    if (!settings.inlayHints) return [];
    const document = documents.get(params.textDocument.uri);
    if (!document || !isRustDocument(document.uri, document.languageId)) return [];
    const start = document.offsetAt(params.range.start);
    const end = document.offsetAt(params.range.end);
    const markers = await withDocumentModel(fileOf(document.uri), document.getText(), (model) => awaitMarkers(model, start, end));
    if (token.isCancellationRequested) throw cancelled();
    const lines = LineIndex.of(document.getText());
    return markers.map((marker) => ({ position: lines.position(marker.offset), label: marker.label, paddingLeft: true, tooltip: marker.tooltip }));
  });

  documents.listen(connection);
  connection.listen();
}
