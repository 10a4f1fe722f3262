import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { crateRootOf, findRustFiles } from "../rust/crate-walker.ts";
import { displayPathOf, readSource } from "../rust/read-source.ts";
import { SourceFile } from "../rust/source-file.ts";
import { activeRules, checkCrates, finalizeFindings, type FileResult } from "../lint/engine.ts";
import { lintFileIsolated } from "../lint/isolated-file.ts";
import { emptyFacts } from "../lint/facts.ts";
import { formatBytes, inputLimits } from "../util/input-limits.ts";
import { lintFilesInWorkers } from "../lint/parallel.ts";
import { defaultConfig, loadConfig, type LintConfig } from "../lint/config.ts";
import { ruleIds } from "../lint/rules/index.ts";
import type { CallSiteFact, FileFacts } from "../lint/facts.ts";
import type { FileNotice, Finding } from "../lint/finding.ts";
import type { LintRule } from "../lint/rule.ts";
import { LineIndex } from "./line-index.ts";

/**
 * The language server's view of the workspace, kept in memory between edits, and the only module of
 * src/lsp that talks to the lint engine: the engine's public two passes (`lintSourceFile` per file,
 * `checkCrates` over plain-data facts, `finalizeFindings`) are driven from here, so a change of the
 * engine's shape is adapted to in this file.
 *
 * Kept per file: the file pass's findings and facts (no tree, no text) and, for files with findings,
 * the line starts of the analysed text. An edit re-parses only the edited file; the crate pass is
 * then run at once for that file's own call sites (the other files' facts unchanged), which is exact
 * for every finding inside the edited file; when the edit changed what the file offers the rest of
 * its crate (its fns, their blocking calls, calls and positions), the crate is marked dirty and the
 * whole crate pass runs again once the editor is idle (`recheckDirtyCrates`). This relies on the
 * crate rules' shape: they report at call sites and read other files only through their fns.
 */

export interface Scope {
  /** Absolute folder: a workspace folder of the client, or the crate of a file opened outside them. */
  root: string;
  config: LintConfig;
  rules: LintRule[];
  /** Why the config could not be read (the defaults are used meanwhile). */
  configError?: string;
}

interface FileEntry {
  path: string;
  scope: Scope;
  result: FileResult;
  crateKey: string;
  /** What the rest of the crate sees of this file (fns, items, with positions); call sites excluded. */
  digest: string;
  /** Set when the analysed text came from an editor buffer, not from disk. */
  bufferVersion?: number;
  /** Line starts of the analysed text; for disk files loaded when first needed. */
  lines?: LineIndex;
  finalized?: Finding[];
  /** The last crate pass over this file's call sites, reused while nothing it depends on changed. */
  ownCallSites?: OwnCallSitesResult;
}

interface OwnCallSitesResult {
  /** Digest of what the result depends on: this file's facts (positions aside) and the crate's generation. */
  key: string;
  sites: CallSiteFact[];
  findings: Finding[];
}

interface CrateState {
  key: string;
  files: Set<string>;
  /** Crate-pass findings by absolute file (Cargo.toml included). */
  findings: Map<string, Finding[]>;
  dirty: boolean;
  /** Bumped whenever a file of the crate changes what it offers the others (or comes or goes). */
  generation: number;
}

export interface BufferSource {
  text: string;
  version: number;
}

export interface IndexOptions {
  /** Worker threads for indexing; the main thread stays free for the editor's requests. */
  jobs: number;
  /** Text of an open editor buffer, if the file is open. */
  openBuffer: (file: string) => BufferSource | undefined;
  log: (message: string) => void;
}

export interface FileDiagnostics {
  findings: Finding[];
  notices: FileNotice[];
}

/** Files below this count are read in-process: starting workers costs more than it saves. */
const workerThreshold = 32;

export class WorkspaceIndex {
  private readonly scopes: Scope[] = [];
  private readonly files = new Map<string, FileEntry>();
  private readonly crates = new Map<string, CrateState>();
  private readonly crateRoots = new Map<string, string | undefined>();
  /** Bumped by every re-index: results of an older index arriving late are dropped. */
  private generation = 0;

  constructor(private readonly options: IndexOptions) {}

