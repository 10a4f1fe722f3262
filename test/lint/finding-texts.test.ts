import path from "node:path";
import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { lintPaths, lintText } from "../../src/lint/api.ts";
import { defaultConfig } from "../../src/lint/config.ts";
import type { Finding } from "../../src/lint/finding.ts";
import { allRules } from "../../src/lint/rules/index.ts";
import { cancelSafeAlternative, dataLosingMethods } from "../../src/lint/catalog/cancel-safety.ts";
import { recreatedTimerTexts } from "../../src/lint/rules/select-recreated-future.ts";
import { detachedSpawnTexts } from "../../src/lint/rules/detached-spawn.ts";
import { boundHelp, temporaryHelp } from "../../src/lint/rules/guard-across-await.ts";
import { starvedBranchesMessage, starvedShutdownMessage } from "../../src/lint/rules/select-biased-starvation.ts";
import { cancelUnsafeMessage, userFunctionHelp, userFunctionMessage } from "../../src/lint/rules/select-cancel-unsafe.ts";
import { projectRoot } from "../support/shared.ts";

/**
 * Every message, help, note and fix description the rules produce, rendered and read like a reviewer
 * would: no doubled words ("use use the runtime"), no verb glued onto an advice that brings its own
 * ("use `.await` the future", "and use call the async body"), no template leftovers (`undefined`, `${`,
 * empty code spans, odd backticks, stray spaces). The texts come from linting every fixture, from a
 * snippet that calls every entry of the blocking and cancel-safety catalogues (directly and through a
 * sync helper), and from each rule's text builders with every variant.
 */

/** Each line calls one entry of the blocking catalogue (src/lint/catalog/blocking-calls.ts). */
const blockingCalls = [
  "std::thread::sleep(d);",
  "std::thread::park();",
  "std::thread::park_timeout(d);",
  "futures::executor::block_on(f);",
  "futures::executor::block_on_stream(s);",
  "pollster::block_on(f);",
  "tokio::runtime::Runtime::new();",
  "std::thread::scope(|s| {});",
  "std::net::TcpStream::connect(a);",
  "std::net::TcpStream::connect_timeout(a, d);",
  "std::fs::File::open(p);",
  "std::fs::File::create(p);",
  ...["read", "read_to_string", "write", "read_dir", "metadata", "symlink_metadata", "copy", "remove_file", "remove_dir", "remove_dir_all", "create_dir", "create_dir_all", "rename", "canonicalize", "hard_link", "read_link", "set_permissions"].map((f) => `std::fs::${f}(p);`),
  "reqwest::blocking::get(u);",
  "rt.block_on(f);",
  ...["blocking_lock", "blocking_lock_owned", "blocking_read", "blocking_write", "blocking_recv", "blocking_send"].map((m) => `m.${m}();`),
  "a.to_socket_addrs();",
  "let (tx, rx) = std::sync::mpsc::channel::<u8>(); rx.recv();",
  "let (tx, rx) = std::sync::mpsc::channel::<u8>(); rx.recv_timeout(d);",
  "let (tx, rx) = std::sync::mpsc::channel::<u8>(); rx.iter();",
  "let (tx, rx) = std::sync::mpsc::sync_channel::<u8>(1); tx.send(1);",
  "let h = std::thread::spawn(f); h.join();",
  "let g = m.lock().unwrap(); cv.wait(g);",
  "let b = std::sync::Barrier::new(2); b.wait();",
  ...["read_line(&mut s)", "lines()", "read_to_string(&mut s)", "read_to_end(&mut v)"].map((m) => `std::io::stdin().${m};`),
  "std::process::Command::new(c).output();",
  "std::process::Command::new(c).status();",
  "let child = std::process::Command::new(c).spawn(); child.wait();",
  "let child = std::process::Command::new(c).spawn(); child.wait_with_output();",
  "let l = std::net::TcpListener::bind(a); l.accept();",
  "let l = std::net::TcpListener::bind(a); l.incoming();",
  ...["read(&mut b)", "read_exact(&mut b)", "read_to_end(&mut v)", "read_to_string(&mut s)", "write(&b)", "write_all(&b)", "flush()"].map((m) => `let s = std::net::TcpStream::connect(a); s.${m};`),
  ...["recv(&mut b)", "recv_from(&mut b)", "send_to(&b, a)", "send(&b)"].map((m) => `let u = std::net::UdpSocket::bind(a); u.${m};`),
  "std::fs::OpenOptions::new().open(p);",
  "reqwest::blocking::Client::new().get(u).send();",
  "reqwest::blocking::Client::new().get(u).execute();",
  "ureq::get(u).call();",
  "my_crate::sync_flush(p);",
];

function blockingSnippet(): string {
  const parts = ["use std::net::ToSocketAddrs;"];
  blockingCalls.forEach((call, i) => {
    parts.push(`async fn direct_${i}() { ${call} }`, `fn helper_${i}() { ${call} }`, `async fn caller_${i}() { helper_${i}(); }`);
  });
  parts.push("#[tokio::main(flavor = \"current_thread\")]\nasync fn single() { tokio::task::block_in_place(|| 1); }");
  return parts.join("\n");
}

function cancelSnippet(): string {
  const args = (op: string) => (op === "send" ? "v" : op === "send_all" ? "&mut items" : op.startsWith("read_line") || op === "read_to_string" ? "&mut s" : op.startsWith("read_") && op !== "read_exact" && op !== "read_to_end" ? "" : "&mut b");
  const branches = [...dataLosingMethods.keys()].map(
    (op, i) => `async fn branch_${i}(mut s: S, tx: tokio::sync::mpsc::Sender<u8>, mut t: tokio::time::Interval) { loop { tokio::select! { r = ${op === "send" ? "tx" : "s"}.${op}(${args(op)}) => {}, _ = t.tick() => {} } } }`,
  );
  return branches.join("\n");
}

