/**
 * Every row of the guidance review (test/fixtures/reviews/guidance-review.md) with how its fix is
 * checked: the wrong text gone and the corrected text present in the files that carried it, the
 * source cited in the topic's links, and an executable check where the claim can be checked here
 * (a program of test/fixtures/rust/guidance-claims run against Debian's tokio 1.24.2, an example that
 * must fail to compile, a topic example that CI compiles or runs, or `cargo tree`). Rows or parts of
 * rows about lint behaviour and finding texts are fixed by the rules work (issue #12); they are listed
 * with `rulesPart` and checked by that work's tests.
 */

export type ClaimCheck =
  /** A bin of the guidance-claims crate; every pattern must match its stdout. */
  | { kind: "run"; program: string; stdout: RegExp[] }
  /** An example of the guidance-claims crate that must fail to compile. */
  | { kind: "compile-fail"; example: string; code?: string; text: string }
  /** An example of the guidance-claims/without-tokio-unstable crate, checked without `--cfg tokio_unstable`. */
  | { kind: "compile-fail-without-tokio-unstable"; example: string; code: string; text: string }
  /** A topic example (by its stable name) that examples.test.ts compiles, runs or expects to fail. */
  | { kind: "topic-example"; name: string; mode: "check" | "run" | "compile_fail" }
  /** `cargo tree` on guidance-claims/feature-unification: the app's tokio has the tracing feature. */
  | { kind: "feature-unification" }
  /** A real-data fixture that must not contain a string. */
  | { kind: "fixture-lacks"; file: string; text: string; why: string }
  /** Not executable here; the source is cited in the topic or doc. */
  | { kind: "source-only"; why: string };

export interface FileExpectation {
  /** Path from the repository root. */
  file: string;
  absent?: RegExp[];
  present?: RegExp[];
}

export interface ReviewClaim {
  row: number;
  files: FileExpectation[];
  /** Topics whose `links` must cite this row. */
  citedBy?: string[];
  checks: ClaimCheck[];
  /** What the rules work (issue #12) fixes for this row: lint catalog, rule behaviour or finding texts. */
  rulesPart?: string;
}

const topic = (id: string) => `src/explain/topics/${id}.md`;

