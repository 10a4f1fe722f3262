import type { SyntaxNode } from "./parser.ts";
import { namedChildren, pathSegments } from "./syntax.ts";

/**
 * Maps the names a file brings into scope with `use` to their full paths, so `sleep(d)` after
 * `use std::thread::sleep;` resolves to `std::thread::sleep`, and `fs::read(p)` after
 * `use tokio::fs;` does not look like `std::fs::read`. Name-based and per file, like a reader would.
 */
export class UseMap {
  private readonly aliases = new Map<string, string[]>();
  /** Modules glob-imported (`use std::fs::*;`). */
  readonly globs: string[][] = [];

  static fromNodes(useDeclarations: SyntaxNode[]): UseMap {
    const map = new UseMap();
    for (const node of useDeclarations) {
      const argument = node.childForFieldName("argument");
      if (argument) map.addUseTree(argument, []);
    }
    return map;
  }

  private addUseTree(node: SyntaxNode, prefix: string[]): void {
    switch (node.type) {
      case "identifier":
      case "scoped_identifier":
      case "crate":
      case "self":
      case "super": {
        const segments = pathSegments(node);
        if (!segments) return;
        const full = [...prefix, ...segments];
        const last = full[full.length - 1]!;
        if (last === "self") {
          // `use std::fs::{self}` names the module itself.
          const moduleSegments = full.slice(0, -1);
          const name = moduleSegments[moduleSegments.length - 1];
          if (name) this.aliases.set(name, moduleSegments);
        } else {
          this.aliases.set(last, full);
        }
        return;
      }
      case "use_as_clause": {
        const path = node.childForFieldName("path");
        const alias = node.childForFieldName("alias");
        const segments = path ? pathSegments(path) : undefined;
        if (segments && alias) this.aliases.set(alias.text, [...prefix, ...segments]);
        return;
      }
      case "scoped_use_list": {
        const path = node.childForFieldName("path");
        const list = node.childForFieldName("list");
        const segments = path ? pathSegments(path) ?? [] : [];
        if (list) for (const item of namedChildren(list)) this.addUseTree(item, [...prefix, ...segments]);
        return;
      }
      case "use_list":
        for (const item of namedChildren(node)) this.addUseTree(item, prefix);
        return;
      case "use_wildcard": {
        const inner = node.namedChild(0);
        const segments = inner ? pathSegments(inner) : undefined;
        if (segments) this.globs.push([...prefix, ...segments]);
        return;
      }
      default:
        return;
    }
  }

  /** Expands the first segment through the file's imports; `crate::`/`self::` paths stay as written. */
  resolve(segments: string[]): string[] {
    const first = segments[0];
    if (first === undefined) return segments;
    const alias = this.aliases.get(first);
    if (alias) return [...alias, ...segments.slice(1)];
    if (segments.length === 1) {
      for (const glob of this.globs) {
        // Glob imports of std modules bring their functions in: `use std::thread::*; sleep(d)`.
        if (glob[0] === "std" || glob[0] === "tokio" || glob[0] === "futures") return [...glob, first];
      }
    }
    return segments;
  }

  has(name: string): boolean {
    return this.aliases.has(name);
  }
}
