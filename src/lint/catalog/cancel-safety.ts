import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel } from "../../rust/file-model.ts";
import type { BindingIndex } from "../../rust/bindings.ts";
import { callArguments, stripReferences } from "../../rust/syntax.ts";

/**
 * tokio's cancel-safety lists (../shared/reference/async-pitfalls.md §5, checked against the
 * "# Cancel safety" sections of tokio's io/util and sync docs). Only operations that lose data when
 * dropped mid-way are here; those that only lose a queue position (lock, acquire, notified) are safe to
 * re-create in a loop, and so are these, which tokio documents as cancel safe although their names look
 * like the unsafe ones: `read_until` (partial bytes stay appended to the caller's buffer; tokio names it
 * the cancel-safe way to read lines), `write_all_buf` (the `Buf` is advanced by what was written, so a
 * retry continues), `read_u8`/`read_i8` (one byte: read completely or not at all).
 */
export interface DataLosingOperation {
  /** What is lost when another branch wins and the future is dropped. */
  lost: string;
  /** Which side of the stream it works on: the advice differs. */
  direction: "read" | "write" | "send";
}

const partlyReadNumber: DataLosingOperation = { lost: "the bytes of a partly read number are lost and the stream is out of step", direction: "read" };
const multiByteReaders = ["u16", "i16", "u32", "i32", "u64", "i64", "u128", "i128", "f32", "f64"].flatMap((t) => [`read_${t}`, `read_${t}_le`]);

export const dataLosingMethods = new Map<string, DataLosingOperation>([
  ["read_exact", { lost: "the bytes it already read into the buffer are lost and the stream is out of step", direction: "read" }],
  ["read_to_end", { lost: "bytes it already read can be lost", direction: "read" }],
  ["read_to_string", { lost: "bytes it already read can be lost", direction: "read" }],
  ["read_line", { lost: "a partly read line is lost (tokio gives no guarantee about `buf` after a cancelled `read_line`)", direction: "read" }],
  ...multiByteReaders.map((name) => [name, partlyReadNumber] as const),
  ["write_all", { lost: "part of the buffer may already be written and you cannot tell how much: a new `write_all` starts over from the beginning", direction: "write" }],
  ["send", { lost: "the value moved into the send future is dropped with it", direction: "send" }],
  ["send_all", { lost: "items already taken from the stream are dropped", direction: "send" }],
]);

const mentionsDataLosingMethod = new RegExp(`\\b(${[...dataLosingMethods.keys()].join("|")})\\b`);

export const cancelSafeMethods = new Set([
  "recv", "recv_many", "changed", "accept", "read", "read_buf", "write", "write_buf", "next", "tick",
  "join_next", "cancelled", "next_line", "next_entry", "wait", "readable", "writable", "ready", "recv_from", "send_to",
  "read_until", "write_all_buf", "read_u8", "read_i8", "reserve",
]);

/** The advice for a data-losing operation, by what it does (no read-side advice for a write). */
export function cancelSafeAlternative(operation: string): string {
  const direction = dataLosingMethods.get(operation)?.direction;
  if (direction === "send") {
    return "reserve capacity in the select (`permit = tx.reserve()`) and send with the permit in the handler, or move the send out of the `select!`";
  }
  const once = "create the future once before the loop and poll `&mut fut` (pinned with `tokio::pin!`)";
  if (direction === "write") {
    return `${once}, or write with a cancel-safe operation: \`write\`/\`write_buf\`, or \`write_all_buf\` (it advances the \`Buf\` by what was written, so the next call continues), or drive a framed sink outside the \`select!\``;
  }
  if (operation === "read_line") {
    return `${once}, or read lines with a cancel-safe operation: \`read_until(b'\\n', &mut buf)\` with a buffer that outlives the loop, or \`Lines::next_line()\``;
  }
  return `${once}, or read with a cancel-safe operation: \`read\`/\`read_buf\` into a buffer that outlives the loop, or a framed codec's \`next()\``;
}

/** `timeout(d, fut)`, `fut.timeout(d)`, `Box::pin(fut)`, `pin!(fut)`, `fut.fuse()`: the future inside is still dropped mid-way. */
export interface WrappedOperation {
  operation: string;
  /** The wrappers around it, outermost first (`timeout`, `Box::pin`), for the message. */
  wrappers: string[];
}

