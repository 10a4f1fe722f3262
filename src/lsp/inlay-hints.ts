import type { FileModel } from "../rust/file-model.ts";
import type { SyntaxNode } from "../rust/parser.ts";
import { describeStateMachineAt, StateMachineError, type AwaitPoint, type StateMachine } from "../explain/at/state-machine.ts";
import { isAsyncClosure } from "../rust/syntax.ts";

const ownerTypes: ReadonlySet<string> = new Set(["function_item", "async_block", "closure_expression"]);

/** A `!Send` reason that comes from a guard (a lock guard, a RefCell borrow, an entered span). */
function isGuard(reason: string): boolean {
  return /guard|Ref\/RefMut|RefCell|Entered/i.test(reason);
}

export interface AwaitMarker {
  /** UTF-16 offset just after the `await` keyword. */
  offset: number;
  label: string;
  tooltip: string;
}

/**
 * Markers at await points: `⟂ guard held` where a guard (lock, RefCell borrow, entered span) is
 * alive across the await, `!Send` where another `!Send` value is. One state machine per async fn,
 * block or closure whose span meets [start, end).
 */
export function awaitMarkers(model: FileModel, start: number, end: number): AwaitMarker[] {
  const machines: StateMachine[] = [];
  model.forEachOfType(ownerTypes, (node: SyntaxNode) => {
    if (model.endOffset(node) < start || model.startOffset(node) > end) return;
    if (node.type === "function_item" && !model.functionInfo(node).isAsync) return;
    if (node.type === "closure_expression" && !isAsyncClosure(node)) return;
    try {
      machines.push(describeStateMachineAt(model, node));
    } catch (error) {
      if (!(error instanceof StateMachineError)) throw error;
    }
  });
  const markers = new Map<number, AwaitMarker>();
  for (const machine of machines) {
    for (const point of machine.awaits) {
      const marker = markerFor(machine, point);
      if (!marker) continue;
      const offset = model.source.lineOffset(point.line) + utf16Length(model.source.lineText(point.line), point.column - 1) + (point.via?.endsWith("!") ? 0 : "await".length);
      if (offset < start || offset > end) continue;
      markers.set(offset, { offset, ...marker });
    }
  }
  return [...markers.values()].sort((a, b) => a.offset - b.offset);
}

function markerFor(machine: StateMachine, point: AwaitPoint): Omit<AwaitMarker, "offset"> | undefined {
  const notSend = machine.notSend.filter((value) => value.acrossAwaitsAt.includes(point.line));
  const guards = notSend.filter((value) => isGuard(value.reason)).map((value) => `\`${value.name}\`: ${value.reason}`);
  if (point.temporaryGuard) guards.push(point.temporaryGuard);
  const others = notSend.filter((value) => !isGuard(value.reason)).map((value) => `\`${value.name}\`: ${value.reason}`);
  if (guards.length > 0) return { label: others.length > 0 ? "⟂ guard held, !Send" : "⟂ guard held", tooltip: [...guards, ...others].join("\n") };
  if (others.length > 0) return { label: "!Send", tooltip: others.join("\n") };
  return undefined;
}

/** UTF-16 length of the first `scalars` Unicode scalars of a line. */
function utf16Length(line: string, scalars: number): number {
  let units = 0;
  let count = 0;
  for (const char of line) {
    if (count++ >= scalars) break;
    units += char.length;
  }
  return units;
}
