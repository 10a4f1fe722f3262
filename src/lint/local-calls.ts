import type { SyntaxNode } from "../rust/parser.ts";
import type { FileModel } from "../rust/file-model.ts";
import type { CallFact } from "./facts.ts";
import { ambiguousMethodNames } from "./call-graph.ts";

/** Crates whose functions are never this crate's own helpers. */
const externalRoots = new Set([
  "std", "core", "alloc", "tokio", "futures", "futures_util", "tracing", "log", "serde", "serde_json", "anyhow",
  "thiserror", "hyper", "http", "h2", "tower", "reqwest", "bytes", "rayon", "parking_lot", "crossbeam", "async_std",
  "tokio_util", "tokio_stream", "axum", "actix_web", "sqlx", "tonic", "prost", "mio", "libc", "pin_project",
]);

/** Names that are constructors or prelude functions, not calls into the crate's helpers. */
const preludeCalls = new Set(["Some", "Ok", "Err", "Box", "drop", "Vec", "String", "Default", "format", "panic", "unreachable"]);

/**
 * A call that might reach a function defined in this crate: `helper(x)`, `crate::db::load()`,
 * `Self::parse()`, `self.fetch()`. The crate pass matches these to definitions by name.
 */
export function localCallOf(call: SyntaxNode, model: FileModel): CallFact | undefined {
  const target = model.resolveCall(call);
  if (!target) return undefined;
  if (target.kind === "method") {
    const viaSelf = target.receiver.type === "self";
    // obj.get() / obj.send()… never resolve by name alone (see CallGraph.resolve): not worth a fact.
    if (!viaSelf && ambiguousMethodNames.has(target.name)) return undefined;
    return { name: target.name, viaSelf };
  }
  const segments = target.segments;
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  if (externalRoots.has(first) || preludeCalls.has(first)) return undefined;
  if (first === "Self") return { name: last, viaSelf: true };
  // Type::new style constructors of foreign types imported by name resolve to an external path above;
  // what remains is this crate's (or an unknown crate's): the crate pass keeps only names it defines.
  return { name: last, path: segments, viaSelf: false };
}
