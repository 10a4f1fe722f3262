import { FileModel } from "../../rust/file-model.ts";
import type { SyntaxNode } from "../../rust/parser.ts";
import type { SourceFile } from "../../rust/source-file.ts";
import { isAsyncClosure, isBodyBoundary, isLoop, walkTree } from "../../rust/syntax.ts";

/**
 * `explain --at`: the async fn (or block, or closure) at a line, described as the state machine the
 * compiler generates for it. This is a syntactic approximation over tree-sitter's tree (and the
 * re-parsed bodies of select!/join!): it knows bindings and their scopes, not types, so "stored across
 * an await" means "in scope there and used later, or a guard-like value whose destructor runs later".
 */

export type AsyncOwnerKind = "async fn" | "async block" | "async closure";

export interface StoredLocal {
  name: string;
  /** Line of the binding (the parameter list for parameters). */
  line: number;
  parameter: boolean;
  /** Read after this await point (or elsewhere in an enclosing loop). */
  usedAfter: boolean;
  /** Another stored local that this one borrows from: the reason the state machine is self-referential. */
  borrows?: string;
  /** Why the value makes the future `!Send`, when it looks like one of the known culprits. */
  notSend?: string;
}

export interface AwaitPoint {
  line: number;
  column: number;
  /** Source of the awaited expression (shortened), or the macro for implicit awaits. */
  expression: string;
  /** `select!`, `join!`, `try_join!` for implicit awaits; `select! handler` etc. for awaits inside them. */
  via?: string;
  /** Locals the state machine keeps while suspended here. */
  stored: StoredLocal[];
  /** A guard-like temporary living until the end of the statement that contains this await. */
  temporaryGuard?: string;
  /** What dropping the future while it is suspended here loses. */
  cancellation: string;
}

export interface SpawnSite {
  line: number;
  call: string;
  note: string;
}

export interface StateMachine {
  file: string;
  kind: AsyncOwnerKind;
  name: string;
  startLine: number;
  endLine: number;
  awaits: AwaitPoint[];
  /** Locals that are `!Send` and alive across at least one await, with those awaits' lines. */
  notSend: Array<{ name: string; line: number; reason: string; acrossAwaitsAt: number[] }>;
  selfReferences: Array<{ name: string; borrows: string; line: number }>;
  spawns: SpawnSite[];
}

interface Binding {
  name: string;
  line: number;
  offset: number;
  /** The binding is usable from here… */
  scopeStart: number;
  /** …to here (UTF-16 offsets into the file). */
  scopeEnd: number;
  /** The node whose extent is the scope (for loop checks). */
  scopeNode: SyntaxNode;
  parameter: boolean;
  initializer?: string;
  typeText?: string;
}

/** Methods whose futures lose data when dropped half-way (tokio's docs), see explain select. */
const notCancelSafe = new Map<string, string>([
  ["read_exact", "bytes already read into the buffer are lost"],
  ["read_to_end", "data already read is lost"],
  ["read_to_string", "data already read is lost"],
  ["read_line", "a partly read line is lost"],
  ["read_until", "partly read data is lost"],
  ["write_all", "you cannot tell how much was written"],
  ["write_all_buf", "you cannot tell how much was written"],
  ["send", "if this is an mpsc Sender or a Sink, the message is dropped (reserve() first)"],
  ["lock", "only the place in the lock's queue is lost"],
  ["acquire", "only the place in the semaphore's queue is lost"],
  ["acquire_owned", "only the place in the semaphore's queue is lost"],
  ["notified", "only the place in the queue is lost"],
  ["reserve", "only the place in the queue is lost"],
  ["wait", "for a Barrier, the arrival is lost"],
]);

/**
 * Initializer shapes of values that are `!Send` (mostly guards with destructors). Only the value a
 * binding ends up holding counts: `m.lock().unwrap().len()` binds a usize (the guard was a temporary).
 */
