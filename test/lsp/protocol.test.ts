import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  CodeActionRequest,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticRequest,
  ErrorCodes,
  FileChangeType,
  HoverRequest,
  InlayHintRequest,
  LSPErrorCodes,
  ResponseError,
  WorkspaceDiagnosticRequest,
  CancellationTokenSource,
  type CodeAction,
  type Diagnostic,
  type MarkupContent,
} from "vscode-languageserver-protocol/node";
import { withRustTree } from "../../src/rust/parser.ts";
import { LspClient } from "./support/lsp-client.ts";
import { applyWorkspaceEdit, copyOfExample, exampleCrate, lineOf, readText } from "./support/workspace.ts";

const mainRs = path.join(exampleCrate, "src/main.rs");
const mainText = readText(mainRs);

const clients: LspClient[] = [];
const cleanups: Array<() => void> = [];
function start(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): LspClient {
  const client = LspClient.start(options);
  clients.push(client);
  return client;
}
afterEach(async () => {
  for (const client of clients.splice(0)) client.kill();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const rulesOf = (diagnostics: Diagnostic[]) => diagnostics.map((d) => `${d.range.start.line}:${d.code}`);

async function parses(text: string): Promise<boolean> {
  return withRustTree(text, (tree) => !tree.rootNode.hasError);
}

describe("async-doctor lsp over stdio (vscode-languageserver-protocol client)", () => {
  it("initializes with its capabilities and exits 0 after shutdown, 1 without", async () => {
    const client = start();
    const result = await client.initialize({ roots: [exampleCrate] });
    expect(result.serverInfo?.name).toBe("async-doctor");
    expect(result.capabilities.textDocumentSync).toMatchObject({ openClose: true, change: 2 });
    expect(result.capabilities.hoverProvider).toBe(true);
    expect(result.capabilities.codeActionProvider).toMatchObject({ codeActionKinds: ["quickfix", "source.fixAll.async-doctor"] });
    // No pull capability on the client: the server pushes and declares no diagnostic provider.
    expect(result.capabilities.diagnosticProvider).toBeUndefined();
    expect(await client.shutdown()).toBe(0);

    const rude = start();
    await rude.initialize({ roots: [exampleCrate] });
    await rude.connection.sendNotification("exit");
    await rude.waitFor(() => rude.exitCode !== undefined, "exit");
    expect(rude.exitCode).toBe(1);
  });

  it("reports the first index with $/progress: begin, reports, end", async () => {
    const client = start();
    await client.initialize({ roots: [exampleCrate], capabilities: { window: { workDoneProgress: true } } });
    await client.waitFor(() => client.logs.some((line) => /indexed 3 files \(135 lines\)/.test(line)), "index done");
    const kinds = client.progress.map((p) => (p.value as { kind: string }).kind);
    expect(kinds[0]).toBe("begin");
    expect(kinds.at(-1)).toBe("end");
    expect((client.progress[0]!.value as { title: string }).title).toMatch(/indexing/);
  });

  it("publishes diagnostics on open, with the rule as code and its page as codeDescription", async () => {
    const client = start();
    await client.initialize({ roots: [exampleCrate] });
    await client.open(mainRs, mainText, 7);
    const published = await client.waitForDiagnostics(mainRs, (p) => p.version === 7 && p.diagnostics.length > 0);
    const sleepLine = lineOf(mainText, "std::thread::sleep");
    expect(rulesOf(published.diagnostics)).toEqual(
      expect.arrayContaining([`${sleepLine}:blocking-in-async`, `${lineOf(mainText, "let issued = store.issued.lock().unwrap();")}:guard-across-await`]),
    );
    const sleep = published.diagnostics.find((d) => d.range.start.line === sleepLine)!;
    expect(sleep.source).toBe("async-doctor");
    expect(sleep.range.start.character).toBe(mainText.split("\n")[sleepLine]!.indexOf("std::thread::sleep"));
    expect(sleep.message).toMatch(/\nhelp: use `tokio::time::sleep/);
    const href = sleep.codeDescription!.href;
    expect(href).toMatch(/docs\/rules\/blocking-in-async\.md$/);
    expect(existsSync(fileURLToPath(href))).toBe(true);
  });

  it("follows unsaved edits: a change brings a new finding, another takes one away; the file on disk is untouched", async () => {
    const client = start();
    await client.initialize({ roots: [exampleCrate] });
    await client.open(mainRs, mainText, 1);
    await client.waitForDiagnostics(mainRs, (p) => p.version === 1 && p.diagnostics.length > 0);
    // Type a blocking call into report_stats (an async fn), at the start of the `loop {` line's body.
    const tickLine = lineOf(mainText, "interval.tick().await;");
    await client.change(mainRs, 2, [{ range: { start: { line: tickLine, character: 0 }, end: { line: tickLine, character: 0 } }, text: "        std::thread::sleep(Duration::from_millis(5));\n" }]);
    const withSleep = await client.waitForDiagnostics(mainRs, (p) => p.version === 2);
    expect(rulesOf(withSleep.diagnostics)).toContain(`${tickLine}:blocking-in-async`);
    // Now delete the original sleep in audit_writer (one line further down after the insertion).
    const oldSleep = lineOf(mainText, "std::thread::sleep") + 1;
    await client.change(mainRs, 3, [{ range: { start: { line: oldSleep, character: 0 }, end: { line: oldSleep + 1, character: 0 } }, text: "" }]);
    const withoutOld = await client.waitForDiagnostics(mainRs, (p) => p.version === 3);
    // Left: the new sleep, std::fs::write, and the crate-pass chain through config::load_settings.
    const blocking = withoutOld.diagnostics.filter((d) => d.code === "blocking-in-async").map((d) => d.range.start.line);
    expect(blocking).toEqual([lineOf(mainText, "config::load_settings()"), tickLine, lineOf(mainText, "std::fs::write") + 1]);
    expect(rulesOf(withoutOld.diagnostics)).not.toContain(`${oldSleep}:blocking-in-async`);
    expect(readText(mainRs)).toBe(mainText);
  });

  it("re-checks the crate when another file's helper starts blocking (crate facts follow the edit)", async () => {
    const client = start();
    await client.initialize({ roots: [exampleCrate], initializationOptions: { crateCheckDelayMs: 50 } });
    await client.open(mainRs, mainText, 1);
    await client.waitForDiagnostics(mainRs, (p) => p.version === 1 && p.diagnostics.length > 0);
    const storeRs = path.join(exampleCrate, "src/store.rs");
    const storeText = readText(storeRs);
    await client.open(storeRs, storeText, 1);
    const line = lineOf(storeText, "let ticket = *next;");
    await client.change(storeRs, 2, [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: "        std::thread::sleep(std::time::Duration::from_millis(1));\n" }]);
    // main.rs calls store.take_ticket() from async code: the chain appears there without main.rs changing.
    const takeLine = lineOf(mainText, "store.take_ticket()");
    const chained = await client.waitForDiagnostics(mainRs, (p) => p.diagnostics.some((d) => d.range.start.line === takeLine && d.code === "blocking-in-async"), 1);
    const finding = chained.diagnostics.find((d) => d.range.start.line === takeLine)!;
    expect(finding.message).toMatch(/take_ticket.*std::thread::sleep/s);
    // Undo: the chain goes away again.
    await client.change(storeRs, 3, [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: "" }]);
    const count = client.publications(mainRs);
    await client.waitForDiagnostics(mainRs, (p) => !p.diagnostics.some((d) => d.range.start.line === takeLine), count);
  });

  it("offers the rule's fix as a preferred quick fix, whose workspace edit parses and removes the finding", async () => {
    const client = start();
    await client.initialize({ roots: [exampleCrate], capabilities: { workspace: { workspaceEdit: { documentChanges: true } } } });
    await client.open(mainRs, mainText, 1);
    const published = await client.waitForDiagnostics(mainRs, (p) => p.version === 1 && p.diagnostics.length > 0);
    const sleepLine = lineOf(mainText, "std::thread::sleep");
    const diagnostic = published.diagnostics.find((d) => d.range.start.line === sleepLine)!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: pathToFileURL(mainRs).href },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    const titles = actions.map((action) => action.title);
    expect(titles).toEqual(expect.arrayContaining(["async-doctor: replace with `tokio::time::sleep(…).await`", "async-doctor: allow `blocking-in-async` here"]));
    const fix = actions.find((action) => action.isPreferred)!;
    expect(fix.kind).toBe("quickfix");
    expect(fix.diagnostics?.[0]?.code).toBe("blocking-in-async");
    const fixed = applyWorkspaceEdit(mainText, pathToFileURL(mainRs).href, fix.edit!);
    expect(await parses(fixed)).toBe(true);
    expect(fixed.split("\n")[sleepLine]).toBe("                tokio::time::sleep(Duration::from_millis(50)).await;");
    await client.change(mainRs, 2, [{ text: fixed }]);
    const after = await client.waitForDiagnostics(mainRs, (p) => p.version === 2);
    expect(rulesOf(after.diagnostics)).not.toContain(`${sleepLine}:blocking-in-async`);

    // "allow this rule here": a comment with a reason placeholder above the finding silences it.
    const writeLine = lineOf(fixed, "std::fs::write");
    const write = after.diagnostics.find((d) => d.range.start.line === writeLine && d.code === "blocking-in-async")!;
    const more = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: pathToFileURL(mainRs).href }, range: write.range, context: { diagnostics: [write] } })) as CodeAction[];
    // std::fs::write reads the local `pending`: moving it into spawn_blocking is not certain, so not offered.
    expect(more.map((action) => action.title)).not.toContain("async-doctor: wrap in `tokio::task::spawn_blocking`");
    const allow = more.find((action) => action.title === "async-doctor: allow `blocking-in-async` here")!;
    const allowed = applyWorkspaceEdit(fixed, pathToFileURL(mainRs).href, allow.edit!);
    expect(allowed.split("\n")[writeLine]).toBe("                // async-doctor: allow(blocking-in-async) <reason: why this is fine here>");
    expect(await parses(allowed)).toBe(true);
    await client.change(mainRs, 3, [{ text: allowed }]);
    const silenced = await client.waitForDiagnostics(mainRs, (p) => p.version === 3);
    expect(silenced.diagnostics.filter((d) => d.code === "blocking-in-async").map((d) => d.range.start.line)).toEqual([lineOf(mainText, "config::load_settings()")]);
  });

  it("fix-all applies every certain fix of the file as one edit that parses", async () => {
    const client = start();
    await client.initialize({ roots: [exampleCrate] });
    await client.open(mainRs, mainText, 1);
    await client.waitForDiagnostics(mainRs, (p) => p.version === 1 && p.diagnostics.length > 0);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: pathToFileURL(mainRs).href },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ["source.fixAll"] },
    })) as CodeAction[];
    expect(actions.map((action) => action.kind)).toEqual(["source.fixAll.async-doctor"]);
    const fixed = applyWorkspaceEdit(mainText, pathToFileURL(mainRs).href, actions[0]!.edit!);
    expect(fixed).toContain("tokio::time::sleep(Duration::from_millis(50)).await;");
    expect(await parses(fixed)).toBe(true);
  });

  it("hovers on .await (what is kept, the guard, what dropping cancels), on select! (branch cancel safety) and on a finding (its rule page)", async () => {
    const client = start();
    await client.initialize({ roots: [exampleCrate] });
    await client.open(mainRs, mainText, 1);
    await client.waitForDiagnostics(mainRs, (p) => p.version === 1 && p.diagnostics.length > 0);
    const hover = async (line: number, character: number) => {
      const result = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: pathToFileURL(mainRs).href }, position: { line, character } });
      return result ? (result.contents as MarkupContent).value : undefined;
    };
    const lines = mainText.split("\n");
    const writeLine = lineOf(mainText, "out.write_all(");
    const onAwait = await hover(writeLine, lines[writeLine]!.indexOf(".await") + 3);
    expect(onAwait).toMatch(/suspension point 2 of 2 in `report_stats`/);
    expect(onAwait).toMatch(/`issued`.*!Send/s);
    expect(onAwait).toMatch(/\*\*`!Send` here:\*\*/);
    expect(onAwait).toMatch(/Dropping the future here:\*\* `write_all` is not cancel-safe: if dropped here, you cannot tell how much was written/);

    const selectLine = lineOf(mainText, "tokio::select!");
    const onSelect = await hover(selectLine, lines[selectLine]!.indexOf("select"));
    expect(onSelect).toMatch(/`tokio::select!`\*\* — 2 branches/);
    expect(onSelect).toMatch(/1\. `rx\.recv\(\)` — ✓ cancel safe/);
    expect(onSelect).toMatch(/2\. `tokio::time::sleep\(Duration::from_secs\(5\)\)` — ✓ cancel safe: a timer/);

    const sleepLine = lineOf(mainText, "std::thread::sleep");
    const onFinding = await hover(sleepLine, lines[sleepLine]!.indexOf("sleep"));
    expect(onFinding).toMatch(/\[blocking-in-async\]\(file:\/\/.*docs\/rules\/blocking-in-async\.md\)/);

    expect(await hover(0, 0)).toBeUndefined();
  });

  it("inlay hints are opt-in: a guard held across an await is marked where it is", async () => {
    const off = start();
    await off.initialize({ roots: [exampleCrate] });
    await off.open(mainRs, mainText, 1);
    const range = { start: { line: 0, character: 0 }, end: { line: mainText.split("\n").length, character: 0 } };
    expect(await off.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri: pathToFileURL(mainRs).href }, range })).toEqual([]);

    const on = start();
    await on.initialize({ roots: [exampleCrate], initializationOptions: { inlayHints: true } });
    await on.open(mainRs, mainText, 1);
    const hints = (await on.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri: pathToFileURL(mainRs).href }, range }))!;
    const writeLine = lineOf(mainText, "out.write_all(");
    const line = mainText.split("\n")[writeLine]!;
    expect(hints.map((hint) => ({ ...hint.position, label: hint.label }))).toEqual([
      { line: writeLine, character: line.indexOf(".await") + ".await".length, label: "⟂ guard held" },
    ]);
    expect(String(hints[0]!.tooltip)).toMatch(/issued.*MutexGuard/);
  });

  it("serves pull diagnostics when the client pulls (and pushes none), unchanged results by result id", async () => {
    const client = start();
    const result = await client.initialize({ roots: [exampleCrate], capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } } } });
    expect(result.capabilities.diagnosticProvider).toMatchObject({ interFileDependencies: true, workspaceDiagnostics: true });
    await client.open(mainRs, mainText, 1);
    const uri = pathToFileURL(mainRs).href;
    const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    expect(report.kind).toBe("full");
    const items = (report as { items: Diagnostic[] }).items;
    expect(rulesOf(items)).toContain(`${lineOf(mainText, "std::thread::sleep")}:blocking-in-async`);
    const again = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, previousResultId: report.resultId! });
    expect(again).toEqual({ kind: "unchanged", resultId: report.resultId });
    // A change makes the next pull full again, with the new finding.
    const tickLine = lineOf(mainText, "interval.tick().await;");
    await client.change(mainRs, 2, [{ range: { start: { line: tickLine, character: 0 }, end: { line: tickLine, character: 0 } }, text: "        std::thread::sleep(Duration::from_millis(5));\n" }]);
    const changed = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, previousResultId: report.resultId! });
    expect(changed.kind).toBe("full");
    expect(rulesOf((changed as { items: Diagnostic[] }).items)).toContain(`${tickLine}:blocking-in-async`);
    // Files that are not open come through workspace diagnostics (the example has findings only in main.rs).
    const workspace = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    expect(workspace.items.map((item) => item.uri)).toEqual([]);
    expect(client.diagnostics.size).toBe(0);
  });

  it("cancels a held workspace-diagnostics request (RequestCancelled) and keeps serving", async () => {
    const { root, remove } = copyOfExample();
    cleanups.push(remove);
    const client = start();
    await client.initialize({ roots: [root], capabilities: { textDocument: { diagnostic: {} } } });
    const first = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const previous = first.items.map((item) => ({ uri: item.uri, value: item.resultId! }));
    expect(previous.map((item) => path.basename(fileURLToPath(item.uri)))).toEqual(["main.rs"]);
    // Nothing changed since: the server holds the request open until something does, or it is cancelled.
    const source = new CancellationTokenSource();
    const held = client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: previous }, source.token);
    await new Promise((resolve) => setTimeout(resolve, 300));
    source.cancel();
    const error = await held.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).code).toBe(LSPErrorCodes.RequestCancelled);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: pathToFileURL(path.join(root, "src/main.rs")).href }, position: { line: 0, character: 0 } });
    expect(hover).toBeNull();
  });

  it("survives malformed input: broken JSON, a request with bad params, an unknown method", async () => {
    const client = start();
    await client.initialize({ roots: [exampleCrate] });
    await client.open(mainRs, mainText, 1);
    await client.waitForDiagnostics(mainRs, (p) => p.version === 1 && p.diagnostics.length > 0);
    const garbage = "{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"textDocument/hover\",\"params\":{";
    client.child.stdin.write(`Content-Length: ${Buffer.byteLength(garbage)}\r\n\r\n${garbage}`);
    const badParams = await client.connection.sendRequest("textDocument/hover", { position: "here" }).then(() => undefined, (e: unknown) => e as ResponseError);
    expect(badParams).toBeInstanceOf(ResponseError);
    const unknown = await client.connection.sendRequest("async-doctor/nope", {}).then(() => undefined, (e: unknown) => e as ResponseError);
    expect(unknown?.code).toBe(ErrorCodes.MethodNotFound);
    // Still serving, with its state intact.
    const lines = mainText.split("\n");
    const writeLine = lineOf(mainText, "out.write_all(");
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: pathToFileURL(mainRs).href }, position: { line: writeLine, character: lines[writeLine]!.indexOf(".await") + 2 } });
    expect((hover!.contents as MarkupContent).value).toMatch(/report_stats/);
    expect(await client.shutdown()).toBe(0);
  });

  it("keeps to the lint's input limits for buffers: an oversized buffer is skipped with a log line, the next one is checked", async () => {
    const client = start({ env: { ASYNC_DOCTOR_MAX_FILE_BYTES: String(Buffer.byteLength(mainText) - 1) } });
    await client.initialize({ roots: [exampleCrate] });
    await client.open(mainRs, mainText, 1);
    const skipped = await client.waitForDiagnostics(mainRs, (p) => p.version === 1);
    expect(skipped.diagnostics).toEqual([]);
    await client.waitFor(() => client.logs.some((line) => line.includes(`main.rs: not checked: larger than ${Buffer.byteLength(mainText) - 1} bytes`)), "skip notice");
    const trimmed = mainText.replace(/^\/\/!.*\n/gm, "");
    await client.change(mainRs, 2, [{ text: trimmed }]);
    const checked = await client.waitForDiagnostics(mainRs, (p) => p.version === 2);
    expect(checked.diagnostics.some((d) => d.code === "blocking-in-async")).toBe(true);
  });

  it("reloads async-doctor.toml when the client reports the change (didChangeWatchedFiles)", async () => {
    const { root, remove } = copyOfExample();
    cleanups.push(remove);
    const main = path.join(root, "src/main.rs");
    const client = start();
    await client.initialize({ roots: [root], capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } } });
    const before = await client.waitForDiagnostics(main, (p) => p.diagnostics.some((d) => d.code === "blocking-in-async"));
    expect(before.diagnostics.length).toBeGreaterThan(0);
    await client.waitFor(() => client.registrations.length > 0, "file watcher registration");
    expect(JSON.stringify(client.registrations)).toContain("**/async-doctor.toml");
    const config = path.join(root, "async-doctor.toml");
    writeFileSync(config, "[rules]\nblocking-in-async = \"off\"\nguard-across-await = \"error\"\n");
    const count = client.publications(main);
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(config).href, type: FileChangeType.Created }] });
    const after = await client.waitForDiagnostics(main, (p) => !p.diagnostics.some((d) => d.code === "blocking-in-async"), count);
    expect(after.diagnostics.find((d) => d.code === "guard-across-await")?.severity).toBe(1);
    // A broken config is reported, and the defaults apply until it is fixed.
    writeFileSync(config, "[rules\n");
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(config).href, type: FileChangeType.Changed }] });
    await client.waitFor(() => client.logs.some((line) => /showMessage: async-doctor: invalid TOML in .*async-doctor\.toml/.test(line)), "config error message");
  });

  it("reloads async-doctor.toml by watching it itself when the client cannot watch files", async () => {
    const { root, remove } = copyOfExample();
    cleanups.push(remove);
    const main = path.join(root, "src/main.rs");
    const client = start();
    await client.initialize({ roots: [root] });
    await client.waitForDiagnostics(main, (p) => p.diagnostics.some((d) => d.code === "blocking-in-async"));
    expect(client.registrations).toEqual([]);
    const count = client.publications(main);
    writeFileSync(path.join(root, "async-doctor.toml"), "[rules]\nblocking-in-async = \"off\"\n");
    await client.waitForDiagnostics(main, (p) => !p.diagnostics.some((d) => d.code === "blocking-in-async"), count);
  });

  it("indexes the crate of a file opened with no workspace folder", async () => {
    const client = start({ cwd: "/" });
    await client.initialize({ capabilities: { window: { workDoneProgress: true } } });
    await client.open(mainRs, mainText, 1);
    await client.waitForDiagnostics(mainRs, (p) => p.diagnostics.some((d) => d.code === "blocking-in-async"));
    await client.waitFor(() => client.logs.some((line) => /indexed 3 files/.test(line)), "index of the opened file's crate");
  });
});

describe("the spawn_blocking quick fix compiles", () => {
  it("wraps a blocking call that borrows nothing, and cargo check accepts the result", async () => {
    const { requireCargo, cargo } = await import("../support/rust.ts");
    if (!requireCargo()) return;
    const { root, remove } = copyOfExample();
    cleanups.push(remove);
    const main = path.join(root, "src/main.rs");
    const text = readFileSync(main, "utf8");
    const tickLine = lineOf(text, "interval.tick().await;");
    const edited = text.replace("        interval.tick().await;\n", "        interval.tick().await;\n        let motd = std::fs::read_to_string(\"motd.txt\").unwrap_or_default();\n        out.write_all(motd.as_bytes()).await.ok();\n");
    const client = start();
    await client.initialize({ roots: [root] });
    await client.open(main, edited, 1);
    const published = await client.waitForDiagnostics(main, (p) => p.diagnostics.some((d) => d.range.start.line === tickLine + 1 && d.code === "blocking-in-async"));
    const diagnostic = published.diagnostics.find((d) => d.range.start.line === tickLine + 1)!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: pathToFileURL(main).href }, range: diagnostic.range, context: { diagnostics: [diagnostic] } })) as CodeAction[];
    const wrap = actions.find((action) => action.title === "async-doctor: wrap in `tokio::task::spawn_blocking`")!;
    expect(wrap).toBeDefined();
    const fixed = applyWorkspaceEdit(edited, pathToFileURL(main).href, wrap.edit!);
    expect(fixed.split("\n")[tickLine + 1]).toBe(
      '        let motd = tokio::task::spawn_blocking(|| std::fs::read_to_string("motd.txt")).await.expect("blocking task panicked").unwrap_or_default();',
    );
    writeFileSync(main, fixed);
    await cargo(root, ["check", "--quiet", "--offline"]);
    await client.change(main, 2, [{ text: fixed }]);
    const after = await client.waitForDiagnostics(main, (p) => p.version === 2);
    expect(rulesOf(after.diagnostics)).not.toContain(`${tickLine + 1}:blocking-in-async`);
  }, 600_000);
});
