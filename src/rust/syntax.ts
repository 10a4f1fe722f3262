import type { SyntaxNode } from "./parser.ts";

/** What a call expression calls: a path (`std::thread::sleep`) or a method on a receiver (`rx.recv()`). */
export type CallTarget =
  | { kind: "path"; segments: string[]; node: SyntaxNode }
  | { kind: "method"; name: string; receiver: SyntaxNode; node: SyntaxNode };

/** Segments of a path expression, dropping turbofish generics: `tokio::spawn::<F>` → ["tokio", "spawn"]. */
export function pathSegments(node: SyntaxNode): string[] | undefined {
  switch (node.type) {
    case "identifier":
    case "self":
    case "super":
    case "crate":
    case "metavariable":
    case "type_identifier":
      return [node.text];
    case "scoped_identifier":
    case "scoped_type_identifier": {
      const name = node.childForFieldName("name");
      const pathNode = node.childForFieldName("path");
      if (!name) return undefined;
      if (!pathNode) return [name.text];
      const prefix = pathSegments(pathNode);
      return prefix ? [...prefix, name.text] : undefined;
    }
    case "generic_function": {
      const inner = node.childForFieldName("function");
      return inner ? pathSegments(inner) : undefined;
    }
    case "generic_type": {
      const inner = node.childForFieldName("type");
      return inner ? pathSegments(inner) : undefined;
    }
    case "bracketed_type":
    case "qualified_type":
      return undefined;
    default:
      return undefined;
  }
}

export function callTarget(call: SyntaxNode): CallTarget | undefined {
  if (call.type !== "call_expression") return undefined;
  let fn = call.childForFieldName("function");
  if (!fn) return undefined;
  if (fn.type === "generic_function") {
    const inner = fn.childForFieldName("function");
    if (inner?.type === "field_expression") fn = inner;
  }
  if (fn.type === "field_expression") {
    const field = fn.childForFieldName("field");
    const receiver = fn.childForFieldName("value");
    if (!field || !receiver) return undefined;
    return { kind: "method", name: field.text, receiver, node: call };
  }
  const segments = pathSegments(fn);
  return segments ? { kind: "path", segments, node: call } : undefined;
}

export function callArguments(call: SyntaxNode): SyntaxNode[] {
  const args = call.childForFieldName("arguments");
  return args ? args.namedChildren.filter((n): n is SyntaxNode => n !== null && !isComment(n)) : [];
}

export function isComment(node: SyntaxNode): boolean {
  return node.type === "line_comment" || node.type === "block_comment";
}

export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((n): n is SyntaxNode => n !== null);
}

export function children(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((n): n is SyntaxNode => n !== null);
}

/** The receiver chain root of a method chain: `a.b().c()` → `a`; `f(x).g()` → the call `f(x)`. */
export function chainRoot(node: SyntaxNode): SyntaxNode {
  let current = node;
  for (;;) {
    if (current.type === "call_expression") {
      const target = callTarget(current);
      if (target?.kind === "method") {
        current = target.receiver;
        continue;
      }
      return current;
    }
    if (current.type === "field_expression" || current.type === "try_expression" || current.type === "await_expression") {
      const inner = current.childForFieldName("value") ?? current.namedChild(0);
      if (!inner) return current;
      current = inner;
      continue;
    }
    if (current.type === "reference_expression" || current.type === "parenthesized_expression") {
      const inner = current.childForFieldName("value") ?? current.namedChild(0);
      if (!inner) return current;
      current = inner;
      continue;
    }
    return current;
  }
}

/** True when `node` is the operand of `.await` (possibly through `?` or parentheses). */
export function isAwaited(node: SyntaxNode): boolean {
  let current = node;
  let parent = current.parent;
  while (parent && (parent.type === "parenthesized_expression")) {
    current = parent;
    parent = parent.parent;
  }
  return parent?.type === "await_expression";
}

export function isAsyncFunction(fn: SyntaxNode): boolean {
  if (fn.type !== "function_item" && fn.type !== "function_signature_item") return false;
  for (const child of children(fn)) {
    if (child.type === "function_modifiers") return children(child).some((m) => m.type === "async");
  }
  return false;
}

export function isAsyncClosure(closure: SyntaxNode): boolean {
  return closure.type === "closure_expression" && children(closure).some((c) => c.type === "async");
}