function notSendReason(initializer: string | undefined, typeText: string | undefined): string | undefined {
  // The unwrap's arguments are matched balanced (one level deep): `.unwrap().len()` must not pass for
  // `.unwrap(…)` ending the initializer.
  const type = typeText ?? "";
  const value = (initializer ?? "").replace(/\s+/g, "").replace(/\?$/, "");
  const ends = (pattern: RegExp) => pattern.test(value);
  if (/\bRc</.test(type) || /^(std::rc::)?Rc::(new|clone)\(/.test(value)) return "Rc is !Send";
  if (/MutexGuard|RwLock(Read|Write)Guard/.test(type) || ends(/\.(try_)?lock\(\)(\.(unwrap|expect|unwrap_or_else|map_err)\((?:[^()]|\([^()]*\))*\))?$/)) {
    return "a std or parking_lot MutexGuard is !Send (a tokio guard would be `.lock().await`)";
  }
  if (/^(Some|Ok|Err|\(|[A-Z]\w*\s*[({])/.test(value) && /\.lock\(\)(\.unwrap\(\)|\.expect\([^)]*\))?[,)}]/.test(value)) {
    return "it wraps a std or parking_lot MutexGuard, which is !Send";
  }
  if (ends(/\.(read|write)\(\)\.(unwrap|expect|unwrap_or_else|map_err)\((?:[^()]|\([^()]*\))*\)$/)) return "an RwLock guard is !Send";
  if (/\bRef(Mut)?</.test(type) || ends(/\.borrow(_mut)?\(\)$/)) return "a RefCell borrow (Ref/RefMut) is !Send and panics if re-borrowed meanwhile";
  if (/\bEntered\b/.test(type) || ends(/\.enter\(\)$/)) return "tracing's Entered guard is !Send and keeps the span entered while suspended";
  if (/Box<\s*dyn\s+(std::error::)?Error\s*>/.test(type)) return "Box<dyn Error> without + Send + Sync is !Send";
  return undefined;
}

/** `&x`, `&mut x`, or `x.iter()` / `x.as_str()` …: the new binding borrows local `x`. */
function borrowedLocal(initializer: string | undefined, candidates: Set<string>): string | undefined {
  if (!initializer) return undefined;
  for (const match of initializer.matchAll(/&\s*(?:mut\s+)?([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*[(:!])/g)) {
    if (candidates.has(match[1]!)) return match[1];
  }
  const method = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*(iter|iter_mut|as_\w+|lines|chars|bytes|split\w*|get|get_mut|first|last|keys|values|drain|windows|chunks)\s*\(/.exec(initializer);
  if (method && candidates.has(method[1]!)) return method[1];
  return undefined;
}

function shorten(text: string, max = 70): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export class StateMachineError extends Error {}

export async function describeStateMachine(source: SourceFile, line: number): Promise<StateMachine> {
  if (line < 1 || line > source.lineCount) {
    throw new StateMachineError(`${source.displayPath} has ${source.lineCount} lines; there is no line ${line}`);
  }
  const model = await FileModel.parse(source);
  try {
    return analyse(model, source, line);
  } finally {
    model.dispose();
  }
}

function analyse(model: FileModel, source: SourceFile, line: number): StateMachine {
  const lineText = source.lineText(line);
  const indent = lineText.length - lineText.trimStart().length;
  const offset = source.lineOffset(line) + indent;
  const start = model.tree.rootNode.descendantForIndex(offset, offset);
  if (!start) throw new StateMachineError(`nothing to explain at ${source.displayPath}:${line}`);
  return describeStateMachineAt(model, start);
}

/**
 * The state machine of the innermost async fn, block or closure around `start` (a node of the file's
 * tree or of a re-parsed macro body), in a model the caller parsed and disposes: editors ask this for
 * every await point they show (hover, inlay hints) without parsing the file again per question.
 */
export function describeStateMachineAt(model: FileModel, start: SyntaxNode): StateMachine {
  const source = model.source;
  const owner = findOwner(model, start);
  const body = bodyOf(owner.node);
  if (!body) throw new StateMachineError(`the ${owner.kind} at ${source.displayPath}:${model.position(start).line} has no body`);

  const bindings: Binding[] = [];
  const uses: Array<{ name: string; offset: number }> = [];
  const awaitNodes: Array<{ offset: number; node: SyntaxNode; implicit?: string }> = [];
  const drops: Array<{ name: string; offset: number }> = [];
  const spawns: SpawnSite[] = [];

  collectParameters(model, owner.node, body, bindings);
  model.visit((node) => {
    if (node.id !== body.id && isBodyBoundary(node)) {
      // A nested async block or closure is a separate state machine; only note what it captures.
      walkTree(node, (inner) => {
        if (inner.type === "identifier") uses.push({ name: inner.text, offset: model.startOffset(node) });
      });
      return false;
    }
    switch (node.type) {
      case "await_expression":
        awaitNodes.push({ offset: model.endOffset(node) - "await".length, node });
        break;
      case "macro_invocation": {
        const name = macroName(node);
        if (name === "select" || name === "join" || name === "try_join") {
          awaitNodes.push({ offset: model.startOffset(node), node, implicit: `${name}!` });
        }
        // Identifiers inside token trees that are not re-parsed still count as uses.
        walkTree(node, (inner) => {
          if (inner.type === "identifier") uses.push({ name: inner.text, offset: model.startOffset(inner) });
          if (inner.type === "string_literal") {
            for (const match of inner.text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)[}:]/g)) uses.push({ name: match[1]!, offset: model.startOffset(inner) });
          }
        });
        break;
      }
      case "let_declaration":
        addPatternBindings(model, node.childForFieldName("pattern"), node, bindings, {
          scopeStart: model.endOffset(node),
          scopeNode: model.parentOf(node) ?? node,
          initializer: node.childForFieldName("value")?.text,
          typeText: node.childForFieldName("type")?.text,
        });
        break;
      case "let_condition": {
        // `if let` / `while let`: bound in the consequence / loop body.
        const holder = model.parentOf(node);
        const consequence = holder?.childForFieldName("consequence") ?? holder?.childForFieldName("body");
        if (consequence) {
          addPatternBindings(model, node.childForFieldName("pattern"), consequence, bindings, {
            scopeStart: model.startOffset(consequence),
            scopeNode: consequence,
            initializer: node.childForFieldName("value")?.text,
          });
        }
        break;
      }
      case "for_expression": {
        const loopBody = node.childForFieldName("body");
        if (loopBody) {
          addPatternBindings(model, node.childForFieldName("pattern"), loopBody, bindings, {
            scopeStart: model.startOffset(loopBody),
            scopeNode: loopBody,
          });
        }
        break;
      }
      case "match_arm": {
        const value = node.childForFieldName("value");
        const pattern = node.childForFieldName("pattern");
        if (value && pattern) {
          addPatternBindings(model, pattern, value, bindings, { scopeStart: model.startOffset(value), scopeNode: value });
        }
        break;
      }
      case "identifier":
        uses.push({ name: node.text, offset: model.startOffset(node) });
        break;
      case "string_literal":
        // Inline format arguments: format!("{name}") reads `name`.
        for (const match of node.text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)[}:]/g)) uses.push({ name: match[1]!, offset: model.startOffset(node) });
        break;
      case "call_expression": {
        const fn = node.childForFieldName("function");
        const fnText = fn?.text ?? "";
        const args = node.childForFieldName("arguments");
        if (/^(std::mem::)?drop$/.test(fnText) && args?.namedChildCount === 1 && args.namedChild(0)?.type === "identifier") {
          drops.push({ name: args.namedChild(0)!.text, offset: model.startOffset(node) });
        }
        const spawn = spawnNote(node, fnText);
        if (spawn) spawns.push({ line: model.position(node).line, call: shorten(fnText, 40), note: spawn });
        break;
      }
    }
    return true;
  }, body);

  awaitNodes.sort((a, b) => a.offset - b.offset);
  const bodyEnd = model.endOffset(body);
  const byName = new Map<string, Binding[]>();
  for (const binding of bindings) byName.set(binding.name, [...(byName.get(binding.name) ?? []), binding]);

  const awaits: AwaitPoint[] = [];
  const notSend = new Map<Binding, { reason: string; lines: number[] }>();
  const selfReferences = new Map<Binding, string>();
  for (const point of awaitNodes) {
    const position = source.position(point.offset);
    const alive = aliveAt(point.offset, byName, drops);
    const loopStart = enclosingLoopStart(model, point.node, body);
    const storedNames = new Set(alive.map((binding) => binding.name));
    const stored: StoredLocal[] = [];
    const candidates = alive.map((binding) => {
      const from = loopStart !== undefined && loopStart >= binding.scopeStart ? loopStart : point.offset + 1;
      const usedAfter =
        !binding.shadowed &&
        uses.some((use) => use.name === binding.name && use.offset >= from && use.offset < binding.scopeEnd && use.offset !== binding.offset);
      const reason = notSendReason(binding.initializer, binding.typeText);
      const borrows = borrowedLocal(binding.initializer, new Set([...storedNames].filter((name) => name !== binding.name)));
      return { binding, usedAfter, reason, borrows, keep: usedAfter || reason !== undefined };
    });
    // A kept value that borrows another local keeps that local alive (and stored) too.
    for (let changed = true; changed; ) {
      changed = false;
      for (const candidate of candidates) {
        if (!candidate.keep || !candidate.borrows) continue;
        const lender = candidates.find((other) => other.binding.name === candidate.borrows);
        if (lender && !lender.keep) lender.keep = changed = true;
      }
    }
    for (const { binding, usedAfter, reason, borrows, keep } of candidates) {
      if (!keep) continue;
      stored.push({ name: binding.name, line: binding.line, parameter: binding.parameter, usedAfter, ...(borrows ? { borrows } : {}), ...(reason ? { notSend: reason } : {}) });
      if (reason) {
        const entry = notSend.get(binding) ?? { reason, lines: [] };
        entry.lines.push(position.line);
        notSend.set(binding, entry);
      }
      if (borrows) selfReferences.set(binding, borrows);
    }
    const temporaryGuard = temporaryGuardOf(model, point.node, body);
    const via = point.implicit ?? viaOf(model, point.node);
    awaits.push({
      line: position.line,
      column: position.column,
      expression: point.implicit ? `${point.implicit} (awaits its branches)` : shorten(awaitedText(point.node)),
      ...(via ? { via } : {}),
      stored,
      ...(temporaryGuard ? { temporaryGuard } : {}),
      cancellation: cancellationNote(point, source, bodyEnd),
    });
  }

  return {
    file: source.displayPath,
    kind: owner.kind,
    name: owner.name,
    startLine: model.position(owner.node).line,
    endLine: model.endPosition(owner.node).line,
    awaits,
    notSend: [...notSend].map(([binding, entry]) => ({ name: binding.name, line: binding.line, reason: entry.reason, acrossAwaitsAt: entry.lines })),
    selfReferences: [...selfReferences].map(([binding, borrows]) => ({ name: binding.name, borrows, line: binding.line })),
    spawns,
  };
}

