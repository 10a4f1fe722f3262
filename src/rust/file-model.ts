import type { RustParser, SyntaxNode, SyntaxTree } from "./parser.ts";
import { discardParserAfter, isParserCrash, parseRust, ParserFailure, timeBudgetMessage } from "./parser.ts";
import { inputLimits } from "../util/input-limits.ts";
import type { SourceFile, Position } from "./source-file.ts";
import { UseMap } from "./use-map.ts";
import { describeFunction, type FunctionInfo } from "./functions.ts";
import { callArguments, callTarget, chainRoot, isAsyncClosure, pathSegments, walkTree, type CallTarget } from "./syntax.ts";
import { parseJoinBody, parseSelectBody, type SelectBody } from "./macro-bodies.ts";
import { fragmentRoots, fragmentSource, fragmentArgumentsPrefix, fragmentPrefix, type Fragment, type FragmentRole } from "./fragments.ts";

export type ContextKind = "async-fn" | "async-block" | "async-closure" | "poll" | "sync" | "offloaded";

/** Where a piece of code runs: on the executor (async bodies, poll methods) or not. */
export interface ExecContext {
  kind: ContextKind;
  /** The node that opened the context (fn item, async block, closure). */
  owner?: SyntaxNode;
  /** The nearest enclosing named fn. */
  fn?: FunctionInfo;
  /** For "offloaded": the call that moved the closure off the executor (`spawn_blocking`, …). */
  offloadedBy?: string;
}

export function isExecutorContext(context: ExecContext): boolean {
  return context.kind === "async-fn" || context.kind === "async-block" || context.kind === "async-closure" || context.kind === "poll";
}

export interface SelectMacro {
  site: SyntaxNode;
  flavor: "tokio" | "futures";
  body: SelectBody;
  /** Per branch: the re-parsed future / handler / precondition expressions. */
  branches: Array<{ future?: SyntaxNode; handler?: SyntaxNode; precondition?: SyntaxNode; patternText?: string }>;
}

/** Macros whose arguments are ordinary comma-separated expressions worth analysing. */
const expressionMacros = new Set([
  "assert", "assert_eq", "assert_ne", "debug_assert", "debug_assert_eq", "debug_assert_ne",
  "println", "print", "eprintln", "eprint", "format", "write", "writeln", "panic", "vec", "dbg",
  "info", "warn", "error", "debug", "trace", "matches", "unreachable", "todo", "unimplemented",
  "ready", "pin", "anyhow", "bail", "ensure", "format_args",
]);