  get scopeList(): readonly Scope[] {
    return this.scopes;
  }

  get fileCount(): number {
    return this.files.size;
  }

  get lineCount(): number {
    let lines = 0;
    for (const entry of this.files.values()) lines += entry.result.facts.lines;
    return lines;
  }

  /** Adds a folder to index (a workspace folder); returns the new scope, or undefined if covered. */
  async addRoot(root: string): Promise<Scope | undefined> {
    const absolute = path.resolve(root);
    if (this.scopes.some((scope) => scope.root === absolute)) return undefined;
    const scope: Scope = { root: absolute, config: defaultConfig, rules: activeRules(defaultConfig) };
    await this.loadScopeConfig(scope);
    this.scopes.push(scope);
    // Longest root first, so a nested folder's config wins for its files.
    this.scopes.sort((a, b) => b.root.length - a.root.length);
    return scope;
  }

  removeRoot(root: string): string[] {
    const absolute = path.resolve(root);
    const index = this.scopes.findIndex((scope) => scope.root === absolute);
    if (index === -1) return [];
    const [scope] = this.scopes.splice(index, 1);
    const removed: string[] = [];
    for (const entry of [...this.files.values()]) {
      if (entry.scope !== scope) continue;
      const fallback = this.scopeFor(entry.path);
      if (fallback) entry.scope = fallback;
      else removed.push(...this.removeFile(entry.path));
    }
    return removed;
  }

  /** The scope whose folder holds the file (the innermost). */
  scopeFor(file: string): Scope | undefined {
    return this.scopes.find((scope) => isInside(file, scope.root));
  }

  /**
   * A file opened outside every workspace folder (or with no folder at all): its crate becomes a
   * scope of its own, to be indexed like a workspace folder.
   */
  async scopeForOpenedFile(file: string): Promise<{ scope: Scope; created: boolean }> {
    const known = this.scopeFor(file);
    if (known) return { scope: known, created: false };
    const root = crateRootOf(file, this.crateRoots) ?? path.dirname(file);
    const scope = (await this.addRoot(root)) ?? this.scopeFor(file)!;
    return { scope, created: true };
  }

  private async loadScopeConfig(scope: Scope): Promise<void> {
    try {
      scope.config = await loadConfig(undefined, scope.root, ruleIds);
      delete scope.configError;
    } catch (error) {
      scope.config = defaultConfig;
      scope.configError = error instanceof Error ? error.message : String(error);
    }
    scope.rules = activeRules(scope.config);
  }

  /**
   * Reads every scope's config again. Returns the scopes whose config changed (their files must be
   * linted again: the config decides the rules of the file pass too).
   */
  async reloadConfigs(): Promise<Scope[]> {
    const changed: Scope[] = [];
    for (const scope of this.scopes) {
      const before = JSON.stringify([scope.config, scope.configError]);
      await this.loadScopeConfig(scope);
      if (JSON.stringify([scope.config, scope.configError]) !== before) changed.push(scope);
    }
    return changed;
  }