function findOwner(model: FileModel, start: SyntaxNode): { node: SyntaxNode; kind: AsyncOwnerKind; name: string } {
  for (let node: SyntaxNode | null = start; node; node = node.parent) {
    if (node.type === "async_block") {
      const fn = model.enclosingFunction(node);
      return { node, kind: "async block", name: fn ? `async block in ${fn.qualifiedName}` : "async block" };
    }
    if (node.type === "closure_expression" && isAsyncClosure(node)) {
      const fn = model.enclosingFunction(node);
      return { node, kind: "async closure", name: fn ? `async closure in ${fn.qualifiedName}` : "async closure" };
    }
    if (node.type === "function_item") {
      const info = model.functionInfo(node);
      if (info.isAsync) return { node, kind: "async fn", name: info.qualifiedName };
      if (info.isPoll) {
        throw new StateMachineError(
          `line ${model.position(start).line} is in the hand-written \`${info.qualifiedName}\`: no compiler-built state machine there (the struct is the state); see \`async-doctor explain hand-written-future\` and \`async-doctor lint --rule pending-without-waker\``,
        );
      }
      throw new StateMachineError(
        `line ${model.position(start).line} is in \`fn ${info.qualifiedName}\`, which is not async (and has no async block there)`,
      );
    }
  }
  throw new StateMachineError(`line ${model.position(start).line} is not inside an async fn, async block or async closure`);
}