const texts = new Map<string, string>();
function collect(where: string, findings: Finding[]): void {
  for (const f of findings) {
    for (const [kind, text] of [["message", f.message], ["help", f.help], ...(f.notes ?? []).map((n) => ["note", n]), ...(f.fix ? [["fix", f.fix.description]] : [])] as Array<[string, string]>) {
      texts.set(text, `${where} ${f.rule} ${kind}`);
    }
  }
}
function add(where: string, ...items: string[]): void {
  for (const text of items) texts.set(text, where);
}

/** What a broken template leaves behind. */
const problems: Array<[string, RegExp]> = [
  ["doubled word", /(?<![`\w:])\b([A-Za-z]{2,})\s+\1\b(?![`\w(])/i],
  ["verb before an advice that has its own", /\buse\s+(call|make|run|move|keep|add|create|wait|read|write|start|drop|put|bind|reserve|loop|poll|await|`code` the)\b/],
  ["template leftover", /undefined|\bnull\b|NaN|\[object |\$\{|\{\{|\}\}/],
  ["empty code span", /``/],
  ["stray space", /\s{2,}|\s[,;:.)](?!\.)|\(\s/],
];

describe("finding texts of every rule", () => {
  beforeAll(async () => {
    const lintCases = await lintPaths([path.join(projectRoot, "test/fixtures/rust/lint-cases")], { config: defaultConfig });
    collect("lint-cases", lintCases.findings);
    const consoleFixtures = path.join(projectRoot, "test/fixtures/console-setup");
    const saved = process.env.RUSTFLAGS;
    delete process.env.RUSTFLAGS;
    try {
      for (const folder of readdirSync(consoleFixtures)) collect(folder, (await lintPaths([path.join(consoleFixtures, folder)], { config: defaultConfig })).findings);
    } finally {
      if (saved !== undefined) process.env.RUSTFLAGS = saved;
    }
    collect("examples", (await lintPaths([path.join(projectRoot, "examples")], { config: defaultConfig })).findings);
  }, 120_000);

  it("covers every entry of the blocking catalogue, directly and through a helper", async () => {
    const config = { ...defaultConfig, blockingFunctions: ["my_crate::sync_flush"] };
    const { findings } = await lintText(blockingSnippet(), "catalogue.rs", { config });
    collect("catalogue", findings);
    const lines = blockingSnippet().split("\n");
    blockingCalls.forEach((call, i) => {
      for (const fn of [`direct_${i}`, `caller_${i}`]) {
        const line = lines.findIndex((l) => l.startsWith(`async fn ${fn}(`)) + 1;
        const here = findings.filter((f) => f.line === line && (f.rule === "blocking-in-async" || f.rule === "runtime-in-async"));
        expect(here.length, `${fn}: ${call}`).toBeGreaterThanOrEqual(1);
      }
    });
    expect(findings.some((f) => f.message.includes("block_in_place"))).toBe(true);
  });

  it("covers every data-losing operation of the cancel-safety catalogue", async () => {
    const { findings } = await lintText(cancelSnippet(), "cancel.rs");
    collect("cancel-safety", findings);
    const unsafe = findings.filter((f) => f.rule === "select-cancel-unsafe");
    expect(unsafe).toHaveLength(dataLosingMethods.size);
  });

  it("renders every variant of the rules' text builders", () => {
    for (const intent of ["idle-exit", "request-limit", "named-inactivity", undefined] as const) {
      const texts = recreatedTimerTexts("tokio::time::sleep", "`d`", "timer", intent);
      add(`recreated ${intent}`, texts.message, texts.help);
    }
    const interval = recreatedTimerTexts("tokio::time::interval(…).tick()", "`d`", "interval", undefined);
    add("recreated interval", interval.message, interval.help);
    for (const result of [true, false]) {
      const t = detachedSpawnTexts("tokio::spawn", result);
      add(`detached ${result}`, t.message, t.help);
    }
    for (const kind of ["Mutex guard", "RwLock read guard", "RwLock write guard", "RefCell borrow", "RefCell mutable borrow", "tracing span guard (`Entered`)"]) {
      add(`guard ${kind}`, boundHelp(kind, "g"), temporaryHelp(kind));
    }
    add("biased", starvedShutdownMessage("recv", "`shutdown.changed()`"), starvedBranchesMessage("recv", ["`a.recv()`", "`t.tick()`"]));
    for (const op of dataLosingMethods.keys()) {
      add(`cancel ${op}`, cancelUnsafeMessage({ operation: op, wrappers: [] }), cancelUnsafeMessage({ operation: op, wrappers: ["timeout", "async { … }"] }), cancelSafeAlternative(op), userFunctionMessage("read_frame", op));
    }
    add("cancel user fn", userFunctionHelp);
  });

  it("has texts from every rule, and none is broken", () => {
    const rules = new Set([...texts.values()].map((where) => where.split(" ")[1]));
    for (const rule of allRules) expect(rules, `no finding of ${rule.id} was rendered`).toContain(rule.id);
    const broken: string[] = [];
    for (const [text, where] of texts) {
      const code = text.replace(/`[^`]*`/g, "`code`");
      for (const [name, pattern] of problems) {
        // Code spans may hold anything (`{ … }`, doubled tokens); prose may not.
        const subject = name === "empty code span" ? text : code;
        const match = pattern.exec(subject);
        if (match) broken.push(`${where}: ${name} "${match[0]}" in: ${text}`);
      }
      if ((text.match(/`/g)?.length ?? 0) % 2 !== 0) broken.push(`${where}: odd number of backticks in: ${text}`);
    }
    expect(broken, broken.join("\n")).toEqual([]);
  });
});
