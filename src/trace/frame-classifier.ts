import { crateOf } from "./frame-name.ts";
import type { Frame, FrameClass, SourceLocation } from "./types.ts";

/**
 * Decides what each frame is. Written against current Rust (reference §3): std paths under `std::sys::…`,
 * `__rustc::rust_begin_unwind`, v0 crate hashes (names are normalised before this), Debian's registry
 * paths, and line-tables-only names without a module path (`{async_fn#0}`), which are judged by file.
 */

const stdCrates = new Set(["std", "core", "alloc", "__rustc", "std_detect", "panic_unwind", "panic_abort", "compiler_builtins", "rustc_std_workspace_core", "hashbrown", "addr2line", "gimli", "miniz_oxide"]);

const panicNames: RegExp[] = [
  /(^|::)rust_begin_unwind$/,
  /^core::panicking::/,
  /^core::result::unwrap_failed/,
  /^core::option::(expect|unwrap)_failed/,
  /^core::option::Option<T>::(expect|unwrap)$/,
  /^core::result::Result<T,\s?E>::(expect|unwrap)$/,
  /^std::panicking::(begin_panic|rust_panic|default_hook|panic_with_hook|panic_handler|rust_panic_with_hook|panic_count)/,
  /^std::panicking::begin_panic_handler/,
  /__rust_end_short_backtrace/,
  /^std::sys::backtrace::/,
  /^std::sys_common::backtrace::/,
  /^std::backtrace_rs::/,
  /^<?std::backtrace::Backtrace>?::(create|force_capture|capture)/,
  /^<std::sys::backtrace::BacktraceLock>::print/,
  /^<<std::sys::backtrace::BacktraceLock>::print::DisplayBacktrace/,
  /^rust_panic$/,
  /^__rust_start_panic$/,
  /^_Unwind_/,
];

