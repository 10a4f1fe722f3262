import type { SyntaxNode } from "./parser.ts";
import { attributesOf, enclosingImpl, implTraitName, implTypeName, isAsyncFunction, type ParentLookup } from "./syntax.ts";

export interface FunctionInfo {
  node: SyntaxNode;
  name: string;
  /** `Type::method` for methods, the bare name for free functions. */
  qualifiedName: string;
  implType?: string;
  traitName?: string;
  isAsync: boolean;
  /** The attribute (`tokio::main`, `tokio::test`…) that wraps the body in a runtime: callers see a sync fn that starts one. */
  entryAttribute?: string;
  /** A `poll`/`poll_*` method of an impl: runs on the executor thread like async code. */
  isPoll: boolean;
  attributes: string[];
  /** Runtime flavour from `#[tokio::main(flavor = …)]` / `#[tokio::test]` (current_thread by default). */
  runtimeFlavor?: "current_thread" | "multi_thread";
}

/** Attributes that turn a fn into an async entry point run by a runtime. */
const asyncEntryAttribute = /^(tokio|actix_web|actix_rt|async_std|ntex|rocket)::(main|test)\b/;

export function describeFunction(fn: SyntaxNode, parentOf?: ParentLookup): FunctionInfo {
  const name = fn.childForFieldName("name")?.text ?? "<fn>";
  const impl = enclosingImpl(fn, parentOf);
  const implType = impl ? implTypeName(impl) : undefined;
  const traitName = impl ? implTraitName(impl) : undefined;
  const attributes = attributesOf(fn, parentOf);
  const entry = attributes.find((a) => asyncEntryAttribute.test(a));
  const isAsync = isAsyncFunction(fn) || entry !== undefined;
  let runtimeFlavor: FunctionInfo["runtimeFlavor"];
  if (entry?.startsWith("tokio::")) {
    if (/flavor\s*=\s*"current_thread"/.test(entry)) runtimeFlavor = "current_thread";
    else if (/flavor\s*=\s*"multi_thread"/.test(entry)) runtimeFlavor = "multi_thread";
    else runtimeFlavor = entry.startsWith("tokio::test") ? "current_thread" : "multi_thread";
  }
  return {
    node: fn,
    name,
    qualifiedName: implType ? `${implType}::${name}` : name,
    implType,
    traitName,
    isAsync,
    entryAttribute: entry,
    isPoll: impl !== undefined && !isAsync && /^poll(_[a-z0-9_]+)?$/.test(name),
    attributes,
    runtimeFlavor,
  };
}