  /**
   * Lints every Rust file of the scopes (open buffers from their text, the rest from disk on worker
   * threads), then runs the crate passes. Returns the files whose diagnostics may have changed.
   */
  async indexScopes(scopes: readonly Scope[], onProgress?: (done: number, total: number) => void): Promise<Set<string>> {
    const generation = ++this.generation;
    const touched = new Set<string>();
    const work: Array<{ scope: Scope; files: string[] }> = [];
    for (const scope of scopes) {
      const files = (await findRustFiles([scope.root]).catch(() => [] as string[])).map((file) => path.resolve(file));
      work.push({ scope, files: files.filter((file) => this.scopeFor(file) === scope) });
    }
    const total = work.reduce((sum, item) => sum + item.files.length, 0);
    let done = 0;
    const tick = () => onProgress?.(++done, total);
    for (const { scope, files } of work) {
      const seen = new Set(files);
      for (const entry of [...this.files.values()]) {
        if (entry.scope === scope && !seen.has(entry.path) && entry.bufferVersion === undefined) for (const file of this.removeFile(entry.path)) touched.add(file);
      }
      const onDisk: string[] = [];
      for (const file of files) {
        const buffer = this.options.openBuffer(file);
        if (buffer) {
          await this.analyse(file, scope, buffer.text, buffer.version);
          touched.add(file);
          tick();
        } else onDisk.push(file);
      }
      const take = (file: string, result: FileResult | undefined) => {
        tick();
        if (generation !== this.generation || !result) return;
        // An editor buffer opened meanwhile is newer than the disk.
        if (this.files.get(file)?.bufferVersion !== undefined) return;
        this.store(file, scope, result, undefined, undefined);
        touched.add(file);
      };
      if (onDisk.length >= workerThreshold && this.options.jobs > 0) {
        await lintFilesInWorkers(onDisk, scope.config, [], this.options.jobs, (file, result) => take(path.resolve(file), result));
      } else {
        for (const file of onDisk) {
          const read = await readSource(file);
          const linted = read.ok ? await lintFileIsolated(read.file, scope.config, scope.rules, this.crateRoots) : undefined;
          take(file, linted?.ok ? linted.result : undefined);
          // Keep answering the editor between files.
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    }
    if (generation !== this.generation) return touched;
    for (const crate of this.crates.values()) crate.dirty = true;
    for (const file of await this.recheckDirtyCrates()) touched.add(file);
    return touched;
  }

  /**
   * An editor buffer changed (or was opened): the file pass on its text, then the crate pass for its
   * own call sites. Returns the files whose diagnostics may have changed (this one, or none).
   */
  async updateBuffer(file: string, text: string, version: number): Promise<Set<string>> {
    const { scope } = await this.scopeForOpenedFile(file);
    await this.analyse(file, scope, text, version);
    return new Set([file]);
  }

  /** A file changed on disk and is not open in the editor (or its buffer was closed). */
  async reloadFromDisk(file: string): Promise<Set<string>> {
    const scope = this.scopeFor(file);
    if (!scope) return new Set(this.removeFile(file));
    const read = await readSource(file);
    if (!read.ok) return new Set(this.removeFile(file));
    await this.analyse(file, scope, read.file.text, undefined);
    return new Set([file]);
  }

  /** The file is gone: its entry leaves the index and its crate is checked again when idle. */
  removeFile(file: string): string[] {
    const entry = this.files.get(file);
    if (!entry) return [];
    this.files.delete(file);
    const crate = this.crates.get(entry.crateKey);
    if (crate) {
      crate.files.delete(file);
      crate.findings.delete(file);
      crate.dirty = true;
      crate.generation++;
      if (crate.files.size === 0) this.crates.delete(entry.crateKey);
    }
    return [file];
  }

  private async analyse(file: string, scope: Scope, text: string, version: number | undefined): Promise<void> {
    const source = new SourceFile(file, displayPathOf(file), text);
    // The lint's input policy holds for editor buffers too: a size limit, and a failure (parser crash,
    // time budget) stays this file's, reported as a notice, never the server's end.
    const limit = inputLimits().maxFileBytes;
    const linted = Buffer.byteLength(text) > limit ? { ok: false as const, reason: `not checked: larger than ${formatBytes(limit)}` } : await lintFileIsolated(source, scope.config, scope.rules, this.crateRoots);
    const result: FileResult = linted.ok
      ? linted.result
      : { findings: [], facts: emptyFacts(source.displayPath, crateRootOf(file, this.crateRoots)), notices: [{ file: source.displayPath, kind: "skipped", message: linted.reason }] };
    if (!linted.ok) this.options.log(`async-doctor: ${source.displayPath}: ${linted.reason}`);
    const entry = this.store(file, scope, result, version, LineIndex.of(text));
    await this.checkOwnCallSites(entry);
  }

  private store(file: string, scope: Scope, result: FileResult, version: number | undefined, lines: LineIndex | undefined): FileEntry {
    const previous = this.files.get(file);
    const crateKey = result.facts.crateRoot ?? "";
    const entry: FileEntry = { path: file, scope, result, crateKey, digest: interfaceDigest(result.facts), ...(version !== undefined ? { bufferVersion: version } : {}), ...(lines ? { lines } : {}) };
    this.files.set(file, entry);
    if (previous && previous.crateKey !== crateKey) this.removeFromCrate(previous);
    let crate = this.crates.get(crateKey);
    if (!crate) {
      crate = { key: crateKey, files: new Set(), findings: new Map(), dirty: true, generation: 0 };
      this.crates.set(crateKey, crate);
    }
    crate.files.add(file);
    if (!previous || previous.digest !== entry.digest) {
      crate.dirty = true;
      crate.generation++;
    }
    if (previous?.ownCallSites) entry.ownCallSites = previous.ownCallSites;
    return entry;
  }

  private removeFromCrate(entry: FileEntry): void {
    const crate = this.crates.get(entry.crateKey);
    if (!crate) return;
    crate.files.delete(entry.path);
    crate.findings.delete(entry.path);
    crate.dirty = true;
    crate.generation++;
  }

  private crateFacts(crate: CrateState): FileFacts[] {
    const facts: FileFacts[] = [];
    for (const file of crate.files) {
      const entry = this.files.get(file);
      if (entry) facts.push(entry.result.facts);
    }
    return facts;
  }

  /**
   * The crate pass for one file's call sites only: exact for every crate finding inside that file.
   * Typing mostly leaves a file's calls as they were (only their positions move): then the last
   * result is reused, moved to the new positions, instead of running the crate rules again.
   */
  private async checkOwnCallSites(entry: FileEntry): Promise<void> {
    const crate = this.crates.get(entry.crateKey)!;
    const facts = entry.result.facts;
    const key = createHash("sha1").update(`${crate.generation}\0${entry.digest}\0${withoutPositions(facts.callSites)}`).digest("hex");
    let own = entry.ownCallSites?.key === key ? moveToSites(entry.ownCallSites, facts.callSites) : undefined;
    if (!own) {
      const restricted = this.crateFacts(crate).map((other) => (other === facts ? other : { ...other, callSites: [] }));
      const findings = await checkCrates(restricted, entry.scope.config, entry.scope.rules);
      own = findings.filter((finding) => path.resolve(finding.file) === entry.path);
    }
    // The entry may have been replaced by a newer analysis while the crate pass awaited.
    if (this.files.get(entry.path) !== entry) return;
    entry.ownCallSites = { key, sites: facts.callSites, findings: own };
    crate.findings.set(entry.path, own);
    entry.finalized = finalizeFindings([...entry.result.findings, ...own], this.crateFacts(crate), entry.scope.config);
  }

  /** Something outside the .rs files changed (Cargo.toml, .cargo/config.toml): every crate pass runs again. */
  markAllCratesDirty(): void {
    for (const crate of this.crates.values()) crate.dirty = true;
  }

  get hasDirtyCrates(): boolean {
    for (const crate of this.crates.values()) if (crate.dirty) return true;
    return false;
  }

  /** The whole crate pass for crates an edit may have changed; returns the files to publish again. */
  async recheckDirtyCrates(): Promise<Set<string>> {
    const touched = new Set<string>();
    for (const crate of [...this.crates.values()]) {
      if (!crate.dirty) continue;
      crate.dirty = false;
      const entries = [...crate.files].map((file) => this.files.get(file)).filter((entry): entry is FileEntry => entry !== undefined);
      if (entries.length === 0) continue;
      const scope = (crate.key && this.scopeFor(path.join(crate.key, "Cargo.toml"))) || entries[0]!.scope;
      const facts = entries.map((entry) => entry.result.facts);
      const crateFindings = await checkCrates(facts, scope.config, scope.rules);
      for (const file of crate.findings.keys()) touched.add(file);
      crate.findings = groupByFile(crateFindings);
      const all = finalizeFindings([...entries.flatMap((entry) => entry.result.findings), ...crateFindings], facts, scope.config);
      const byFile = groupByFile(all);
      for (const entry of entries) {
        entry.finalized = byFile.get(entry.path) ?? [];
        touched.add(entry.path);
      }
      for (const file of crate.findings.keys()) touched.add(file);
    }
    return touched;
  }

  /** The analysed version of an open buffer (undefined when the file's entry came from disk). */
  analysedVersion(file: string): number | undefined {
    return this.files.get(file)?.bufferVersion;
  }

  isIndexed(file: string): boolean {
    return this.files.has(file);
  }

  /** Findings (allows, severities and de-duplication applied) and notices of one file. */
  diagnosticsOf(file: string): FileDiagnostics {
    const entry = this.files.get(file);
    if (!entry) {
      // Crate findings outside the .rs files (console-setup reports in Cargo.toml).
      const findings: Finding[] = [];
      for (const crate of this.crates.values()) findings.push(...(crate.findings.get(file) ?? []));
      return { findings, notices: [] };
    }
    entry.finalized ??= finalizeFindings([...entry.result.findings, ...(this.crates.get(entry.crateKey)?.findings.get(file) ?? [])], this.crateFacts(this.crates.get(entry.crateKey)!), entry.scope.config);
    return { findings: entry.finalized, notices: entry.result.notices };
  }

  /** Line starts of the text the file's findings point into (read from disk for files not open). */
  linesOf(file: string): LineIndex | undefined {
    const entry = this.files.get(file);
    if (!entry) return undefined;
    if (!entry.lines) {
      try {
        let text = readFileSync(file, "utf8");
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        entry.lines = LineIndex.of(text);
      } catch {
        return undefined;
      }
    }
    return entry.lines;
  }

  /** Every file that has something to show (for workspace diagnostics and the first publish). */
  filesWithDiagnostics(): string[] {
    const files = new Set<string>();
    for (const [file, entry] of this.files) {
      if (entry.result.findings.length > 0 || entry.result.notices.length > 0) files.add(file);
    }
    for (const crate of this.crates.values()) for (const [file, list] of crate.findings) if (list.length > 0) files.add(file);
    return [...files].filter((file) => this.diagnosticsOf(file).findings.length > 0 || this.diagnosticsOf(file).notices.length > 0);
  }

  /** The config that applies to a file (its scope's), with the reason it could not be read, if so. */
  configOf(file: string): Scope | undefined {
    return this.files.get(file)?.scope ?? this.scopeFor(file);
  }

  /** Facts of the crate a file belongs to (for hovers that resolve a call by name). */
  crateFactsOf(file: string): FileFacts[] {
    const entry = this.files.get(file);
    const crate = entry ? this.crates.get(entry.crateKey) : undefined;
    return crate ? this.crateFacts(crate) : [];
  }
}

function groupByFile(findings: Finding[]): Map<string, Finding[]> {
  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) {
    const file = path.resolve(finding.file);
    const list = byFile.get(file) ?? [];
    list.push(finding);
    byFile.set(file, list);
  }
  return byFile;
}

function isInside(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** The call sites as data without their positions (what the crate rules read of them). */
function withoutPositions(sites: CallSiteFact[]): string {
  return JSON.stringify(sites, (key, value: unknown) => (spanKeys.has(key) ? undefined : value));
}

const spanKeys = new Set(["file", "line", "column", "endLine", "endColumn", "startOffset", "endOffset"]);

/**
 * The previous crate findings of a file moved to its call sites' new positions (the sites are the
 * same, in the same order); undefined when a finding is not at one of the old sites.
 */
function moveToSites(previous: OwnCallSitesResult, sites: CallSiteFact[]): Finding[] | undefined {
  const moved: Finding[] = [];
  for (const finding of previous.findings) {
    const index = previous.sites.findIndex((site) => site.startOffset === finding.startOffset && site.endOffset === finding.endOffset);
    const site = sites[index];
    if (index === -1 || !site) return undefined;
    moved.push({ ...finding, file: site.file, line: site.line, column: site.column, endLine: site.endLine, endColumn: site.endColumn, startOffset: site.startOffset, endOffset: site.endOffset });
  }
  return moved;
}

/** Span keys that move with every keystroke earlier in the file; crate messages only name lines. */
const movingKeys = new Set(["column", "endColumn", "startOffset", "endOffset", "extent"]);

/**
 * A digest of what other files' crate findings can depend on: everything in the facts except the
 * file's own call sites, its allow comments, its line count and offsets (lines stay in: crate
 * messages name the line of a helper's blocking call).
 */
function interfaceDigest(facts: FileFacts): string {
  const { callSites: _callSites, allows: _allows, lines: _lines, ...rest } = facts;
  return createHash("sha1")
    .update(JSON.stringify(rest, (key, value: unknown) => (movingKeys.has(key) ? undefined : value)))
    .digest("hex");
}
