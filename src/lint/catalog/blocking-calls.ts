import type { SyntaxNode } from "../../rust/parser.ts";
import type { FileModel } from "../../rust/file-model.ts";
import type { BindingIndex, BindingHint } from "../../rust/bindings.ts";
import { callArguments, isAwaited } from "../../rust/syntax.ts";

/**
 * The blocking APIs of ../shared/reference/async-pitfalls.md §2 and their async replacements.
 * `runtime` calls (nested block_on, tokio blocking_*) panic or deadlock inside a runtime and belong to
 * the runtime-in-async rule; `blocking` calls stall a worker thread and belong to blocking-in-async.
 */
export interface BlockingCall {
  category: "blocking" | "runtime";
  /** How the call is named in messages: `std::thread::sleep`, `Receiver::recv (std::sync::mpsc)`. */
  api: string;
  /**
   * What to do instead, as an imperative clause that reads on its own and after "make the helper
   * async and …": "use `tokio::time::sleep(d).await`", "`.await` the future instead".
   */
  replacement: string;
  /** Whether "for work that must block, move it into spawn_blocking" is sound advice (not for a terminal prompt). */
  offload?: boolean;
  /** What happens at run time, for the message. */
  effect?: string;
}

const fsFunctions = new Set([
  "read", "read_to_string", "write", "read_dir", "metadata", "symlink_metadata", "copy", "remove_file",
  "remove_dir", "remove_dir_all", "create_dir", "create_dir_all", "rename", "canonicalize", "hard_link",
  "read_link", "set_permissions",
]);

export interface ExtraBlockingFunctions {
  /** Paths or last segments configured as blocking by the user (async-doctor.toml `[blocking] functions`). */
  functions: string[];
}

export function classifyCall(call: SyntaxNode, model: FileModel, bindings: BindingIndex, extra: ExtraBlockingFunctions): BlockingCall | undefined {
  return model.memo("classifyCall", call, () => classifyUncached(call, model, bindings, extra));
}

/** Method names that can block with some receiver; any other method needs no receiver analysis. */
const methodsNeedingReceiver = new Set([
  "recv", "recv_timeout", "iter", "send", "join", "wait", "wait_while", "wait_timeout", "wait_timeout_while",
  "read_line", "lines", "read_to_string", "read_to_end", "output", "status", "wait_with_output", "accept",
  "incoming", "read", "read_exact", "write", "write_all", "flush", "recv_from", "send_to", "open", "execute", "call",
]);

function classifyUncached(call: SyntaxNode, model: FileModel, bindings: BindingIndex, extra: ExtraBlockingFunctions): BlockingCall | undefined {
  const target = model.resolveCall(call);
  if (!target) return undefined;
  if (target.kind === "path") return classifyPath(target.segments, call, model, extra);
  return classifyMethod(target.name, target.receiver, call, model, bindings);
}