function bodyOf(owner: SyntaxNode): SyntaxNode | undefined {
  if (owner.type === "function_item" || owner.type === "closure_expression") return owner.childForFieldName("body") ?? undefined;
  return owner.namedChildren.find((child) => child?.type === "block") ?? undefined;
}

function macroName(node: SyntaxNode): string | undefined {
  const path = node.childForFieldName("macro");
  if (!path) return undefined;
  const text = path.text;
  return text.slice(text.lastIndexOf(":") + 1);
}

function collectParameters(model: FileModel, owner: SyntaxNode, body: SyntaxNode, bindings: Binding[]): void {
  const parameters = owner.childForFieldName("parameters");
  if (!parameters) return;
  for (const parameter of parameters.namedChildren) {
    if (!parameter) continue;
    if (parameter.type === "self_parameter") {
      bindings.push({
        name: "self",
        line: model.position(parameter).line,
        offset: model.startOffset(parameter),
        scopeStart: model.startOffset(body),
        scopeEnd: model.endOffset(body),
        scopeNode: body,
        parameter: true,
      });
      continue;
    }
    const pattern = parameter.type === "parameter" ? parameter.childForFieldName("pattern") : parameter;
    addPatternBindings(model, pattern, body, bindings, {
      scopeStart: model.startOffset(body),
      scopeNode: body,
      typeText: parameter.childForFieldName("type")?.text,
      parameter: true,
    });
  }
}

