import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel } from "../../rust/file-model.ts";

/**
 * tokio's cancel-safety lists (../shared/reference/async-pitfalls.md §5). Only the operations that
 * lose data when dropped mid-way are here; those that only lose a queue position (lock, acquire,
 * notified) are safe to re-create in a loop.
 */
export const dataLosingMethods = new Map<string, string>([
  ["read_exact", "bytes already read into the buffer are lost"],
  ["read_to_end", "bytes already read are lost"],
  ["read_to_string", "bytes already read are lost"],
  ["read_line", "a partly read line is lost"],
  ["read_until", "partly read data is lost"],
  ["write_all", "you cannot tell how much was written; the rest is silently dropped"],
  ["write_all_buf", "you cannot tell how much was written; the rest is silently dropped"],
  ["read_u8", "a partly read number is lost"], ["read_u16", "a partly read number is lost"],
  ["read_u32", "a partly read number is lost"], ["read_u64", "a partly read number is lost"],
  ["read_i8", "a partly read number is lost"], ["read_i16", "a partly read number is lost"],
  ["read_i32", "a partly read number is lost"], ["read_i64", "a partly read number is lost"],
  ["read_f32", "a partly read number is lost"], ["read_f64", "a partly read number is lost"],
  ["send", "the message is dropped when another branch wins (use `reserve()` first, then `permit.send(v)`)"],
  ["send_all", "items taken from the stream are dropped"],
]);

const mentionsDataLosingMethod = new RegExp(`\\b(${[...dataLosingMethods.keys()].join("|")})\\b`);

export const cancelSafeMethods = new Set([
  "recv", "recv_many", "changed", "accept", "read", "read_buf", "write", "write_buf", "next", "tick",
  "join_next", "cancelled", "next_line", "next_entry", "wait", "readable", "writable", "ready", "recv_from", "send_to",
]);

/** The data-losing operation a future expression performs, if it is one: `sock.read_exact(&mut b)` → "read_exact". */
export function cancelUnsafeOperation(expression: SyntaxNode, model: FileModel): string | undefined {
  let node = expression;
  while (node.type === "parenthesized_expression" || node.type === "reference_expression") {
    const inner = node.namedChild(node.namedChildCount - 1);
    if (!inner) return undefined;
    node = inner;
  }
  if (node.type !== "call_expression") return undefined;
  const target = model.resolveCall(node);
  if (target?.kind !== "method") return undefined;
  if (!dataLosingMethods.has(target.name)) return undefined;
  // `socket.send(&buf)`: UdpSocket/UnixDatagram send a datagram whole or not at all (cancel-safe);
  // the channel and sink sends that lose their message take the value itself, not a reference.
  if (target.name === "send" && node.childForFieldName("arguments")?.namedChild(0)?.type === "reference_expression") return undefined;
  return target.name;
}

/** The first data-losing operation awaited directly in `body` (not in nested closures, async blocks or fns). */
export function firstAwaitedCancelUnsafe(body: SyntaxNode, model: FileModel): string | undefined {
  // Most async fns await none of these: a text check spares the walk over their awaits.
  if (!mentionsDataLosingMethod.test(body.text)) return undefined;
  for (const node of model.nodesInBody(body, awaitTypes)) {
    const operand = node.namedChild(0);
    const op = operand ? cancelUnsafeOperation(operand, model) : undefined;
    if (op) return op;
  }
  return undefined;
}

const awaitTypes: ReadonlySet<string> = new Set(["await_expression"]);