/**
 * How to find a node's parent: tree-sitter's `node.parent` (and sibling lookups, which go through it)
 * costs the node's depth, so the file model passes its parent table for deeply nested trees.
 */
export type ParentLookup = (node: SyntaxNode) => SyntaxNode | null;

/** Attributes written directly above an item (`#[tokio::main]`), as their inner text. */
export function attributesOf(item: SyntaxNode, parentOf?: ParentLookup): string[] {
  const attributes: string[] = [];
  const siblings = parentOf ? parentOf(item)?.namedChildren.filter((n): n is SyntaxNode => n !== null) : undefined;
  let index = siblings ? siblings.findIndex((n) => n.id === item.id) : -1;
  const previous = (node: SyntaxNode): SyntaxNode | null => (siblings ? (index > 0 ? siblings[--index]! : null) : node.previousNamedSibling);
  let sibling = previous(item);
  while (sibling && (sibling.type === "attribute_item" || isComment(sibling))) {
    if (sibling.type === "attribute_item") {
      const attribute = sibling.namedChild(0);
      if (attribute) attributes.unshift(attribute.text);
    }
    sibling = previous(sibling);
  }
  return attributes;
}

/** The impl block a function item belongs to, if any. */
export function enclosingImpl(fn: SyntaxNode, parentOf: ParentLookup = (node) => node.parent): SyntaxNode | undefined {
  const list = parentOf(fn);
  if (list?.type !== "declaration_list") return undefined;
  const owner = parentOf(list);
  return owner?.type === "impl_item" || owner?.type === "trait_item" ? owner : undefined;
}

/** `impl Foo` → "Foo"; `impl<T> Trait for Bar<T>` → "Bar". */
export function implTypeName(impl: SyntaxNode): string | undefined {
  const type = impl.childForFieldName(impl.type === "trait_item" ? "name" : "type");
  if (!type) return undefined;
  const segments = pathSegments(type);
  return segments ? segments[segments.length - 1] : type.text;
}

export function implTraitName(impl: SyntaxNode): string | undefined {
  const trait = impl.childForFieldName("trait");
  if (!trait) return undefined;
  const segments = pathSegments(trait);
  return segments ? segments[segments.length - 1] : trait.text;
}

/** Depth-first pre-order walk; `visit` returns false to skip a node's children. */
export function walkTree(node: SyntaxNode, visit: (node: SyntaxNode) => boolean | void): void {
  const cursor = node.walk();
  try {
    let descend = true;
    for (;;) {
      if (descend) {
        const keepGoing = visit(cursor.currentNode);
        if (keepGoing !== false && cursor.gotoFirstChild()) continue;
      }
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      let climbed = false;
      while (cursor.gotoParent()) {
        if (cursor.currentNode.id === node.id) return;
        if (cursor.gotoNextSibling()) {
          climbed = true;
          break;
        }
      }
      if (!climbed) return;
      descend = true;
    }
  } finally {
    cursor.delete();
  }
}

/** Identifier text uses of `name` below `node` (not crossing nested fn items). */
export function mentions(node: SyntaxNode, name: string): boolean {
  let found = false;
  walkTree(node, (n) => {
    if (found) return false;
    if (n.type === "function_item" && n.id !== node.id) return false;
    if ((n.type === "identifier" || n.type === "field_identifier") && n.text === name) found = true;
    return !found;
  });
  return found;
}

/** Nodes that start a new body whose code does not run in the enclosing one. */
export function isBodyBoundary(node: SyntaxNode): boolean {
  return node.type === "closure_expression" || node.type === "async_block" || node.type === "function_item";
}

export function isLoop(node: SyntaxNode): boolean {
  return node.type === "loop_expression" || node.type === "while_expression" || node.type === "for_expression";
}

/** The call whose value a statement throws away: `call(..);` or `let _ = call(..);`. */
export function droppedCallOf(statement: SyntaxNode): SyntaxNode | undefined {
  let call: SyntaxNode | null = null;
  if (statement.type === "expression_statement") call = statement.namedChild(0);
  else if (statement.type === "let_declaration" && statement.childForFieldName("pattern")?.text === "_") call = statement.childForFieldName("value");
  return call?.type === "call_expression" ? call : undefined;
}
