import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel } from "../../rust/file-model.ts";
import { isComment, isLoop, mentions, namedChildren } from "../../rust/syntax.ts";
import type { Severity } from "../finding.ts";
import type { FileCheckContext, LintRule } from "../rule.ts";
import { pollContextParameter } from "./poll-methods.ts";

/**
 * Traits whose poll methods hand `Pending` straight to an executor or combinator that polls again only
 * when the waker fires. Other poll-shaped methods (inherent helpers, libp2p's `NetworkBehaviour::poll`,
 * which the swarm re-polls after every event it delivers) may rely on their caller to register.
 */
const wakerContractTraits = new Set([
  "Future", "Stream", "TryStream", "FusedStream", "AsyncRead", "AsyncWrite", "AsyncBufRead", "AsyncSeek", "Sink",
  "Service", "Body", "HttpBody", "Read", "Write", "Accept",
]);

/** State another thread or task can change while this task sleeps: then only a registered waker brings it back. */
const sharedStateCall = /\.\s*(load|swap|compare_exchange(_weak)?|fetch_\w+|try_lock|try_read|try_write|try_recv|try_next|try_wait|try_send|try_reserve|try_acquire\w*|lock|read|write|is_elapsed|elapsed|upgrade|strong_count|is_closed)\s*\(|\b(Instant|SystemTime)::now\s*\(|\bnow\s*\(\s*\)/;
const sharedTypeHead = /^(Arc|Rc|Weak|Atomic\w*|Mutex|RwLock|Sleep|Instant|Receiver|Sender|UnboundedReceiver|Shared|Notify|Semaphore|Cell|RefCell)$/;

/** `Pin<Box<tokio::time::Sleep>>` → "Sleep": the type that decides, past the usual wrappers. */
function typeHead(type: string): string {
  let text = type.replace(/^&\s*(mut\s+)?/, "").trim();
  for (;;) {
    const wrapper = /^(?:(?:std|core|alloc)::(?:pin|boxed)::)?(?:Pin|Box)\s*<(.*)>$/s.exec(text);
    if (!wrapper) break;
    text = wrapper[1]!.trim();
  }
  const head = /^(?:[A-Za-z_]\w*::)*([A-Za-z_]\w*)/.exec(text);
  return head ? head[1]! : text;
}

/** Words in a comment, a log message or a variant name that say "never ready" on purpose. */
const intendedNeverReady = /\bnever\b|forever|intentional|on purpose|by design|nothing to do|disabled|\bno-?op\b|not supported|unsupported/i;
const terminalVariant = /\b(Never|Disabled|Empty|Inactive|Terminated|Done|Finished|Complete|Completed|Closed|Exhausted|Ended|Shutdown|Dead|Gone|Fused|Stopped)\b/;
const terminalCondition = /terminat|finish|\bdone\b|is_done|complet|exhaust|fused|closed|\bended\b|shut_?down|stopped/i;

const divergingMacro = /^(std::|core::)?(panic|unreachable|todo|unimplemented)$/;

interface PollScope {
  owner: SyntaxNode;
  body: SyntaxNode;
  cx: string;
  /** `impl Future`/`Stream`/… poll methods and `poll_fn` closures: Pending goes straight to whoever waits. */
  contract: boolean;
  /** For messages. */
  name: string;
  /** Some path of this poll stores `cx.waker()`: the author knows this code must register. */
  storesWaker: boolean;
}

/** What the code on the way to one `Pending` did. */
interface PathFacts {
  registered: boolean;
  /** `if x.poll_tick(cx).is_ready() { … }` before the Pending: after a Ready poll nothing is registered. */
  readyCheck?: SyntaxNode;
  /** Conditions and scrutinees the path went through, with whether the Pending is on their true side. */
  conditions: Array<{ node: SyntaxNode; positive: boolean; pattern?: SyntaxNode }>;
  /** Match-arm patterns on the path. */
  patterns: SyntaxNode[];
  /** The Pending sits in the "nothing there" branch of an Option whose "something" branch polls with cx. */
  disabledInner: boolean;
}

function isPendingLiteral(node: SyntaxNode, model: FileModel): boolean {
  const text = node.text.replace(/\s+/g, "");
  if (node.type === "scoped_identifier") return /(^|::)Poll::Pending$/.test(text);
  if (node.type === "identifier") return text === "Pending" && model.uses.resolve(["Pending"]).join("::").endsWith("Poll::Pending");
  return false;
}

/** Whether an expression statement ends with `;` (then its value is thrown away). */
function hasSemicolon(statement: SyntaxNode): boolean {
  return statement.children.some((c) => c?.type === ";");
}

/** Does the value of `node` leave the poll fn (returned, or the tail of its body)? `self.state = Poll::Pending` does not. */
function flowsToReturn(node: SyntaxNode, body: SyntaxNode, model: FileModel): boolean {
  let child = node;
  for (let parent = model.parentOf(child); parent; child = parent, parent = model.parentOf(parent)) {
    if (child.id === body.id) return true;
    switch (parent.type) {
      case "return_expression":
        return true;
      case "parenthesized_expression":
      case "else_clause":
      case "match_block":
        continue;
      case "block": {
        const last = namedChildren(parent).filter((n) => !isComment(n)).at(-1);
        if (last?.id !== child.id) return false;
        continue;
      }
      case "expression_statement":
        if (hasSemicolon(parent)) return false;
        continue;
      case "if_expression":
        if (parent.childForFieldName("condition")?.id === child.id) return false;
        continue;
      case "match_arm":
        if (parent.childForFieldName("value")?.id !== child.id) return false;
        continue;
      case "match_expression":
        if (parent.childForFieldName("body")?.id !== child.id) return false;
        continue;
      default:
        return false;
    }
  }
  return false;
}

/** A block or expression whose evaluation never falls through: ends in return/break/continue or a diverging macro. */
function diverges(node: SyntaxNode | null | undefined): boolean {
  if (!node) return false;
  if (node.type === "return_expression" || node.type === "break_expression" || node.type === "continue_expression") return true;
  if (node.type === "macro_invocation") return divergingMacro.test(node.childForFieldName("macro")?.text ?? "");
  if (node.type === "expression_statement") return diverges(node.namedChild(0));
  if (node.type === "block") return diverges(namedChildren(node).filter((n) => !isComment(n)).at(-1));
  return false;
}

/** `x.poll_tick(cx).is_ready()`: a poll whose Ready result registers nothing. */
function readyCheckPattern(cx: string): RegExp {
  return new RegExp(`\\.\\s*poll\\w*\\s*\\(\\s*${cx}\\s*\\)\\s*\\.\\s*is_ready\\s*\\(\\s*\\)`);
}

/** After a Ready poll the consequence re-arms the source: polls it again, or resets the timer (the waker stays registered). */
function rearms(consequence: SyntaxNode | null, cx: string): boolean {
  if (!consequence) return false;
  return mentions(consequence, cx) || /\.\s*reset(_at|_immediately|_after)?\s*\(/.test(consequence.text);
}

type Registration = "yes" | "ready-check" | "no";

/** Does running `statement` and falling through to the next one register the waker? */
function statementRegisters(statement: SyntaxNode, cx: string): Registration {
  const expression = statement.type === "expression_statement" ? statement.namedChild(0) : statement;
  if (!expression || !mentions(statement, cx)) return "no";
  if (expression.type === "if_expression") {
    const condition = expression.childForFieldName("condition");
    const consequence = expression.childForFieldName("consequence");
    const alternative = expression.childForFieldName("alternative")?.namedChild(0) ?? null;
    if (condition && mentions(condition, cx)) {
      if (readyCheckPattern(cx).test(condition.text) && !diverges(consequence) && !rearms(consequence, cx)) return "ready-check";
      return "yes";
    }
    // Only the branches that fall through count: a sibling that polls with cx and returns registers nothing here.
    const fallsThrough = (branch: SyntaxNode | null) => branch !== null && !diverges(branch) && mentions(branch, cx);
    return fallsThrough(consequence) || fallsThrough(alternative) ? "yes" : "no";
  }
  if (expression.type === "match_expression") {
    const value = expression.childForFieldName("value");
    if (value && mentions(value, cx)) return "yes";
    const arms = namedChildren(expression.childForFieldName("body") ?? expression).filter((n) => n.type === "match_arm");
    return arms.some((arm) => mentions(arm, cx) && !diverges(arm.childForFieldName("value"))) ? "yes" : "no";
  }
  return "yes";
}

/** The facts of the path from the start of `body` to `pending`. */
function analysePath(pending: SyntaxNode, body: SyntaxNode, cx: string, model: FileModel): PathFacts {
  const facts: PathFacts = { registered: false, conditions: [], patterns: [], disabledInner: false };
  let child = pending;
  for (let parent = model.parentOf(child); parent && child.id !== body.id; child = parent, parent = model.parentOf(parent)) {
    if (parent.type === "block") {
      for (const statement of namedChildren(parent)) {
        if (statement.id === child.id) break;
        const registration = statementRegisters(statement, cx);
        if (registration === "yes") facts.registered = true;
        else if (registration === "ready-check") facts.readyCheck ??= statement.type === "expression_statement" ? statement.namedChild(0)! : statement;
        // An early exit (`if c { return … }`) puts `!c` on the path.
        const expression = statement.type === "expression_statement" ? statement.namedChild(0) : statement;
        if (expression?.type === "if_expression" && diverges(expression.childForFieldName("consequence"))) {
          const condition = expression.childForFieldName("condition");
          if (condition) facts.conditions.push({ node: condition, positive: false });
        }
      }
    } else if (parent.type === "if_expression") {
      const condition = parent.childForFieldName("condition");
      if (condition && condition.id !== child.id) {
        const positive = parent.childForFieldName("consequence")?.id === child.id;
        facts.conditions.push({ node: condition, positive });
        if (mentions(condition, cx)) {
          // In the true branch of `if x.poll(cx).is_ready()` the poll was Ready and registered nothing.
          if (positive && readyCheckPattern(cx).test(condition.text)) facts.readyCheck ??= parent;
          else facts.registered = true;
        }
        const consequence = parent.childForFieldName("consequence");
        if (!positive && /^let\s+Some\s*\(/.test(condition.text.trim()) && consequence && mentions(consequence, cx)) facts.disabledInner = true;
      }
    } else if (parent.type === "match_arm") {
      const match = model.parentOf(model.parentOf(parent)!);
      const value = match?.childForFieldName("value");
      const pattern = parent.childForFieldName("pattern");
      if (pattern) facts.patterns.push(pattern);
      if (value) {
        facts.conditions.push({ node: value, positive: true, pattern: pattern ?? undefined });
        if (mentions(value, cx)) {
          // `match inner.poll(cx) { Poll::Ready(v) => … Pending }`: the Ready arm registered nothing.
          if (pattern && /\bReady\b/.test(pattern.text) && !mentions(parent.childForFieldName("value") ?? parent, cx)) facts.readyCheck ??= parent;
          else facts.registered = true;
        }
      }
      if (pattern && /^None$|^_$/.test(pattern.text.trim()) && match) {
        const arms = namedChildren(match.childForFieldName("body") ?? match).filter((n) => n.type === "match_arm" && n.id !== parent.id);
        if (arms.some((arm) => /\bSome\s*\(/.test(arm.childForFieldName("pattern")?.text ?? "") && mentions(arm, cx))) facts.disabledInner = true;
      }
    } else if (parent.type === "let_declaration") {
      // `let Some(x) = self.inner.as_mut() else { return Poll::Pending };` followed by code that polls x.
      const value = parent.childForFieldName("value");
      if (value) facts.conditions.push({ node: value, positive: false });
      const block = model.parentOf(parent);
      if (block?.type === "block") {
        const rest = namedChildren(block).filter((s) => model.startOffset(s) > model.startOffset(parent));
        if (rest.some((s) => mentions(s, cx))) facts.disabledInner = true;
      }
    } else if (isLoop(parent)) {
      if (mentions(parent, cx)) facts.registered = true;
    }
    if (parent.id === body.id) break;
  }
  return facts;
}

/** The text around a Pending that may say it is deliberate: its arm or block, and its own and the previous line. */
function saysNeverReady(pending: SyntaxNode, facts: PathFacts, model: FileModel): boolean {
  let around: SyntaxNode | undefined;
  for (const ancestor of model.ancestors(pending)) {
    if (ancestor.type === "match_arm" || ancestor.type === "block") {
      around = ancestor;
      break;
    }
  }
  const line = model.position(pending).line;
  const lines = model.source.text.split("\n", line).slice(-2).join("\n");
  if (intendedNeverReady.test(around?.text ?? "") || intendedNeverReady.test(lines)) return true;
  if (facts.patterns.some((p) => terminalVariant.test(p.text))) return true;
  return facts.conditions.some((c) => c.positive && !c.node.text.trim().startsWith("!") && terminalCondition.test(c.node.text));
}

/**
 * What the path waits on: state others can change (atomics, locks, time, channels, shared fields), the
 * value's own state, or nothing at all (Pending whatever happens).
 */
function waitedOn(facts: PathFacts, context: FileCheckContext): "shared" | "own" | "nothing" {
  if (facts.conditions.length === 0) return "nothing";
  const shared = facts.conditions.some(({ node }) => {
    if (sharedStateCall.test(node.text)) return true;
    for (const match of node.text.matchAll(/\b(?:self|this)\s*\.\s*(\w+)/g)) {
      const type = context.bindings.fieldType(match[1]!);
      if (type && sharedTypeHead.test(typeHead(type))) return true;
    }
    return false;
  });
  return shared ? "shared" : "own";
}

/** "when `c`", "when `c` is false", for the condition nearest the Pending. */
function conditionPhrase(facts: PathFacts): string | undefined {
  const first = facts.conditions[0];
  if (!first) return undefined;
  const flat = (node: SyntaxNode) => node.text.replace(/\s+/g, " ").trim();
  const text = flat(first.node);
  const shorten = (t: string) => (t.length > 60 ? `${t.slice(0, 57)}…` : t);
  if (first.pattern) return `when \`${shorten(text)}\` matches \`${shorten(flat(first.pattern))}\``;
  if (first.positive && text.startsWith("!")) return `when \`${shorten(text.slice(1).trim())}\` is false`;
  if (first.positive) return `when \`${shorten(text)}\``;
  if (text.startsWith("!")) return `when \`${shorten(text.slice(1).trim())}\``;
  if (text.startsWith("let ")) return `when \`${shorten(text)}\` does not match`;
  return `when \`${shorten(text)}\` is false`;
}

/** The poll call whose Ready result the path relied on: `self.interval.poll_tick(cx)`. */
function readyPollText(check: SyntaxNode, cx: string, model: FileModel): string | undefined {
  if (check.type === "match_arm") {
    const match = model.parentOf(model.parentOf(check)!);
    return match?.childForFieldName("value")?.text.replace(/\s+/g, " ");
  }
  const condition = check.type === "if_expression" ? check.childForFieldName("condition")?.text ?? "" : check.text;
  return new RegExp(`([\\w.()&\\s]*?\\.\\s*poll\\w*\\s*\\(\\s*${cx}\\s*\\))\\s*\\.\\s*is_ready`).exec(condition)?.[1]?.replace(/\s+/g, " ").replace(/^[!&(\s]+/, "");
}

function checkPending(pending: SyntaxNode, scope: PollScope, context: FileCheckContext): void {
  const { model } = context;
  const { body, cx, contract, storesWaker } = scope;
  const cxUnused = cx === "_" || cx.startsWith("_");
  const facts = analysePath(pending, body, cx, model);
  if (facts.registered) return;
  if (facts.readyCheck && !cxUnused) {
    context.report(pending, {
      message: `\`Poll::Pending\` after \`${readyPollText(facts.readyCheck, cx, model) ?? "the inner poll"}\` returned Ready: a Ready poll registers no wake-up, so nothing wakes this task again`,
      help: "poll the source again until it returns Pending (`while timer.poll_tick(cx).is_ready() { … }`, or `let _ = timer.poll_tick(cx);` after handling the tick), so the last poll registers the waker",
      severity: contract ? "error" : "warning",
    });
    return;
  }
  if (facts.disabledInner || saysNeverReady(pending, facts, model)) return;
  const when = conditionPhrase(facts);
  const waits = waitedOn(facts, context);
  const help = `before returning Pending, poll an inner future/resource with \`${cxUnused ? "cx" : cx}\` (it registers the waker) or store \`${cxUnused ? "cx" : cx}.waker().clone()\` where the event that completes this future will call \`wake()\``;
  const notes = ["tokio-console shows such a task as idle with 0 wakers (its lost-waker warning); `async-doctor console check` reports it at run time"];
  let severity: Severity;
  let message: string;
  if (storesWaker) {
    severity = "error";
    message = `this path returns \`Poll::Pending\` without registering the waker, while another path of \`${scope.name}\` stores \`${cx}.waker()\`: when this path is taken nothing will wake the task (a lost wakeup)`;
  } else if (contract && (waits !== "own" || scope.owner.type === "closure_expression")) {
    severity = "error";
    message = `returns \`Poll::Pending\`${when ? ` ${when}` : ""} without registering the waker: nothing will wake this task, so it hangs (a lost wakeup)`;
  } else if (contract) {
    severity = "warning";
    message = `returns \`Poll::Pending\`${when ? ` ${when}` : ""} without registering the waker: that state belongs to this value, so only code holding it can change it, and a task that is only awaiting it is never woken; it works only if the owner changes the state and then polls again (a select loop, a poll-driven state machine)`;
  } else if (waits === "shared") {
    severity = "warning";
    message = `\`${scope.name}\` returns \`Poll::Pending\`${when ? ` ${when}` : ""} without registering the waker: that state can change elsewhere, and unless its caller registers a waker, nothing wakes the task when it does`;
  } else {
    // A helper or another trait's poll waiting on its own state: its caller decides when to poll again.
    return;
  }
  context.report(pending, { message, help, notes, severity });
}

function checkPollBody(scope: PollScope, context: FileCheckContext): void {
  const { model } = context;
  const { owner, body } = scope;
  // A future that is never ready by design (`Pending` is its whole body) is not a lost wakeup.
  if (/^\{\s*(std::task::|core::task::)?(Poll::)?Pending\s*\}$/.test(body.text.replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, ""))) return;
  model.visit((node) => {
    if (node.id !== owner.id && (node.type === "closure_expression" || node.type === "async_block" || node.type === "function_item")) return false;
    if (isPendingLiteral(node, model) && flowsToReturn(node, body, model)) checkPending(node, scope, context);
    return true;
  }, body);
}

function storesWakerIn(body: SyntaxNode, cx: string): boolean {
  return new RegExp(`\\b${cx}\\s*\\.\\s*waker\\s*\\(\\s*\\)(?!\\s*\\.\\s*wake(_by_ref)?\\s*\\()`).test(body.text);
}

function checkPollFunction(fn: SyntaxNode, context: FileCheckContext): void {
  const cx = pollContextParameter(fn, context.model);
  const body = fn.childForFieldName("body");
  if (!cx || !body) return;
  const info = context.model.functionInfo(fn);
  checkPollBody({ owner: fn, body, cx, contract: info.traitName !== undefined && wakerContractTraits.has(info.traitName), name: info.qualifiedName, storesWaker: storesWakerIn(body, cx) }, context);
}

/** `std::future::poll_fn(|cx| …)` / `futures::future::poll_fn`: the closure is a poll method whose Pending goes straight to the awaiting task. */
function checkPollFnClosure(closure: SyntaxNode, context: FileCheckContext): void {
  const { model } = context;
  const args = model.parentOf(closure);
  const call = args?.type === "arguments" ? model.parentOf(args) : undefined;
  const target = call?.type === "call_expression" ? model.resolveCall(call) : undefined;
  if (target?.kind !== "path" || target.segments[target.segments.length - 1] !== "poll_fn") return;
  const parameters = closure.childForFieldName("parameters");
  const first = parameters ? namedChildren(parameters)[0] : undefined;
  const cx = first?.type === "parameter" ? first.childForFieldName("pattern")?.text : first?.text;
  const body = closure.childForFieldName("body");
  if (cx && body) checkPollBody({ owner: closure, body, cx, contract: true, name: "poll_fn closure", storesWaker: storesWakerIn(body, cx) }, context);
}

export const pendingWithoutWaker: LintRule = {
  id: "pending-without-waker",
  defaultSeverity: "error",
  summary: "poll path returns Pending without registering the waker (lost wakeup, the task hangs)",
  visitors: { function_item: checkPollFunction, closure_expression: checkPollFnClosure },
};