export const reviewClaims: ReviewClaim[] = [
  {
    row: 1,
    files: [
      { file: topic("select"), absent: [/`interval\(d\)\.tick\(\)` written there restart every iteration/], present: [/does not compile \(E0716/, /first tick completes immediately/] },
      { file: topic("time"), present: [/The first `tick\(\)\.await` completes\s+\*\*immediately\*\*/] },
    ],
    citedBy: ["select"],
    checks: [
      { kind: "run", program: "row01_interval_first_tick", stdout: [/^5 fresh 30 s intervals fired 5 times within 1 s: true$/m] },
      { kind: "compile-fail", example: "row01_interval_inline", code: "E0716", text: "temporary value dropped while borrowed" },
      { kind: "topic-example", name: "select_interval_inline", mode: "compile_fail" },
      { kind: "topic-example", name: "time_first_tick_immediate", mode: "run" },
    ],
  },
  {
    row: 2,
    files: [{ file: topic("select"), absent: [/`read_line`, `read_until`, `write_all`, `write_all_buf`/], present: [/Cancel-safe if you keep the buffer: `AsyncBufReadExt::read_until`/] }],
    citedBy: ["select"],
    checks: [
      { kind: "run", program: "row02_read_until_keeps_partial_data", stdout: [/buf after cancellation: "hel"/, /buf: "hello\\n"/] },
      { kind: "topic-example", name: "select_read_until_keeps_data", mode: "run" },
    ],
    rulesPart: "src/lint/catalog/cancel-safety.ts marks read_until data-losing; docs/rules/select-cancel-unsafe.md \"What it finds\" lists it",
  },
  {
    row: 3,
    files: [{ file: topic("select"), present: [/`AsyncWriteExt::write_all_buf` advances your `Buf` by what it wrote/] }],
    citedBy: ["select"],
    checks: [{ kind: "run", program: "row03_write_all_buf_advances", stdout: [/written before cancellation: 4, left in the buffer: "456789"/, /the reader got "0123456789"/] }],
    rulesPart: "the select-cancel-unsafe finding text for write_all_buf, and the catalog entry",
  },
  {
    row: 4,
    files: [{ file: topic("select"), absent: [/`read_u32` and\s+friends/], present: [/`read_u8`\/`read_i8` \(one byte: read or not\)/, /`read_u16` … `read_f64` \(a half-read number is gone\)/] }],
    citedBy: ["select"],
    checks: [{ kind: "run", program: "row04_read_u8_vs_read_u16", stdout: [/next read_u16 = 0x0203 \(0x0102 expected without loss\)/, /next two read_u8 = 0x01 0x02/] }],
    rulesPart: "catalog entries read_u8/read_i8, and docs/rules/select-cancel-unsafe.md \"read_u8…read_f64\"",
  },
  {
    row: 5,
    files: [
      { file: topic("pin-and-unpin"), absent: [/makes\s+such futures `!Unpin`/, /which is exactly what makes it `!Unpin`/], present: [/\*\*every\*\* `async fn` and `async \{\}` future is\s+`!Unpin`, even one that stores nothing/] },
      { file: "docs/explain.md", absent: [/hence why it is `!Unpin`/] },
      { file: "skills/rust-async-internals/SKILL.md", absent: [/why the future is `!Unpin`/] },
    ],
    citedBy: ["pin-and-unpin"],
    checks: [
      { kind: "compile-fail", example: "row05_empty_async_fn_not_unpin", code: "E0277", text: "cannot be unpinned" },
      { kind: "compile-fail", example: "row05_async_block_not_unpin", code: "E0277", text: "cannot be unpinned" },
      { kind: "topic-example", name: "pin_and_unpin_empty_async_fn_not_unpin", mode: "compile_fail" },
    ],
  },
  {
    row: 6,
    files: [{ file: topic("tokio-console"), absent: [/all required; missing any gives "connected but no tasks"/], present: [/\*\*panics at start-up\*\*/, /cargo\s+unifies features/, /Without `init\(\)`/] }],
    citedBy: ["tokio-console"],
    checks: [
      { kind: "feature-unification" },
      { kind: "source-only", why: "console-subscriber is not packaged in Debian 12, so the start-up panic (ConsoleLayer::build's assert!(cfg!(tokio_unstable))) cannot be run here; the assertion is cited from console-subscriber/src/lib.rs" },
    ],
  },
  {
    row: 7,
    files: [{ file: "docs/rules/console-setup.md", absent: [/console-subscriber still starts its gRPC server/, /Nothing crashes/], present: [/\*\*panics at start-up\*\*/] }],
    checks: [{ kind: "source-only", why: "as row 6: console-subscriber is not packaged in Debian 12, so it cannot be built offline here" }],
    rulesPart: "the console-setup finding text \"tokio-console will connect and show no tasks\"",
  },
  {
    row: 8,
    files: [{ file: topic("tokio-console"), absent: [/Enable tokio's `tracing` feature \(`full` does not include it\)/], present: [/listing it is harmless/] }],
    citedBy: ["tokio-console"],
    checks: [{ kind: "feature-unification" }],
    rulesPart: "console-setup's tracing-feature half (a guaranteed false positive) and its \"What it finds\" bullet",
  },
  {
    row: 9,
    files: [{ file: topic("tokio-console"), absent: [/0\.5 adds scheduled-time statistics/], present: [/arrived in console-subscriber \*\*0\.1\.9\*\*/, /0\.5\.0 added\s+the WatchState/] }],
    citedBy: ["tokio-console"],
    checks: [
      { kind: "fixture-lacks", file: "test/fixtures/shared/console/kitchen-sink.watchupdates.decoded.jsonl", text: "scheduled_time", why: "console-subscriber 0.1.8 (before 0.1.9) sends no scheduled time" },
      { kind: "source-only", why: "the 0.1.9 release is cited from console-subscriber's CHANGELOG; no 0.1.9+ capture is in the shared fixtures" },
    ],
  },
  {
    row: 10,
    files: [
      { file: "docs/runtime-rules/scheduling-delay.md", absent: [/console-subscriber ≥ 0\.5/], present: [/console-subscriber ≥ 0\.1\.9/] },
      { file: "docs/console.md", absent: [/`Sched` needs console-subscriber ≥ 0\.5/], present: [/`Sched` needs console-subscriber ≥ 0\.1\.9/] },
    ],
    checks: [{ kind: "fixture-lacks", file: "test/fixtures/shared/console/kitchen-sink.watchupdates.decoded.jsonl", text: "scheduled_time", why: "as row 9: 0.1.8 (before 0.1.9) sends no scheduled time" }],
  },
  {
    row: 11,
    files: [{ file: topic("tokio-console"), absent: [/a spin or heavy `yield_now`/], present: [/not `yield_now`, which tokio ≥ 1\.23 wakes after the poll/] }],
    citedBy: ["tokio-console"],
    checks: [
      {
        kind: "run",
        program: "row11_yield_now_is_not_a_self_wake",
        stdout: [/^tokio::task::yield_now on a runtime: polls 2, self-wakes 0, other wakes 1$/m, /^hand-written wake_by_ref \+ Pending: polls 2, self-wakes 1, other wakes 0$/m],
      },
    ],
  },
  {
    row: 12,
    files: [
      { file: topic("hand-written-future"), absent: [/as `tokio::task::yield_now` does, is fine/], present: [/it is not what `tokio::task::yield_now` does/] },
      { file: topic("wakers"), present: [/tokio's own yielding is not a self-wake/] },
    ],
    citedBy: ["hand-written-future", "wakers"],
    checks: [{ kind: "run", program: "row11_yield_now_is_not_a_self_wake", stdout: [/yield_now on a runtime: polls 2, self-wakes 0/, /^yield_now outside a tokio runtime: polls 2, self-wakes 1, other wakes 0$/m] }],
  },
  {
    row: 13,
    files: [{ file: "docs/runtime-rules/self-wake-spin.md", absent: [/is \*not\* a self-wake in tokio 1\.24 \(its wake is deferred\)/], present: [/since tokio 1\.23/, /since tokio 1\.44 an exhausted budget defers/] }],
    citedBy: ["wakers"],
    checks: [{ kind: "run", program: "row11_yield_now_is_not_a_self_wake", stdout: [/^300 ready messages, coop budget spent \(tokio 1\.24\.2\): received 300, polls 3, self-wakes 2, other wakes 0$/m] }],
  },
  {
    row: 14,
    files: [
      { file: "docs/rules/waker-hoarding.md", absent: [/woken 1 000 times \(extra polls\)/], present: [/coalesced/] },
      { file: topic("wakers"), present: [/Wakes are coalesced/] },
    ],
    citedBy: ["wakers"],
    checks: [{ kind: "run", program: "row14_wakes_coalesce", stdout: [/^1000 wake calls, polls after them: 1$/m] }],
  },
  {
    row: 15,
    files: [
      { file: topic("wakers"), absent: [/a task can move between worker threads and some/], present: [/stays\s+valid when the task moves between worker threads/] },
      { file: topic("hand-written-future"), absent: [/the task may have moved to another worker since/] },
    ],
    citedBy: ["wakers", "hand-written-future"],
    checks: [{ kind: "run", program: "row15_waker_survives_migration", stdout: [/woke the task 200 times; it ran on more than one worker thread: true/] }],
  },
  {
    row: 16,
    files: [{ file: topic("tokio-tasks"), absent: [/an idle task's future is dropped right away/], present: [/only \*\*requests\*\* cancellation and returns before it has happened/] }],
    citedBy: ["tokio-tasks"],
    checks: [
      {
        kind: "run",
        program: "row16_abort_is_scheduled",
        stdout: [/^future dropped when abort\(\) returned: false$/m, /^after awaiting the JoinHandle: dropped true, cancelled true$/m, /^aborted but finished before its next yield: Ok\(7\)$/m],
      },
    ],
  },
  {
    row: 17,
    files: [{ file: topic("blocking-in-async"), absent: [/`futures::executor::block_on`, `Runtime::block_on` \| `\.await` \(nested runtimes panic/], present: [/it does not panic: it parks the worker/] }],
    citedBy: ["blocking-in-async"],
    checks: [
      {
        kind: "run",
        program: "row17_block_on_inside_a_task",
        stdout: [/^Handle::block_on inside a task panicked: true$/m, /^futures::executor::block_on of a ready future: 42$/m, /still blocked after 300 ms \(deadlock\)$/m],
      },
    ],
  },
  {
    row: 18,
    files: [{ file: topic("profiling"), absent: [/newer tokio stabilised part of it/], present: [/still needs `--cfg tokio_unstable`/] }],
    citedBy: ["profiling"],
    checks: [{ kind: "compile-fail-without-tokio-unstable", example: "row18_metrics_need_tokio_unstable", code: "E0599", text: "no method named `metrics`" }],
  },
  {
    row: 19,
    files: [{ file: topic("profiling"), absent: [/task dump \(tokio ≥ 1\.29, `--cfg tokio_unstable`\) or/], present: [/Linux only/, /`taskdump` feature from 1\.48/, /no split debuginfo/] }],
    citedBy: ["profiling"],
    checks: [{ kind: "source-only", why: "tokio 1.24.2 has no task dumps (1.29+); the requirements are cited from Handle::dump's docs" }],
  },
  {
    row: 20,
    files: [{ file: topic("async-stack-traces"), absent: [/Linux x86, x86_64, aarch64;/], present: [/s390x since tokio 1\.53/, /no `split-debuginfo`/, /`current_thread` runtime the dump must\s+be requested from inside/] }],
    citedBy: ["async-stack-traces"],
    checks: [{ kind: "source-only", why: "as row 19: tokio 1.24.2 has no task dumps; cited from Handle::dump's docs and the CHANGELOG" }],
  },
  {
    row: 21,
    files: [
      { file: topic("tokio-tasks"), present: [/\*\*everything else in\s+the same task stops\*\*/, /outside any runtime it just runs the closure/, /cannot be cancelled/] },
      { file: topic("blocking-in-async"), present: [/Everything else in the same task/] },
    ],
    citedBy: ["tokio-tasks", "blocking-in-async"],
    checks: [{ kind: "run", program: "row21_block_in_place_suspends_the_task", stdout: [/^ticks of the other join! branch during 200 ms of block_in_place: 0$/m, /^block_in_place outside a runtime returned 5$/m] }],
  },
  {
    row: 22,
    files: [{ file: topic("tokio-tasks"), absent: [/a runaway closure can\s+delay runtime shutdown/], present: [/\*\*waits for it indefinitely\*\*/, /`shutdown_background`/, /dedicated `std::thread`/] }],
    citedBy: ["tokio-tasks", "runtime-lifecycle"],
    checks: [
      { kind: "run", program: "row22_shutdown_waits_for_spawn_blocking", stdout: [/^drop waited for the 600 ms job: true$/m, /^shutdown_timeout\(100 ms\) returned before the 3 s job ended: true$/m] },
      { kind: "topic-example", name: "runtime_lifecycle_shutdown_timeout", mode: "run" },
    ],
  },
  {
    row: 23,
    files: [{ file: topic("tokio-tasks"), absent: [/returns `Pending` once after scheduling a wake-up, letting other tasks run/], present: [/may poll the same task again at once/, /`tokio::task::consume_budget\(\)\.await` \(stable since tokio 1\.39/] }],
    citedBy: ["tokio-tasks"],
    checks: [
      { kind: "run", program: "row23_budget_and_consume_budget", stdout: [/^1000 ready messages took 8 polls \(128 per poll, then Pending\): true$/m, /^300 consume_budget calls: polls 3, self-wakes 2, other wakes 0$/m] },
      { kind: "topic-example", name: "tokio_tasks_coop_budget", mode: "run" },
    ],
  },
  {
    row: 24,
    files: [{ file: topic("async-io"), present: [/can make\s+shutdown hang until the user presses enter/, /spawn a\s+dedicated `std::thread`/] }],
    citedBy: ["async-io"],
    checks: [{ kind: "topic-example", name: "async_io_stdin_thread", mode: "check" }],
    rulesPart: "the blocking-in-async help for Stdin::read_line (suggests tokio::io::stdin for an interactive prompt)",
  },
  {
    row: 25,
    files: [{ file: topic("select"), present: [/for writes `write`\/`write_buf`,\s+or `write_all_buf` with a `Buf` that outlives the loop/] }],
    checks: [{ kind: "run", program: "row03_write_all_buf_advances", stdout: [/the reader got "0123456789"/] }],
    rulesPart: "the select-cancel-unsafe help for write_all (offers read-side replacements)",
  },
  {
    row: 26,
    files: [],
    checks: [{ kind: "source-only", why: "finding texts of runtime-in-async only" }],
    rulesPart: "the garbled runtime-in-async help templates",
  },
  {
    row: 27,
    files: [{ file: topic("sync-primitives"), present: [/held across an await \| `tokio::sync::RwLock`/, /`RefCell` borrow near an await \| end the borrow before the await/] }],
    citedBy: ["sync-primitives"],
    checks: [{ kind: "topic-example", name: "sync_primitives_1", mode: "check" }],
    rulesPart: "the guard-across-await help for RwLock guards and RefCell borrows",
  },
  {
    row: 28,
    files: [{ file: topic("hand-written-future"), absent: [/There are only two honest/], present: [/There are three honest ways/, /You woke it yourself/] }],
    citedBy: ["hand-written-future"],
    checks: [{ kind: "run", program: "row11_yield_now_is_not_a_self_wake", stdout: [/^hand-written wake_by_ref \+ Pending: polls 2, self-wakes 1, other wakes 0$/m] }],
  },
  {
    row: 29,
    files: [
      { file: "skills/rust-async-internals/SKILL.md", absent: [/only `Pin::new_unchecked` is unsafe/], present: [/get_unchecked_mut/] },
      { file: topic("pin-and-unpin"), present: [/`get_unchecked_mut`, `map_unchecked_mut`, `map_unchecked` and `into_inner_unchecked`/] },
    ],
    citedBy: ["pin-and-unpin"],
    checks: [
      { kind: "compile-fail", example: "row29_get_unchecked_mut_is_unsafe", code: "E0133", text: "is unsafe and requires unsafe" },
      { kind: "topic-example", name: "pin_and_unpin_get_unchecked_mut_is_unsafe", mode: "compile_fail" },
    ],
  },
  {
    row: 30,
    files: [{ file: topic("future-not-send"), absent: [/edition 2024\s+shortens `if let` temporaries/], present: [/Edition 2024 only drops them before the `else` block/] }],
    citedBy: ["future-not-send"],
    checks: [
      { kind: "compile-fail", example: "row30_if_let_guard_in_then_body", text: "future cannot be sent between threads safely" },
      { kind: "compile-fail", example: "row30_if_let_else_2021", text: "future cannot be sent between threads safely" },
      { kind: "run", program: "row30_if_let_else_2024", stdout: [/^edition 2024: else-branch await is Send, lookup = 0$/m] },
    ],
  },
  {
    row: 31,
    files: [
      { file: "docs/rules/select-biased-starvation.md", absent: [/shutdown branch is never polled\. SIGTERM/, /Under load the shutdown branch is never polled/], present: [/after about 128 ready operations/] },
      { file: topic("select"), absent: [/a branch that is always ready starves those\s+below it/], present: [/the branches below \*\*are\*\* polled/] },
    ],
    citedBy: ["select"],
    checks: [
      { kind: "run", program: "row31_biased_busy_branch_yields_to_budget", stdout: [/^messages handled before the shutdown branch won: 128 of 10000$/m, /^with a oneshot as the shutdown branch: 1000 of 1000$/m] },
      { kind: "topic-example", name: "select_biased_budget", mode: "run" },
    ],
  },
  {
    row: 32,
    files: [{ file: topic("join-and-joinset"), present: [/bounded with a `Semaphore`: its pool grows to 512 threads by default/] }],
    citedBy: ["join-and-joinset"],
    checks: [{ kind: "run", program: "row32_blocking_pool_limit", stdout: [/^600 blocking jobs at once: 512 blocking threads besides the workers, the rest queued: true$/m] }],
  },
];
