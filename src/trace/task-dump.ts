import { normaliseFrameName } from "./frame-name.ts";
import type { DumpNode, SourceLocation, TaskDump, TaskDumpTree } from "./types.ts";

/**
 * tokio task dumps (`Handle::dump()`, printed with U+00A0 no-break spaces) and async-backtrace trees
 * (`taskdump_tree`, ordinary spaces, `2x` repeats, `[POLLING]`). Both draw `╼ NAME at FILE:L:C` with
 * `├╼`/`└╼` children indented by three columns per level, root first (reference §5).
 */

export interface DumpLine {
  depth: number;
  name: string;
  location?: SourceLocation;
  repeat: number;
  polling: boolean;
  nbsp: boolean;
  taskId?: string;
  inputLine: number;
}

const nodeText = /^(?:(\d+)x )?(.*?)(?: at (.+?):(\d+):(\d+))?\s*$/;

export function parseTaskDumpLine(raw: string, inputLine: number): DumpLine | undefined {
  const nbsp = raw.includes("\u00a0");
  const line = nbsp ? raw.replace(/\u00a0/g, " ") : raw;
  const polling = line.includes("└┈") || line.includes("├┈");
  const glyph = polling ? Math.max(line.indexOf("┈"), 0) : line.indexOf("╼");
  if (glyph < 0) return undefined;
  const prefix = line.slice(0, glyph);
  // The prefix holds only tree drawing and spaces.
  if (!/^[ │├└]*$/.test(prefix)) return undefined;
  const depth = Math.round(glyph / 3);
  const rest = line.slice(glyph + 1).trim();
  if (polling) return { depth, name: "[POLLING]", repeat: 1, polling: true, nbsp, inputLine };
  const m = nodeText.exec(rest);
  if (!m || m[2] === "") return undefined;
  const parsed: DumpLine = { depth, name: m[2], repeat: m[1] ? Number(m[1]) : 1, polling: false, nbsp, inputLine };
  if (m[3] !== undefined) parsed.location = { file: m[3], line: Number(m[4]), column: Number(m[5]) };
  return parsed;
}

/** tokio ≥ 1.52.4 cuts the last `::segment`; a Future impl without its `::poll` betrays it. */
function detectCutNames(lines: DumpLine[]): boolean {
  return lines.some((l) => /\bas [\w:]*Future(<[^>]*>)?>$/.test(l.name));
}

const dependencyPath = /(^|\/)(\.cargo\/registry|\.cargo\/git|usr\/share\/cargo\/registry|rustc\/[0-9a-f]{40})\//;

/**
 * Restores a name tokio cut short. Every node of a dump is a future being polled, so: a Future impl lost
 * `::poll`; a user function (its file is not a dependency) lost the `{{closure}}` of its async body; a
 * dependency path ending in a type (`Notified`, `Sleep`) lost a method we cannot know (marked `::…`);
 * one ending in a function lost its async body's `{{closure}}`.
 */
export function repairCutName(name: string, location?: SourceLocation): { name: string; repaired: boolean } {
  const v0Style = name.includes("{closure#") || /::<[^>]*>$/.test(name) || /^<[^ ]*>$/.test(name);
  const closure = v0Style ? "{closure#0}" : "{{closure}}";
  if (name.startsWith("<") && name.endsWith(">")) {
    // `<T as Future>` lost `::poll`; `<T>` (an inherent impl, v0 style) lost a method we cannot know.
    if (/ as [\w:]*Future(<[^>]*>)?>$/.test(name)) return { name: `${name}::poll`, repaired: true };
    return { name: `${name}::…`, repaired: false };
  }
  const isDependency = location !== undefined && dependencyPath.test(location.file);
  const last = (name.split("::").pop() ?? name).replace(/^<.*>$/, "");
  if (!isDependency) return { name: `${name}::${closure}`, repaired: true };
  if (/^[A-Z]/.test(last)) return { name: `${name}::…`, repaired: false };
  return { name: `${name}::${closure}`, repaired: true };
}

export function buildDumpTrees(lines: DumpLine[], inputLine: number): TaskDump {
  const source = lines.some((l) => l.nbsp) ? "tokio" : "async-backtrace";
  const namesCut = source === "tokio" && detectCutNames(lines);
  const tasks: TaskDumpTree[] = [];
  const stack: DumpNode[] = [];
  for (const l of lines) {
    const node: DumpNode = {
      name: l.name,
      repairedName: l.name,
      repaired: false,
      repeat: l.repeat,
      polling: l.polling,
      class: "unknown",
      children: [],
      inputLine: l.inputLine,
    };
    if (l.location) node.location = l.location;
    if (namesCut && !l.polling) {
      const repaired = repairCutName(l.name, l.location);
      node.repairedName = repaired.name;
      node.repaired = repaired.repaired;
    }
    if (l.depth === 0 || stack.length === 0) {
      const tree: TaskDumpTree = { root: node };
      if (l.taskId !== undefined) tree.taskId = l.taskId;
      tasks.push(tree);
      stack.length = 0;
      stack.push(node);
      continue;
    }
    const depth = Math.min(l.depth, stack.length);
    stack.length = depth;
    stack[depth - 1].children.push(node);
    stack.push(node);
  }
  return { source, namesCut, tasks, inputLine };
}

/** Every root → leaf path of a tree (a task waiting in two branches of a join has two). */
export function chainsOf(tree: TaskDumpTree): DumpNode[][] {
  const out: DumpNode[][] = [];
  const walk = (node: DumpNode, path: DumpNode[]) => {
    const next = [...path, node];
    if (node.children.length === 0) out.push(next);
    for (const child of node.children) walk(child, next);
  };
  walk(tree.root, []);
  return out;
}

export function dumpNodeName(node: DumpNode): string {
  return normaliseFrameName(node.repairedName);
}

/** Counts the nodes of a tree, with async-backtrace's `Nx` repeats expanded. */
export function countNodes(node: DumpNode): number {
  return node.children.reduce((sum, c) => sum + countNodes(c), 1);
}