function addPatternBindings(
  model: FileModel,
  pattern: SyntaxNode | null | undefined,
  scope: SyntaxNode,
  bindings: Binding[],
  extra: { scopeStart: number; scopeNode: SyntaxNode; initializer?: string; typeText?: string; parameter?: boolean },
): void {
  if (!pattern) return;
  const scopeNode = extra.scopeNode;
  walkTree(pattern, (node) => {
    // Paths inside patterns (`Some`, `Message::Quit`) are not bindings.
    if (node.type === "scoped_identifier" || node.type === "type_identifier") return false;
    if (node.type === "tuple_struct_pattern") {
      for (const child of node.namedChildren.slice(1)) if (child) addPatternBindings(model, child, scope, bindings, extra);
      return false;
    }
    if (node.type === "identifier" || node.type === "shorthand_field_identifier") {
      const name = node.text;
      if (/^[A-Z]/.test(name) || name === "_") return false;
      bindings.push({
        name,
        line: model.position(node).line,
        offset: model.startOffset(node),
        scopeStart: extra.scopeStart,
        scopeEnd: model.endOffset(scopeNode),
        scopeNode,
        parameter: extra.parameter ?? false,
        initializer: extra.initializer,
        typeText: extra.typeText,
      });
    }
    if (node.type === "field_pattern") {
      const inner = node.childForFieldName("pattern");
      if (inner) addPatternBindings(model, inner, scope, bindings, extra);
      else {
        const name = node.namedChildren.find((child) => child?.type === "shorthand_field_identifier");
        if (name) addPatternBindings(model, name, scope, bindings, extra);
      }
      return false;
    }
    return true;
  });
}

/**
 * Bindings in scope at `offset`, minus those dropped before it. A shadowed binding is still alive (its
 * value is dropped at the end of the scope, not when the name is reused) but can no longer be read.
 */
function aliveAt(offset: number, byName: Map<string, Binding[]>, drops: Array<{ name: string; offset: number }>): Array<Binding & { shadowed: boolean }> {
  const alive: Array<Binding & { shadowed: boolean }> = [];
  for (const [name, list] of byName) {
    const inScope = list.filter((binding) => binding.scopeStart <= offset && offset < binding.scopeEnd);
    if (!inScope.length) continue;
    const latest = inScope.reduce((a, b) => (b.scopeStart > a.scopeStart ? b : a));
    if (!drops.some((drop) => drop.name === name && drop.offset > latest.scopeStart && drop.offset < offset)) alive.push({ ...latest, shadowed: false });
    for (const earlier of inScope) if (earlier !== latest) alive.push({ ...earlier, shadowed: true });
  }
  return alive.sort((a, b) => a.offset - b.offset);
}

function enclosingLoopStart(model: FileModel, node: SyntaxNode, body: SyntaxNode): number | undefined {
  for (const ancestor of model.ancestors(node)) {
    if (ancestor.id === body.id || isBodyBoundary(ancestor)) return undefined;
    if (isLoop(ancestor)) return model.startOffset(ancestor);
  }
  return undefined;
}

function awaitedText(node: SyntaxNode): string {
  const operand = node.namedChild(0);
  return `${operand?.text ?? node.text}.await`;
}

function viaOf(model: FileModel, node: SyntaxNode): string | undefined {
  for (const ancestor of [node, ...model.ancestors(node)]) {
    const role = model.fragmentRole(ancestor);
    if (!role) continue;
    if (role.kind === "select-handler") return "select! handler";
    if (role.kind === "select-future") return "select! branch";
    if (role.kind === "join-future") return "join! branch";
    return undefined;
  }
  return undefined;
}

/**
 * Temporaries live to the end of their statement (or match arm), and a `match` / `if let` / `while let`
 * scrutinee's temporaries live through the whole body: `m.lock().unwrap().f().await`,
 * `if let Some(x) = cell.borrow().get(k) { x.f().await }`.
 */
