import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel } from "../../rust/file-model.ts";
import { namedChildren } from "../../rust/syntax.ts";

/** The `cx: &mut Context<'_>` parameter's name of a hand-written poll fn, if it is one. */
export function pollContextParameter(fn: SyntaxNode, model: FileModel): string | undefined {
  const info = model.functionInfo(fn);
  if (info.isAsync) return undefined;
  const parameters = fn.childForFieldName("parameters");
  for (const parameter of parameters ? namedChildren(parameters) : []) {
    if (parameter.type !== "parameter") continue;
    const type = parameter.childForFieldName("type")?.text ?? "";
    if (/\bContext\s*</.test(type) || /\bContext\b/.test(type)) {
      const pattern = parameter.childForFieldName("pattern");
      return pattern?.text ?? "_";
    }
  }
  return undefined;
}

/** The poll fn (a fn with a `Context` parameter) enclosing a node, with its context parameter name. */
export function enclosingPollFunction(node: SyntaxNode, model: FileModel): { fn: SyntaxNode; cx: string } | undefined {
  const info = model.enclosingFunction(node);
  if (!info) return undefined;
  const cx = pollContextParameter(info.node, model);
  return cx ? { fn: info.node, cx } : undefined;
}
