import { classifyName, isUserPath } from "./frame-classifier.ts";
import { crateOf, nameShape, normaliseFrameName } from "./frame-name.ts";
import { chainsOf } from "./task-dump.ts";
import type { DumpNode, SourceLocation, TaskDump } from "./types.ts";

/**
 * Task-dump chains (root → leaf) and groups of tasks waiting at the same place:
 * "37 tasks waiting at `Notified` in `worker_loop` at src/pool.rs:88".
 */

export interface DumpChainLink {
  name: string;
  file?: string;
  line?: number;
  column?: number;
  class: string;
  repaired: boolean;
  printedName: string;
}

export interface DumpGroup {
  /** Number of tasks (async-backtrace `Nx` repeats count too) with this chain. */
  count: number;
  taskIds: string[];
  /** Root → leaf. */
  chain: DumpChainLink[];
  /** What the leaf waits on (`Notified`, `Sleep`, …). */
  waitingAt: string;
  /** Leaves of the task's tree (a join waits in several). */
  branches: number;
  /** Innermost user function in the chain and its await point. */
  inFunction?: string;
  at?: SourceLocation;
  summary: string;
}

export interface DumpAnalysis {
  source: TaskDump["source"];
  namesCut: boolean;
  tasks: number;
  groups: DumpGroup[];
}

function classifyNodes(dump: TaskDump): void {
  const userCrates = new Set<string>();
  const visit = (n: DumpNode, f: (n: DumpNode) => void) => {
    f(n);
    n.children.forEach((c) => visit(c, f));
  };
  for (const t of dump.tasks) {
    visit(t.root, (n) => {
      if (n.location && isUserPath(n.location.file)) {
        const crate = crateOf(normaliseFrameName(n.repairedName));
        if (crate && crate !== "tokio" && crate !== "core" && crate !== "std" && crate !== "alloc") userCrates.add(crate);
      }
    });
  }
  for (const t of dump.tasks) {
    visit(t.root, (n) => {
      n.class = n.polling ? "unknown" : classifyName(normaliseFrameName(n.repairedName), n.location, userCrates);
    });
  }
}

/** A short name for what a leaf future is: `<tokio::sync::notify::Notified as Future>::poll` → `Notified`. */
export function shortLeafName(name: string): string {
  let s = normaliseFrameName(name).replace(/::(poll|…)$/, "");
  const impl = /^<(.+?) as .*>$/.exec(s) ?? /^<([^ ]+)>$/.exec(s);
  if (impl) s = impl[1];
  const shape = nameShape(s);
  const parts = (shape.base || s).split("::");
  return (parts[parts.length - 1] || s).replace(/<.*>$/, "");
}

export function analyseDump(dump: TaskDump): DumpAnalysis {
  classifyNodes(dump);
  const groups = new Map<string, DumpGroup>();
  let tasks = 0;
  for (const tree of dump.tasks) {
    const paths = chainsOf(tree);
    const weight = tree.root.repeat;
    tasks += weight;
    // A task waiting in several branches (join) is summarised by its first leaf; all paths are kept in the chain key.
    const key = paths.map((p) => p.map((n) => `${n.repairedName}@${n.location?.file}:${n.location?.line}`).join(">")).join("|");
    const existing = groups.get(key);
    if (existing) {
      existing.count += weight;
      if (tree.taskId) existing.taskIds.push(tree.taskId);
      continue;
    }
    const path = paths[0];
    const chain: DumpChainLink[] = path.map((n) => {
      const link: DumpChainLink = { name: normaliseFrameName(n.repairedName), printedName: n.name, class: n.class, repaired: n.repaired };
      if (n.location) {
        link.file = n.location.file;
        link.line = n.location.line;
        link.column = n.location.column;
      }
      return link;
    });
    // Leaf: deepest non-polling node. Count async-backtrace's `Nx` on the leaf as more tasks only when at the root.
    // The leaf future: the outermost node of the final run of nodes in the same file (`Notified::poll` →
    // `Notified` → `NotifiedProject` all live in notify.rs: the leaf is `Notified`).
    const real = path.filter((n) => !n.polling);
    let leafIndex = real.length - 1;
    while (leafIndex > 0 && real[leafIndex - 1].location?.file !== undefined && real[leafIndex - 1].location?.file === real[leafIndex].location?.file && real[leafIndex - 1].class !== "user") leafIndex--;
    const leaf = real[Math.max(0, leafIndex)] ?? path[path.length - 1];
    const user = [...path].reverse().find((n) => n.class === "user");
    const group: DumpGroup = { count: weight, taskIds: tree.taskId ? [tree.taskId] : [], chain, branches: paths.length, waitingAt: shortLeafName(leaf.repairedName), summary: "" };
    if (user) {
      group.inFunction = (nameShape(normaliseFrameName(user.repairedName)).base || normaliseFrameName(user.repairedName)).replace(/<[^<>]*>$/, "");
      if (user.location) group.at = user.location;
    }
    groups.set(key, group);
  }
  const list = [...groups.values()].sort((a, b) => b.count - a.count);
  for (const g of list) {
    const fnName = g.inFunction ? ` in \`${g.inFunction.split("::").slice(-1)[0]}\`` : "";
    const at = g.at ? ` at ${g.at.file}:${g.at.line}` : "";
    const more = g.branches > 1 ? ` (and ${g.branches - 1} more branch${g.branches === 2 ? "" : "es"})` : "";
    g.summary = `${g.count} task${g.count === 1 ? "" : "s"} waiting at \`${g.waitingAt}\`${fnName}${at}${more}`;
  }
  return { source: dump.source, namesCut: dump.namesCut, tasks, groups: list };
}
