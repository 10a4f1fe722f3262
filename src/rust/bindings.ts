import type { SyntaxNode } from "./parser.ts";
import type { FileModel } from "./file-model.ts";
import { callTarget, chainRoot, namedChildren, pathSegments, walkTree } from "./syntax.ts";

/**
 * What a local name was bound to, as far as the source says: the resolved path at the root of its
 * initializer (`let rx = std::sync::mpsc::channel()` → "std::sync::mpsc::channel"), the method chain
 * after it, or its declared type. Enough to tell a std `Receiver::recv` from tokio's without types.
 */
export interface BindingHint {
  /** Resolved root path of the initializer call chain, or of the declared type. */
  root?: string;
  /** Method names applied after the root call, in order. */
  methods: string[];
  /** Declared type text, when there is one. */
  typeText?: string;
  /** The initializer produced a lock guard (`m.lock().unwrap()`). */
  isGuard?: boolean;
  /** The initializer as written (`Arc::new(Mutex::new(0))`), for what its arguments construct. */
  valueText?: string;
}

const letTypes: ReadonlySet<string> = new Set(["let_declaration"]);
const fieldTypes: ReadonlySet<string> = new Set(["field_declaration"]);
const guardMethods = new Set(["lock", "read", "write", "borrow", "borrow_mut", "try_lock", "try_read", "try_write", "try_borrow", "try_borrow_mut"]);

export class BindingIndex {
  private readonly perFunction = new Map<number, Map<string, BindingHint>>();
  private readonly structFields = new Map<string, string>();

  constructor(private readonly model: FileModel) {
    model.forEachOfType(fieldTypes, (node) => {
      const name = node.childForFieldName("name")?.text;
      const type = node.childForFieldName("type")?.text;
      if (name && type) this.structFields.set(name, type);
    });
  }

  /** The declared type of a struct field of this file, by field name (`flag: Arc<AtomicBool>` → "Arc<AtomicBool>"). */
  fieldType(name: string): string | undefined {
    return this.structFields.get(name);
  }

  /** The hint for the receiver of a method call, if the source says what it is. */
  hintFor(receiver: SyntaxNode): BindingHint | undefined {
    if (receiver.type === "call_expression" || receiver.type === "try_expression") return this.hintForExpression(receiver);
    if (receiver.type === "reference_expression" || receiver.type === "parenthesized_expression" || receiver.type === "unary_expression") {
      const inner = receiver.namedChild(receiver.namedChildCount - 1);
      return inner ? this.hintFor(inner) : undefined;
    }
    if (receiver.type === "field_expression") {
      const value = receiver.childForFieldName("value");
      const field = receiver.childForFieldName("field")?.text;
      if (value?.type === "self" && field) {
        const type = this.structFields.get(field);
        return type ? this.hintForType(type) : undefined;
      }
      return undefined;
    }
    if (receiver.type === "identifier") {
      const fn = this.model.enclosingFunction(receiver);
      if (!fn) return undefined;
      return this.bindingsOf(fn.node).get(receiver.text);
    }
    return undefined;
  }

  hintForExpression(expression: SyntaxNode): BindingHint | undefined {
    const root = chainRoot(expression);
    const methods: string[] = [];
    for (let current: SyntaxNode | null = expression; current && current.id !== root.id; ) {
      if (current.type === "call_expression") {
        const target = callTarget(current);
        if (target?.kind === "method") {
          methods.unshift(target.name);
          current = target.receiver;
          continue;
        }
        break;
      }
      current = current.childForFieldName("value") ?? current.namedChild(0);
    }
    let rootPath: string | undefined;
    if (root.type === "call_expression") {
      const target = this.model.resolveCall(root);
      if (target?.kind === "path") rootPath = target.segments.join("::");
    } else if (root.type === "identifier" || root.type === "field_expression") {
      const inner = this.hintFor(root);
      if (inner) return { ...inner, methods: [...inner.methods, ...methods], isGuard: guardLike(methods) || inner.isGuard };
    }
    return { root: rootPath, methods, isGuard: guardLike(methods) };
  }

  hintForType(typeText: string): BindingHint {
    // Arc<Mutex<Receiver<T>>> and &mut T: look through the usual wrappers for the path that matters.
    const inner = typeText.replace(/^&\s*(mut\s+)?/, "");
    const match = /^([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)/.exec(inner);
    const root = match ? this.model.uses.resolve(match[1]!.split("::")).join("::") : undefined;
    return { root, methods: [], typeText };
  }

  private bindingsOf(fn: SyntaxNode): Map<string, BindingHint> {
    let map = this.perFunction.get(fn.id);
    if (map) return map;
    map = new Map();
    // Registered before filling so `let b = a.x();` can look up `a` without recursing forever.
    this.perFunction.set(fn.id, map);
    const parameters = fn.childForFieldName("parameters");
    for (const parameter of parameters ? namedChildren(parameters) : []) {
      if (parameter.type !== "parameter") continue;
      const pattern = parameter.childForFieldName("pattern");
      const type = parameter.childForFieldName("type");
      if (pattern?.type === "identifier" && type) map.set(pattern.text, this.hintForType(type.text));
    }
    const body = fn.childForFieldName("body");
    if (body) {
      this.model.forEachOfType(letTypes, (node) => {
        const pattern = node.childForFieldName("pattern");
        const value = node.childForFieldName("value");
        const type = node.childForFieldName("type");
        const fromValue = value ? this.hintForExpression(value) : undefined;
        const hint = fromValue ? { ...fromValue, valueText: value!.text, ...(type ? { typeText: type.text } : {}) } : type ? this.hintForType(type.text) : undefined;
        if (pattern && hint) for (const name of boundNames(pattern)) map!.set(name, hint);
      }, body);
    }
    return map;
  }
}

function guardLike(methods: string[]): boolean {
  // m.lock(), m.lock().unwrap(), cell.borrow_mut(), rw.write().expect("…")
  let i = methods.length - 1;
  while (i >= 0 && (methods[i] === "unwrap" || methods[i] === "expect")) i--;
  return i >= 0 && guardMethods.has(methods[i]!);
}

/** Names a pattern binds: `x`, `mut x`, `(a, b)`, `ref x`. */
export function boundNames(pattern: SyntaxNode): string[] {
  if (pattern.type === "identifier") return [pattern.text];
  const names: string[] = [];
  walkTree(pattern, (node) => {
    if (node.type === "identifier" && node.parent?.type !== "scoped_identifier" && node.parent?.type !== "tuple_struct_pattern") {
      names.push(node.text);
    }
    if (node.type === "tuple_struct_pattern") {
      // Destructuring `Some(x)`: x is bound, the constructor path (the first child) is not.
      for (const child of namedChildren(node).slice(1)) names.push(...boundNames(child));
      return false;
    }
    return true;
  });
  return names;
}

export function pathText(node: SyntaxNode): string | undefined {
  return pathSegments(node)?.join("::");
}