function classifyPath(segments: string[], call: SyntaxNode, model: FileModel, extra: ExtraBlockingFunctions): BlockingCall | undefined {
  const path = segments.join("::");
  const last = segments[segments.length - 1]!;
  if (extra.functions.some((f) => f === path || f === last || path.endsWith(`::${f}`))) {
    return { category: "blocking", api: path, replacement: "run it in `tokio::task::spawn_blocking` or use an async equivalent", effect: "is configured as blocking", offload: false };
  }
  switch (path) {
    case "std::thread::sleep":
      return { category: "blocking", api: path, replacement: "use `tokio::time::sleep(duration).await`", effect: "parks the worker thread" };
    case "std::thread::park":
    case "std::thread::park_timeout":
      return { category: "blocking", api: path, replacement: "wait on a `tokio::sync::Notify` (`notified().await`)", effect: "parks the worker thread" };
    case "futures::executor::block_on":
    case "futures::executor::block_on_stream":
    case "futures_executor::block_on":
    case "pollster::block_on":
      return { category: "runtime", api: path, replacement: "`.await` the future instead", effect: "blocks the worker thread on a future that may need this same thread to make progress (deadlock)" };
    case "tokio::runtime::Runtime::new":
      return {
        category: "runtime",
        api: path,
        replacement: "use the runtime you are already on (`.await`, `tokio::spawn`, `Handle::current()`)",
        offload: false,
        effect: "creates a runtime inside a runtime; dropping or blocking on it there panics",
      };
    case "std::thread::scope":
      // The scope's own closure runs inline and the call returns only when every scoped thread has
      // finished (the closures given to `s.spawn` run elsewhere, the wait does not).
      return { category: "blocking", api: path, replacement: "run the scope inside `tokio::task::spawn_blocking(move || std::thread::scope(…)).await`", offload: false, effect: "waits on the worker thread until every scoped thread has finished" };
    case "std::net::TcpStream::connect":
    case "std::net::TcpStream::connect_timeout":
      return { category: "blocking", api: path, replacement: "use `tokio::net::TcpStream::connect(addr).await`", effect: "waits for the network on the worker thread" };
    case "std::net::UdpSocket::bind":
    case "std::net::TcpListener::bind":
      return undefined; // Binding is quick; the blocking happens in accept/recv, found through the binding.
    case "std::fs::File::open":
    case "std::fs::File::create":
      return { category: "blocking", api: path, replacement: `use \`tokio::fs::File::${last}(path).await\``, effect: "does file I/O on the worker thread" };
    default:
      break;
  }
  if (segments.length === 3 && segments[0] === "std" && segments[1] === "fs" && fsFunctions.has(last)) {
    return { category: "blocking", api: path, replacement: `use \`tokio::fs::${last}(…).await\``, effect: "does file I/O on the worker thread" };
  }
  if (segments[0] === "reqwest" && segments[1] === "blocking" && segments.length === 3 && /^[a-z_]+$/.test(last)) {
    return { category: "blocking", api: path, replacement: "use the async `reqwest::Client` (`.send().await`)", effect: "waits for HTTP on the worker thread (and reqwest::blocking panics inside a runtime)" };
  }
  if (path === "tokio::task::block_in_place") {
    const fn = model.contextOf(call).fn;
    if (fn?.runtimeFlavor === "current_thread") {
      return { category: "runtime", api: path, replacement: "use `tokio::task::spawn_blocking(…).await`", effect: "panics on a current_thread runtime", offload: false };
    }
  }
  return undefined;
}