const startNames: RegExp[] = [
  /^std::rt::lang_start/,
  /__rust_begin_short_backtrace/,
  /^__rust_try$/,
  /^std::panicking::(r#)?try/,
  /^std::panicking::catch_unwind/,
  /^std::panic::catch_unwind/,
  /^core::ops::function::FnOnce::call_once/,
  /^core::ops::function::impls::/,
  /^<.* as core::ops::function::FnOnce<.*>>::call_once/,
  /vtable[._]shim/,
  /^std::thread::Builder::spawn_unchecked/,
  /^std::thread::lifecycle::/,
  /^std::sys::pal::\w+::thread::Thread::new::thread_start/,
  /^std::sys::thread::\w+::Thread::new::thread_start/,
  /^std::sys::.*thread_start$/,
  /^<alloc::boxed::Box<F,\s?A> as core::ops::function::FnOnce<Args>>::call_once/,
  /^(start_thread|thread_start|clone3?|_start|__clone3?|main)$/,
  /^__libc_start/,
];

const glueNames: RegExp[] = [
  /^<core::pin::Pin<.*> as core::future::future::Future>::poll$/,
  /^<core::pin::Pin<P> as core::future::future::Future>$/,
  /PollFn</,
  /MaybeDone</,
  /^<futures_util::future::/,
  /^futures_util::future::/,
  /^<core::future::/,
  /^core::future::/,
  /^<&mut F as core::future::future::Future>::poll/,
  /^<core::panic::unwind_safe::AssertUnwindSafe<F> as core::future::future::Future>::poll/,
  /^<core::panic::unwind_safe::AssertUnwindSafe<.*> as core::ops::function::FnOnce<\(\)>>::call_once/,
  /^<tokio::task::coop::Coop<F> as core::future::future::Future>/,
  /^<tokio::future::/,
  /^tokio::future::poll_fn/,
  /^<tokio::runtime::coop::Coop/,
  // line-tables-only names lose their path: judge glue by the callee's own name
  /^poll<alloc::boxed::Box<\(dyn core::future::future::Future/,
];

const tokioRuntime = /^<?tokio::(runtime|loom|park|coop|util|macros::scoped_tls|task::(coop|task_local|spawn|blocking|local|join_set|builder)|process|signal)::/;
const runtimeImpl = /^<tokio::runtime::/;

/** Path fragments of code that is not the user's. */
const rustcPath = /^\/rustc\/[0-9a-f]{7,40}\//;
const dependencyPaths: RegExp[] = [
  /[\\/]\.cargo[\\/]registry[\\/]/,
  /[\\/]\.cargo[\\/]git[\\/]/,
  /^\/usr\/share\/cargo\/registry\//,
  /[\\/]vendor[\\/][^\\/]+-\d+\.\d+\.\d+[^\\/]*[\\/]/,
  /^\.\/csu\//,
  /^\/build\/glibc/,
];

export function isDependencyPath(file: string): boolean {
  return dependencyPaths.some((re) => re.test(file));
}
export function isStdPath(file: string): boolean {
  return rustcPath.test(file) || /[\\/]lib[\\/]rustlib[\\/]src[\\/]rust[\\/]library[\\/]/.test(file);
}
export function isUserPath(file: string): boolean {
  return !isStdPath(file) && !isDependencyPath(file);
}

/** Crate of a dependency path (`…/tokio-1.24.2/src/…` → tokio). */
export function dependencyCrateOfPath(file: string): string | undefined {
  const m = /[\\/]([A-Za-z0-9_-]+?)-\d+\.\d+\.\d+[^\\/]*[\\/]/.exec(file);
  return m ? m[1].replace(/-/g, "_") : undefined;
}

function isTokioRuntimeFile(loc?: SourceLocation): boolean {
  return loc !== undefined && /[\\/]tokio-\d[^\\/]*[\\/](tokio[\\/])?src[\\/](runtime|loom|park|util)[\\/]/.test(loc.file);
}

const classCache = new Map<string, FrameClass>();

export function classifyName(name: string, loc: SourceLocation | undefined, userCrates: ReadonlySet<string>): FrameClass {
  // The answer depends on the name, the file and whether the crate is a user crate.
  const crate = crateOf(name);
  const key = `${name}\u0000${loc?.file ?? ""}\u0000${crate !== undefined && userCrates.has(crate) ? 1 : 0}`;
  const hit = classCache.get(key);
  if (hit !== undefined) return hit;
  const out = classifyUncached(name, loc, userCrates);
  if (classCache.size > 50_000) classCache.clear();
  classCache.set(key, out);
  return out;
}

function classifyUncached(name: string, loc: SourceLocation | undefined, userCrates: ReadonlySet<string>): FrameClass {
  // line-tables-only builds print the user's `fn main` as plain `main`, like the C entry point: the file decides.
  if (name === "main" && loc !== undefined && isUserPath(loc.file) && !/^\.\/csu\//.test(loc.file)) return "user";
  if (name === "<unknown>" || name === "" || /^0x[0-9a-f]+$/i.test(name)) return "unknown";
  if (panicNames.some((re) => re.test(name))) return "panic";
  if (glueNames.some((re) => re.test(name))) return "glue";
  if (startNames.some((re) => re.test(name))) return "start";
  const crate = crateOf(name);
  if (crate === "tokio" && (tokioRuntime.test(name) || runtimeImpl.test(name))) return "runtime";
  if (name.startsWith("<tokio::runtime::")) return "runtime";
  if (crate !== undefined && stdCrates.has(crate)) return "std";
  if (crate !== undefined && userCrates.has(crate)) return "user";
  if (loc) {
    if (isStdPath(loc.file)) return "std";
    if (isTokioRuntimeFile(loc)) return "runtime";
    if (isDependencyPath(loc.file)) {
      // A user async block polled by a dependency's macro (`select!`) keeps the user's name.
      return "dependency";
    }
    return "user";
  }
  if (crate === "tokio" || crate === "futures_util" || crate === "futures" || crate === "async_trait") return "dependency";
  if (crate !== undefined) return "dependency";
  return "unknown";
}

const foldedClasses: ReadonlySet<FrameClass> = new Set(["panic", "std", "start", "glue", "runtime", "unknown"]);

export function isFoldedClass(c: FrameClass): boolean {
  return foldedClasses.has(c);
}

/**
 * The crates whose code is the user's: crates of frames located in user files (relative paths, or
 * absolute paths outside the toolchain and registries).
 */
export function userCratesOf(frames: readonly Frame[]): Set<string> {
  const crates = new Set<string>();
  for (const f of frames) {
    if (!f.location || !isUserPath(f.location.file)) continue;
    const crate = crateOf(f.demangled);
    if (crate && !stdCrates.has(crate) && crate !== "tokio") crates.add(crate);
  }
  return crates;
}

export function classifyFrames(frames: Frame[], extraUserCrates: Iterable<string> = []): void {
  const userCrates = userCratesOf(frames);
  for (const c of extraUserCrates) userCrates.add(c);
  for (const f of frames) {
    f.class = classifyName(f.demangled, f.location, userCrates);
    // A user closure located in a dependency's macro (select!) is still user code.
    if (f.class === "dependency" && crateOf(f.demangled) !== undefined && userCrates.has(crateOf(f.demangled)!)) f.class = "user";
    // line-tables-only names have no path: a `{closure#0}` polled inside select.rs is the user's branch.
    if (f.class === "dependency" && /^\{closure#\d+\}/.test(f.demangled) && f.location && /[\\/]macros[\\/]select\.rs$/.test(f.location.file)) f.class = "user";
    f.folded = isFoldedClass(f.class);
  }
}