function temporaryGuardOf(model: FileModel, node: SyntaxNode, body: SyntaxNode): string | undefined {
  let statement: SyntaxNode | undefined;
  let child = node;
  for (const ancestor of model.ancestors(node)) {
    if (ancestor.id === body.id || isBodyBoundary(ancestor)) break;
    if (!statement && ancestor.type === "match_arm") statement = ancestor.childForFieldName("value") ?? undefined;
    if (!statement && (ancestor.type === "expression_statement" || ancestor.type === "let_declaration")) statement = ancestor;
    const condition = ancestor.type === "if_expression" || ancestor.type === "while_expression" ? ancestor.childForFieldName("condition") : null;
    const letCondition = condition?.type === "let_condition" ? condition : undefined;
    if (letCondition || ancestor.type === "match_expression") {
      const scrutinee = (letCondition ?? ancestor).childForFieldName("value");
      const awaitIsInScrutinee = scrutinee !== null && scrutinee !== undefined && child.id === scrutinee.id;
      const reason = scrutinee && !awaitIsInScrutinee ? temporaryIn(scrutinee.text) : undefined;
      if (reason) {
        const what = ancestor.type === "match_expression" ? "match" : "if let / while let";
        return `${reason} in the scrutinee \`${shorten(scrutinee!.text, 40)}\` lives for the whole ${what} body`;
      }
    }
    child = ancestor;
  }
  if (!statement) return undefined;
  const before = model.source.text.slice(model.startOffset(statement), model.endOffset(node));
  const reason = temporaryIn(before);
  return reason ? `${reason} created in this statement lives until the statement ends, across this await` : undefined;
}

function temporaryIn(text: string): string | undefined {
  if (/\.lock\(\)\s*\.(unwrap|expect)\(/.test(text)) return "a MutexGuard temporary";
  if (/\.(read|write)\(\)\s*\.(unwrap|expect)\(/.test(text)) return "an RwLock guard temporary";
  if (/\.borrow(_mut)?\(\)/.test(text)) return "a RefCell borrow temporary";
  return undefined;
}

function cancellationNote(point: { node: SyntaxNode; implicit?: string }, source: SourceFile, bodyEnd: number): string {
  const rest = `the rest of the body (to line ${source.position(bodyEnd).line}) does not run`;
  if (point.implicit === "select!") {
    return `select! drops the losing branches' futures each time it completes; dropping this future here drops all branches and ${rest}`;
  }
  if (point.implicit) return `dropping this future here drops every ${point.implicit} branch, finished or not, and ${rest}`;
  const method = awaitedMethod(point.node);
  const unsafeReason = method ? notCancelSafe.get(method) : undefined;
  if (unsafeReason) return `\`${method}\` is not cancel-safe: if dropped here, ${unsafeReason}; and ${rest}`;
  return `if dropped here, the awaited future is cancelled and ${rest}`;
}

/** `x.read_exact(buf).await` → "read_exact" (through `?`, parentheses and turbofish). */
function awaitedMethod(awaitNode: SyntaxNode): string | undefined {
  let operand = awaitNode.namedChild(0);
  while (operand && (operand.type === "parenthesized_expression" || operand.type === "try_expression")) operand = operand.namedChild(0);
  if (operand?.type !== "call_expression") return undefined;
  let fn = operand.childForFieldName("function");
  if (fn?.type === "generic_function") fn = fn.childForFieldName("function");
  if (fn?.type !== "field_expression") return undefined;
  return fn.childForFieldName("field")?.text;
}

function spawnNote(call: SyntaxNode, fnText: string): string | undefined {
  const name = fnText.slice(fnText.lastIndexOf(":") + 1).replace(/^.*\./, "");
  if (!/^(spawn|spawn_local|spawn_blocking)$/.test(name)) return undefined;
  if (/\bset\b|join_set|JoinSet|tasks\./i.test(fnText)) return "owned by a JoinSet: aborted when the set is dropped";
  if (name === "spawn_blocking") return "keeps running when this future is dropped (blocking tasks cannot be aborted)";
  const parent = call.parent;
  const kept = parent && (parent.type === "let_declaration" || parent.type === "assignment_expression" || parent.type === "arguments" || parent.type === "await_expression");
  return kept
    ? "keeps running when this future is dropped, unless its JoinHandle is aborted"
    : "detached: keeps running when this future is dropped, and its panic is lost (lint detached-spawn)";
}