const interestingMacroBody = /\.await|spawn|block_on|sleep|lock\(|borrow|recv|join|wait|fs::|thread::|process::|net::|Pending|waker|blocking_|read_to|read_line|stdin|Command/;

/** Calls whose closure argument runs on another thread, not on the executor. */
const offloadingFunctions = new Set(["spawn_blocking", "block_in_place", "spawn", "scope", "join"]);
const rayonChainMethods = /^(par_iter|par_iter_mut|into_par_iter|par_chunks|par_chunks_mut|par_bridge|par_lines|par_split|par_windows)$/;

export interface LintableFileOptions {
  /** Extra functions (last path segment or full path) whose closure arguments run off the executor. */
  safeWrappers?: string[];
  /** `performance.now()` past which parsing and walks stop with a ParserFailure (the per-file budget). */
  deadline?: number;
}

/**
 * One parsed file: the tree, its imports, re-parsed macro bodies, and the questions rules ask
 * (which context does this node run in, where is it, which fn is it in). Owns every tree it
 * creates; call dispose() when the file is done.
 */
export class FileModel {
  readonly uses: UseMap;
  readonly selects: SelectMacro[] = [];
  private readonly fragments: Fragment[] = [];
  private readonly fragmentsBySite = new Map<number, Fragment[]>();
  private readonly fragmentByRoot = new Map<number, Fragment>();
  private readonly functionCache = new Map<number, FunctionInfo>();
  private readonly contextCache = new Map<number, ExecContext>();
  private readonly memos = new Map<string, Map<number, unknown>>();
  private readonly safeWrappers: Set<string>;
  /** Per tree (file or fragment): the fn items, closures and async blocks, for context lookups. */
  private readonly boundaryIndexes = new Map<SyntaxTree, BoundaryIndex>();
  /** Per tree: every node of the types the model and rules ask for, collected in one pass. */
  private readonly nodeIndexes = new Map<SyntaxTree, NodeIndex>();
  /** Per deeply nested tree: every node's parent (null: the tree is shallow, `node.parent` is cheap). */
  private readonly parentTables = new Map<SyntaxTree, Map<number, SyntaxNode> | null>();
  /** Context inside each boundary node (fn, closure, async block), so nesting is climbed once. */
  private readonly contextInside = new Map<number, ExecContext>();
  private readonly fnOfBoundary = new Map<number, FunctionInfo | null>();
  /** Macro text still allowed to be re-parsed (bounds nested-macro blow-up), and what was left out. */
  private macroBytesLeft: number;
  private macroSkips = { depth: 0, bytes: 0 };
  private readonly deadline: number | undefined;

  private constructor(
    readonly source: SourceFile,
    readonly tree: SyntaxTree,
    options: LintableFileOptions,
  ) {
    this.uses = UseMap.fromNodes(this.indexOf(tree).ofType("use_declaration"));
    this.safeWrappers = new Set(options.safeWrappers ?? []);
    this.deadline = options.deadline;
    this.macroBytesLeft = inputLimits().macroBytesFactor * source.text.length + 64 * 1024;
  }

  /**
   * Parses the file and its macro bodies. A crash of the WASM parser or a parse past the deadline is a
   * ParserFailure for this file only (the parser is recreated for the next one).
   */
  static async parse(source: SourceFile, options: LintableFileOptions = {}): Promise<FileModel> {
    const { parser, tree } = await parseRust(source.text, { deadline: options.deadline });
    const model = new FileModel(source, tree, options);
    try {
      model.expandMacros(tree.rootNode, 0, parser, 1);
    } catch (error) {
      model.dispose();
      if (isParserCrash(error)) throw new ParserFailure(discardParserAfter(error));
      throw error;
    }
    return model;
  }

  dispose(): void {
    // After a crash of the WASM instance its trees cannot be freed (nor need to be: it is dropped whole).
    try {
      for (const fragment of this.fragments) fragment.tree.delete();
      this.tree.delete();
    } catch (error) {
      if (!isParserCrash(error)) throw error;
    }
  }

  /** Why some macro bodies were not analysed (nesting or size bounds), for a notice; undefined when all were. */
  get macroNotice(): string | undefined {
    const { depth, bytes } = this.macroSkips;
    if (depth === 0 && bytes === 0) return undefined;
    const parts = [
      ...(depth > 0 ? [`${depth} nested deeper than ${inputLimits().maxMacroDepth} levels (ASYNC_DOCTOR_MAX_MACRO_DEPTH)`] : []),
      ...(bytes > 0 ? [`${bytes} beyond ${inputLimits().macroBytesFactor}× the file's size of re-parsed text (ASYNC_DOCTOR_MACRO_BYTES_FACTOR)`] : []),
    ];
    return `macro bodies not analysed: ${parts.join("; ")}`;
  }

  /** Throws a ParserFailure once the per-file time budget is spent (checked between units of work). */
  checkDeadline(): void {
    if (this.deadline !== undefined && performance.now() > this.deadline) throw new ParserFailure(timeBudgetMessage());
  }

  get hasSyntaxErrors(): boolean {
    return this.tree.rootNode.hasError;
  }

  /** The first syntax error, for the notice printed when a file does not parse cleanly. */
  firstSyntaxError(): Position | undefined {
    let found: SyntaxNode | undefined;
    walkTree(this.tree.rootNode, (node) => {
      if (found) return false;
      if (node.type === "ERROR" || node.isMissing) {
        found = node;
        return false;
      }
      return node.hasError;
    });
    return found ? this.source.position(found.startIndex) : undefined;
  }

  // --- offsets and positions -------------------------------------------------------------------

  private fragmentOf(node: SyntaxNode): Fragment | undefined {
    if (node.tree === this.tree) return undefined;
    return this.fragmentByRoot.get(node.tree.rootNode.id);
  }

  /** Offset of a node's start in the file text (fragments mapped back). */
  startOffset(node: SyntaxNode): number {
    return node.startIndex + (this.fragmentOf(node)?.delta ?? 0);
  }

  endOffset(node: SyntaxNode): number {
    return node.endIndex + (this.fragmentOf(node)?.delta ?? 0);
  }

  position(node: SyntaxNode): Position {
    return this.source.position(this.startOffset(node));
  }

  endPosition(node: SyntaxNode): Position {
    return this.source.position(this.endOffset(node));
  }

  // --- macro bodies --------------------------------------------------------------------------

  private expandMacros(root: SyntaxNode, delta: number, parser: RustParser, depth: number): void {
    const sites = this.indexOf(root.tree).ofType("macro_invocation");
    for (const site of sites) this.expandMacro(site, delta, parser, depth);
  }

  /**
   * Re-parses a macro's body (`depth` levels of macro bodies deep). Nested macros re-parse nested text
   * again, so the total is bounded: at most `maxMacroDepth` levels and `macroBytesFactor` × the file's
   * size of re-parsed text; what lies beyond stays a token tree and is counted for a notice.
   */
  private expandMacro(site: SyntaxNode, delta: number, parser: RustParser, depth: number): void {
    const macroPath = site.childForFieldName("macro");
    const segments = macroPath ? pathSegments(macroPath) : undefined;
    const name = segments?.[segments.length - 1];
    const body = site.namedChildren.find((c) => c?.type === "token_tree");
    if (!name || !body || body.endIndex - body.startIndex < 2) return;
    // Offsets inside the token tree's own tree; the contents exclude the outer delimiters.
    const treeText = site.tree.rootNode.text;
    const contentStart = body.startIndex + 1;
    const contentEnd = body.endIndex - 1;
    const add = (rangeStart: number, rangeEnd: number, role: FragmentRole, asArguments: boolean): SyntaxNode[] => {
      if (depth > inputLimits().maxMacroDepth) {
        this.macroSkips.depth++;
        return [];
      }
      if (rangeEnd - rangeStart > this.macroBytesLeft) {
        this.macroSkips.bytes++;
        return [];
      }
      this.macroBytesLeft -= rangeEnd - rangeStart;
      this.checkDeadline();
      const text = fragmentSource(treeText, { start: rangeStart, end: rangeEnd }, asArguments);
      const tree = parser.parse(text);
      if (!tree) return [];
      const prefixLength = asArguments ? fragmentArgumentsPrefix.length : fragmentPrefix.length;
      const fragment: Fragment = {
        tree,
        delta: delta + rangeStart - prefixLength,
        site,
        role,
        roots: fragmentRoots(tree, asArguments),
      };
      this.fragments.push(fragment);
      this.fragmentByRoot.set(tree.rootNode.id, fragment);
      const list = this.fragmentsBySite.get(site.id) ?? [];
      list.push(fragment);
      this.fragmentsBySite.set(site.id, list);
      this.expandMacros(tree.rootNode, fragment.delta, parser, depth + 1);
      return fragment.roots;
    };

    if (name === "select" || name === "select_biased") {
      const parsed = parseSelectBody(treeText, contentStart, contentEnd);
      const flavor = segments![0] === "futures" || name === "select_biased" || this.uses.resolve([name])[0] === "futures" ? "futures" : "tokio";
      const branches = parsed.branches.map((branch, index) => ({
        patternText: branch.pattern ? treeText.slice(branch.pattern.start, branch.pattern.end) : undefined,
        future: branch.future ? add(branch.future.start, branch.future.end, { kind: "select-future", branch: index }, false)[0] : undefined,
        precondition: branch.precondition
          ? add(branch.precondition.start, branch.precondition.end, { kind: "select-precondition", branch: index }, false)[0]
          : undefined,
        handler: add(branch.handler.start, branch.handler.end, { kind: "select-handler", branch: index }, false)[0],
      }));
      this.selects.push({ site, flavor, body: parsed, branches });
      return;
    }
    if (name === "join" || name === "try_join") {
      parseJoinBody(treeText, contentStart, contentEnd).forEach((range, index) => add(range.start, range.end, { kind: "join-future", index }, false));
      return;
    }
    // Re-parsing every println! would cost as much as the file's own parse; only bodies that can
    // hold what the rules look for are worth it.
    if (expressionMacros.has(name) && interestingMacroBody.test(treeText.slice(contentStart, contentEnd))) {
      add(contentStart, contentEnd, { kind: "macro-arguments" }, true);
    }
  }

  /** Re-parsed expressions of a macro invocation (empty for macros left as token trees). */
  macroExpressions(site: SyntaxNode): SyntaxNode[] {
    return (this.fragmentsBySite.get(site.id) ?? []).flatMap((f) => f.roots);
  }

  fragmentRole(node: SyntaxNode): FragmentRole | undefined {
    return this.fragmentOf(node)?.role;
  }

  /** Parent that crosses from a fragment's expression to its macro site. */
  parentOf(node: SyntaxNode): SyntaxNode | undefined {
    const parent = this.treeParent(node);
    if (parent && !(parent.type === "function_item" && parent.childForFieldName("name")?.text === "__async_doctor_fragment")) {
      return parent;
    }
    const fragment = this.fragmentOf(node);
    return fragment ? fragment.site : undefined;
  }

  *ancestors(node: SyntaxNode): Generator<SyntaxNode> {
    for (let current = this.parentOf(node); current; current = this.parentOf(current)) yield current;
  }

  /**
   * Visits every node of the file, descending into re-parsed macro bodies at their sites.
   * `visit` returns false to skip a node's children (and its macro body).
   */
  visit(visitor: (node: SyntaxNode) => boolean | void, from: SyntaxNode = this.tree.rootNode): void {
    walkTree(from, (node) => {
      const descend = visitor(node);
      if (descend === false) return false;
      if (node.type === "macro_invocation") {
        for (const expression of this.macroExpressions(node)) this.visit(visitor, expression);
        return false;
      }
      return true;
    });
  }

  /**
   * Calls `visit` for every node of the given types, in document order, including those inside
   * re-parsed macro bodies. Uses tree-sitter's own descendant search: materialising every node in JS
   * costs several times the parse.
   */
  forEachOfType(types: ReadonlySet<string>, visit: (node: SyntaxNode) => void, from: SyntaxNode = this.tree.rootNode): void {
    const index = this.indexOf(from.tree);
    const indexed = [...types].every((type) => indexedTypes.has(type));
    const nodes = indexed ? index.within(from) : from.descendantsOfType([...types, "macro_invocation"]).filter((n): n is SyntaxNode => n !== null && n.id !== from.id);
    let sinceCheck = 0;
    for (const node of nodes) {
      if (++sinceCheck === 2048) {
        sinceCheck = 0;
        this.checkDeadline();
      }
      if (types.has(node.type)) visit(node);
      if (node.type === "macro_invocation") {
        for (const expression of this.macroExpressions(node)) {
          if (types.has(expression.type)) visit(expression);
          this.forEachOfType(types, visit, expression);
        }
      }
    }
  }

  /** All indexed nodes of one tree, found by one descendant search instead of one per question. */
  private indexOf(tree: SyntaxTree): NodeIndex {
    let index = this.nodeIndexes.get(tree);
    if (!index) {
      index = new NodeIndex(tree.rootNode.descendantsOfType([...indexedTypes]).filter((n): n is SyntaxNode => n !== null));
      this.nodeIndexes.set(tree, index);
    }
    return index;
  }

  /** Nodes of the given types that run in the same body as `scope` (not in nested closures, async blocks or fns). */
  nodesInBody(scope: SyntaxNode, types: ReadonlySet<string>): SyntaxNode[] {
    const owner = isBoundaryType(scope.type) ? scope : this.ownerBoundary(scope);
    const found: SyntaxNode[] = [];
    if (types.has(scope.type)) found.push(scope);
    this.forEachOfType(types, (node) => {
      if (this.ownerBoundary(node)?.id === owner?.id) found.push(node);
    }, scope);
    return found;
  }

  /**
   * tree-sitter finds a node's parent by descending from the root, so `node.parent` costs the node's
   * depth. In deeply nested trees (thousands of nested closures or fns) that makes every upward climb
   * quadratic; there one cursor walk records every node's parent first.
   */
  private treeParent(node: SyntaxNode): SyntaxNode | null {
    const tree = node.tree;
    let parents = this.parentTables.get(tree);
    if (parents === undefined) {
      parents = this.isDeep(tree) ? parentTable(tree) : null;
      this.parentTables.set(tree, parents);
    }
    if (parents === null) return node.parent;
    return parents.get(node.id) ?? null;
  }

  private isDeep(tree: SyntaxTree): boolean {
    return this.boundaryIndex(tree).maxDepth > deepNesting;
  }

  private boundaryIndex(tree: SyntaxTree): BoundaryIndex {
    let index = this.boundaryIndexes.get(tree);
    if (!index) {
      index = new BoundaryIndex(
        this.indexOf(tree).all.filter(
          (node) => isBoundaryType(node.type) && !(node.type === "function_item" && node.childForFieldName("name")?.text === "__async_doctor_fragment"),
        ),
      );
      this.boundaryIndexes.set(tree, index);
    }
    return index;
  }

  /** The innermost fn item, closure or async block strictly containing `node` (crossing into macro sites). */
  ownerBoundary(node: SyntaxNode): SyntaxNode | undefined {
    const inTree = this.boundaryIndex(node.tree).innermostContaining(node);
    if (inTree) return inTree;
    const fragment = this.fragmentOf(node);
    return fragment ? this.ownerBoundary(fragment.site) : undefined;
  }

  // --- functions and contexts ----------------------------------------------------------------

  functionInfo(fn: SyntaxNode): FunctionInfo {
    let info = this.functionCache.get(fn.id);
    if (!info) {
      info = describeFunction(fn, this.isDeep(fn.tree) ? (node) => this.treeParent(node) : undefined);
      this.functionCache.set(fn.id, info);
    }
    return info;
  }

  enclosingFunction(node: SyntaxNode): FunctionInfo | undefined {
    const boundary = this.ownerBoundary(node);
    return boundary ? this.functionAround(boundary) : undefined;
  }

  /**
   * The fn item that is `boundary` or encloses it. Answers are kept per boundary and filled for the
   * whole climb at once, so deep nesting (thousands of closures) costs one climb, not one per node.
   */
  private functionAround(boundary: SyntaxNode): FunctionInfo | undefined {
    const climbed: SyntaxNode[] = [];
    let found: FunctionInfo | null | undefined;
    for (let b: SyntaxNode | undefined = boundary; ; b = this.ownerBoundary(b)) {
      if (!b) {
        found = null;
        break;
      }
      const known = this.fnOfBoundary.get(b.id);
      if (known !== undefined) {
        found = known;
        break;
      }
      climbed.push(b);
      if (b.type === "function_item") {
        found = this.functionInfo(b);
        break;
      }
    }
    for (const b of climbed) this.fnOfBoundary.set(b.id, found);
    return found ?? undefined;
  }

  /** The context a node runs in, decided by its nearest context-opening ancestor. */
  contextOf(node: SyntaxNode): ExecContext {
    const found = this.contextCache.get(node.id);
    if (found) return found;
    const boundary = this.ownerBoundary(node);
    const context = boundary ? this.contextWithin(boundary) : sync;
    this.contextCache.set(node.id, context);
    return context;
  }

  /** The context of code directly inside `boundary`; memoised per boundary over the whole climb. */
  private contextWithin(boundary: SyntaxNode): ExecContext {
    const climbed: SyntaxNode[] = [];
    let context: ExecContext | undefined;
    for (let b: SyntaxNode | undefined = boundary; b && !context; b = this.ownerBoundary(b)) {
      context = this.contextInside.get(b.id);
      if (context) break;
      climbed.push(b);
      const opener = b;
      context = this.memo("contextOpenedBy", opener, () => this.contextOpenedBy(opener));
    }
    context ??= sync;
    for (const b of climbed) this.contextInside.set(b.id, context);
    return context;
  }

  private contextOpenedBy(node: SyntaxNode): ExecContext | undefined {
    if (node.type === "async_block") return { kind: "async-block", owner: node, fn: this.enclosingFunction(node) };
    if (node.type === "closure_expression") {
      if (isAsyncClosure(node)) return { kind: "async-closure", owner: node, fn: this.enclosingFunction(node) };
      const offloadedBy = this.offloadingCallOf(node);
      if (offloadedBy) return { kind: "offloaded", owner: node, fn: this.enclosingFunction(node), offloadedBy };
      return undefined; // Inline closures (map, for_each, unwrap_or_else) run where they are called.
    }
    if (node.type === "function_item") {
      const info = this.functionInfo(node);
      return { kind: info.isAsync ? "async-fn" : info.isPoll ? "poll" : "sync", owner: node, fn: info };
    }
    return undefined;
  }

  /** When a closure is an argument of spawn_blocking / thread::spawn / rayon…, the name of that call. */
  private offloadingCallOf(closure: SyntaxNode): string | undefined {
    const args = this.parentOf(closure);
    if (args?.type !== "arguments") return undefined;
    const call = this.parentOf(args);
    if (!call || call.type !== "call_expression") return undefined;
    const target = callTarget(call);
    if (!target) return undefined;
    if (target.kind === "path") {
      const resolved = this.uses.resolve(target.segments);
      const last = resolved[resolved.length - 1]!;
      if (this.safeWrappers.has(last) || this.safeWrappers.has(resolved.join("::"))) return resolved.join("::");
      if (offloadingFunctions.has(last) && (last !== "join" || resolved[0] === "rayon")) {
        // `tokio::spawn(closure)` does not compile; a closure given to a `spawn` is a thread's body.
        return resolved.join("::");
      }
      return undefined;
    }
    if (this.safeWrappers.has(target.name)) return target.name;
    if (target.name === "spawn" || target.name === "spawn_blocking" || target.name === "spawn_scoped") return `.${target.name}()`;
    // rayon: closures given to adapters of a parallel iterator chain.
    for (let receiver: SyntaxNode | undefined = target.receiver; receiver?.type === "call_expression"; ) {
      const inner = callTarget(receiver);
      if (inner?.kind !== "method") break;
      if (rayonChainMethods.test(inner.name)) return `rayon .${inner.name}()`;
      receiver = inner.receiver;
    }
    return undefined;
  }

  /** Resolves a call's target through the file's imports: path calls as full paths. Memoised per node. */
  resolveCall(call: SyntaxNode): CallTarget | undefined {
    return this.memo("resolveCall", call, () => {
      const target = callTarget(call);
      if (target?.kind === "path") return { ...target, segments: this.uses.resolve(target.segments) };
      return target;
    });
  }

  /**
   * Several rules ask the same question of the same node (what does this call call? is it blocking?);
   * answers are kept per node id for the life of the file.
   */
  memo<T>(question: string, node: SyntaxNode, compute: () => T): T {
    let answers = this.memos.get(question) as Map<number, T> | undefined;
    if (!answers) {
      answers = new Map();
      this.memos.set(question, answers);
    }
    if (answers.has(node.id)) return answers.get(node.id)!;
    const answer = compute();
    answers.set(node.id, answer);
    return answer;
  }

  /** The resolved path at the root of a method chain (`std::process::Command::new(..).output()`). */
  chainRootPath(node: SyntaxNode): string[] | undefined {
    const root = chainRoot(node);
    if (root.type !== "call_expression") return undefined;
    const target = this.resolveCall(root);
    return target?.kind === "path" ? target.segments : undefined;
  }

  argumentsOf(call: SyntaxNode): SyntaxNode[] {
    return callArguments(call);
  }
}

const sync: ExecContext = { kind: "sync" };

/** Boundary nesting past which a tree gets a parent table (real code nests a few levels). */
const deepNesting = 32;

function parentTable(tree: SyntaxTree): Map<number, SyntaxNode> {
  const parents = new Map<number, SyntaxNode>();
  const stack: SyntaxNode[] = [];
  const cursor = tree.walk();
  try {
    for (;;) {
      const node = cursor.currentNode;
      if (stack.length > 0) parents.set(node.id, stack[stack.length - 1]!);
      if (cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return parents;
        stack.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}

function isBoundaryType(type: string): boolean {
  return type === "function_item" || type === "closure_expression" || type === "async_block";
}

/**
 * The context-opening nodes of one tree in document order with their nesting, so "which closure or
 * fn contains this node" is a binary search and a short climb instead of a parent walk per node.
 */
class BoundaryIndex {
  private readonly starts: number[];
  private readonly ends: number[];
  private readonly parents: number[];
  /** Deepest nesting of boundaries in the tree. */
  readonly maxDepth: number = 0;

  constructor(private readonly nodes: SyntaxNode[]) {
    this.starts = nodes.map((n) => n.startIndex);
    this.ends = nodes.map((n) => n.endIndex);
    this.parents = [];
    const stack: number[] = [];
    for (let i = 0; i < nodes.length; i++) {
      while (stack.length > 0 && this.ends[stack[stack.length - 1]!]! < this.ends[i]!) stack.pop();
      this.parents.push(stack.length > 0 ? stack[stack.length - 1]! : -1);
      stack.push(i);
      if (stack.length > this.maxDepth) this.maxDepth = stack.length;
    }
  }

  innermostContaining(node: SyntaxNode): SyntaxNode | undefined {
    const start = node.startIndex;
    const end = node.endIndex;
    let low = 0;
    let high = this.starts.length - 1;
    let candidate = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.starts[mid]! <= start) {
        candidate = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    for (let i = candidate; i !== -1; i = this.parents[i]!) {
      if (this.ends[i]! >= end && this.nodes[i]!.id !== node.id && (this.starts[i]! < start || this.ends[i]! > end || this.nodes[i]!.id !== node.id)) {
        if (this.starts[i] === start && this.ends[i] === end) {
          // Same span as the node: it is the node itself or its wrapper; keep climbing for a real owner.
          if (isBoundaryType(node.type)) continue;
        }
        return this.nodes[i];
      }
    }
    return undefined;
  }
}

/** The node types the model and the rules look up; one tree-sitter search per tree collects them all. */
const indexedTypes: ReadonlySet<string> = new Set([
  "function_item", "closure_expression", "async_block", "call_expression", "expression_statement", "let_declaration",
  "macro_invocation", "use_declaration", "field_declaration", "await_expression",
]);

/** Indexed nodes of one tree in document order, with lookups by type and by enclosing range. */
class NodeIndex {
  private readonly starts: number[];
  private readonly byType = new Map<string, SyntaxNode[]>();

  constructor(readonly all: SyntaxNode[]) {
    this.starts = all.map((n) => n.startIndex);
    for (const node of all) {
      const list = this.byType.get(node.type);
      if (list) list.push(node);
      else this.byType.set(node.type, [node]);
    }
  }

  ofType(type: string): SyntaxNode[] {
    return this.byType.get(type) ?? [];
  }

  /** Indexed nodes strictly inside `from` (the node itself excluded), in document order. */
  within(from: SyntaxNode): SyntaxNode[] {
    const start = from.startIndex;
    const end = from.endIndex;
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.starts[mid]! < start) low = mid + 1;
      else high = mid;
    }
    const found: SyntaxNode[] = [];
    for (let i = low; i < this.all.length && this.starts[i]! < end; i++) {
      const node = this.all[i]!;
      if (node.id !== from.id && node.endIndex <= end) found.push(node);
    }
    return found;
  }
}