function classifyMethod(name: string, receiver: SyntaxNode, call: SyntaxNode, model: FileModel, bindings: BindingIndex): BlockingCall | undefined {
  if (isAwaited(call)) return undefined;
  const args = callArguments(call);
  switch (name) {
    case "block_on":
      return { category: "runtime", api: "block_on", replacement: "`.await` the future instead", offload: false, effect: "starts a nested runtime loop on a runtime thread: tokio panics with \"Cannot start a runtime from within a runtime\", other executors deadlock" };
    case "blocking_lock":
    case "blocking_lock_owned":
    case "blocking_read":
    case "blocking_write":
    case "blocking_recv":
    case "blocking_send":
      return { category: "runtime", api: name, replacement: `use \`.${name.replace("blocking_", "")}(…).await\``, effect: "panics when called from inside a tokio runtime", offload: false };
    case "to_socket_addrs":
      return { category: "blocking", api: "ToSocketAddrs::to_socket_addrs", replacement: "use `tokio::net::lookup_host(addr).await`", effect: "resolves DNS on the worker thread" };
    default:
      break;
  }
  if (!methodsNeedingReceiver.has(name)) return undefined;
  const hint = bindings.hintFor(receiver);
  const root = hint?.root ?? "";
  const typeText = hint?.typeText ?? "";
  const isStdMpsc = root.startsWith("std::sync::mpsc") || root.startsWith("crossbeam_channel") || root.startsWith("crossbeam::channel");
  if (isStdMpsc && (name === "recv" || name === "recv_timeout" || name === "iter")) {
    return { category: "blocking", api: `Receiver::${name} (${root.split("::").slice(0, 3).join("::")})`, replacement: "use `tokio::sync::mpsc` and `rx.recv().await`", effect: "waits for a message on the worker thread" };
  }
  if (isStdMpsc && name === "send" && (hint?.methods.length === 0 && /sync_channel|SyncSender/.test(root + typeText))) {
    return { category: "blocking", api: "SyncSender::send", replacement: "use `tokio::sync::mpsc::Sender::send(…).await`", effect: "waits for buffer space on the worker thread" };
  }
  if (name === "join" && args.length === 0 && (/^std::thread::(spawn|Builder)/.test(root) || /JoinHandle/.test(typeText) && root.startsWith("std::thread"))) {
    return { category: "blocking", api: "std::thread::JoinHandle::join", replacement: "wait with `tokio::task::spawn_blocking(…).await`, or let the thread report through a `tokio::sync::oneshot`", offload: false, effect: "waits for a thread on the worker thread" };
  }
  if ((name === "wait" || name === "wait_while" || name === "wait_timeout" || name === "wait_timeout_while") && args.length >= 1) {
    const guard = args[0]!;
    const guardHint = guard.type === "identifier" ? bindings.hintFor(guard) : bindings.hintForExpression(guard);
    if (guardHint?.isGuard || /Condvar/.test(root + typeText)) {
      return { category: "blocking", api: "std::sync::Condvar::wait", replacement: "wait on a `tokio::sync::Notify` (`notified().await`)", effect: "parks the worker thread until notified" };
    }
  }
  if (name === "wait" && args.length === 0 && (root.startsWith("std::sync::Barrier") || (/^(Arc<)?(std::sync::)?Barrier\b/.test(typeText) && !root.startsWith("tokio")))) {
    return { category: "blocking", api: "std::sync::Barrier::wait", replacement: "use `tokio::sync::Barrier` (`wait().await`)", effect: "parks the worker thread" };
  }
  if (root === "std::io::stdin" && (name === "read_line" || name === "lines" || name === "read_to_string" || name === "read_to_end")) {
    // tokio's own `stdin()` is an uncancellable blocking read on the blocking pool that can hang runtime
    // shutdown until Enter is pressed; its docs advise a dedicated thread for interactive input.
    return {
      category: "blocking",
      api: `Stdin::${name}`,
      replacement: "read the terminal on a dedicated `std::thread` and send the lines to async code over a `tokio::sync::mpsc` channel (tokio's docs advise this for interactive input: `tokio::io::stdin()` blocks a blocking-pool thread that cannot be cancelled and can hang runtime shutdown until Enter is pressed)",
      effect: "waits for terminal input on the worker thread",
      offload: false,
    };
  }
  if (root === "std::process::Command::new" && (name === "output" || name === "status")) {
    return { category: "blocking", api: `std::process::Command::${name}`, replacement: `use \`tokio::process::Command::new(…).${name}().await\``, effect: "waits for a child process on the worker thread" };
  }
  if (root === "std::process::Command::new" && (name === "wait" || name === "wait_with_output") && hint?.methods.includes("spawn")) {
    return { category: "blocking", api: `std::process::Child::${name}`, replacement: "use `tokio::process::Command` and `child.wait().await`", effect: "waits for a child process on the worker thread" };
  }
  if ((root === "std::net::TcpListener::bind" || /^(std::net::)?TcpListener$/.test(typeText) && root.startsWith("std::net")) && (name === "accept" || name === "incoming")) {
    return { category: "blocking", api: `std::net::TcpListener::${name}`, replacement: "use `tokio::net::TcpListener` and `listener.accept().await`", effect: "waits for a connection on the worker thread" };
  }
  if (root.startsWith("std::net::TcpStream::connect") && ["read", "read_exact", "read_to_end", "read_to_string", "write", "write_all", "flush"].includes(name)) {
    return { category: "blocking", api: `std::net::TcpStream::${name}`, replacement: "use `tokio::net::TcpStream` with `AsyncReadExt`/`AsyncWriteExt` (`.await`)", effect: "waits for the network on the worker thread" };
  }
  if (root.startsWith("std::net::UdpSocket::bind") && (name === "recv" || name === "recv_from" || name === "send_to" || name === "send")) {
    return { category: "blocking", api: `std::net::UdpSocket::${name}`, replacement: "use `tokio::net::UdpSocket` (`.await`)", effect: "waits for the network on the worker thread" };
  }
  if (root.startsWith("std::fs::OpenOptions::new") && name === "open") {
    return { category: "blocking", api: "std::fs::OpenOptions::open", replacement: "use `tokio::fs::OpenOptions::new()…open(path).await`", effect: "does file I/O on the worker thread" };
  }
  if (root.startsWith("reqwest::blocking::") && (name === "send" || name === "execute")) {
    return { category: "blocking", api: `reqwest::blocking::RequestBuilder::${name}`, replacement: "use the async `reqwest::Client` (`.send().await`)", effect: "waits for HTTP on the worker thread (and reqwest::blocking panics inside a runtime)" };
  }
  if (root.startsWith("ureq::") && name === "call") {
    return { category: "blocking", api: "ureq::Request::call", replacement: "use an async HTTP client (reqwest) or run the call in `tokio::task::spawn_blocking`", offload: false, effect: "waits for HTTP on the worker thread" };
  }
  void model;
  return undefined;
}

export type { BindingHint };
