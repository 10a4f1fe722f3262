import type { SyntaxNode } from "../rust/parser.ts";
import type { FileModel } from "../rust/file-model.ts";
import type { BindingIndex } from "../rust/bindings.ts";
import type { Finding, Fix, Severity } from "./finding.ts";
import type { LintConfig } from "./config.ts";
import type { CrateFacts, FileFacts } from "./facts.ts";

export interface ReportOptions {
  message: string;
  help: string;
  notes?: string[];
  chain?: string[];
  fix?: Fix;
  severity?: Severity;
  /** Span end (defaults to the reported node's end). */
  endNode?: SyntaxNode;
  insideClosureFor?: string;
}

export interface FileCheckContext {
  model: FileModel;
  bindings: BindingIndex;
  config: LintConfig;
  facts: FileFacts;
  /** Ids of the rules running in this lint (config and `--rule`): rules that defer to another check it runs. */
  activeRules: ReadonlySet<string>;
  report(node: SyntaxNode, options: ReportOptions): void;
}

export interface CrateCheckContext {
  crate: CrateFacts;
  config: LintConfig;
  report(finding: Omit<Finding, "rule" | "severity"> & { severity?: Severity }): void;
}

export interface LintRule {
  id: string;
  defaultSeverity: Severity;
  /** One line for `--list-rules`, SARIF and docs. */
  summary: string;
  /** Handlers by tree-sitter node type, run in the engine's single walk over each file. */
  visitors?: Record<string, (node: SyntaxNode, context: FileCheckContext) => void>;
  /** Runs once a file's walk is done (the tree is still alive). */
  finishFile?(context: FileCheckContext): void;
  /** Runs on the facts of a whole crate after every file was read (trees are gone by then). */
  checkCrate?(context: CrateCheckContext): void | Promise<void>;
}
