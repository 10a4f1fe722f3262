import type { FileModel } from "../../rust/file-model.ts";
import { describeStateMachineAt, StateMachineError, type AwaitPoint, type StateMachine } from "../../explain/at/state-machine.ts";
import { describeLocal } from "../../explain/at/render-at.ts";
import { wordAt } from "../document-model.ts";

export interface HoverPart {
  markdown: string;
  startOffset: number;
  endOffset: number;
}

/** The offset of the `await` keyword of a `.await` the offset is on, if it is on one. */
export function awaitKeywordAt(text: string, offset: number): { start: number; end: number } | undefined {
  const word = wordAt(text, offset) ?? (text[offset] === "." ? wordAt(text, offset + 1) : undefined);
  if (!word || word.word !== "await") return undefined;
  let before = word.start - 1;
  while (before >= 0 && /\s/.test(text[before]!)) before--;
  return text[before] === "." ? { start: before, end: word.end } : undefined;
}

/** The await point of a state machine at the `await` keyword starting at `keywordOffset`. */
export function awaitPointAt(model: FileModel, keywordOffset: number): { machine: StateMachine; point: AwaitPoint; index: number } | undefined {
  const node = model.tree.rootNode.descendantForIndex(keywordOffset, keywordOffset);
  if (!node) return undefined;
  let machine: StateMachine;
  try {
    machine = describeStateMachineAt(model, node);
  } catch (error) {
    if (error instanceof StateMachineError) return undefined;
    throw error;
  }
  const at = model.source.position(keywordOffset);
  const index = machine.awaits.findIndex((point) => point.line === at.line && point.column === at.column);
  return index === -1 ? undefined : { machine, point: machine.awaits[index]!, index };
}

/**
 * Hover on `.await`: what the future keeps across this suspension (locals, guards, `!Send` values)
 * and what dropping it here cancels, from the same analysis as `explain --at`.
 */
export function awaitHover(model: FileModel, offset: number): HoverPart | undefined {
  const keyword = awaitKeywordAt(model.source.text, offset);
  if (!keyword) return undefined;
  const found = awaitPointAt(model, keyword.start + 1);
  if (!found) return undefined;
  const { machine, point, index } = found;
  const lines: string[] = [];
  lines.push(`**\`.await\`** — suspension point ${index + 1} of ${machine.awaits.length} in \`${machine.name}\` (${machine.kind})`);
  lines.push("");
  if (point.stored.length === 0) lines.push("**Kept across it:** nothing beyond the awaited future.");
  else {
    lines.push("**Kept across it** (stored in the future while it is suspended here):");
    for (const local of point.stored) lines.push(`- ${local.notSend ? "⚠ " : ""}\`${describeLocal(local).replace(/ \(/, "` (")}`);
  }
  if (point.temporaryGuard) {
    lines.push("");
    lines.push(`**Guard held across it:** ⚠ ${point.temporaryGuard}.`);
  }
  const notSend = machine.notSend.filter((value) => value.acrossAwaitsAt.includes(point.line));
  if (notSend.length > 0 || point.temporaryGuard) {
    lines.push("");
    const names = notSend.map((value) => `\`${value.name}\` (${value.reason})`);
    if (point.temporaryGuard) names.push("the guard temporary above");
    lines.push(`**\`!Send\` here:** ${names.join("; ")}. The future is \`!Send\`: \`tokio::spawn\` rejects it ("future cannot be sent between threads safely").`);
  }
  lines.push("");
  lines.push(`**Dropping the future here:** ${point.cancellation}.`);
  if (point.via) lines.push(`\n_(${point.via})_`);
  lines.push("");
  lines.push(`More: \`async-doctor explain --at ${machine.file}:${point.line}\` · \`async-doctor explain cancellation-and-shutdown\``);
  return { markdown: lines.join("\n"), startOffset: keyword.start, endOffset: keyword.end };
}