/** Strips references, parentheses and future wrappers; the wrappers passed through are recorded. */
export function unwrapCancellable(expression: SyntaxNode, model: FileModel, wrappers: string[]): SyntaxNode {
  let node = expression;
  for (;;) {
    node = stripReferences(node);
    if (node.type !== "call_expression") return node;
    const target = model.resolveCall(node);
    const args = callArguments(node);
    if (target?.kind === "path") {
      const last = target.segments[target.segments.length - 1];
      const inner = (last === "timeout" || last === "timeout_at") && args.length === 2 ? args[1] : last === "pin" && args.length === 1 ? args[0] : undefined;
      if (!inner) return node;
      wrappers.push(last === "pin" ? target.segments.slice(-2).join("::") : last!);
      node = inner;
      continue;
    }
    if (target?.kind === "method" && ((target.name === "timeout" && args.length === 1) || ((target.name === "fuse" || target.name === "boxed") && args.length === 0))) {
      wrappers.push(`.${target.name}()`);
      node = target.receiver;
      continue;
    }
    return node;
  }
}

/** The receiver types whose `send(v)` is the data-losing async send (a channel sender or a sink). */
const asyncSenderType = /(^|::|<)(mpsc::(Sender|Permit)|Sender|Sink|SplitSink|FramedWrite|Framed|WebSocketStream|PollSender)\b/;

/**
 * The data-losing operation a future expression performs, if it is one: `sock.read_exact(&mut b)` →
 * read_exact, also inside `timeout(d, …)`, `Box::pin(…)`, `.fuse()`.
 */
export function cancelUnsafeOperation(expression: SyntaxNode, model: FileModel, bindings?: BindingIndex): WrappedOperation | undefined {
  const wrappers: string[] = [];
  const node = unwrapCancellable(expression, model, wrappers);
  if (node.type === "async_block") {
    // `async { fut.await }`, `timeout(d, async { … })`: what the block awaits is dropped with it.
    const inner = awaitedCancelUnsafe(node, model, bindings);
    return inner ? { operation: inner.operation, wrappers: [...wrappers, "async { … }", ...inner.wrappers] } : undefined;
  }
  if (node.type !== "call_expression") return undefined;
  const target = model.resolveCall(node);
  if (target?.kind !== "method") return undefined;
  if (!dataLosingMethods.has(target.name)) return undefined;
  if (target.name === "send" && !isValueSend(node, target.receiver, bindings)) return undefined;
  return { operation: target.name, wrappers };
}

/**
 * `tx.send(v)`: the channel or sink send that owns its value. Not `group.send()` (no value), not
 * `socket.send(&buf)` (UdpSocket/UnixDatagram send a datagram whole or not at all), and not a receiver
 * whose declared type is known to be something else (the crate's own `send`, a sync `broadcast` send).
 */
function isValueSend(call: SyntaxNode, receiver: SyntaxNode, bindings: BindingIndex | undefined): boolean {
  const args = callArguments(call);
  if (args.length !== 1 || args[0]!.type === "reference_expression") return false;
  const hint = bindings?.hintFor(receiver);
  if (hint?.typeText) return !/broadcast|watch|Unbounded|std::sync::mpsc|crossbeam/.test(hint.typeText) && asyncSenderType.test(hint.typeText);
  const root = hint?.root ?? "";
  return !/(^|::)(broadcast|watch)::|unbounded_channel|std::sync::mpsc|crossbeam/.test(root);
}

/** The first data-losing operation awaited directly in `body` (not in nested closures, async blocks or fns). */
export function awaitedCancelUnsafe(body: SyntaxNode, model: FileModel, bindings?: BindingIndex): WrappedOperation | undefined {
  // Most async fns await none of these: a text check spares the walk over their awaits.
  if (!mentionsDataLosingMethod.test(body.text)) return undefined;
  for (const node of model.nodesInBody(body, awaitTypes)) {
    const operand = node.namedChild(0);
    const op = operand ? cancelUnsafeOperation(operand, model, bindings) : undefined;
    if (op) return op;
  }
  return undefined;
}

/** The name of the first data-losing operation awaited directly in `body` (the crate facts keep names). */
export function firstAwaitedCancelUnsafe(body: SyntaxNode, model: FileModel, bindings?: BindingIndex): string | undefined {
  return awaitedCancelUnsafe(body, model, bindings)?.operation;
}

const awaitTypes: ReadonlySet<string> = new Set(["await_expression"]);
