import type { SyntaxNode } from "../rust/parser.ts";
import { FileModel } from "../rust/file-model.ts";
import { BindingIndex } from "../rust/bindings.ts";
import { crateRootOf } from "../rust/crate-walker.ts";
import type { SourceFile } from "../rust/source-file.ts";
import type { Finding, FileNotice, Severity } from "./finding.ts";
import type { CrateCheckContext, FileCheckContext, LintRule, ReportOptions } from "./rule.ts";
import { emptyFacts, type CrateFacts, type FileFacts } from "./facts.ts";
import { FactsCollector } from "./facts-collector.ts";
import { collectAllows, isAllowed } from "./suppressions.ts";
import type { LintConfig } from "./config.ts";
import { allRules } from "./rules/index.ts";
import { fileDeadline } from "../util/input-limits.ts";

export interface FileResult {
  findings: Finding[];
  facts: FileFacts;
  notices: FileNotice[];
}

/** Rules that are on under this config and the `--rule` selection. */
export function activeRules(config: LintConfig, only: string[] = []): LintRule[] {
  return allRules.filter((rule) => config.rules[rule.id] !== "off" && (only.length === 0 || only.includes(rule.id)));
}

/**
 * Pass 1 for one file: parse, run every rule's visitors in a single walk, collect crate facts, free
 * the trees. Nothing of the tree survives this call.
 */
export async function lintSourceFile(source: SourceFile, config: LintConfig, rules: LintRule[], crateRoots = new Map<string, string | undefined>()): Promise<FileResult> {
  const crateRoot = source.path === "-" || source.path.startsWith("<") ? undefined : crateRootOf(source.path, crateRoots);
  const facts = emptyFacts(source.displayPath, crateRoot);
  const notices: FileNotice[] = [];
  const findings: Finding[] = [];
  const model = await FileModel.parse(source, { safeWrappers: config.safeWrappers, deadline: fileDeadline() });
  try {
    facts.lines = source.lineCount;
    if (model.hasSyntaxErrors) {
      const at = model.firstSyntaxError();
      notices.push({
        file: source.displayPath,
        kind: "syntax-error",
        message: "syntax error; the parts that parse were still checked",
        line: at?.line,
        column: at?.column,
      });
    }
    if (model.macroNotice) notices.push({ file: source.displayPath, kind: "limit", message: model.macroNotice });
    facts.allows = collectAllows(model);
    const bindings = new BindingIndex(model);
    let currentRule: LintRule | undefined;
    const context: FileCheckContext = {
      model,
      bindings,
      config,
      facts,
      report(node: SyntaxNode, options: ReportOptions) {
        const rule = currentRule!;
        const start = model.position(node);
        const end = model.endPosition(options.endNode ?? node);
        findings.push({
          rule: rule.id,
          severity: options.severity ?? rule.defaultSeverity,
          file: source.displayPath,
          line: start.line,
          column: start.column,
          endLine: end.line,
          endColumn: end.column,
          message: options.message,
          help: options.help,
          notes: options.notes,
          chain: options.chain,
          fix: options.fix,
          insideClosureFor: options.insideClosureFor,
          startOffset: model.startOffset(node),
          endOffset: model.endOffset(options.endNode ?? node),
        });
      },
    };
    const collector = new FactsCollector(context);
    const handlers = new Map<string, Array<{ rule: LintRule; handler: (node: SyntaxNode, context: FileCheckContext) => void }>>();
    for (const rule of rules) {
      for (const [type, handler] of Object.entries(rule.visitors ?? {})) {
        const list = handlers.get(type) ?? [];
        list.push({ rule, handler });
        handlers.set(type, list);
      }
    }
    const types = new Set<string>(["function_item", "call_expression", ...handlers.keys()]);
    model.forEachOfType(types, (node) => {
      if (node.type === "function_item") collector.onFunction(node);
      else if (node.type === "call_expression") collector.onCall(node);
      const list = handlers.get(node.type);
      if (list) {
        for (const { rule, handler } of list) {
          currentRule = rule;
          handler(node, context);
        }
      }
    });
    for (const rule of rules) {
      if (rule.finishFile) {
        currentRule = rule;
        rule.finishFile(context);
      }
    }
  } finally {
    model.dispose();
  }
  return { findings, facts, notices };
}

/** Pass 2: crate-wide rules over the facts of all files, grouped by crate root. */
export async function checkCrates(allFacts: FileFacts[], config: LintConfig, rules: LintRule[]): Promise<Finding[]> {
  const crates = new Map<string, CrateFacts>();
  for (const facts of allFacts) {
    const key = facts.crateRoot ?? "";
    const crate = crates.get(key) ?? { root: facts.crateRoot, files: [] };
    crate.files.push(facts);
    crates.set(key, crate);
  }
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (!rule.checkCrate) continue;
    for (const crate of crates.values()) {
      const context: CrateCheckContext = {
        crate,
        config,
        report(finding) {
          findings.push({ ...finding, rule: rule.id, severity: finding.severity ?? rule.defaultSeverity });
        },
      };
      await rule.checkCrate(context);
    }
  }
  return findings;
}

/** Applies inline allows, config severities and de-duplication; sorts by file and position. */
export function finalizeFindings(findings: Finding[], allFacts: FileFacts[], config: LintConfig): Finding[] {
  const allowsByFile = new Map(allFacts.map((f) => [f.file, f.allows]));
  const offloaders = new Set(allFacts.flatMap((f) => f.functions.filter((fn) => fn.offloadsParameter).map((fn) => fn.name)));
  const seen = new Set<string>();
  const kept: Finding[] = [];
  for (const finding of findings) {
    const allows = allowsByFile.get(finding.file);
    if (allows && isAllowed(allows, finding.line, finding.rule)) continue;
    if (finding.insideClosureFor && offloaders.has(finding.insideClosureFor)) continue;
    const key = `${finding.rule}\0${finding.file}\0${finding.startOffset}\0${finding.endOffset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const override = config.rules[finding.rule];
    const severity: Severity = override === "error" || override === "warning" ? override : finding.severity;
    const { insideClosureFor: _internal, ...visible } = finding;
    kept.push({ ...visible, severity });
  }
  kept.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : 1)));
  return kept;
}
