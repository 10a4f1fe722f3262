import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel } from "../../rust/file-model.ts";

/**
 * A call that starts a tokio task and returns its JoinHandle: `tokio::spawn`, `task::spawn_local`,
 * `spawn_blocking`, `Handle::spawn`, `tokio::task::Builder::new().spawn(…)`. JoinSet::spawn is not one
 * (the set owns the handle).
 */
export function taskSpawnKind(call: SyntaxNode, model: FileModel): string | undefined {
  const target = model.resolveCall(call);
  if (!target) return undefined;
  if (target.kind === "path") {
    const path = target.segments.join("::");
    if (/^tokio::(task::)?(spawn|spawn_local|spawn_blocking)$/.test(path)) return path;
    return undefined;
  }
  if (target.name !== "spawn" && target.name !== "spawn_local" && target.name !== "spawn_blocking") return undefined;
  const root = model.chainRootPath(target.receiver);
  const rootText = root?.join("::") ?? "";
  if (/^tokio::(task::Builder::new|runtime::Handle::current|runtime::Runtime::new|runtime::Builder)/.test(rootText)) return `${rootText}(…).${target.name}`;
  return undefined;
}
